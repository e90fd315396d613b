import RegistryModel

/// Durable storage under a `Registry`.
///
/// The registry keeps its index in memory and calls the store only to load everything at start-up
/// and to persist each request's changes. Implementations need not be fast for reads, only correct:
/// `apply` is all-or-nothing and durable when it returns.
public protocol RegistryStore: Sendable {
    /// Everything stored. Schema texts are returned as stored and are not parsed.
    func loadAll() throws(RegistryError) -> StoreContents

    /// Applies `changes` in order, in one transaction: after a crash either all of them are stored or none.
    /// Throws a 50001 error, and stores nothing, when the storage fails.
    func apply(_ changes: [StoreChange]) throws(RegistryError)
}

/// A store that several registry nodes share (PostgreSQL), each with its own index in memory.
///
/// Every commit appends the changes it stores to a change log, numbered without gaps in commit order, so a node
/// brings its index up to date by applying the entries after the last one it has seen. Writes are serialized across
/// nodes: `commit` holds one database lock while the registry catches up and plans, so every write is planned against
/// everything committed before it, on any node, and the rules of one node hold for the cluster.
public protocol SharedRegistryStore: RegistryStore {
    /// Everything stored, and the change log position it includes, from one snapshot.
    func loadAllWithPosition() throws(RegistryError) -> (StoreContents, ChangePosition)

    /// What was committed after `position`: the log's entries, or the whole state when they are no longer kept.
    func changes(after position: ChangePosition) throws(RegistryError) -> ChangeFeed

    /// One write, all or nothing: under the cluster-wide write lock, hands `plan` what was committed after `position`
    /// (which the registry applies before planning; it stays true whether or not this commit succeeds) and stores the
    /// changes it returns, with their log entry. Returns the position of that entry (the feed's, when nothing changed).
    func commit(after position: ChangePosition, _ plan: (ChangeFeed) throws(RegistryError) -> [StoreChange]) throws(RegistryError)
        -> ChangePosition

    /// Blocks until another commit may have happened, or `timeout` passes (also after a lost connection, which may
    /// have missed a notice); the answer is only a hint to catch up.
    func waitForChanges(timeout: Duration) -> Bool
}

/// A place in a shared store's change log: the number of the last entry included, and that entry's token, a
/// random value written with it. A database that lost entries a node has seen (a backup restored, a failover to a
/// replica that lagged) and has since written others under the same numbers gives itself away by the token.
public struct ChangePosition: Sendable, Hashable, CustomStringConvertible {
    public var number: Int64
    public var token: String

    public init(number: Int64, token: String) {
        self.number = number
        self.token = token
    }

    /// Before the first entry.
    public static let start = ChangePosition(number: 0, token: "")

    public var description: String { "\(number)" }
}

/// What a node must apply to catch up.
public enum ChangeFeed: Sendable {
    /// The entries after the node's position, in order, up to `position`.
    case changes([StoreChange], position: ChangePosition)
    /// The whole state at `position`, when the log no longer holds the entries the node missed.
    case reload(StoreContents, position: ChangePosition)

    public var position: ChangePosition {
        switch self {
        case .changes(_, let position), .reload(_, let position): position
        }
    }
}

/// One version of a subject as stored and indexed: the schema it holds and whether it is soft-deleted.
public struct StoredVersion: Sendable, Hashable {
    public var subject: String
    public var version: Int
    public var schemaId: Int
    public var deleted: Bool

    public init(subject: String, version: Int, schemaId: Int, deleted: Bool) {
        self.subject = subject
        self.version = version
        self.schemaId = schemaId
        self.deleted = deleted
    }

    public var key: SubjectVersion { SubjectVersion(subject: subject, version: version) }

    /// The schema this version holds, in its subject's context.
    public var schemaKey: ContextId { ContextId(context: QualifiedSubject.context(of: subject), id: schemaId) }
}

/// All that a store holds.
public struct StoreContents: Sendable {
    public var schemas: [StoredSchema]
    public var versions: [StoredVersion]
    /// Configs by subject; nil is the global config.
    public var configs: [String?: CompatibilityConfig]
    /// Modes by subject; nil is the global mode.
    public var modes: [String?: RegistryMode]
    /// The highest id ever issued in each context, including ids of schemas since deleted; ids above it are free.
    public var maxSchemaIds: [String: Int]

    public init(
        schemas: [StoredSchema] = [], versions: [StoredVersion] = [], configs: [String?: CompatibilityConfig] = [:],
        modes: [String?: RegistryMode] = [:], maxSchemaIds: [String: Int] = [:]
    ) {
        self.schemas = schemas
        self.versions = versions
        self.configs = configs
        self.modes = modes
        self.maxSchemaIds = maxSchemaIds
    }
}

/// One change to the stored state.
public enum StoreChange: Sendable, Hashable {
    /// Adds a schema; the store's highest issued id in its context rises to its id when lower.
    case insertSchema(StoredSchema)
    /// Removes a schema no version holds any more. Its id stays issued: its context's highest id does not go down.
    case deleteSchema(ContextId)
    case insertVersion(StoredVersion)
    case setVersionDeleted(subject: String, version: Int, deleted: Bool)
    case deleteVersion(subject: String, version: Int)
    /// Sets (or with nil removes) the config of a subject, or the global one when `subject` is nil.
    case setConfig(subject: String?, CompatibilityConfig?)
    /// Sets (or with nil removes) the mode of a subject, or the global one when `subject` is nil.
    case setMode(subject: String?, RegistryMode?)
    /// Forgets a context that holds no subject, and with it its highest issued id.
    case deleteContext(String)
    /// Raises a context's highest issued id to `id` when lower (a copy keeps the ids its source gave and deleted).
    case raiseMaxSchemaId(context: String, id: Int)
}
