import JSON
import Foundation

/// Why an auth file could not be used.
public struct AuthFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "auth file \(path): \(message)" }
}

/// A user of the auth file with the decoded hash of their password.
struct StoredUser: Sendable {
    let name: String
    let algorithm: PasswordAlgorithm
    let salt: String
    let passwordHash: [UInt8]

    func verifies(password: String) -> Bool {
        PasswordHasher.constantTimeEquals(PasswordHasher.hash(password: password, salt: salt, algorithm: algorithm), passwordHash)
    }
}

/// The users and permissions of a Karapace-format `registry_authfile`.
struct AuthFile: Sendable {
    let users: [String: StoredUser]
    let rulesByUser: [String: [AccessRule]]

    /// Auth files are a few kilobytes; anything this large is a mistake, not a user list.
    static let maximumBytes = 16 << 20

    static func load(path: String) throws(AuthFileError) -> AuthFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AuthFileError(path: path, message: "cannot read it (\(error.localizedDescription))")
        }
        guard data.count <= maximumBytes else {
            throw AuthFileError(path: path, message: "it is larger than \(maximumBytes) bytes")
        }
        return try parse(bytes: data, path: path)
    }

    static func parse(bytes: some Collection<UInt8>, path: String) throws(AuthFileError) -> AuthFile {
        func fail(_ message: String) -> AuthFileError { AuthFileError(path: path, message: message) }
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes: bytes)
        } catch {
            throw fail(error.description)
        }
        guard let userList = root["users"]?.arrayValue else { throw fail(#"it needs a "users" array"#) }
        guard let permissionList = root["permissions"]?.arrayValue else { throw fail(#"it needs a "permissions" array"#) }

        var users: [String: StoredUser] = [:]
        for (index, element) in userList.enumerated() {
            let user = try parseUser(element, at: index, fail: fail)
            guard users[user.name] == nil else { throw fail("user \"\(user.name)\" is listed twice") }
            users[user.name] = user
        }
        var rulesByUser: [String: [AccessRule]] = [:]
        for (index, element) in permissionList.enumerated() {
            let (name, rule) = try parsePermission(element, at: index, fail: fail)
            rulesByUser[name, default: []].append(rule)
        }
        return AuthFile(users: users, rulesByUser: rulesByUser)
    }

    private static func parseUser(_ element: JSONValue, at index: Int, fail: (String) -> AuthFileError) throws(AuthFileError) -> StoredUser {
        func field(_ key: String) throws(AuthFileError) -> String {
            guard let value = element[key]?.stringValue else { throw fail("users[\(index)] needs a string \"\(key)\"") }
            return value
        }
        let name = try field("username")
        let algorithmName = try field("algorithm")
        guard let algorithm = PasswordAlgorithm(rawValue: algorithmName) else {
            let known = PasswordAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("user \"\(name)\" has algorithm \"\(algorithmName)\"; expected one of \(known)")
        }
        let salt = try field("salt")
        // A hash of the wrong size can never match; say so now rather than refuse every login later.
        guard let hash = Data(base64Encoded: try field("password_hash")), hash.count == algorithm.hashByteCount else {
            throw fail("user \"\(name)\" needs a password_hash that is base64 of \(algorithm.hashByteCount) bytes for \(algorithm.rawValue)")
        }
        return StoredUser(name: name, algorithm: algorithm, salt: salt, passwordHash: Array(hash))
    }

    private static func parsePermission(_ element: JSONValue, at index: Int, fail: (String) -> AuthFileError) throws(AuthFileError) -> (String, AccessRule) {
        func field(_ key: String) throws(AuthFileError) -> String {
            guard let value = element[key]?.stringValue else { throw fail("permissions[\(index)] needs a string \"\(key)\"") }
            return value
        }
        let name = try field("username")
        let operation: AccessOperation
        switch try field("operation") {
        case "Read": operation = .read
        case "Write": operation = .write
        case let other: throw fail("permissions[\(index)] has operation \"\(other)\"; expected Read or Write")
        }
        let pattern = try field("resource")
        guard let rule = AccessRule(operation: operation, pattern: pattern) else {
            throw fail("permissions[\(index)] has resource \"\(pattern)\", which is not a valid regular expression")
        }
        return (name, rule)
    }
}
