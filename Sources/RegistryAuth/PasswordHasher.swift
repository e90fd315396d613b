import JSON
import Crypto
import Foundation
import _CryptoExtras

/// The password hashes of Karapace's `registry_authfile`.
public enum PasswordAlgorithm: String, Sendable, CaseIterable {
    /// PBKDF2-HMAC-SHA1, 5000 iterations, 20 bytes.
    case sha1
    /// PBKDF2-HMAC-SHA256, 5000 iterations, 32 bytes.
    case sha256
    /// PBKDF2-HMAC-SHA512, 5000 iterations, 64 bytes.
    case sha512
    /// scrypt with N=16384, r=8, p=1, 64 bytes.
    case scrypt

    /// The length of the derived hash: PBKDF2 gives one digest (Python's `hashlib.pbkdf2_hmac` default), scrypt 64 bytes
    /// (`hashlib.scrypt` default).
    var hashByteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512, .scrypt: 64
        }
    }
}

/// Hashes passwords exactly as Karapace's `karapace_mkpasswd` does, so auth files move between the two unchanged.
public enum PasswordHasher {
    static let pbkdf2Iterations = 5000

    /// The hash of `password` with `salt`, both taken as their UTF-8 bytes (Karapace's `bytearray(s, "UTF-8")`).
    public static func hash(password: String, salt: String, algorithm: PasswordAlgorithm) -> [UInt8] {
        let passwordBytes = Array(password.utf8), saltBytes = Array(salt.utf8)
        do {
            let key: SymmetricKey
            switch algorithm {
            case .scrypt:
                key = try KDF.Scrypt.deriveKey(
                    from: passwordBytes, salt: saltBytes, outputByteCount: algorithm.hashByteCount,
                    rounds: 16384, blockSize: 8, parallelism: 1)
            case .sha1, .sha256, .sha512:
                // 5000 rounds is below swift-crypto's recommended minimum, but it is what the file format prescribes.
                key = try KDF.Insecure.PBKDF2.deriveKey(
                    from: passwordBytes, salt: saltBytes, using: pbkdf2Function(algorithm),
                    outputByteCount: algorithm.hashByteCount, unsafeUncheckedRounds: pbkdf2Iterations)
            }
            return key.withUnsafeBytes { Array($0) }
        } catch {
            // The parameters are fixed and valid, so only a failed allocation inside BoringSSL gets here.
            preconditionFailure("\(algorithm.rawValue) key derivation failed: \(error)")
        }
    }

    /// A `users` element of the auth file for `username`; `salt` nil means a fresh random one.
    public static func entry(username: String, password: String, algorithm: PasswordAlgorithm, salt: String? = nil) -> JSONValue {
        let salt = salt ?? randomSalt()
        let hash = Data(hash(password: password, salt: salt, algorithm: algorithm)).base64EncodedString()
        return .object(JSONObject([
            "username": .string(username), "algorithm": .string(algorithm.rawValue), "salt": .string(salt),
            "password_hash": .string(hash),
        ]))
    }

    /// 16 random bytes as unpadded URL-safe base64, like Python's `secrets.token_urlsafe(16)`.
    public static func randomSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `a` and `b` are equal, taking the same time for every pair of equal-length inputs.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }

    private static func pbkdf2Function(_ algorithm: PasswordAlgorithm) -> KDF.Insecure.PBKDF2.HashFunction {
        switch algorithm {
        case .sha1: .insecureSHA1
        case .sha256: .sha256
        case .sha512, .scrypt: .sha512
        }
    }
}
