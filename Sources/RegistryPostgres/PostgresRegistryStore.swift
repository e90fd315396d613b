import RegistryCore
import RegistryModel
import Synchronization

/// A `RegistryStore` in a PostgreSQL database, over one blocking libpq connection used under a lock (the
/// registry reads from memory and calls the store from blocking worker threads, one write batch at a time).
///
/// Every `apply` is one transaction; when it returns the commit is as durable as the server's settings make it.
/// A connection lost to a restart or a network failure is re-established by the next call.
public final class PostgresRegistryStore: RegistryStore, @unchecked Sendable {
    // @unchecked: the connection is touched only inside `lock`.
    public let target: PostgresTarget
    private let lock = Mutex(())
    private let connection: PostgresConnection

    /// Connects to the database at `uri` (`postgresql://USER:PASSWORD@HOST:PORT/DBNAME`) and creates or upgrades
    /// the registry's tables.
    public init(uri: String) throws(RegistryError) {
        do throws(PostgresError) {
            target = try PostgresTarget(uri: uri)
        } catch {
            throw .storeFailure(error.storageFailure("opening a PostgreSQL store"))
        }
        do throws(PostgresError) {
            connection = try PostgresConnection(target)
            try PostgresSchema.migrate(connection)
        } catch {
            throw .storeFailure(error.storageFailure("opening \(target)"))
        }
    }

    public func loadAll() throws(RegistryError) -> StoreContents {
        try lock.withLock { _ throws(RegistryError) -> StoreContents in
            do throws(PostgresError) {
                // One snapshot for all the tables.
                return try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { () throws(PostgresError) in try load() }
            } catch {
                throw .storeFailure(error.storageFailure("reading \(target)"))
            }
        }
    }

    public func apply(_ changes: [StoreChange]) throws(RegistryError) {
        try lock.withLock { _ throws(RegistryError) in
            do throws(PostgresError) {
                try transaction("BEGIN") { () throws(PostgresError) in
                    // An empty transaction is the health probe's: PostgreSQL commits one even where writes are
                    // refused (a standby, a read-only database), so it asks.
                    if changes.isEmpty { try checkWritable() }
                    for change in changes { try write(change) }
                }
            } catch {
                throw .storeFailure(error.storageFailure("writing to \(target)"))
            }
        }
    }

    /// Runs `body` in a transaction begun with `begin`, committed when it returns and rolled back when it throws.
    ///
    /// A commit whose connection breaks before the answer arrives may or may not have happened; it is reported as
    /// failed (unavailable), as PostgreSQL's clients all must.
    private func transaction<T>(_ begin: String, _ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        try connection.begin(begin)
        do {
            let value = try body()
            try connection.execute("COMMIT")
            return value
        } catch {
            connection.rollback()
            throw error
        }
    }

    private func checkWritable() throws(PostgresError) {
        let sql = "SELECT current_setting('transaction_read_only')"
        var readOnly = false
        try connection.run(sql) { row in readOnly = row.text(0) == "on" }
        if readOnly { throw PostgresError(sqlState: "25006", message: "the database accepts no writes (transaction_read_only is on)", statement: sql) }
    }

    private func load() throws(PostgresError) -> StoreContents {
        var contents = StoreContents()
        try connection.run(
            "SELECT \(StoredColumns.schemaColumns) FROM schemas ORDER BY context, id"
        ) { row throws(PostgresError) in
            do throws(StoredColumnDamage) {
                contents.schemas.append(try StoredColumns.schema(from: row))
            } catch {
                throw .corrupt(error.message)
            }
        }
        try connection.run("SELECT subject, version, schema_id, deleted FROM versions") { row in
            contents.versions.append(
                StoredVersion(subject: row.text(0) ?? "", version: row.integer(1), schemaId: row.integer(2), deleted: row.bool(3) ?? false))
        }
        try connection.run("SELECT scope, compatibility, normalize FROM configs") { row in
            contents.addConfig(scope: row.text(0) ?? "", compatibility: row.text(1), normalize: row.bool(2))
        }
        try connection.run("SELECT scope, mode FROM modes") { row in
            contents.addMode(scope: row.text(0) ?? "", mode: row.text(1) ?? "")
        }
        // The stored schemas count too, as in the SQLite store, in case rows were copied in without their counter.
        try connection.run(
            """
            SELECT c.context, GREATEST(c.max_schema_id, coalesce((SELECT max(s.id) FROM schemas s WHERE s.context = c.context), 0))
            FROM contexts c
            """
        ) { row in
            contents.maxSchemaIds[row.text(0) ?? "."] = row.integer(1)
        }
        return contents
    }

    private func write(_ change: StoreChange) throws(PostgresError) {
        switch change {
        case .insertSchema(let schema):
            try connection.run(
                "INSERT INTO schemas (context, id, guid, schema_type, schema, refs, metadata, rule_set) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                [
                    schema.context, String(schema.id), schema.guid, schema.schemaType, schema.schema,
                    StoredColumns.text(of: schema.references), StoredColumns.text(of: schema.metadata), StoredColumns.text(of: schema.ruleSet),
                ])
            // The counter rises with every insert (SQLite's waits for a delete, to write one page fewer): the table
            // alone then tells which ids are taken, which nodes sharing the database will need.
            try connection.run(
                """
                INSERT INTO contexts (context, max_schema_id) VALUES ($1, $2)
                ON CONFLICT (context) DO UPDATE SET max_schema_id = GREATEST(contexts.max_schema_id, EXCLUDED.max_schema_id)
                """, [schema.context, String(schema.id)])
        case .deleteSchema(let key):
            try connection.run("DELETE FROM schemas WHERE context = $1 AND id = $2", [key.context, String(key.id)])
        case .insertVersion(let version):
            try connection.run(
                "INSERT INTO versions (subject, version, schema_id, deleted) VALUES ($1, $2, $3, $4)",
                [version.subject, String(version.version), String(version.schemaId), String(version.deleted)])
        case .setVersionDeleted(let subject, let version, let deleted):
            try connection.run(
                "UPDATE versions SET deleted = $1 WHERE subject = $2 AND version = $3", [String(deleted), subject, String(version)])
        case .deleteVersion(let subject, let version):
            try connection.run("DELETE FROM versions WHERE subject = $1 AND version = $2", [subject, String(version)])
        case .setConfig(let subject, let config):
            let scope = StoredColumns.scope(of: subject)
            if let config {
                try connection.run(
                    """
                    INSERT INTO configs (scope, compatibility, normalize) VALUES ($1, $2, $3)
                    ON CONFLICT (scope) DO UPDATE SET compatibility = EXCLUDED.compatibility, normalize = EXCLUDED.normalize
                    """, [scope, config.compatibilityLevel?.rawValue, config.normalize.map { String($0) }])
            } else {
                try connection.run("DELETE FROM configs WHERE scope = $1", [scope])
            }
        case .setMode(let subject, let mode):
            let scope = StoredColumns.scope(of: subject)
            if let mode {
                try connection.run(
                    "INSERT INTO modes (scope, mode) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET mode = EXCLUDED.mode",
                    [scope, mode.rawValue])
            } else {
                try connection.run("DELETE FROM modes WHERE scope = $1", [scope])
            }
        case .deleteContext(let context):
            try connection.run("DELETE FROM contexts WHERE context = $1", [context])
        case .raiseMaxSchemaId(let context, let id):
            try connection.run(
                """
                INSERT INTO contexts (context, max_schema_id) VALUES ($1, $2)
                ON CONFLICT (context) DO UPDATE SET max_schema_id = GREATEST(contexts.max_schema_id, EXCLUDED.max_schema_id)
                """, [context, String(id)])
        }
    }
}
