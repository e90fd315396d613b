import Foundation
import JSON
import TestSupport

/// An auth file in a fresh folder, with users made by `schema-registry passwd` (sha1: fastest in debug builds).
struct AuthFixture {
    let path: String

    init(users: [(String, String)], permissions: [(String, String, String)]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("auth-server-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("authfile.json").path
        try write(users: users, permissions: permissions)
    }

    /// An admin who may do everything, a reader and a writer of the `team-a` subjects; the writer reads configs.
    static func teamA() throws -> AuthFixture {
        try AuthFixture(
            users: [("admin", "admin-pw"), ("reader", "reader-pw"), ("writer", "writer-pw")],
            permissions: [("admin", "Write", ".*"), ("reader", "Read", "Subject:team-a"),
                          ("writer", "Write", "Subject:team-a"), ("writer", "Read", "Config:")])
    }

    func write(users: [(String, String)], permissions: [(String, String, String)]) throws {
        let entries = try users.map { name, password in
            let result = try runCLI(["passwd", "--user", name, "--algorithm", "sha1"], stdin: password + "\n")
            guard result.status == 0 else { throw HTTPClientError(description: "passwd failed: \(result.stderr)") }
            return result.stdout
        }
        let rules = permissions.map { name, operation, resource in
            JSONWriter.write(["username": .string(name), "operation": .string(operation), "resource": .string(resource)])
        }
        let text = #"{"users": [\#(entries.joined(separator: ","))], "permissions": [\#(rules.joined(separator: ","))]}"#
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

func basic(_ user: String, _ password: String) -> [String: String] {
    ["Authorization": "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
}

extension RegistryTestClient {
    /// Sends as `user` (Basic credentials), or without credentials when nil.
    func send(_ method: String, _ target: String, as user: (String, String)?, json: JSONValue? = nil) throws -> HTTPReply {
        try send(method, target, body: json.map { Array(JSONWriter.write($0).utf8) }, headers: user.map { basic($0.0, $0.1) } ?? [:])
    }
}
