import Crypto
import Foundation
import Locking
import Logging

/// Checks HTTP Basic credentials against a Karapace-format auth file and hands out the user's permissions.
///
/// Safe to call from any thread. The file is checked for changes at most once per `reloadInterval`, on the next call;
/// a changed file replaces the rules only when it is valid, otherwise the error is logged once and the previous rules
/// stay. Verified credentials are remembered (under a keyed hash, never in clear) until the file changes, so a client
/// that sends the same header on every request pays for one scrypt or PBKDF2 run, not one per request.
public final class Authenticator: Sendable {
    public let path: String
    private let logger: Logger
    private let reloadInterval: Duration
    /// Keys the credential cache, so the cache holds no password in clear nor an unsalted hash of one.
    private let cacheSecret: [UInt8] = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    private let state: Locked<State>

    /// At most this many verified credentials are remembered; the cache starts over when it is full.
    static let cacheCapacity = 4096

    private struct State {
        var file: AuthFile
        /// Increases with every successful load, so a verification that raced a reload is not cached under new rules.
        var generation = 1
        var lastSeen: FileFingerprint
        var nextCheck: ContinuousClock.Instant
        var verified: [Data: AuthenticatedUser] = [:]
        var passwordHashCount = 0
    }

    /// Loads and validates the auth file at `path`.
    public init(authFile path: String, logger: Logger, reloadInterval: Duration = .seconds(1)) throws(AuthFileError) {
        self.path = path
        self.logger = logger
        self.reloadInterval = reloadInterval
        let fingerprint = FileFingerprint(path: path)
        let file = try AuthFile.load(path: path)
        state = Locked(State(file: file, lastSeen: fingerprint, nextCheck: .now + reloadInterval))
        logger.info("loaded auth file", metadata: Self.summary(file, path: path))
    }

    /// The user whose credentials `authorizationHeader` carries, or nil when the header is missing, is not Basic, or
    /// names an unknown user or a wrong password (answer 401).
    public func authenticate(authorizationHeader: String?) -> AuthenticatedUser? {
        reloadIfDue()
        guard let header = authorizationHeader, let credentials = BasicCredentials(authorizationHeader: header) else {
            return nil
        }
        let key = Data(HMAC<SHA256>.authenticationCode(for: credentials.token, using: SymmetricKey(data: cacheSecret)))
        let lookup = state.withLock { state -> Lookup in
            if let cached = state.verified[key] { return .cached(cached) }
            guard let user = state.file.users[credentials.username] else { return .unknownUser }
            state.passwordHashCount += 1
            return .verify(user, rules: state.file.rulesByUser[credentials.username] ?? [], generation: state.generation)
        }
        switch lookup {
        case .cached(let user): return user
        case .unknownUser: return nil
        case .verify(let stored, let rules, let generation):
            return verify(credentials, cachedUnder: key, against: stored, rules: rules, generation: generation)
        }
    }

    /// Hashes outside the lock: scrypt takes tens of milliseconds and other requests must not wait for it.
    private func verify(_ credentials: BasicCredentials, cachedUnder key: Data, against stored: StoredUser,
                        rules: [AccessRule], generation: Int) -> AuthenticatedUser? {
        guard stored.verifies(password: credentials.password) else { return nil }
        let user = AuthenticatedUser(name: stored.name, rules: rules)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.verified.count >= Self.cacheCapacity { state.verified.removeAll() }
            state.verified[key] = user
        }
        return user
    }

    private enum Lookup {
        case cached(AuthenticatedUser)
        case unknownUser
        case verify(StoredUser, rules: [AccessRule], generation: Int)
    }

    /// How many passwords were hashed so far; a cached credential does not count.
    public var passwordHashCount: Int { state.withLock { $0.passwordHashCount } }

    /// How many times the file was loaded successfully, counting the first load.
    public var generation: Int { state.withLock { $0.generation } }

    private func reloadIfDue() {
        let now = ContinuousClock.now
        let due = state.withLock { state in
            guard now >= state.nextCheck else { return false }
            state.nextCheck = now + reloadInterval
            return true
        }
        guard due else { return }
        // Take the fingerprint before reading, so a write that lands mid-read changes it again and is picked up later.
        let fingerprint = FileFingerprint(path: path)
        let changed = state.withLock { state in
            guard fingerprint != state.lastSeen else { return false }
            state.lastSeen = fingerprint
            return true
        }
        guard changed else { return }
        guard fingerprint != .missing else {
            logger.error("auth file is gone; keeping the previous users and permissions", metadata: ["path": "\(path)"])
            return
        }
        do throws(AuthFileError) {
            let file = try AuthFile.load(path: path)
            state.withLock { state in
                state.file = file
                state.generation += 1
                state.verified.removeAll()
            }
            logger.info("reloaded auth file", metadata: Self.summary(file, path: path))
        } catch {
            logger.error("auth file is invalid; keeping the previous users and permissions: \(error.message)",
                         metadata: ["path": "\(path)"])
        }
    }

    private static func summary(_ file: AuthFile, path: String) -> Logger.Metadata {
        ["path": "\(path)", "users": "\(file.users.count)", "permissions": "\(file.rulesByUser.values.map(\.count).reduce(0, +))"]
    }
}
