import Foundation
import Locking
import Logging
import Testing
@testable import RegistryAuth

@Suite struct AuthenticatorTests {
    private let folder: URL
    private let path: String
    private let log = LogRecorder()

    init() throws {
        folder = try makeTemporaryFolder()
        path = folder.appendingPathComponent("authfile.json").path
    }

    private func write(_ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func start(reloadInterval: Duration = .zero) throws -> Authenticator {
        try Authenticator(authFile: path, logger: log.logger, reloadInterval: reloadInterval)
    }

    @Test func acceptsOnlyTheRightPasswordOfAKnownUser() throws {
        try write(authFileText(users: [("alice", "wonderland", .sha256)], permissions: [("alice", "Write", "Subject:a")]))
        let auth = try start()
        let alice = try #require(auth.authenticate(authorizationHeader: basicHeader("alice", "wonderland")))
        #expect(alice.name == "alice" && alice.may(.write, .subject("abc")) && !alice.may(.read, .subject("b")))
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "Wonderland")) == nil)
        #expect(auth.authenticate(authorizationHeader: basicHeader("bob", "wonderland")) == nil)
        #expect(auth.authenticate(authorizationHeader: nil) == nil)
    }

    /// The example of the README's "Authentication and access control" section, verbatim.
    @Test func readmeExampleBehavesAsDocumented() throws {
        try write(#"""
            {
                "users": [
                    {
                        "username": "alice",
                        "algorithm": "scrypt",
                        "salt": "Fog1YBUHEDpeZEv_oANFGA",
                        "password_hash": "+i+t4s+z589dwv/QBxuzYPcAdDUUTf1A9nTw3hLNvzbxNNnSlCywf58Fi6VhLKtw8DTHlrAjXqNN3+IhBSNWAA=="
                    },
                    {
                        "username": "ci-bot",
                        "algorithm": "sha512",
                        "salt": "a9toCpUeHmjwL7I7sXNITA",
                        "password_hash": "+dT/VcclWFdV1u6MQYme2zKMRBHkkIOB7wsgyoyxwjOpepckNnwDr1sYM9RejL+P0P+lNqqBZyNPh9H3RWF61w=="
                    }
                ],
                "permissions": [
                    {"username": "alice", "operation": "Write", "resource": ".*"},
                    {"username": "ci-bot", "operation": "Write", "resource": "Subject:payments\\."},
                    {"username": "ci-bot", "operation": "Read", "resource": "Config:"}
                ]
            }
            """#)
        let auth = try start()
        let alice = try #require(auth.authenticate(authorizationHeader: basicHeader("alice", "correct horse battery staple")))
        #expect(alice.may(.write, .config) && alice.may(.write, .subject("anything")))
        let bot = try #require(auth.authenticate(authorizationHeader: basicHeader("ci-bot", "secret")))
        #expect(bot.may(.write, .subject("payments.orders-value")) && bot.may(.read, .subject("payments.")))
        #expect(!bot.may(.read, .subject("paymentsXorders")) && !bot.may(.read, .subject("orders")))
        #expect(bot.may(.read, .config) && !bot.may(.write, .config))
    }

    @Test func parsesTheBasicHeaderStrictly() throws {
        try write(authFileText(users: [("alice", "a:b c", .sha1)], permissions: []))
        let auth = try start()
        let token = Data("alice:a:b c".utf8).base64EncodedString()
        #expect(auth.authenticate(authorizationHeader: "Basic \(token)")?.name == "alice")
        #expect(auth.authenticate(authorizationHeader: "basic \(token)")?.name == "alice")
        #expect(auth.authenticate(authorizationHeader: "  BASIC   \(token) ")?.name == "alice")
        #expect(auth.authenticate(authorizationHeader: "Bearer \(token)") == nil)
        #expect(auth.authenticate(authorizationHeader: "Basic") == nil)
        #expect(auth.authenticate(authorizationHeader: "Basic !!!") == nil)
        #expect(auth.authenticate(authorizationHeader: "Basic " + Data("no-colon".utf8).base64EncodedString()) == nil)
        #expect(auth.authenticate(authorizationHeader: "Basic " + Data([0x61, 0x3A, 0xFF]).base64EncodedString()) == nil)
        #expect(auth.authenticate(authorizationHeader: "Basic " + String(repeating: "A", count: 100_000)) == nil)
    }

    @Test func verifiedCredentialsAreNotHashedAgain() throws {
        try write(authFileText(users: [("svc", "s3cret", .scrypt), ("tool", "pw", .sha1)],
                               permissions: [("svc", "Read", "Subject:x")]))
        let auth = try start()
        let header = basicHeader("svc", "s3cret")
        #expect(auth.authenticate(authorizationHeader: header)?.name == "svc")
        #expect(auth.authenticate(authorizationHeader: header)?.may(.read, .subject("x")) == true)
        #expect(auth.passwordHashCount == 1)
        // Wrong passwords are hashed every time: only verified credentials are remembered.
        #expect(auth.authenticate(authorizationHeader: basicHeader("tool", "guess")) == nil)
        #expect(auth.authenticate(authorizationHeader: basicHeader("tool", "guess")) == nil)
        #expect(auth.passwordHashCount == 3)
        // Unknown users cost nothing.
        #expect(auth.authenticate(authorizationHeader: basicHeader("nobody", "s3cret")) == nil)
        #expect(auth.passwordHashCount == 3)
    }

    @Test func reloadsAChangedFileAndForgetsCachedCredentials() throws {
        try write(authFileText(users: [("alice", "one", .sha1)], permissions: [("alice", "Read", "Subject:a")]))
        let auth = try start()
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "one"))?.may(.write, .subject("a")) == false)
        try write(authFileText(users: [("alice", "two", .sha1), ("bob", "three", .sha512)],
                               permissions: [("alice", "Write", "Subject:a"), ("bob", "Read", "Config:")]))
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "one")) == nil)
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "two"))?.may(.write, .subject("a")) == true)
        #expect(auth.authenticate(authorizationHeader: basicHeader("bob", "three"))?.may(.read, .config) == true)
        #expect(auth.generation == 2)
        #expect(log.messages(atLeast: .info).contains("reloaded auth file"))
    }

    @Test func keepsThePreviousRulesWhenTheFileBreaksOrDisappears() throws {
        try write(authFileText(users: [("alice", "one", .sha1)], permissions: [("alice", "Read", "Subject:a")]))
        let auth = try start()
        let header = basicHeader("alice", "one")
        #expect(auth.authenticate(authorizationHeader: header) != nil)

        try write(#"{"users": [ {"username": "alice""#)
        #expect(auth.authenticate(authorizationHeader: header)?.may(.read, .subject("a")) == true)
        #expect(auth.authenticate(authorizationHeader: header) != nil)
        let errors = log.messages(atLeast: .error)
        #expect(errors.count == 1, "a broken file is reported once, not on every request")
        #expect(errors.first?.contains("invalid JSON") == true)

        try FileManager.default.removeItem(atPath: path)
        #expect(auth.authenticate(authorizationHeader: header) != nil)
        #expect(log.messages(atLeast: .error).count == 2)

        try write(authFileText(users: [("alice", "new", .sha1)], permissions: []))
        #expect(auth.authenticate(authorizationHeader: header) == nil)
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "new")) != nil)
        #expect(auth.generation == 2)
    }

    @Test func fingerprintSeesReplacementAndInPlaceRewrites() throws {
        try write("first")
        let first = FileFingerprint(path: path)
        #expect(first != .missing && first.inode != 0 && first.size == 5)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("!".utf8))
        try handle.close()
        let appended = FileFingerprint(path: path)
        #expect(appended != first && appended.inode == first.inode)
        try write("second")
        #expect(FileFingerprint(path: path).inode != first.inode)
        #expect(FileFingerprint(path: path + ".nope") == .missing)
    }

    @Test func checksForChangesAtMostOncePerInterval() throws {
        try write(authFileText(users: [("alice", "one", .sha1)], permissions: []))
        let auth = try start(reloadInterval: .seconds(3600))
        try write(authFileText(users: [("alice", "two", .sha1)], permissions: []))
        #expect(auth.authenticate(authorizationHeader: basicHeader("alice", "one")) != nil)
        #expect(auth.generation == 1)
    }

    @Test(arguments: [
        ("not json", "invalid JSON"),
        (#"{"permissions": []}"#, #"needs a "users" array"#),
        (#"{"users": []}"#, #"needs a "permissions" array"#),
        (#"{"users": [{"username": "a", "algorithm": "md5", "salt": "s", "password_hash": "AAAA"}], "permissions": []}"#,
         #"algorithm "md5""#),
        (#"{"users": [{"username": "a", "algorithm": "sha1", "salt": "s", "password_hash": "AAAA"}], "permissions": []}"#,
         "base64 of 20 bytes"),
        (#"{"users": [{"username": "a", "algorithm": "sha1", "salt": "s"}], "permissions": []}"#, #"needs a string "password_hash""#),
        (#"{"users": [], "permissions": [{"username": "a", "operation": "Delete", "resource": ".*"}]}"#, "operation \"Delete\""),
        (#"{"users": [], "permissions": [{"username": "a", "operation": "Read", "resource": "Subject:("}]}"#,
         "not a valid regular expression"),
    ])
    func rejectsAnInvalidFileWithAClearMessage(text: String, expected: String) throws {
        try write(text)
        let error = try #require(throws: AuthFileError.self) { try start() }
        #expect(error.description.contains(expected), "\(error)")
        #expect(error.description.hasPrefix("auth file \(path): "))
    }

    @Test func rejectsDuplicateAndMissingFiles() throws {
        let entry = String(describing: PasswordHasher.entry(username: "a", password: "p", algorithm: .sha1))
        try write(#"{"users": [\#(entry), \#(entry)], "permissions": []}"#)
        #expect(try #require(throws: AuthFileError.self) { try start() }.message.contains("listed twice"))
        try FileManager.default.removeItem(atPath: path)
        #expect(try #require(throws: AuthFileError.self) { try start() }.message.contains("cannot read"))
    }

    @Test func isSafeToCallFromManyThreads() throws {
        try write(authFileText(users: [("a", "pa", .sha1), ("b", "pb", .sha256)], permissions: [("a", "Read", ".*")]))
        let auth = try start()
        let results = Locked([Bool](repeating: false, count: 200))
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            let ok: Bool
            switch index % 3 {
            case 0: ok = auth.authenticate(authorizationHeader: basicHeader("a", "pa"))?.may(.read, .config) == true
            case 1: ok = auth.authenticate(authorizationHeader: basicHeader("b", "pb"))?.may(.read, .config) == false
            default: ok = auth.authenticate(authorizationHeader: basicHeader("b", "wrong")) == nil
            }
            results.withLock { $0[index] = ok }
        }
        #expect(results.withLock { $0.allSatisfy { $0 } })
    }
}
