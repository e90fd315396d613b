import Foundation
import Testing
import TestSupport
@testable import RegistryAuth

/// `schema-registry passwd` run as a process, its output used as a real auth file.
@Suite struct PasswdCommandTests {
    private func userEntry(_ stdout: String) throws -> [String: String] {
        try #require(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: String])
    }

    // scrypt output is checked in `defaultsToScryptAndHonoursAGivenSalt`; one scrypt run costs most of a second in debug.
    @Test(arguments: [PasswordAlgorithm.sha1, .sha256, .sha512])
    func printedEntryAuthenticates(algorithm: PasswordAlgorithm) throws {
        let result = try runCLI(["passwd", "--user", "alice", "--algorithm", algorithm.rawValue], stdin: "correct horse\n")
        #expect(result.status == 0, "\(result.stderr)")
        let entry = try userEntry(result.stdout)
        #expect(entry["username"] == "alice" && entry["algorithm"] == algorithm.rawValue && entry["salt"]?.count == 22)

        let folder = try makeTemporaryFolder()
        let path = folder.appendingPathComponent("authfile.json").path
        try #"{"users": [\#(result.stdout)], "permissions": [{"username": "alice", "operation": "Write", "resource": "Subject:"}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let auth = try Authenticator(authFile: path, logger: LogRecorder().logger)
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "correct horse"))?.may(.write, .subject("s")) == true)
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "correct horse\n")) == nil)
    }

    @Test func defaultsToScryptAndHonoursAGivenSalt() throws {
        let result = try runCLI(["passwd", "--user", "bob", "--salt", "fixed-salt"], stdin: "pw\r\n")
        #expect(result.status == 0, "\(result.stderr)")
        let entry = try userEntry(result.stdout)
        #expect(entry["algorithm"] == "scrypt" && entry["salt"] == "fixed-salt")
        #expect(entry["password_hash"] == Data(PasswordHasher.hash(password: "pw", salt: "fixed-salt", algorithm: .scrypt)).base64EncodedString())
        #expect(result.stdout.hasPrefix("{\n    \"username\": \"bob\",\n"))
    }

    @Test func refusesAnEmptyPasswordAndAnUnknownAlgorithm() throws {
        let empty = try runCLI(["passwd", "--user", "bob"], stdin: "")
        #expect(empty.status != 0 && empty.stdout.isEmpty && empty.stderr.contains("no password"))
        let unknown = try runCLI(["passwd", "--user", "bob", "--algorithm", "md5"], stdin: "pw\n")
        #expect(unknown.status != 0 && unknown.stderr.contains("md5"))
        let noUser = try runCLI(["passwd"], stdin: "pw\n")
        #expect(noUser.status != 0 && noUser.stderr.contains("--user"))
    }
}
