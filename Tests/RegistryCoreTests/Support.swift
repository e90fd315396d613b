import JSON
import Foundation
import RegistryCore
import RegistrySQLite
import Testing
import RegistryModel

/// A fresh folder for one test's database; each test gets its own, so tests run in parallel.
struct TempDatabase {
    let folder: URL
    /// In a subfolder that does not exist yet: opening must create it.
    var path: String { folder.appendingPathComponent("data/registry.db").path }

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-core-\(UUID().uuidString)")
    }

    func open() throws -> Registry {
        try Registry(store: SQLiteRegistryStore(path: path))
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs `body` with a registry over a new SQLite file, removed afterwards.
func withRegistry<T>(_ body: (Registry, TempDatabase) throws -> T) throws -> T {
    let database = TempDatabase()
    defer { database.remove() }
    return try body(try database.open(), database)
}

/// The registry error a call throws, or nil when it returns.
func registryError<T>(_ body: () throws -> T) -> RegistryError? {
    do {
        _ = try body()
        return nil
    } catch let error as RegistryError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// A record schema named `name` with the given fields (`"name": "type"` JSON fragments).
func record(_ name: String = "User", _ fields: String...) -> String {
    #"{"type":"record","name":"\#(name)","namespace":"com.acme","fields":[\#(fields.joined(separator: ","))]}"#
}

func request(_ schema: String, references: [SchemaReference] = [], metadata: JSONValue? = nil, ruleSet: JSONValue? = nil)
    -> SchemaRequest
{
    SchemaRequest(schema: schema, references: references, metadata: metadata, ruleSet: ruleSet)
}

let userV1 = record("User", #"{"name":"id","type":"long"}"#)
let userV2 = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"email","type":["null","string"],"default":null}"#)
/// Adds a field without a default: not backward compatible with v1.
let userBreaking = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"age","type":"int"}"#)

/// Records an issue unless `body` throws a registry error with this code (and message, when given).
/// The checks live here rather than inside `#expect(...)` so no throwing closure sits in a macro expression.
func expectError<T>(
    _ code: Int? = nil, message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) {
    let error = registryError(body)
    guard let error else {
        Issue.record("expected error \(code.map(String.init) ?? message ?? "") but the call succeeded", sourceLocation: sourceLocation)
        return
    }
    if let code, error.code != code {
        Issue.record("expected error \(code), got \(error)", sourceLocation: sourceLocation)
    }
    if let message, error.message != message {
        Issue.record("expected message \(message), got \(error.message)", sourceLocation: sourceLocation)
    }
}
