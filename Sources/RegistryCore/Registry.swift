import Avro
import Dispatch
import Synchronization
import RegistryModel

/// The schema registry's rules: subjects, versions, global ids, compatibility, configs and modes.
///
/// Synchronous and thread-safe. The whole index lives in memory: reads never touch the store, and
/// schemas by id are read without any lock. Writes are serialized, persisted through the store in one
/// transaction, and only then applied in memory, so a failed write changes nothing.
public final class Registry: Sendable {
    private let store: any RegistryStore
    /// The store again when other nodes share it; nil for one node's own store.
    private let shared: (any SharedRegistryStore)?
    /// The shared store's change log position that `index` includes. Only the leader of `writes` changes it.
    private let position = Mutex(ChangePosition.start)
    /// The committed state: what every read sees.
    private let index: Mutex<RegistryIndex>
    /// The committed state plus the batch being committed. Only the leader of `writes` touches it;
    /// it is kept apart from `index` so that readers never see a write before it is durable.
    private let working: Mutex<RegistryIndex>
    private let writes = WriteQueue()
    private let table = SchemaTable()
    /// Parsed stored schemas, filled on first use: start-up parses nothing.
    /// Kept prepared for compatibility checks, which then skip the fields a new version did not change.
    private let parsedSchemas = Mutex<[ContextId: PreparedForCompatibility]>([:])

    /// Loads the store's contents into memory (no schema is parsed).
    /// Whether modes may be set or removed (Confluent's `mode.mutability`); when not, both are 42205.
    public let allowsModeChanges: Bool

    public init(store: some RegistryStore, allowsModeChanges: Bool = true) throws(RegistryError) {
        self.store = store
        self.allowsModeChanges = allowsModeChanges
        let contents: StoreContents
        if let shared = store as? any SharedRegistryStore {
            self.shared = shared
            let (loaded, position) = try shared.loadAllWithPosition()
            contents = loaded
            self.position.withLock { $0 = position }
        } else {
            shared = nil
            contents = try store.loadAll()
        }
        let loaded = RegistryIndex(contents: contents)
        index = Mutex(loaded)
        working = Mutex(loaded)
        publishIds(of: loaded)
        if let shared { Self.follow(shared, for: self) }
    }

    // MARK: Nodes sharing a store

    /// Applies what other nodes committed since this node last looked; nothing for a store of its own.
    /// Registrations and compatibility checks call it first, so they read current state; other reads rely on the
    /// follower, which applies other nodes' commits as their notices arrive.
    public func catchUp() throws(RegistryError) {
        guard shared != nil else { return }
        let pending = PendingWrite<Void>(catchingUp: true) { _ throws(RegistryError) in ((), []) }
        writes.submit(pending) { batch in commit(batch) }
        try pending.result()
    }

    /// Follows the shared store's notices on a thread of its own for as long as the registry lives. It also catches
    /// up every two seconds without one, in case a notice was lost.
    private static func follow(_ store: any SharedRegistryStore, for registry: Registry) {
        DispatchQueue(label: "schema-registry.follower").async { [weak registry] in
            while registry != nil {
                _ = store.waitForChanges(timeout: .seconds(2))
                guard let registry else { return }
                try? registry.catchUp()
            }
        }
    }

    /// Makes the default context's schemas of `state` readable by id without a lock.
    private func publishIds(of state: RegistryIndex) {
        for schema in state.schemas.values where schema.context == QualifiedSubject.defaultContext { table.publish(schema) }
    }

    /// Applies another node's commits (or, when the log no longer holds them, its whole state) to both indexes.
    /// Called by the leader of `writes` only.
    private func absorb(_ feed: ChangeFeed) {
        switch feed {
        case .changes(let changes, _):
            guard !changes.isEmpty else { break }
            working.withLock { state in for change in changes { state.apply(change) } }
            publish(changes)
        case .reload(let contents, _):
            let loaded = RegistryIndex(contents: contents)
            let previous = index.withLock { state in
                defer { state = loaded }
                return state
            }
            working.withLock { $0 = loaded }
            publishIds(of: loaded)
            for key in previous.schemas.keys where key.context == QualifiedSubject.defaultContext && loaded.schemas[key] == nil {
                table.retire(id: key.id)
            }
            parsedSchemas.withLock { $0.removeAll() }
        }
        position.withLock { $0 = feed.position }
    }

    // MARK: Registration and lookup

    /// Registers `request` under `subject`, or returns the existing version when it is already there.
    public func register(subject: String, _ request: SchemaRequest, normalize: Bool) throws(RegistryError) -> RegisteredVersion {
        try Self.validate(subject: subject)
        try catchUp()
        let prepared = try prepare(request, subject: subject, normalize: normalize, validateAsNew: true)
        // As Confluent's `registerOrForward`: a schema already live under the subject is answered before any mode check.
        let existing = index.withLock { state in
            Self.liveVersion(of: prepared.guid, in: subject, state: state)
        }
        if let existing, request.requestedId == nil || request.requestedId == existing.schema.id {
            return existing
        }
        return try write { state throws(RegistryError) in
            let (registered, changes) = try self.planRegistration(subject: subject, request, prepared, state: state)
            // The next registration checks against this version: keep its parse instead of parsing the stored
            // text again. Only when the stored text is this request's own (not an older schema with the same
            // identity). Should the batch fail to commit, `commit` forgets the parses of the ids it inserted.
            if registered.schema.schema == prepared.text {
                self.parsedSchemas.withLock { cache in
                    if cache[registered.schema.key] == nil { cache[registered.schema.key] = PreparedForCompatibility(prepared.parsed) }
                }
            }
            return (registered, changes)
        }
    }

    /// Finds the version of `subject` that holds `request`'s schema (40401 no subject, 40403 no such schema).
    /// A plain subject the default context does not match is tried in every other context, as Confluent does.
    public func lookUp(subject: String, _ request: SchemaRequest, normalize: Bool, includeDeleted: Bool) throws(RegistryError)
        -> RegisteredVersion
    {
        try withContextFallback(subject) { subject throws(RegistryError) in
            try lookUpInContext(subject: subject, request, normalize: normalize, includeDeleted: includeDeleted)
        }
    }

    private func lookUpInContext(subject: String, _ request: SchemaRequest, normalize: Bool, includeDeleted: Bool)
        throws(RegistryError) -> RegisteredVersion
    {
        let prepared = try prepare(request, subject: subject, normalize: normalize, validateAsNew: false)
        return try index.withLock { state throws(RegistryError) in
            let entries = state.entries(subject)
            guard entries.contains(where: { includeDeleted || !$0.deleted }) else { throw .subjectNotFound(subject) }
            guard let id = state.id(ofGuid: prepared.guid, in: QualifiedSubject.context(of: subject)),
                let match = state.latestLiveEntry(subject, holding: id)
                    ?? (includeDeleted ? entries.last(where: { $0.schemaId == id }) : nil)
            else { throw .schemaNotFound }
            return state.subjectVersion(subject, match)
        }
    }

    // MARK: Schemas

    /// The schema with this id in `context`, also when every version holding it is soft-deleted (40403).
    /// In the default context it is lock-free: it never waits for a writer.
    /// With a shared store, an id not known here is looked for in what other nodes committed since.
    public func schema(id: Int, context: String = QualifiedSubject.defaultContext) throws(RegistryError) -> StoredSchema {
        let found = try readingThrough {
            context == QualifiedSubject.defaultContext
                ? table.schema(id: id) : index.withLock { $0.schemas[ContextId(context: context, id: id)] }
        }
        guard let found else { throw .schemaNotFound(String(id)) }
        return found
    }

    /// What `find` finds; with a shared store, when it finds nothing, what it finds after catching up with the
    /// other nodes, so that an id acknowledged by any node answers on every node.
    private func readingThrough<T>(_ find: () -> T?) throws(RegistryError) -> T? {
        if let found = find() { return found }
        guard shared != nil else { return nil }
        try catchUp()
        return find()
    }

    /// Which context's id `id` a request means, as Confluent's `getSchemaKeyUsingContexts` decides (40403 when none):
    /// - no subject: the default context;
    /// - a context (`:.ctx:`) or a subject of a named context (`:.ctx:s`): that context, and for a subject only
    ///   if it holds the id;
    /// - a plain subject: the default context if the subject holds the id there, else the first context where the
    ///   subject of that name does, else the default context if anything holds the id there.
    ///
    /// Also the subject version that holds it there: the subject's own, or any when none was named.
    ///
    /// With a shared store, an id not found is looked for again after catching up, as `schema(id:context:)` does.
    public func locateSchema(id: Int, subject: String?) throws(RegistryError) -> (key: ContextId, holder: SubjectVersion?) {
        guard let found = try readingThrough({ locate(id: id, subject: subject) }) else { throw .schemaNotFound(String(id)) }
        return found
    }

    private func locate(id: Int, subject: String?) -> (key: ContextId, holder: SubjectVersion?)? {
        index.withLock { state -> (ContextId, SubjectVersion?)? in
            /// The newest version of `subject` (or of any subject) holding the schema, soft-deleted ones included.
            func holder(_ subject: String?, _ key: ContextId) -> SubjectVersion? {
                (state.holders[key] ?? []).filter { subject == nil || $0.subject == subject }
                    .max { ($0.subject, $0.version) < ($1.subject, $1.version) }
            }
            guard let subject else {
                let key = ContextId(id: id)
                return state.schemas[key] != nil ? (key, nil) : nil
            }
            let qualified = QualifiedSubject(parsing: subject)
            let named = ContextId(context: qualified.context, id: id)
            if qualified.name.isEmpty { return state.schemas[named] != nil ? (named, holder(nil, named)) : nil }
            if !qualified.isDefaultContext { return holder(qualified.qualified, named).map { (named, $0) } }
            if let own = holder(subject, named) { return (named, own) }
            for context in Self.contexts(state) where context != QualifiedSubject.defaultContext {
                let key = ContextId(context: context, id: id)
                if let own = holder(QualifiedSubject(context: context, name: subject).qualified, key) { return (key, own) }
            }
            return holder(nil, named).map { (named, $0) }
        }
    }

    /// Every context that holds a subject or a schema, sorted; the default context always.
    public func contexts() -> [String] { index.withLock { Self.contexts($0) } }

    /// A context is known from its first schema on (a subject's versions hold schemas of its context) until it is
    /// deleted, so the contexts with an id counter are all of them. `.` sorts first.
    private static func contexts(_ state: RegistryIndex) -> [String] {
        var found = Set(state.maxSchemaIds.keys)
        found.insert(QualifiedSubject.defaultContext)
        return found.sorted()
    }

    /// A stored schema's text with the named types of its references written out (Confluent's `format=resolved`).
    public func resolvedText(of schema: StoredSchema) throws(RegistryError) -> String {
        guard !schema.references.isEmpty else { return schema.schema }
        return try index.withLock { state throws(RegistryError) in try parsedSchema(schema.key, state: state).resolvedJSON }
    }

    /// The schema with this guid: the default context's when it has the content, else the first context's that
    /// does (40403). A guid names content, which has the same guid in every context.
    public func schema(guid: String) throws(RegistryError) -> StoredSchema {
        let found = index.withLock { state in
            Self.ids(ofGuid: guid.lowercased(), state: state).first.flatMap { state.schemas[$0] }
        }
        guard let found else { throw .schemaNotFound(guid) }
        return found
    }

    /// Every (context, id) holding this guid's content, default context first.
    public func ids(ofGuid guid: String) -> [ContextId] {
        index.withLock { Self.ids(ofGuid: guid.lowercased(), state: $0) }
    }

    /// One look-up per context (contexts are few), the default context first and the others in name order.
    private static func ids(ofGuid guid: String, state: RegistryIndex) -> [ContextId] {
        contexts(state).compactMap { context in state.id(ofGuid: guid, in: context).map { ContextId(context: context, id: $0) } }
    }

    /// The subject versions that hold a schema, by subject then version (40403 when unknown).
    /// With a shared store, an id not known here is looked for in what other nodes committed since.
    public func subjectVersions(forSchema key: ContextId, includeDeleted: Bool) throws(RegistryError) -> [SubjectVersion] {
        let found = try readingThrough {
            index.withLock { state -> [SubjectVersion]? in
                guard state.schemas[key] != nil else { return nil }
                return (state.holders[key] ?? [])
                    .filter { includeDeleted || state.entry($0.subject, $0.version)?.deleted == false }
                    .sorted { ($0.subject, $0.version) < ($1.subject, $1.version) }
                    .map { SubjectVersion(subject: $0.subject, version: $0.version) }
            }
        }
        guard let found else { throw .schemaNotFound(String(key.id)) }
        return found
    }

    /// Versions of subjects starting with `subjectPrefix`, by subject then version, paged by `offset` and `limit` (-1: all).
    public func schemas(subjectPrefix: String, includeDeleted: Bool, latestOnly: Bool, offset: Int, limit: Int) -> [RegisteredVersion] {
        index.withLock { state in
            var found: [RegisteredVersion] = []
            for subject in state.subjects.keys.sorted() where Self.subject(subject, matches: subjectPrefix) {
                let visible = state.entries(subject).filter { includeDeleted || !$0.deleted }
                let chosen = latestOnly ? Array(visible.suffix(1)) : visible
                found += chosen.map { state.subjectVersion(subject, $0) }
            }
            return Self.page(found, offset: offset, limit: limit)
        }
    }

    /// The highest schema id ever issued in a context (hard-deleted ids included).
    public func maxSchemaId(in context: String = QualifiedSubject.defaultContext) -> Int {
        index.withLock { $0.maxSchemaId(in: context) }
    }

    // MARK: Subjects and versions

    /// Subject names, sorted, that `prefix` matches (see `subject(_:matches:)`). A subject is listed when it has a
    /// live version; with `includeDeleted` also when it has only soft-deleted ones; with `deletedOnly` only when it
    /// has a soft-deleted version.
    public func subjects(prefix: String, includeDeleted: Bool, deletedOnly: Bool) -> [String] {
        index.withLock { state in
            state.subjects.compactMap { subject, entries in
                guard Self.subject(subject, matches: prefix) else { return nil }
                let listed =
                    deletedOnly ? entries.contains { $0.deleted } : includeDeleted || entries.contains { !$0.deleted }
                return listed ? subject : nil
            }.sorted()
        }
    }

    /// Whether a listing with `subjectPrefix` shows `subject`: `:*:` shows every context, `:*:name` a name in any
    /// context, `:.ctx:name` the subjects of `.ctx` that start with it, and a plain prefix (empty too) the default
    /// context's.
    static func subject(_ subject: String, matches prefix: String) -> Bool {
        guard prefix.hasPrefix(QualifiedSubject.wildcard) else {
            return subject.hasPrefix(prefix) && (prefix.hasPrefix(":.") || !subject.hasPrefix(":."))
        }
        let name = prefix.dropFirst(QualifiedSubject.wildcard.count)
        return name.isEmpty || QualifiedSubject(parsing: subject).name.hasPrefix(name)
    }

    /// Version numbers of a subject, ascending (40401 when it has none to show).
    public func versions(subject: String, includeDeleted: Bool, deletedOnly: Bool) throws(RegistryError) -> [Int] {
        try index.withLock { state throws(RegistryError) in
            let entries = state.entries(subject)
            let shown = entries.filter { deletedOnly ? $0.deleted : includeDeleted || !$0.deleted }
            guard !entries.isEmpty, !shown.isEmpty || deletedOnly else { throw .subjectNotFound(subject) }
            return shown.map(\.version)
        }
    }

    /// One version of a subject (40401, 40402). `latest` is the newest live version.
    /// A plain subject the default context does not have is tried in every other context, as Confluent does.
    public func version(subject: String, _ version: VersionSelector, includeDeleted: Bool) throws(RegistryError) -> RegisteredVersion {
        try withContextFallback(subject) { subject throws(RegistryError) in
            try index.withLock { state throws(RegistryError) in
                let entry = try Self.resolve(version, of: subject, includeDeleted: includeDeleted, state: state)
                return state.subjectVersion(subject, entry)
            }
        }
    }

    /// `read` of `subject`, or when that fails for a subject of the default context, of the subject of that name in
    /// the first other context where it succeeds; the first failure when none does.
    private func withContextFallback<Result>(_ subject: String, _ read: (String) throws(RegistryError) -> Result)
        throws(RegistryError) -> Result
    {
        do {
            return try read(subject)
        } catch {
            guard QualifiedSubject.context(of: subject) == QualifiedSubject.defaultContext, !subject.hasPrefix(":") else { throw error }
            for context in contexts() where context != QualifiedSubject.defaultContext {
                if let found = try? read(QualifiedSubject(context: context, name: subject).qualified) { return found }
            }
            throw error
        }
    }

    /// The newest version whose metadata `properties` hold every pair of `metadata` (Confluent's
    /// `getLatestWithMetadata`); 40401 for a subject with nothing to show, 40403 when none matches.
    public func latestVersion(subject: String, matchingMetadata metadata: [String: String], includeDeleted: Bool)
        throws(RegistryError) -> RegisteredVersion
    {
        try index.withLock { state throws(RegistryError) in
            let entries = state.entries(subject).filter { includeDeleted || !$0.deleted }
            guard !entries.isEmpty else { throw .subjectNotFound(subject) }
            for entry in entries.reversed() {
                let properties = state.schemas[entry.schemaKey]?.metadata?["properties"]?.objectValue
                guard let properties else { continue }
                if metadata.allSatisfy({ properties[$0.key]?.stringValue == $0.value }) {
                    return state.subjectVersion(subject, entry)
                }
            }
            throw .schemaNotFound
        }
    }

    /// Ids of the schemas that reference this version and that some live version holds, ascending.
    public func referencedBy(subject: String, _ version: VersionSelector) throws(RegistryError) -> [Int] {
        try index.withLock { state throws(RegistryError) in
            let entry = try Self.resolve(version, of: subject, includeDeleted: true, state: state)
            return state.referrers(of: SubjectVersion(subject: subject, version: entry.version), liveOnly: true).map(\.id)
        }
    }

    // MARK: Deletes

    /// Soft-deletes every live version, or with `permanent` hard-deletes a soft-deleted subject. Returns the versions.
    public func deleteSubject(_ subject: String, permanent: Bool) throws(RegistryError) -> [Int] {
        try Self.validate(subject: subject)
        return try write { state throws(RegistryError) in
            try Self.checkWritable(subject, state: state)
            let entries = state.entries(subject)
            guard !entries.isEmpty else { throw .subjectNotFound(subject) }
            let live = entries.filter { !$0.deleted }
            if !permanent {
                guard !live.isEmpty else { throw .subjectSoftDeleted(subject) }
                for entry in live {
                    try Self.checkNotReferenced(subject, entry.version, fromOutside: subject, liveOnly: true, state: state)
                }
                let changes = live.map { StoreChange.setVersionDeleted(subject: subject, version: $0.version, deleted: true) }
                return (live.map(\.version), changes)
            }
            guard live.isEmpty else { throw .subjectNotSoftDeleted(subject) }
            for entry in entries {
                try Self.checkNotReferenced(subject, entry.version, fromOutside: subject, liveOnly: false, state: state)
            }
            var changes = entries.map { StoreChange.deleteVersion(subject: subject, version: $0.version) }
            for key in Set(entries.map(\.schemaKey)).sorted()
            where state.holders[key]?.allSatisfy({ $0.subject == subject }) ?? true {
                changes.append(.deleteSchema(key))
            }
            changes += Self.forgetSettings(of: subject, state: state)
            return (entries.map(\.version), changes)
        }
    }

    /// Soft-deletes one version, or with `permanent` hard-deletes a soft-deleted one. Returns its number.
    /// `latest` is the newest live version, or with `permanent` the newest version.
    public func deleteVersion(subject: String, _ version: VersionSelector, permanent: Bool) throws(RegistryError) -> Int {
        try Self.validate(subject: subject)
        return try write { state throws(RegistryError) in
            try Self.checkWritable(subject, state: state)
            let entry = try Self.resolve(version, of: subject, includeDeleted: true, latestIncludesDeleted: permanent, state: state)
            let key = SubjectVersion(subject: subject, version: entry.version)
            if !permanent {
                guard !entry.deleted else { throw .versionSoftDeleted(subject, entry.version) }
                try Self.checkNotReferenced(subject, entry.version, fromOutside: nil, liveOnly: true, state: state)
                return (entry.version, [.setVersionDeleted(subject: subject, version: entry.version, deleted: true)])
            }
            guard entry.deleted else { throw .versionNotSoftDeleted(subject, entry.version) }
            try Self.checkNotReferenced(subject, entry.version, fromOutside: nil, liveOnly: false, state: state)
            var changes: [StoreChange] = [.deleteVersion(subject: subject, version: entry.version)]
            if state.holders[entry.schemaKey] == [key] { changes.append(.deleteSchema(entry.schemaKey)) }
            if state.entries(subject).count == 1 { changes += Self.forgetSettings(of: subject, state: state) }
            return (entry.version, changes)
        }
    }

    /// Forgets an empty context (its id counter included); 42211 while any version, even soft-deleted, is in it.
    /// A context that does not exist is already gone.
    public func deleteContext(_ context: String) throws(RegistryError) {
        // The default context's id counter guards every id it ever gave; it is never forgotten.
        guard context != QualifiedSubject.defaultContext else { return }
        try write { state throws(RegistryError) in
            guard !state.subjects.keys.contains(where: { QualifiedSubject.context(of: $0) == context }) else {
                let delimited = QualifiedSubject.prefix(ofContext: context)
                throw RegistryError(code: 42211, message: "The specified context '\(delimited)' is not empty.")
            }
            return ((), state.maxSchemaIds[context] == nil ? [] : [.deleteContext(context)])
        }
    }

    // MARK: Compatibility

    /// Checks `request` against one live version (`version` given) or as registration would (`version` nil).
    /// `latest` on a subject without live versions is compatible; a missing numeric version is 40402.
    public func checkCompatibility(
        subject: String, version: VersionSelector?, _ request: SchemaRequest, normalize: Bool, verbose: Bool
    ) throws(RegistryError) -> CompatibilityResult {
        try catchUp()
        let prepared: PreparedSchema
        do {
            prepared = try prepare(request, subject: subject, normalize: normalize, validateAsNew: true)
        } catch where verbose && error.code == 42201 {
            return CompatibilityResult(isCompatible: false, messages: [error.message])
        }
        return try index.withLock { state throws(RegistryError) in
            let level = state.effectiveConfig(subject).compatibilityLevel ?? CompatibilityConfig.defaultLevel
            let checked: [StoredVersion]
            switch version {
            case nil:
                let live = state.liveEntriesNewestFirst(subject)
                checked = level.isTransitive ? Array(live) : Array(live.prefix(1))
            case .latest: checked = state.latestLiveEntry(subject).map { [$0] } ?? []
            case .number(let number):
                guard let entry = state.entry(subject, number), !entry.deleted else { throw .versionNotFound(.number(number)) }
                checked = [entry]
            }
            let messages = try self.incompatibilities(of: prepared.parsed, against: checked, level: level, state: state)
            return CompatibilityResult(isCompatible: messages.isEmpty, messages: verbose ? messages : [])
        }
    }

    // MARK: Config

    /// The config of a subject (nil: global). A subject without its own config gives 40408 unless
    /// `defaultToGlobal`, which returns the effective config. The global config always answers.
    public func config(subject: String?, defaultToGlobal: Bool) throws(RegistryError) -> CompatibilityConfig {
        try index.withLock { state throws(RegistryError) in
            guard let subject else { return state.effectiveConfig(nil) }
            if defaultToGlobal { return state.effectiveConfig(subject) }
            guard let own = state.configs[subject] else { throw .subjectConfigNotFound(subject) }
            return own
        }
    }

    /// Sets the given fields of a config (nil: global), keeping the others, and returns the update.
    public func setConfig(subject: String?, _ update: CompatibilityConfig) throws(RegistryError) -> CompatibilityConfig {
        if let subject { try Self.validate(subject: subject) }
        return try write { state throws(RegistryError) in
            try Self.checkWritable(subject, state: state)
            let current = subject == nil ? state.globalConfig : state.configs[subject!]
            var merged = current ?? CompatibilityConfig()
            if let level = update.compatibilityLevel { merged.compatibilityLevel = level }
            if let normalize = update.normalize { merged.normalize = normalize }
            return (update, [.setConfig(subject: subject, merged)])
        }
    }

    /// Removes a config and returns what it was (40401 for a subject without one).
    public func deleteConfig(subject: String?) throws(RegistryError) -> CompatibilityConfig {
        try write { state throws(RegistryError) in
            try Self.checkWritable(subject, state: state)
            guard let subject else {
                let previous = state.effectiveConfig(nil)
                return (previous, state.globalConfig == nil ? [] : [.setConfig(subject: nil, nil)])
            }
            guard let own = state.configs[subject] else { throw .subjectNotFound(subject) }
            return (own, [.setConfig(subject: subject, nil)])
        }
    }

    // MARK: Mode

    /// The mode of a subject (nil: global); 40409 for a subject without its own unless `defaultToGlobal`.
    public func mode(subject: String?, defaultToGlobal: Bool) throws(RegistryError) -> RegistryMode {
        try index.withLock { state throws(RegistryError) in
            guard let subject else { return state.effectiveMode(nil) }
            if let own = state.modes[subject] { return own }
            guard defaultToGlobal else { throw .subjectModeNotFound(subject) }
            return state.effectiveMode(subject)
        }
    }

    /// Sets a mode. Entering IMPORT needs no live subjects in scope unless `force` (42205); without `force` the
    /// soft-deleted versions in scope are hard-deleted on the way in, as Confluent does.
    public func setMode(subject: String?, _ mode: RegistryMode, force: Bool) throws(RegistryError) -> RegistryMode {
        guard allowsModeChanges else { throw .operationNotPermitted("Mode changes are not allowed") }
        if let subject { try Self.validate(subject: subject) }
        return try write { state throws(RegistryError) in
            var changes: [StoreChange] = [.setMode(subject: subject, mode)]
            if mode == .import && state.effectiveMode(subject) != .import && !force {
                let inScope = Self.subjects(inScopeOf: subject, state: state)
                if inScope.contains(where: { state.latestLiveEntry($0) != nil }) {
                    throw .operationNotPermitted("Cannot import since found existing subjects")
                }
                changes += Self.purgeSoftDeleted(in: inScope, state: state)
            }
            return (mode, changes)
        }
    }

    /// Removes a mode and returns what it was (40401 for a subject without one).
    public func deleteMode(subject: String?) throws(RegistryError) -> RegistryMode {
        guard allowsModeChanges else { throw .operationNotPermitted("Mode changes are not allowed") }
        return try write { state throws(RegistryError) in
            guard let subject else {
                return (state.effectiveMode(nil), state.globalMode == nil ? [] : [.setMode(subject: nil, nil)])
            }
            guard let own = state.modes[subject] else { throw .subjectNotFound(subject) }
            return (own, [.setMode(subject: subject, nil)])
        }
    }

    // MARK: Writing

    /// Runs one write and returns once it is durable and visible to reads.
    ///
    /// Writes are group-committed (`WriteQueue`): the leader plans each queued write in order against
    /// `working`, so each one sees the writes before it, persists the changes of the whole batch in one
    /// transaction, and only then applies them to `index` and answers. A crash keeps all of a batch or
    /// none of it, so all of each write or none of it.
    private func write<Result: Sendable>(
        _ plan: @escaping PendingWrite<Result>.Plan
    ) throws(RegistryError) -> Result {
        let pending = PendingWrite(plan)
        writes.submit(pending) { batch in commit(batch) }
        return try pending.result()
    }

    private func commit(_ batch: [any QueuedWrite]) {
        var changes: [StoreChange] = []
        func plan() {
            working.withLock { state in
                for write in batch {
                    let planned = write.plan(state)
                    for change in planned { state.apply(change) }
                    changes += planned
                }
            }
        }
        do throws(RegistryError) {
            if let shared {
                let current = position.withLock { $0 }
                if batch.allSatisfy(\.isCatchUp) {
                    absorb(try shared.changes(after: current))
                    plan()
                } else {
                    // Planned under the cluster's write lock, after everything committed before it on any node.
                    let committed = try shared.commit(after: current) { feed throws(RegistryError) in
                        absorb(feed)
                        plan()
                        return changes
                    }
                    position.withLock { $0 = committed }
                }
            } else {
                plan()
                if !changes.isEmpty { try store.apply(changes) }
            }
        } catch {
            discardWorkingState(insertedBy: changes)
            if batch.count > 1 {
                // One by one, so that a write the store refuses cannot take the others down with it.
                for write in batch { commit([write]) }
                return
            }
            for write in batch {
                write.fail(error)
                write.finish()
            }
            return
        }
        publish(changes)
        for write in batch { write.finish() }
    }

    /// Makes committed changes visible to reads.
    private func publish(_ changes: [StoreChange]) {
        index.withLock { state in
            for change in changes { state.apply(change) }
        }
        for change in changes {
            switch change {
            case .insertSchema(let schema) where schema.context == QualifiedSubject.defaultContext: table.publish(schema)
            case .deleteSchema(let key):
                if key.context == QualifiedSubject.defaultContext { table.retire(id: key.id) }
                _ = parsedSchemas.withLock { $0.removeValue(forKey: key) }
            default: break
            }
        }
    }

    /// Resets `working` to the committed state after a failed commit, with the parses planning cached
    /// for the schemas that were not stored: their ids will be given again.
    private func discardWorkingState(insertedBy changes: [StoreChange]) {
        let committed = index.withLock { $0 }
        working.withLock { $0 = committed }
        parsedSchemas.withLock { cache in
            for case .insertSchema(let schema) in changes where committed.schemas[schema.key] == nil {
                cache[schema.key] = nil
            }
        }
    }

    private func planRegistration(
        subject: String, _ request: SchemaRequest, _ prepared: PreparedSchema, state: RegistryIndex
    ) throws(RegistryError) -> (RegisteredVersion, [StoreChange]) {
        if let existing = Self.liveVersion(of: prepared.guid, in: subject, state: state),
            request.requestedId == nil || request.requestedId == existing.schema.id
        {
            return (existing, [])
        }
        try Self.checkRegisterMode(subject, request, state: state)
        let context = QualifiedSubject.context(of: subject)
        // With an id asked for (IMPORT), content already stored under another id gets a second id, as Confluent has
        // done since 7.2: ids on topics must keep meaning what they meant at the source.
        let existingId = state.id(ofGuid: prepared.guid, in: context).flatMap { id in
            request.requestedId == nil || request.requestedId == id ? id : nil
        }
        let importing = state.effectiveMode(subject) == .import

        var changes: [StoreChange] = []
        let schema: StoredSchema
        if let existingId {
            schema = state.schemas[ContextId(context: context, id: existingId)]!
        } else {
            let id: Int
            if let requested = request.requestedId {
                guard requested <= Int(Int32.max) else { throw .invalidSchema("Invalid schema id \(requested)") }
                // `state` also holds the schemas of this batch not yet published; `table` also the hard-deleted ones.
                let held =
                    state.schemas[ContextId(context: context, id: requested)]
                    ?? (context == QualifiedSubject.defaultContext ? table.entry(id: requested)?.schema : nil)
                if let held, held.guid != prepared.guid {
                    throw .operationNotPermitted(
                        "Overwrite new schema with id \(requested) in context \(QualifiedSubject.prefix(ofContext: context)) is not permitted.")
                }
                if let held {
                    // The same content under this id: a second subject for it, or back after a hard delete.
                    schema = held
                    if state.schemas[held.key] == nil { changes.append(.insertSchema(schema)) }
                    return try finishRegistration(
                        subject: subject, request, prepared, schema: schema, changes: changes, importing: importing, state: state)
                }
                id = requested
            } else {
                id = state.maxSchemaId(in: context) + 1
                guard id <= Int(Int32.max) else { throw .storeFailure("schema ids are exhausted") }
            }
            schema = StoredSchema(
                id: id, context: context, guid: prepared.guid, schema: prepared.text, references: prepared.references,
                metadata: request.metadata, ruleSet: request.ruleSet)
            changes.append(.insertSchema(schema))
        }
        return try finishRegistration(
            subject: subject, request, prepared, schema: schema, changes: changes, importing: importing, state: state)
    }

    /// The new version of `subject` holding `schema`, after the compatibility check outside IMPORT.
    private func finishRegistration(
        subject: String, _ request: SchemaRequest, _ prepared: PreparedSchema, schema: StoredSchema, changes: [StoreChange],
        importing: Bool, state: RegistryIndex
    ) throws(RegistryError) -> (RegisteredVersion, [StoreChange]) {
        var changes = changes
        let entries = state.entries(subject)
        let next = (entries.last?.version ?? 0) + 1
        var version = next
        if let requested = request.requestedVersion {
            if importing {
                guard requested <= Int(Int32.max) else { throw .invalidVersion(String(requested)) }
                if state.entry(subject, requested) != nil {
                    throw .operationNotPermitted("Overwrite of version \(requested) of subject \(subject) is not permitted.")
                }
            } else if requested != next {
                throw .invalidSchema("Version is not one more than previous version")
            }
            version = requested
        }

        if !importing {
            let level = state.effectiveConfig(subject).compatibilityLevel ?? CompatibilityConfig.defaultLevel
            let messages = try incompatibilities(
                of: prepared.parsed, against: state.liveEntriesNewestFirst(subject), level: level, state: state)
            if !messages.isEmpty { throw .incompatible(subject, details: messages) }
        }

        changes.append(.insertVersion(StoredVersion(subject: subject, version: version, schemaId: schema.id, deleted: false)))
        return (RegisteredVersion(subject: subject, version: version, schema: schema, deleted: false), changes)
    }

    /// Confluent's messages for why `new` fails `level` against `previous` (newest first); empty when compatible.
    private func incompatibilities(
        of new: AvroSchema, against previous: some Sequence<StoredVersion>, level: CompatibilityLevel, state: RegistryIndex
    ) throws(RegistryError) -> [String] {
        guard level != .none else { return [] }
        let checked = level.isTransitive ? Array(previous) : Array(previous.prefix(1))
        guard !checked.isEmpty else { return [] }
        // One lock for the whole history; a version not parsed yet is parsed (and cached) after it.
        let cached = parsedSchemas.withLock { cache in checked.map { cache[$0.schemaKey] } }
        var parsed: [PreparedForCompatibility] = []
        parsed.reserveCapacity(checked.count)
        for (entry, hit) in zip(checked, cached) {
            if let hit {
                parsed.append(hit)
            } else {
                let schema = try parsedSchema(entry.schemaKey, state: state)
                parsed.append(parsedSchemas.withLock { $0[entry.schemaKey] } ?? PreparedForCompatibility(schema))
            }
        }
        let failures = level.check(PreparedForCompatibility(new), against: parsed, stopAtFirstFailingVersion: true)
        let quoted = checked.map { CompatibilityReport.Checked(version: $0.version, schema: state.schemas[$0.schemaKey]?.schema ?? "") }
        return CompatibilityReport.messages(for: failures, checked: quoted, level: level)
    }

    // MARK: Parsing

    private struct PreparedSchema: Sendable {
        let parsed: AvroSchema
        /// The text to store: the schema's JSON, normalized when asked.
        let text: String
        let guid: String
        /// With `-1` versions resolved.
        let references: [SchemaReference]
    }

    private func prepare(_ request: SchemaRequest, subject: String, normalize: Bool, validateAsNew: Bool) throws(RegistryError)
        -> PreparedSchema
    {
        if let type = request.schemaType, type.uppercased() != "AVRO" {
            throw .invalidSchema("Invalid schema type \(type)")
        }
        guard !request.schema.trimmingSpaces.isEmpty else { throw .invalidSchema("Empty schema") }
        let (references, referenced, importing, normalizeByConfig) = try index.withLock { state throws(RegistryError) in
            let references = try Self.resolve(request.references, in: QualifiedSubject.context(of: subject), state: state)
            var referenced: [AvroSchema] = []
            for (_, id) in references { referenced.append(try self.parsedSchema(id, state: state)) }
            return (
                references.map(\.0), referenced, state.effectiveMode(subject) == .import,
                state.effectiveConfig(subject).normalize ?? false
            )
        }
        let options = validateAsNew && !importing ? ParseOptions() : ParseOptions.lenient
        let parsed: AvroSchema
        do {
            parsed = try AvroSchema(parsing: request.schema, references: referenced, options: options)
        } catch {
            throw .invalidSchema("Invalid schema: \(error.message)")
        }
        let (json, normalized) = parsed.jsonTexts()
        let normalizing = normalize || normalizeByConfig
        var identityReferences = references
        if normalizing {
            var seen: Set<SchemaReference> = []
            identityReferences = references.sorted { ($0.name, $0.subject, $0.version) < ($1.name, $1.subject, $1.version) }
                .filter { seen.insert($0).inserted }
        }
        let guid = SchemaIdentity.guid(
            normalizedSchema: normalized, references: identityReferences, metadata: request.metadata, ruleSet: request.ruleSet)
        return PreparedSchema(parsed: parsed, text: normalizing ? normalized : json, guid: guid, references: identityReferences)
    }

    /// The parsed form of a stored schema, from the cache when parsed before.
    private func parsedSchema(_ key: ContextId, state: RegistryIndex, depth: Int = 0) throws(RegistryError) -> AvroSchema {
        if let cached = parsedSchemas.withLock({ $0[key] }) { return cached.schema }
        guard let stored = state.schemas[key] else { throw .schemaNotFound(String(key.id)) }
        guard depth < 64 else { throw .invalidSchema("Schema references are nested more than 64 levels deep") }
        var referenced: [AvroSchema] = []
        for (_, referencedKey) in try Self.resolve(stored.references, in: stored.context, state: state) {
            referenced.append(try parsedSchema(referencedKey, state: state, depth: depth + 1))
        }
        let parsed: AvroSchema
        do {
            parsed = try AvroSchema(parsing: stored.schema, references: referenced, options: .lenient)
        } catch {
            throw .invalidSchema("Stored schema \(key.id) no longer parses: \(error.message)")
        }
        parsedSchemas.withLock { $0[key] = PreparedForCompatibility(parsed) }
        return parsed
    }

    /// References with `-1` replaced by the latest version, paired with the schema each one names (42201 when
    /// missing). A reference's subject is read in the referring schema's `context` unless it names its own.
    private static func resolve(_ references: [SchemaReference], in context: String, state: RegistryIndex) throws(RegistryError)
        -> [(SchemaReference, ContextId)]
    {
        var resolved: [(SchemaReference, ContextId)] = []
        for reference in references {
            let subject = StoredSchema.qualify(reference.subject, in: context)
            let entry = reference.version == -1 ? state.latestLiveEntry(subject) : state.entry(subject, reference.version)
            guard let entry else {
                throw .invalidSchema(
                    "No schema reference found for subject \"\(reference.subject)\" and version \(reference.version)")
            }
            var concrete = reference
            concrete.version = entry.version
            resolved.append((concrete, entry.schemaKey))
        }
        return resolved
    }

    // MARK: Rules shared by several operations

    private static func validate(subject: String) throws(RegistryError) {
        if subject == "__GLOBAL" || subject == "__EMPTY"
            || subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw .invalidSubject(subject)
        }
    }

    /// Confluent's `checkRegisterMode`, before anything else about a registration: read-only refuses it, an id asks
    /// for IMPORT, and IMPORT asks for an id.
    private static func checkRegisterMode(_ subject: String, _ request: SchemaRequest, state: RegistryIndex) throws(RegistryError) {
        let mode = state.effectiveMode(subject)
        let context = QualifiedSubject.prefix(ofContext: QualifiedSubject.context(of: subject))
        if mode.isReadOnly { throw .operationNotPermitted("Subject \(subject) in context \(context) is in read-only mode") }
        if request.requestedId != nil && mode != .import {
            throw .operationNotPermitted("Subject \(subject) in context \(context) is not in import mode")
        }
        if request.requestedId == nil && mode != .readWrite {
            throw .operationNotPermitted("Subject \(subject) in context \(context) is not in read-write mode")
        }
    }

    private static func checkWritable(_ subject: String?, state: RegistryIndex) throws(RegistryError) {
        guard state.effectiveMode(subject).isReadOnly else { return }
        throw .operationNotPermitted(
            subject.map { "Subject \($0) in context \(QualifiedSubject.prefix(ofContext: QualifiedSubject.context(of: $0))) is in read-only mode" }
                ?? "The registry is in read-only mode")
    }

    /// 42206 when a schema held outside `subject` (or anywhere, for nil) references the version.
    private static func checkNotReferenced(
        _ subject: String, _ version: Int, fromOutside owner: String?, liveOnly: Bool, state: RegistryIndex
    ) throws(RegistryError) {
        let referrers = state.referrers(of: SubjectVersion(subject: subject, version: version), liveOnly: false)
        for referrer in referrers {
            let holders = (state.holders[referrer] ?? []).filter { holder in
                holder.subject != owner && (!liveOnly || state.entry(holder.subject, holder.version)?.deleted == false)
            }
            if !holders.isEmpty { throw .referenceExists(subject, version) }
        }
    }

    /// The live version of `subject` holding the schema with this guid.
    private static func liveVersion(of guid: String, in subject: String, state: RegistryIndex) -> RegisteredVersion? {
        guard let id = state.id(ofGuid: guid, in: QualifiedSubject.context(of: subject)),
            let entry = state.latestLiveEntry(subject, holding: id)
        else { return nil }
        return state.subjectVersion(subject, entry)
    }

    private static func resolve(
        _ selector: VersionSelector, of subject: String, includeDeleted: Bool, latestIncludesDeleted: Bool = false,
        state: RegistryIndex
    ) throws(RegistryError) -> StoredVersion {
        let entries = state.entries(subject)
        let visible = entries.filter { includeDeleted || !$0.deleted }
        guard !visible.isEmpty else { throw .subjectNotFound(subject) }
        switch selector {
        case .latest:
            let candidates = latestIncludesDeleted ? entries : entries.filter { !$0.deleted }
            guard let latest = candidates.last else { throw .versionNotFound(.latest) }
            return latest
        case .number(let number):
            guard let entry = visible.first(where: { $0.version == number }) else { throw .versionNotFound(selector) }
            return entry
        }
    }

    /// Hard-deletes the soft-deleted versions of these subjects that nothing references, as Confluent does on
    /// entering IMPORT, so imported versions cannot collide with leftovers. Schemas left unheld go too.
    private static func purgeSoftDeleted(in subjects: [String], state: RegistryIndex) -> [StoreChange] {
        var changes: [StoreChange] = []
        var removed: Set<SubjectVersion> = []
        for subject in subjects.sorted() {
            for entry in state.entries(subject) where entry.deleted {
                let key = SubjectVersion(subject: subject, version: entry.version)
                guard state.referrers(of: key, liveOnly: false).isEmpty else { continue }
                removed.insert(key)
                changes.append(.deleteVersion(subject: subject, version: entry.version))
            }
        }
        let touched = Set(removed.compactMap { state.entry($0.subject, $0.version)?.schemaKey })
        for key in touched.sorted() where (state.holders[key] ?? []).isSubset(of: removed) {
            changes.append(.deleteSchema(key))
        }
        return changes
    }

    /// The subjects a setting of `scope` governs: one subject, a context's (`:.ctx:`), or all (nil).
    private static func subjects(inScopeOf scope: String?, state: RegistryIndex) -> [String] {
        guard let scope else { return Array(state.subjects.keys) }
        let qualified = QualifiedSubject(parsing: scope)
        guard qualified.name.isEmpty else { return [scope] }
        return state.subjects.keys.filter { QualifiedSubject.context(of: $0) == qualified.context }
    }

    /// Changes that drop a subject's own config and mode, when its last version goes.
    private static func forgetSettings(of subject: String, state: RegistryIndex) -> [StoreChange] {
        var changes: [StoreChange] = []
        if state.configs[subject] != nil { changes.append(.setConfig(subject: subject, nil)) }
        if state.modes[subject] != nil { changes.append(.setMode(subject: subject, nil)) }
        return changes
    }

    private static func page<T>(_ items: [T], offset: Int, limit: Int) -> [T] {
        let start = min(max(offset, 0), items.count)
        let end = limit < 0 ? items.count : min(items.count, start + limit)
        return Array(items[start..<end])
    }
}

extension SchemaRequest {
    /// The id asked for; Confluent treats a missing or negative id as none.
    var requestedId: Int? { id.flatMap { $0 > 0 ? $0 : nil } }
    var requestedVersion: Int? { version.flatMap { $0 > 0 ? $0 : nil } }
}
