import Avro
import Foundation
import RegistryCore
import RegistryModel
@testable import RegistryPostgres
import Testing
import TestSupport

/// What only the PostgreSQL store has: a server to reach and log in to, SQLSTATEs, migrations that several nodes
/// may start at once, and a connection that breaks and comes back.
@Suite struct PostgresStoreTests {
    @Test func aWrongPasswordIsATypedErrorWithoutThePassword() throws {
        let cluster = try TestPostgres.shared()
        let uri = cluster.uri(password: "not-the-password")
        let error = #expect(throws: RegistryError.self) { try PostgresRegistryStore(uri: uri) }
        #expect(error?.code == 50001 && error?.httpStatus == 503)
        #expect(error?.storage?.kind == .unavailable)
        #expect(error?.storage?.backend == "PostgreSQL")
        #expect(error?.storage?.code == "08001")
        #expect(error?.message.contains("password authentication failed") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("postgresql://registry@127.0.0.1:\(cluster.port)/postgres") == true)
        #expect(error?.description.contains("not-the-password") == false)
    }

    @Test func anUnreachableServerIsUnavailable() throws {
        let port = try TestPostgres.freePort()
        let error = #expect(throws: RegistryError.self) {
            try PostgresRegistryStore(uri: "postgresql://registry:secret@127.0.0.1:\(port)/registry")
        }
        #expect(error?.httpStatus == 503 && error?.retryAfterSeconds == 1)
        #expect(error?.storage?.kind == .unavailable && error?.storage?.code == "08001")
        #expect(error?.message.contains("Connection refused") == true, "\(error?.message ?? "")")
        #expect(error?.description.contains("secret") == false)
    }

    @Test func aURIThatLibpqCannotReadIsRefused() {
        let error = #expect(throws: RegistryError.self) { try PostgresRegistryStore(uri: "postgresql://host:notaport:5/db?nosuch=1") }
        #expect(error?.storage?.code == "22023")
        #expect(error?.message.contains("not a usable PostgreSQL URI") == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        ("40001", StorageFailure.Kind.busy), ("40P01", .busy), ("55P03", .busy), ("08006", .unavailable), ("08001", .unavailable),
        ("57P01", .unavailable), ("57P02", .unavailable), ("57P03", .unavailable), ("53300", .unavailable), ("53100", .full),
        ("25006", .readOnly), ("XX001", .corrupt), ("XX002", .corrupt), ("23505", .constraint), ("23503", .constraint),
        ("42P01", .other), ("XX000", .other),
    ])
    func sqlStatesMapToKinds(_ sqlState: String, _ kind: StorageFailure.Kind) {
        #expect(PostgresError(sqlState: sqlState, message: "m").kind == kind)
    }

    @Test func rowsLandInTheTablesAndTheSchemaIsVersioned() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let registry = try Registry(store: PostgresRegistryStore(uri: uri))
        _ = try registry.register(subject: "s", request(userV1), normalize: false)
        _ = try registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none))
        let database = String(uri.split(separator: "/").last!)
        #expect(try cluster.psql("SELECT subject, version, schema_id, deleted FROM versions", database: database) == "s|1|1|f")
        #expect(try cluster.psql("SELECT context, id, refs FROM schemas", database: database) == ".|1|[]")
        #expect(try cluster.psql("SELECT context, max_schema_id FROM contexts", database: database) == ".|1")
        #expect(try cluster.psql("SELECT compatibility FROM configs", database: database) == "NONE")
        #expect(try cluster.psql("SELECT version FROM schema_version", database: database) == String(PostgresSchema.version))
    }

    @Test func nodesStartingTogetherMigrateOnce() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                _ = try PostgresRegistryStore(uri: uri)
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let database = String(uri.split(separator: "/").last!)
        #expect(try cluster.psql("SELECT count(*), max(version) FROM schema_version", database: database) == "1|\(PostgresSchema.version)")
    }

    @Test func aNewerSchemaVersionIsRefused() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        _ = try PostgresRegistryStore(uri: uri)
        try cluster.psql("UPDATE schema_version SET version = 99", database: String(uri.split(separator: "/").last!))
        let error = #expect(throws: RegistryError.self) { try PostgresRegistryStore(uri: uri) }
        #expect(error?.message.contains("schema version 99; this build knows only up to \(PostgresSchema.version)") == true)
    }

    @Test func aReadOnlyDatabaseRefusesWritesAsReadOnly() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let database = String(uri.split(separator: "/").last!)
        _ = try PostgresRegistryStore(uri: uri)
        try cluster.psql("ALTER DATABASE \(database) SET default_transaction_read_only = on")
        // Sessions opened from now on are read-only: the store still opens and reads, and refuses writes.
        let store = try PostgresRegistryStore(uri: uri)
        #expect(try store.loadAll().schemas.isEmpty)
        let error = registryError { try store.apply([.setMode(subject: nil, .readOnly)]) }
        #expect(error?.storage?.kind == .readOnly && error?.storage?.code == "25006")
        #expect(error?.httpStatus == 500)
        // The health probe tells, though PostgreSQL would commit its empty transaction.
        #expect(registryError { try StoreHealthProbe(store: store).check() }?.storage?.kind == .readOnly)
    }

    @Test func aRowThisBuildCannotReadIsCorrupt() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        _ = try Registry(store: PostgresRegistryStore(uri: uri)).register(subject: "s", request(userV1), normalize: false)
        try cluster.psql("UPDATE schemas SET refs = '{not json'", database: String(uri.split(separator: "/").last!))
        let error = #expect(throws: RegistryError.self) { try Registry(store: PostgresRegistryStore(uri: uri)) }
        #expect(error?.storage?.kind == .corrupt)
        #expect(error?.message.contains("corrupt JSON column") == true)
    }

    @Test func aLockHeldPastTheLockTimeoutIsBusy() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let store = try PostgresRegistryStore(uri: uri)
        try cluster.psql("ALTER DATABASE \(String(uri.split(separator: "/").last!)) SET lock_timeout = '200ms'")
        let holder = try PostgresConnection(PostgresTarget(uri: uri))
        try holder.begin("BEGIN")
        try holder.execute("LOCK TABLE modes IN ACCESS EXCLUSIVE MODE")
        // The store's session predates the setting; a new one gets it.
        let waiting = try PostgresRegistryStore(uri: uri)
        let error = registryError { try waiting.apply([.setMode(subject: nil, .readOnly)]) }
        #expect(error?.code == 50002 && error?.httpStatus == 503, "\(error.map { "\($0)" } ?? "")")
        #expect(error?.storage?.kind == .busy && error?.storage?.code == "55P03")
        holder.rollback()
        try waiting.apply([.setMode(subject: nil, .readOnly)])
        #expect(try store.loadAll().modes[nil] == .readOnly)
    }

    /// A cluster of this test's own, since it stops and restarts the server under the others' feet otherwise.
    @Test func aRegistryOutlivesADatabaseRestart() throws {
        let cluster = try TestPostgres.start()
        defer { cluster.remove() }
        let store = try PostgresRegistryStore(uri: cluster.createDatabase())
        let registry = try Registry(store: store)
        let probe = StoreHealthProbe(store: store)
        _ = try registry.register(subject: "s", request(userV1), normalize: false)

        try cluster.stopServer()
        let duringOutage = registryError { try registry.register(subject: "s", request(userV2), normalize: false) }
        #expect(duringOutage?.httpStatus == 503 && duringOutage?.retryAfterSeconds == 1, "\(duringOutage.map { "\($0)" } ?? "")")
        #expect(duringOutage?.storage?.kind == .unavailable)
        #expect(registryError { try probe.check() }?.httpStatus == 503)
        // Reads come from memory and go on.
        #expect(try registry.version(subject: "s", .latest, includeDeleted: false).version == 1)

        try cluster.startServer()
        // The failed write left nothing behind: the same registration now gets the next version and id.
        let after = try registry.register(subject: "s", request(userV2), normalize: false)
        #expect(after.version == 2 && after.schema.id == 2)
        try probe.check()

        // A restart between two calls: the idle session is dead, which the next write finds and mends by itself.
        try cluster.restartServer()
        _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .full))
        let contents = try store.loadAll()
        #expect(contents.versions.count == 2 && contents.configs["s"]?.compatibilityLevel == .full)
    }
}

/// Errors gathered from several threads.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
