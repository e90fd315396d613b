import Foundation
import Locking

/// What the client remembers between calls. Every method takes the lock once; nothing here does I/O.
///
/// Ids, GUIDs, (subject, schema) → id and (subject, version) → schema never change on a registry, so they are kept
/// until the subject is deleted through this client. The latest version of a subject moves, so it expires after
/// `latestTTL`. "Not found" answers expire after `negativeTTL`, so a schema registered elsewhere shows up soon.
final class SchemaCache: Sendable {
    struct IDKey: Hashable {
        /// The registry context (`.ctx` of a `:.ctx:subject`); "" for the default context.
        var context: String
        var id: Int
    }

    struct SubjectSchemaKey: Hashable {
        var subject: String
        var schema: SchemaInfo
        var normalize: Bool
    }

    struct VersionKey: Hashable {
        var subject: String
        var version: Int
    }

    enum MissKey: Hashable {
        case id(IDKey)
        case guid(String)
        case lookup(SubjectSchemaKey)
        case version(VersionKey)
        case latest(String)
    }

    private struct State {
        var schemasByID: [IDKey: SchemaInfo] = [:]
        var schemasByGUID: [String: SchemaInfo] = [:]
        var registeredIDs: [SubjectSchemaKey: Int] = [:]
        var lookups: [SubjectSchemaKey: RegisteredSchema] = [:]
        var versions: [VersionKey: RegisteredSchema] = [:]
        var latest: [String: (schema: RegisteredSchema, expiry: ContinuousClock.Instant?)] = [:]
        var misses: [MissKey: (error: SchemaRegistryError, expiry: ContinuousClock.Instant)] = [:]
    }

    static let maximumMisses = 10_000

    private let state = Locked(State())
    private let latestTTL: Duration?
    private let negativeTTL: Duration

    init(latestTTL: Duration?, negativeTTL: Duration) {
        self.latestTTL = latestTTL
        self.negativeTTL = negativeTTL
    }

    static func context(ofSubject subject: String?) -> String {
        guard let subject, subject.hasPrefix(":.") else { return "" }
        let rest = subject.dropFirst(1)
        guard let end = rest.firstIndex(of: ":") else { return "" }
        let context = String(rest[..<end])
        return context == "." ? "" : context
    }

    // MARK: Reads

    func schema(_ key: IDKey) -> SchemaInfo? { state.withLock { $0.schemasByID[key] } }
    func schema(guid: String) -> SchemaInfo? { state.withLock { $0.schemasByGUID[guid] } }
    func registeredID(_ key: SubjectSchemaKey) -> Int? {
        state.withLock { $0.registeredIDs[key] ?? $0.lookups[key]?.id }
    }
    func lookup(_ key: SubjectSchemaKey) -> RegisteredSchema? { state.withLock { $0.lookups[key] } }
    func version(_ key: VersionKey) -> RegisteredSchema? { state.withLock { $0.versions[key] } }

    func latest(_ subject: String) -> RegisteredSchema? {
        state.withLock { state in
            guard let entry = state.latest[subject] else { return nil }
            if let expiry = entry.expiry, expiry <= .now {
                state.latest[subject] = nil
                return nil
            }
            return entry.schema
        }
    }

    /// The remembered "not found" answer for a key, while it is fresh.
    func miss(_ key: MissKey) -> SchemaRegistryError? {
        state.withLock { state in
            guard let entry = state.misses[key] else { return nil }
            if entry.expiry <= .now {
                state.misses[key] = nil
                return nil
            }
            return entry.error
        }
    }

    // MARK: Writes

    func store(schema: SchemaInfo, for key: IDKey) { state.withLock { $0.schemasByID[key] = schema } }
    func store(schema: SchemaInfo, guid: String) { state.withLock { $0.schemasByGUID[guid] = schema } }

    func store(registeredID id: Int, for key: SubjectSchemaKey) {
        let context = Self.context(ofSubject: key.subject)
        state.withLock { state in
            let idKey = IDKey(context: context, id: id)
            state.registeredIDs[key] = id
            state.schemasByID[idKey] = state.schemasByID[idKey] ?? key.schema
            state.misses[.id(idKey)] = nil
            // A registration may add a version: what we knew about the subject's latest and misses is stale.
            state.latest[key.subject] = nil
            Self.forgetMisses(ofSubject: key.subject, in: &state)
        }
    }

    func store(lookup registered: RegisteredSchema, for key: SubjectSchemaKey) {
        state.withLock { state in
            state.lookups[key] = registered
            Self.remember(registered, in: &state)
        }
    }

    func store(version registered: RegisteredSchema) {
        state.withLock { Self.remember(registered, in: &$0) }
    }

    func store(latest registered: RegisteredSchema) {
        let expiry = latestTTL.map { ContinuousClock.now + $0 }
        state.withLock { state in
            state.latest[registered.subject] = (registered, expiry)
            Self.remember(registered, in: &state)
        }
    }

    /// Remembers a "not found" answer; other errors (server failures, timeouts) are never cached.
    func store(miss error: SchemaRegistryError, for key: MissKey) {
        guard error.isNotFound, negativeTTL > .zero else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            // Misses come from message bytes (an id in a corrupt record), so keep their number bounded.
            if state.misses.count >= Self.maximumMisses {
                state.misses = state.misses.filter { $0.value.expiry > now }
                if state.misses.count >= Self.maximumMisses { state.misses.removeAll() }
            }
            state.misses[key] = (error, now + negativeTTL)
        }
    }

    /// Forgets everything about a subject (after deleting it or one of its versions).
    func forget(subject: String) {
        state.withLock { state in
            state.registeredIDs = state.registeredIDs.filter { $0.key.subject != subject }
            state.lookups = state.lookups.filter { $0.key.subject != subject }
            state.versions = state.versions.filter { $0.key.subject != subject }
            state.latest[subject] = nil
            Self.forgetMisses(ofSubject: subject, in: &state)
        }
    }

    func removeAll() { state.withLock { $0 = State() } }

    private static func remember(_ registered: RegisteredSchema, in state: inout State) {
        let context = context(ofSubject: registered.subject)
        let idKey = IDKey(context: context, id: registered.id)
        state.versions[VersionKey(subject: registered.subject, version: registered.version)] = registered
        state.schemasByID[idKey] = registered.schema
        state.misses[.id(idKey)] = nil
        if let guid = registered.guid { state.schemasByGUID[guid] = registered.schema }
    }

    private static func forgetMisses(ofSubject subject: String, in state: inout State) {
        state.misses = state.misses.filter { key, _ in
            switch key {
            case .lookup(let lookup): lookup.subject != subject
            case .version(let version): version.subject != subject
            case .latest(let latest): latest != subject
            case .id, .guid: true
            }
        }
    }
}
