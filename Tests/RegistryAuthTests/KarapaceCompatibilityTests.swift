import Foundation
import Logging
import Testing
@testable import RegistryAuth

/// Hashes made by Python's hashlib exactly as Karapace's `hash_password` makes them must verify with our module.
@Suite struct KarapaceCompatibilityTests {
    /// Karapace's `karapace.core.auth.hash_password` and `karapace_mkpasswd` salt, verbatim in behaviour:
    /// password and salt as UTF-8 bytes, PBKDF2 with 5000 iterations and the digest's length, scrypt with
    /// n=16384, r=8, p=1 and hashlib's default 64 bytes; the base64 of the result.
    static let karapaceHasher = """
        import base64, hashlib, json, secrets, sys

        def hash_password(algorithm, salt, plaintext_password):
            if algorithm in ("sha1", "sha256", "sha512"):
                return base64.b64encode(
                    hashlib.pbkdf2_hmac(algorithm, bytearray(plaintext_password, "UTF-8"), bytearray(salt, "UTF-8"), 5000)
                ).decode("ascii")
            if algorithm == "scrypt":
                return str(base64.b64encode(
                    hashlib.scrypt(bytearray(plaintext_password, "utf-8"), salt=bytearray(salt, "utf-8"), n=16384, r=8, p=1)
                ), encoding="utf-8")
            raise NotImplementedError(algorithm)

        password = sys.argv[1]
        users = []
        for algorithm in sys.argv[2:]:
            salt = secrets.token_urlsafe(nbytes=16)
            users.append({"username": "user-" + algorithm, "algorithm": algorithm, "salt": salt,
                          "password_hash": hash_password(algorithm, salt, password)})
        print(json.dumps({"users": users, "permissions": [{"username": "user-sha1", "operation": "Read", "resource": ".*"}]}))
        """

    // A non-ASCII password checks that both sides hash UTF-8 bytes.
    static let password = "pässwörd:with colon 🔑"

    @Test(arguments: PasswordAlgorithm.allCases)
    func pythonHashMatchesOurHash(algorithm: PasswordAlgorithm) throws {
        let file = try runPython(Self.karapaceHasher, [Self.password, algorithm.rawValue])
        let root = try #require(JSONSerialization.jsonObject(with: Data(file.utf8)) as? [String: Any])
        let user = try #require((root["users"] as? [[String: String]])?.first)
        let salt = try #require(user["salt"]), pythonHash = try #require(user["password_hash"])
        let ours = Data(PasswordHasher.hash(password: Self.password, salt: salt, algorithm: algorithm)).base64EncodedString()
        #expect(ours == pythonHash)
    }

    @Test func fileWrittenByPythonAuthenticatesEveryAlgorithm() throws {
        let folder = try makeTemporaryFolder()
        let path = folder.appendingPathComponent("authfile.json").path
        let file = try runPython(Self.karapaceHasher, [Self.password] + PasswordAlgorithm.allCases.map(\.rawValue))
        try file.write(toFile: path, atomically: true, encoding: .utf8)
        let authenticator = try Authenticator(authFile: path, logger: LogRecorder().logger)
        for algorithm in PasswordAlgorithm.allCases {
            let name = "user-\(algorithm.rawValue)"
            #expect(authenticator.authenticate(authorizationHeader: basicHeader(name, Self.password))?.name == name)
            if algorithm != .scrypt {
                #expect(authenticator.authenticate(authorizationHeader: basicHeader(name, Self.password + "x")) == nil)
            }
        }
        #expect(authenticator.authenticate(authorizationHeader: basicHeader("user-sha1", Self.password))?.may(.read, .config) == true)
    }

    /// The example output of `karapace_mkpasswd -u user -a sha512 secret` in Karapace's README.
    @Test func karapaceReadmeExampleVerifies() {
        let hash = PasswordHasher.hash(password: "secret", salt: "iuLouaExTeg9ypqTxqP-dw", algorithm: .sha512)
        #expect(Data(hash).base64EncodedString()
            == "R6ghYSXdLGsq6hkQcg8wT4xkD4QToxBhlp7NerTnyB077M+mD2qiN7ZxXCDb4aE+5lExu5P11UpMPYAcVYxSQA==")
    }

    @Test func randomSaltLooksLikePythonTokenUrlsafe() {
        let salts = (0..<20).map { _ in PasswordHasher.randomSalt() }
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(salts.allSatisfy { $0.count == 22 && $0.allSatisfy(alphabet.contains) })
        #expect(Set(salts).count == salts.count)
    }

    @Test func constantTimeEqualsComparesEveryByte() {
        let a: [UInt8] = [1, 2, 3, 4]
        #expect(PasswordHasher.constantTimeEquals(a, [1, 2, 3, 4]))
        #expect(!PasswordHasher.constantTimeEquals(a, [0, 2, 3, 4]))
        #expect(!PasswordHasher.constantTimeEquals(a, [1, 2, 3, 5]))
        #expect(!PasswordHasher.constantTimeEquals(a, [1, 2, 3]))
        #expect(!PasswordHasher.constantTimeEquals(a, []))
        #expect(PasswordHasher.constantTimeEquals([], []))
    }
}
