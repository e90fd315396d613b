import Foundation
import RegistryCore
import RegistrySQLite
import Testing

/// SQLite failures keep their result code, statement and message up to the registry's error, and each kind
/// maps to its own answer.
@Suite struct StorageErrorTests {
    @Test func aFileThatIsNotADatabaseIsCorruptWithSQLitesCode() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-db-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: RegistryError.self) { try SQLiteRegistryStore(path: path) }
        #expect(error?.code == 50001 && error?.httpStatus == 500 && error?.retryAfterSeconds == nil)
        #expect(error?.storage?.kind == .corrupt)
        #expect(error?.storage?.backend == "SQLite")
        #expect(error?.storage?.code == "SQLITE_NOTADB (26)")
        #expect(error?.message.hasPrefix("Error in the backend data store - opening \(path) failed: ") == true)
        #expect(error?.message.hasSuffix("(SQLite SQLITE_NOTADB (26))") == true, "\(error?.message ?? "")")
    }

    @Test func aStoreThatCannotBeOpenedIsUnavailable() throws {
        let error = #expect(throws: RegistryError.self) { try SQLiteRegistryStore(path: "/proc/no-such-dir/registry.db") }
        #expect(error?.storage == nil || error?.storage?.kind == .unavailable)
        #expect(error?.httpStatus ?? 0 >= 500)
    }

    @Test func eachKindHasItsAnswer() {
        func failure(_ kind: StorageFailure.Kind) -> RegistryError {
            .storeFailure(StorageFailure(kind: kind, backend: "SQLite", code: "X (1)", message: "m", statement: "INSERT"))
        }
        let busy = failure(.busy)
        #expect(busy.code == 50002 && busy.httpStatus == 503 && busy.retryAfterSeconds == 1)
        let unavailable = failure(.unavailable)
        #expect(unavailable.code == 50001 && unavailable.httpStatus == 503 && unavailable.retryAfterSeconds == 1)
        for kind in [StorageFailure.Kind.full, .readOnly, .corrupt, .constraint, .other] {
            let error = failure(kind)
            #expect(error.code == 50001 && error.httpStatus == 500 && error.retryAfterSeconds == nil)
            #expect(error.message == "Error in the backend data store - m (SQLite X (1))")
            #expect(error.description.contains("in `INSERT`"))
        }
    }
}
