import Foundation
import RegistryCore
import RegistryPostgres
import RegistrySQLite
import Testing
import TestSupport

/// The storage backends that the tests in `BackendTests` run each of their bodies against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A new, empty database of one backend: a file in a fresh folder, or a database of its own in the test process's
/// PostgreSQL cluster. Opening it again is what a restarted registry does.
struct BackendDatabase {
    let backend: Backend
    /// The file path, or the URI.
    let location: String

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .sqlite: location = TempDatabase().path
        case .postgres: location = try TestPostgres.shared().createDatabase()
        }
    }

    func store() throws(RegistryError) -> any RegistryStore {
        switch backend {
        case .sqlite: try SQLiteRegistryStore(path: location)
        case .postgres: try PostgresRegistryStore(uri: location)
        }
    }

    func open() throws -> Registry { try Registry(store: store()) }

    /// Removes a SQLite file's folder; a PostgreSQL database goes with its throwaway cluster.
    func remove() {
        guard backend == .sqlite else { return }
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: location).deletingLastPathComponent().deletingLastPathComponent().path)
    }
}
