import Avro
import CSQLite
import JSON
import Foundation
import RegistryCore
import Synchronization
import RegistryModel

/// A `RegistryStore` in one SQLite file.
///
/// WAL journal with `synchronous=FULL`: when `apply` returns, the transaction is on disk. Every `apply`
/// is one transaction, so a crash leaves all of a request's changes or none. One connection, used under
/// a lock; the registry reads from memory and only writes here.
public final class SQLiteRegistryStore: RegistryStore, @unchecked Sendable {
    // @unchecked: the connection is touched only inside `lock`.
    public let path: String
    private let lock = Mutex(())
    private let connection: SQLiteConnection

    /// The schema version this code writes, kept in `PRAGMA user_version`.
    static let schemaVersion = 2

    /// Opens the database at `path`, creating the file and its folder when missing, and migrates it.
    public init(path: String) throws(RegistryError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .storeFailure("cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path)
            var journal = ""
            try connection.run("PRAGMA journal_mode=WAL") { row in journal = row.text(0) ?? "" }
            guard journal.lowercased() == "wal" else {
                throw SQLiteError(resultCode: SQLITE_ERROR, message: "cannot switch to WAL mode (journal mode is \(journal))")
            }
            try connection.execute("PRAGMA synchronous=FULL")
            try Self.migrate(connection)
        } catch {
            throw .storeFailure(error.storageFailure("opening \(path)"))
        }
    }

    private static func migrate(_ connection: SQLiteConnection) throws(SQLiteError) {
        let version = try connection.integer("PRAGMA user_version")
        guard version <= schemaVersion else {
            throw SQLiteError(
                resultCode: SQLITE_ERROR,
                message: "the database has schema version \(version); this build knows only up to \(schemaVersion)")
        }
        guard version < schemaVersion else { return }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            if version < 1 {
                try connection.execute(
                    """
                    CREATE TABLE schemas (
                        id INTEGER PRIMARY KEY,
                        guid TEXT NOT NULL UNIQUE,
                        schema_type TEXT NOT NULL,
                        schema TEXT NOT NULL,
                        refs TEXT NOT NULL,
                        metadata TEXT,
                        rule_set TEXT
                    );
                    CREATE TABLE versions (
                        subject TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        schema_id INTEGER NOT NULL,
                        deleted INTEGER NOT NULL,
                        PRIMARY KEY (subject, version)
                    ) WITHOUT ROWID;
                    CREATE TABLE configs (scope TEXT PRIMARY KEY, compatibility TEXT, normalize INTEGER) WITHOUT ROWID;
                    CREATE TABLE modes (scope TEXT PRIMARY KEY, mode TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO counters (name, value) VALUES ('max_schema_id', 0);
                    """)
            }
            if version < 2 {
                // Contexts: ids are per context, so a schema's key is (context, id), and the same content may
                // have an id in several contexts (and, imported, several ids in one).
                try connection.execute(
                    """
                    CREATE TABLE schemas_v2 (
                        context TEXT NOT NULL,
                        id INTEGER NOT NULL,
                        guid TEXT NOT NULL,
                        schema_type TEXT NOT NULL,
                        schema TEXT NOT NULL,
                        refs TEXT NOT NULL,
                        metadata TEXT,
                        rule_set TEXT,
                        PRIMARY KEY (context, id)
                    ) WITHOUT ROWID;
                    INSERT INTO schemas_v2 (context, id, guid, schema_type, schema, refs, metadata, rule_set)
                        SELECT '.', id, guid, schema_type, schema, refs, metadata, rule_set FROM schemas;
                    DROP TABLE schemas;
                    ALTER TABLE schemas_v2 RENAME TO schemas;
                    CREATE INDEX schemas_by_guid ON schemas (context, guid);
                    CREATE TABLE contexts (context TEXT PRIMARY KEY, max_schema_id INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO contexts (context, max_schema_id) SELECT '.', value FROM counters WHERE name = 'max_schema_id';
                    DROP TABLE counters;
                    """)
            }
            try connection.execute("PRAGMA user_version = \(schemaVersion)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// A consistent copy of the registry database at `source` in a new file at `target`, taken with SQLite's
    /// online backup API while a server may be using the source. The copy is a registry database of its own.
    public static func backup(_ source: String, to target: String) throws(RegistryError) {
        guard FileManager.default.fileExists(atPath: source) else {
            throw .storeFailure("\(source): no such registry database")
        }
        guard !FileManager.default.fileExists(atPath: target) else { throw .storeFailure("\(target) already exists") }
        do throws(SQLiteError) {
            try SQLiteConnection(path: source).backup(to: target)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw .storeFailure(error.storageFailure("backing up \(source) to \(target)"))
        }
    }

    public func loadAll() throws(RegistryError) -> StoreContents {
        try lock.withLock { _ throws(RegistryError) -> StoreContents in
            do throws(SQLiteError) {
                return try load()
            } catch {
                throw .storeFailure(error.storageFailure("reading \(path)"))
            }
        }
    }

    private func load() throws(SQLiteError) -> StoreContents {
        var contents = StoreContents()
        try connection.run(
            "SELECT \(StoredColumns.schemaColumns) FROM schemas ORDER BY context, id"
        ) { row throws(SQLiteError) in
            do throws(StoredColumnDamage) {
                contents.schemas.append(try StoredColumns.schema(from: row))
            } catch {
                throw .corrupt(error.message)
            }
        }
        try connection.run("SELECT subject, version, schema_id, deleted FROM versions") { row in
            contents.versions.append(
                StoredVersion(subject: row.text(0) ?? "", version: row.integer(1), schemaId: row.integer(2), deleted: row.integer(3) != 0))
        }
        try connection.run("SELECT scope, compatibility, normalize FROM configs") { row in
            contents.addConfig(scope: row.text(0) ?? "", compatibility: row.text(1), normalize: row.isNull(2) ? nil : row.integer(2) != 0)
        }
        try connection.run("SELECT scope, mode FROM modes") { row in
            contents.addMode(scope: row.text(0) ?? "", mode: row.text(1) ?? "")
        }
        try connection.run(
            """
            SELECT c.context, max(c.max_schema_id, coalesce((SELECT max(s.id) FROM schemas s WHERE s.context = c.context), 0))
            FROM contexts c
            """
        ) { row in
            contents.maxSchemaIds[row.text(0) ?? "."] = row.integer(1)
        }
        return contents
    }

    public func apply(_ changes: [StoreChange]) throws(RegistryError) {
        try lock.withLock { _ throws(RegistryError) in
            do throws(SQLiteError) {
                // Prepared once and reused (`run`), unlike `execute`, which compiles the SQL on every call.
                try connection.run("BEGIN IMMEDIATE")
            } catch {
                throw .storeFailure(error.storageFailure("writing to \(path)"))
            }
            do throws(SQLiteError) {
                for change in changes { try write(change) }
                try connection.run("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw .storeFailure(error.storageFailure("writing to \(path)"))
            }
        }
    }

    private func write(_ change: StoreChange) throws(SQLiteError) {
        switch change {
        case .insertSchema(let schema):
            try connection.run(
                "INSERT INTO schemas (context, id, guid, schema_type, schema, refs, metadata, rule_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(schema.context), .integer(schema.id), .text(schema.guid), .text(schema.schemaType), .text(schema.schema),
                    .text(StoredColumns.text(of: schema.references)), Self.encode(schema.metadata), Self.encode(schema.ruleSet),
                ])
            // A context's row exists from its first schema on (a no-op read when it is there already).
            try connection.run("INSERT OR IGNORE INTO contexts (context, max_schema_id) VALUES (?, 0)", [.text(schema.context)])
        // The highest issued id is max(counter, highest stored id), so the counter only has to remember an id
        // when its row goes: registrations then write one page fewer per commit.
        case .deleteSchema(let key):
            try connection.run("DELETE FROM schemas WHERE context = ? AND id = ?", [.text(key.context), .integer(key.id)])
            try connection.run(
                "UPDATE contexts SET max_schema_id = max(max_schema_id, ?) WHERE context = ?", [.integer(key.id), .text(key.context)])
        case .insertVersion(let version):
            try connection.run(
                "INSERT INTO versions (subject, version, schema_id, deleted) VALUES (?, ?, ?, ?)",
                [.text(version.subject), .integer(version.version), .integer(version.schemaId), .integer(version.deleted ? 1 : 0)])
        case .setVersionDeleted(let subject, let version, let deleted):
            try connection.run(
                "UPDATE versions SET deleted = ? WHERE subject = ? AND version = ?",
                [.integer(deleted ? 1 : 0), .text(subject), .integer(version)])
        case .deleteVersion(let subject, let version):
            try connection.run("DELETE FROM versions WHERE subject = ? AND version = ?", [.text(subject), .integer(version)])
        case .setConfig(let subject, let config):
            let scope = SQLiteValue.text(StoredColumns.scope(of: subject))
            if let config {
                try connection.run(
                    "INSERT OR REPLACE INTO configs (scope, compatibility, normalize) VALUES (?, ?, ?)",
                    [
                        scope, config.compatibilityLevel.map { .text($0.rawValue) } ?? .null,
                        config.normalize.map { .integer($0 ? 1 : 0) } ?? .null,
                    ])
            } else {
                try connection.run("DELETE FROM configs WHERE scope = ?", [scope])
            }
        case .setMode(let subject, let mode):
            let scope = SQLiteValue.text(StoredColumns.scope(of: subject))
            if let mode {
                try connection.run("INSERT OR REPLACE INTO modes (scope, mode) VALUES (?, ?)", [scope, .text(mode.rawValue)])
            } else {
                try connection.run("DELETE FROM modes WHERE scope = ?", [scope])
            }
        case .deleteContext(let context):
            try connection.run("DELETE FROM contexts WHERE context = ?", [.text(context)])
        case .raiseMaxSchemaId(let context, let id):
            try connection.run("INSERT OR IGNORE INTO contexts (context, max_schema_id) VALUES (?, 0)", [.text(context)])
            try connection.run(
                "UPDATE contexts SET max_schema_id = max(max_schema_id, ?) WHERE context = ?", [.integer(id), .text(context)])
        }
    }

    private static func encode(_ value: JSONValue?) -> SQLiteValue { StoredColumns.text(of: value).map { .text($0) } ?? .null }
}
