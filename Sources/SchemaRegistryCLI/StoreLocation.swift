import Foundation
import RegistryCore
import Logging
import RegistryPostgres

/// Where a registry's data lives, as `--from` and `--to` name it: a SQLite file path or a PostgreSQL URI, opened as
/// `serve --db` opens it (`StoreOpening`).
enum StoreLocation {
    /// Opens the store at `location`; with `mustExist`, a SQLite file that is not there is an error instead of a new
    /// empty registry.
    static func open(_ location: String, mustExist: Bool) throws -> any RegistryStore {
        if !PostgresTarget.isURI(location) && mustExist && !FileManager.default.fileExists(atPath: location) {
            throw TransferFailure("\(location): no such registry database")
        }
        do {
            // The same opening as `serve --db`, without waiting for a database that is down.
            return try StoreOpening.open(location, waitSeconds: 0, logger: Logger(label: "schema-registry"))
        } catch {
            throw TransferFailure("\(error)")
        }
    }

    /// The store at `location`, which must hold nothing yet: copies and restores never merge into a registry.
    static func openEmpty(_ location: String) throws -> any RegistryStore {
        let store = try open(location, mustExist: false)
        let contents: StoreContents
        do { contents = try store.loadAll() } catch { throw TransferFailure("\(location): \(error.message)") }
        guard contents.isEmpty else {
            throw TransferFailure("\(location) already holds a registry; restore and copy write only into an empty one")
        }
        return store
    }
}

/// Why a move of registry data stopped: printed as is, exit status 2; nothing was written.
struct TransferFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
