import RegistryCore
import RegistryModel
import Synchronization

/// A `RegistryStore` in a PostgreSQL database that any number of registry nodes share.
///
/// Each node keeps one blocking libpq connection for reads and writes, used under a lock (the registry calls the
/// store from blocking worker threads, one write batch at a time), and one more that only listens for other nodes'
/// commits. Every commit takes the cluster-wide write lock (a transaction-scoped advisory lock), appends its changes
/// to the `changes` log under the next number, and notifies the other nodes; so log numbers follow commit order
/// without gaps, and a node that has applied the log up to n knows everything committed up to n.
///
/// Every `apply` is one transaction; when it returns the commit is as durable as the server's settings make it.
/// A connection lost to a restart or a network failure is re-established by the next call.
public final class PostgresRegistryStore: SharedRegistryStore, @unchecked Sendable {
    // @unchecked: `connection` is touched only inside `lock`, `listener` only inside `listening`.
    public let target: PostgresTarget
    private let lock = Mutex(())
    private let connection: PostgresConnection
    private let listening = Mutex(())
    private var listener: PostgresConnection?

    /// The channel commits notify, with their log number as the payload.
    static let channel = "schema_registry_changes"
    /// The advisory lock key every write takes: "SCHEMAWR" in ASCII.
    static let writeLock: Int64 = 0x5343_4845_4D41_5752
    /// Log entries kept behind the newest; a node further behind than this reloads everything.
    static let retainedEntries: Int64 = 100_000

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
        try loadAllWithPosition().0
    }

    public func loadAllWithPosition() throws(RegistryError) -> (StoreContents, ChangePosition) {
        try reading { () throws(PostgresError) in
            // One snapshot for all the tables and the log.
            try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { () throws(PostgresError) in
                (try load(), try logBounds().newest)
            }
        }
    }

    public func changes(after position: ChangePosition) throws(RegistryError) -> ChangeFeed {
        try reading { () throws(PostgresError) in
            try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { () throws(PostgresError) in try feed(after: position) }
        }
    }

    public func apply(_ changes: [StoreChange]) throws(RegistryError) {
        guard !changes.isEmpty else {
            // The health probe's empty transaction: PostgreSQL commits one even where writes are refused (a standby,
            // a read-only database), so it asks.
            return try writing { () throws(PostgresError) in try transaction("BEGIN") { () throws(PostgresError) in try checkWritable() } }
        }
        _ = try commit(after: nil) { _ throws(RegistryError) in changes }
    }

    public func commit(after position: ChangePosition, _ plan: (ChangeFeed) throws(RegistryError) -> [StoreChange])
        throws(RegistryError) -> ChangePosition
    {
        try commit(after: Optional(position), plan)
    }

    /// `position` nil: a write from outside any registry (a restore, a copy), which follows nothing.
    private func commit(after position: ChangePosition?, _ plan: (ChangeFeed) throws(RegistryError) -> [StoreChange])
        throws(RegistryError) -> ChangePosition
    {
        var planFailure: RegistryError?
        do throws(RegistryError) {
            return try writing { () throws(PostgresError) in
                try transaction("BEGIN") { () throws(PostgresError) -> ChangePosition in
                    try connection.run("SELECT pg_advisory_xact_lock($1)", [String(Self.writeLock)])
                    // Under the lock no other commit can happen, so what this transaction reads of the log is all of it.
                    let feed: ChangeFeed
                    if let position { feed = try self.feed(after: position) } else { feed = .changes([], position: try logBounds().newest) }
                    let changes: [StoreChange]
                    do throws(RegistryError) { changes = try plan(feed) } catch {
                        planFailure = error
                        throw PostgresError(sqlState: "P0001", message: "planning failed")
                    }
                    guard !changes.isEmpty else { return feed.position }
                    for change in changes { try write(change) }
                    let entry = ChangePosition(number: feed.position.number + 1, token: Self.newToken())
                    try connection.run(
                        "INSERT INTO changes (seq, token, entry) VALUES ($1, $2, $3)",
                        [String(entry.number), entry.token, StoreChange.logText(of: changes)])
                    try connection.run("SELECT pg_notify($1, $2)", [Self.channel, String(entry.number)])
                    if entry.number % 1_000 == 0 {
                        try connection.run("DELETE FROM changes WHERE seq <= $1", [String(entry.number - Self.retainedEntries)])
                    }
                    return entry
                }
            }
        } catch {
            throw planFailure ?? error
        }
    }

    public func waitForChanges(timeout: Duration) -> Bool {
        listening.withLock { _ in
            do throws(PostgresError) {
                if listener == nil || listener!.isBroken {
                    listener = nil
                    let connection = try PostgresConnection(target)
                    try connection.execute("LISTEN \(Self.channel)")
                    listener = connection
                    // Commits made while nobody listened went unannounced.
                    return true
                }
                return try listener!.awaitNotifications(timeout: timeout)
            } catch {
                listener = nil
                // The database is away: wait out the timeout, then let the caller try to catch up (which fails fast).
                PostgresConnection.sleep(timeout)
                return true
            }
        }
    }

    /// Runs a read on the main connection, mapping its failure.
    private func reading<T>(_ body: () throws(PostgresError) -> T) throws(RegistryError) -> T {
        try lock.withLock { _ throws(RegistryError) -> T in
            do throws(PostgresError) { return try body() } catch { throw .storeFailure(error.storageFailure("reading \(target)")) }
        }
    }

    private func writing<T>(_ body: () throws(PostgresError) -> T) throws(RegistryError) -> T {
        try lock.withLock { _ throws(RegistryError) -> T in
            do throws(PostgresError) { return try body() } catch { throw .storeFailure(error.storageFailure("writing to \(target)")) }
        }
    }

    /// The log's oldest entry number and its newest position (0 and the start when it is empty).
    private func logBounds() throws(PostgresError) -> (oldest: Int64, newest: ChangePosition) {
        var bounds: (Int64, ChangePosition) = (0, .start)
        try connection.run(
            """
            SELECT (SELECT coalesce(min(seq), 0) FROM changes), coalesce(newest.seq, 0), coalesce(newest.token, '')
            FROM (SELECT 1) AS one LEFT JOIN (SELECT seq, token FROM changes ORDER BY seq DESC LIMIT 1) AS newest ON true
            """
        ) { row in
            bounds = (Int64(row.integer(0)), ChangePosition(number: Int64(row.integer(1)), token: row.text(2) ?? ""))
        }
        return bounds
    }

    /// The token of entry `number`, nil when the log no longer holds it.
    private func token(of number: Int64) throws(PostgresError) -> String? {
        var token: String?
        try connection.run("SELECT token FROM changes WHERE seq = $1", [String(number)]) { row in token = row.text(0) }
        return token
    }

    private static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }

    /// What a node at `position` lacks: the log's newer entries, or everything when some of them are gone.
    private func feed(after position: ChangePosition) throws(PostgresError) -> ChangeFeed {
        let (oldest, newest) = try logBounds()
        // A log behind the node, or holding another entry under the node's last number, lost commits the node has
        // seen (a backup restored, a failover to a replica that lagged): the database is the truth, so the node
        // starts again from it.
        var lostEntries = newest.number < position.number
        if !lostEntries, position.number > 0, let token = try token(of: position.number) { lostEntries = token != position.token }
        if lostEntries || oldest > position.number + 1 { return .reload(try load(), position: newest) }
        if newest == position { return .changes([], position: position) }
        var changes: [StoreChange] = []
        try connection.run("SELECT seq, entry FROM changes WHERE seq > $1 ORDER BY seq", [String(position.number)]) { row throws(PostgresError) in
            do throws(WireShapeError) {
                changes += try StoreChange.changes(logText: row.text(1) ?? "")
            } catch {
                throw .corrupt("change log entry \(row.integer(0)): \(error.message)")
            }
        }
        return .changes(changes, position: newest)
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
