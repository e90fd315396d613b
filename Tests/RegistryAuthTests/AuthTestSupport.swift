import Foundation
import TestSupport
import Logging
@testable import RegistryAuth

/// A fresh folder for one test's auth file.
func makeTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-auth-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The `Authorization` header a client sends for `username` and `password`.
func basicHeader(_ username: String, _ password: String) -> String {
    "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
}

/// An auth file in Karapace's format; `users` are (name, password, algorithm), `permissions` (name, operation, resource).
func authFileText(users: [(String, String, PasswordAlgorithm)], permissions: [(String, String, String)]) -> String {
    let userEntries = users.map { name, password, algorithm in
        String(describing: PasswordHasher.entry(username: name, password: password, algorithm: algorithm))
    }
    let permissionEntries = permissions.map { name, operation, resource in
        try! String(decoding: JSONSerialization.data(withJSONObject: ["username": name, "operation": operation, "resource": resource]),
                    as: UTF8.self)
    }
    return #"{"users": ["# + userEntries.joined(separator: ",") + #"], "permissions": ["#
        + permissionEntries.joined(separator: ",") + "]}"
}

/// Runs `python3 -c script arguments...` and returns its standard output.
func runPython(_ script: String, _ arguments: [String]) throws -> String {
    let result = try python3(["-c", script] + arguments)
    guard result.status == 0 else { throw PythonFailed(status: result.status) }
    return result.stdout
}

struct PythonFailed: Error {
    let status: Int32
}

/// Log messages kept in memory, to check what a component reported.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(Logger.Level, String)] = []

    var logger: Logger { Logger(label: "test") { _ in RecordingHandler(recorder: self) } }

    func append(_ level: Logger.Level, _ message: String) { lock.withLock { recorded.append((level, message)) } }

    func messages(atLeast level: Logger.Level) -> [String] {
        lock.withLock { recorded.filter { $0.0 >= level }.map(\.1) }
    }
}

private struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    func log(event: LogEvent) { recorder.append(event.level, event.message.description) }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
