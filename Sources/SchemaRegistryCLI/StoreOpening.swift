import Foundation
import Logging
import RegistryCore
import RegistryPostgres
import RegistrySQLite

/// What `serve --db` names: a PostgreSQL database for a `postgresql://` or `postgres://` URI, else a SQLite file.
enum StoreOpening {
    /// Opens the store. A database out of reach (down, starting, refusing the login) ends the start at once, or,
    /// with `waitSeconds` above 0, is tried again each second until that many seconds have passed, so that a node
    /// may start before its database.
    static func open(_ db: String, waitSeconds: Int, logger: Logger) throws -> any RegistryStore {
        let deadline = ContinuousClock.now + .seconds(waitSeconds)
        while true {
            do throws(RegistryError) {
                if PostgresTarget.isURI(db) { return try PostgresRegistryStore(uri: db) }
                return try SQLiteRegistryStore(path: db)
            } catch {
                guard error.storage?.kind == .unavailable, ContinuousClock.now < deadline else {
                    throw StartupFailure(message: "cannot open the database: \(error.storage?.summary ?? error.message)")
                }
                logger.warning("waiting for the database", metadata: ["reason": "\(error.storage?.summary ?? error.message)"])
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
