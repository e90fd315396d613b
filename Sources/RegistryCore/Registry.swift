import Avro
import Synchronization

/// The schema registry's rules: subjects, versions, global ids, compatibility, configs and modes.
///
/// Synchronous and thread-safe. The whole index lives in memory: reads never touch the store, and
/// schemas by id are read without any lock. Writes are serialized, persisted through the store in one
/// transaction, and only then applied in memory, so a failed write changes nothing.
public final class Registry: Sendable {
    private let store: any RegistryStore
    /// The committed state: what every read sees.
    private let index: Mutex<RegistryIndex>
    /// The committed state plus the batch being committed. Only the leader of `writes` touches it;
    /// it is kept apart from `index` so that readers never see a write before it is durable.
    private let working: Mutex<RegistryIndex>
    private let writes = WriteQueue()
    private let table = SchemaTable()
    /// Parsed stored schemas, filled on first use: start-up parses nothing.
    /// Kept prepared for compatibility checks, which then skip the fields a new version did not change.
    private let parsedSchemas = Mutex<[Int: PreparedForCompatibility]>([:])

    /// Loads the store's contents into memory (no schema is parsed).
    public init(store: some RegistryStore) throws(RegistryError) {
        self.store = store
        let contents = try store.loadAll()
        let loaded = RegistryIndex(contents: contents)
        for schema in loaded.schemas.values { table.publish(schema) }
        index = Mutex(loaded)
        working = Mutex(loaded)
    }

    // MARK: Registration and lookup

    /// Registers `request` under `subject`, or returns the existing version when it is already there.
    public func register(subject: String, _ request: SchemaRequest, normalize: Bool) throws(RegistryError) -> SubjectVersion {
        try Self.validate(subject: subject)
        let prepared = try prepare(request, subject: subject, normalize: normalize, validateAsNew: true)
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
                    if cache[registered.schema.id] == nil { cache[registered.schema.id] = PreparedForCompatibility(prepared.parsed) }
                }
            }
            return (registered, changes)
        }
    }

    /// Finds the version of `subject` that holds `request`'s schema (40401 no subject, 40403 no such schema).
    public func lookUp(subject: String, _ request: SchemaRequest, normalize: Bool, includeDeleted: Bool) throws(RegistryError)
        -> SubjectVersion
    {
        let prepared = try prepare(request, subject: subject, normalize: normalize, validateAsNew: false)
        return try index.withLock { state throws(RegistryError) in
            let entries = state.entries(subject)
            guard entries.contains(where: { includeDeleted || !$0.deleted }) else { throw .subjectNotFound(subject) }
            guard let id = state.idByGuid[prepared.guid],
                let match = state.latestLiveEntry(subject, holding: id)
                    ?? (includeDeleted ? entries.last(where: { $0.schemaId == id }) : nil)
            else { throw .schemaNotFound }
            return state.subjectVersion(subject, match)
        }
    }

    // MARK: Schemas

    /// The schema with this global id, also when every version holding it is soft-deleted (40403).
    /// Lock-free: it never waits for a writer.
    public func schema(id: Int) throws(RegistryError) -> StoredSchema {
        guard let schema = table.schema(id: id) else { throw .schemaNotFound(String(id)) }
        return schema
    }

    /// The schema with this guid (40403).
    public func schema(guid: String) throws(RegistryError) -> StoredSchema {
        let found = index.withLock { state in state.idByGuid[guid.lowercased()].flatMap { state.schemas[$0] } }
        guard let found else { throw .schemaNotFound(guid) }
        return found
    }

    /// The subject versions that hold schema `id`, by subject then version (40403 when unknown).
    public func subjectVersions(forSchemaId id: Int, includeDeleted: Bool) throws(RegistryError) -> [SubjectVersionRef] {
        try index.withLock { state throws(RegistryError) in
            guard state.schemas[id] != nil else { throw .schemaNotFound(String(id)) }
            return (state.holders[id] ?? [])
                .filter { includeDeleted || state.entry($0.subject, $0.version)?.deleted == false }
                .sorted { ($0.subject, $0.version) < ($1.subject, $1.version) }
                .map { SubjectVersionRef(subject: $0.subject, version: $0.version) }
        }
    }

    /// Versions of subjects starting with `subjectPrefix`, by subject then version, paged by `offset` and `limit` (-1: all).
    public func schemas(subjectPrefix: String, includeDeleted: Bool, latestOnly: Bool, offset: Int, limit: Int) -> [SubjectVersion] {
        index.withLock { state in
            var found: [SubjectVersion] = []
            for subject in state.subjects.keys.sorted() where subject.hasPrefix(subjectPrefix) {
                let visible = state.entries(subject).filter { includeDeleted || !$0.deleted }
                let chosen = latestOnly ? Array(visible.suffix(1)) : visible
                found += chosen.map { state.subjectVersion(subject, $0) }
            }
            return Self.page(found, offset: offset, limit: limit)
        }
    }

    /// The highest schema id ever issued (hard-deleted ids included).
    public var maxSchemaId: Int { index.withLock { $0.maxSchemaId } }

    // MARK: Subjects and versions

    /// Subject names, sorted. Nil, empty or `:*:` prefix means all. A subject is listed when it has a live
    /// version; with `includeDeleted` also when it has only soft-deleted ones; with `deletedOnly` only when it
    /// has a soft-deleted version.
    public func subjects(prefix: String?, includeDeleted: Bool, deletedOnly: Bool) -> [String] {
        let prefix = prefix == ":*:" ? "" : prefix ?? ""
        return index.withLock { state in
            state.subjects.compactMap { subject, entries in
                guard subject.hasPrefix(prefix) else { return nil }
                let listed =
                    deletedOnly ? entries.contains { $0.deleted } : includeDeleted || entries.contains { !$0.deleted }
                return listed ? subject : nil
            }.sorted()
        }
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
    public func version(subject: String, _ version: VersionSelector, includeDeleted: Bool) throws(RegistryError) -> SubjectVersion {
        try index.withLock { state throws(RegistryError) in
            let entry = try Self.resolve(version, of: subject, includeDeleted: includeDeleted, state: state)
            return state.subjectVersion(subject, entry)
        }
    }

    /// Ids of the schemas that reference this version and that some live version holds, ascending.
    public func referencedBy(subject: String, _ version: VersionSelector) throws(RegistryError) -> [Int] {
        try index.withLock { state throws(RegistryError) in
            let entry = try Self.resolve(version, of: subject, includeDeleted: true, state: state)
            return state.referrerIds(of: VersionKey(subject: subject, version: entry.version), liveOnly: true)
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
            for id in Set(entries.map(\.schemaId)).sorted()
            where state.holders[id]?.allSatisfy({ $0.subject == subject }) ?? true {
                changes.append(.deleteSchema(id: id))
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
            let key = VersionKey(subject: subject, version: entry.version)
            if !permanent {
                guard !entry.deleted else { throw .versionSoftDeleted(subject, entry.version) }
                try Self.checkNotReferenced(subject, entry.version, fromOutside: nil, liveOnly: true, state: state)
                return (entry.version, [.setVersionDeleted(subject: subject, version: entry.version, deleted: true)])
            }
            guard entry.deleted else { throw .versionNotSoftDeleted(subject, entry.version) }
            try Self.checkNotReferenced(subject, entry.version, fromOutside: nil, liveOnly: false, state: state)
            var changes: [StoreChange] = [.deleteVersion(subject: subject, version: entry.version)]
            if state.holders[entry.schemaId] == [key] { changes.append(.deleteSchema(id: entry.schemaId)) }
            if state.entries(subject).count == 1 { changes += Self.forgetSettings(of: subject, state: state) }
            return (entry.version, changes)
        }
    }

    // MARK: Compatibility

    /// Checks `request` against one live version (`version` given) or as registration would (`version` nil).
    /// `latest` on a subject without live versions is compatible; a missing numeric version is 40402.
    public func checkCompatibility(
        subject: String, version: VersionSelector?, _ request: SchemaRequest, normalize: Bool, verbose: Bool
    ) throws(RegistryError) -> CompatibilityVerdict {
        let prepared: PreparedSchema
        do {
            prepared = try prepare(request, subject: subject, normalize: normalize, validateAsNew: true)
        } catch where verbose && error.code == 42201 {
            return CompatibilityVerdict(isCompatible: false, messages: [error.message])
        }
        return try index.withLock { state throws(RegistryError) in
            let level = state.effectiveConfig(subject).compatibilityLevel ?? SubjectConfig.defaultLevel
            let checked: [VersionEntry]
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
            return CompatibilityVerdict(isCompatible: messages.isEmpty, messages: verbose ? messages : [])
        }
    }

    // MARK: Config

    /// The config of a subject (nil: global). A subject without its own config gives 40408 unless
    /// `defaultToGlobal`, which returns the effective config. The global config always answers.
    public func config(subject: String?, defaultToGlobal: Bool) throws(RegistryError) -> SubjectConfig {
        try index.withLock { state throws(RegistryError) in
            guard let subject else { return state.effectiveConfig(nil) }
            if defaultToGlobal { return state.effectiveConfig(subject) }
            guard let own = state.configs[subject] else { throw .subjectConfigNotFound(subject) }
            return own
        }
    }

    /// Sets the given fields of a config (nil: global), keeping the others, and returns the update.
    public func setConfig(subject: String?, _ update: SubjectConfig) throws(RegistryError) -> SubjectConfig {
        if let subject { try Self.validate(subject: subject) }
        return try write { state throws(RegistryError) in
            try Self.checkWritable(subject, state: state)
            let current = subject == nil ? state.globalConfig : state.configs[subject!]
            var merged = current ?? SubjectConfig()
            if let level = update.compatibilityLevel { merged.compatibilityLevel = level }
            if let normalize = update.normalize { merged.normalize = normalize }
            return (update, [.setConfig(subject: subject, merged)])
        }
    }

    /// Removes a config and returns what it was (40401 for a subject without one).
    public func deleteConfig(subject: String?) throws(RegistryError) -> SubjectConfig {
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
            return state.effectiveMode(nil)
        }
    }

    /// Sets a mode. Entering IMPORT needs no live subjects in scope unless `force` (42205).
    public func setMode(subject: String?, _ mode: RegistryMode, force: Bool) throws(RegistryError) -> RegistryMode {
        if let subject { try Self.validate(subject: subject) }
        return try write { state throws(RegistryError) in
            var changes: [StoreChange] = [.setMode(subject: subject, mode)]
            if mode == .import && state.effectiveMode(subject) != .import {
                let inScope = subject.map { [$0] } ?? Array(state.subjects.keys)
                if !force && inScope.contains(where: { state.latestLiveEntry($0) != nil }) {
                    throw .operationNotPermitted("Cannot import since found existing subjects")
                }
                changes += Self.purgeSoftDeleted(in: inScope, state: state)
            }
            return (mode, changes)
        }
    }

    /// Removes a mode and returns what it was (40401 for a subject without one).
    public func deleteMode(subject: String?) throws(RegistryError) -> RegistryMode {
        try write { state throws(RegistryError) in
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
        working.withLock { state in
            for write in batch {
                let planned = write.plan(state)
                for change in planned { state.apply(change) }
                changes += planned
            }
        }
        if !changes.isEmpty {
            do throws(RegistryError) {
                try store.apply(changes)
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
        }
        index.withLock { state in
            for change in changes { state.apply(change) }
        }
        for change in changes {
            switch change {
            case .insertSchema(let schema): table.publish(schema)
            case .deleteSchema(let id):
                table.retire(id: id)
                _ = parsedSchemas.withLock { $0.removeValue(forKey: id) }
            default: break
            }
        }
        for write in batch { write.finish() }
    }

    /// Resets `working` to the committed state after a failed commit, with the parses planning cached
    /// for the schemas that were not stored: their ids will be given again.
    private func discardWorkingState(insertedBy changes: [StoreChange]) {
        let committed = index.withLock { $0 }
        working.withLock { $0 = committed }
        parsedSchemas.withLock { cache in
            for case .insertSchema(let schema) in changes where committed.schemas[schema.id] == nil {
                cache[schema.id] = nil
            }
        }
    }

    private func planRegistration(
        subject: String, _ request: SchemaRequest, _ prepared: PreparedSchema, state: RegistryIndex
    ) throws(RegistryError) -> (SubjectVersion, [StoreChange]) {
        let existingId = state.idByGuid[prepared.guid]
        if let existing = Self.liveVersion(of: prepared.guid, in: subject, state: state) {
            if let requested = request.requestedId, requested != existing.schema.id {
                throw .idConflict(existing: existing.schema.id, requested: requested)
            }
            return (existing, [])
        }
        let mode = state.effectiveMode(subject)
        if mode.isReadOnly { throw .operationNotPermitted("Subject \(subject) is in read-only mode") }
        let importing = mode == .import
        if request.requestedId != nil && !importing {
            throw .operationNotPermitted("Subject \(subject) is not in import mode")
        }
        if request.requestedId == nil && importing {
            throw .operationNotPermitted("Subject \(subject) is not in read-write mode")
        }

        var changes: [StoreChange] = []
        let schema: StoredSchema
        if let existingId {
            if let requested = request.requestedId, requested != existingId {
                throw .idConflict(existing: existingId, requested: requested)
            }
            schema = state.schemas[existingId]!
        } else {
            let id: Int
            if let requested = request.requestedId {
                guard requested <= Int(Int32.max) else { throw .invalidSchema("Invalid schema id \(requested)") }
                // `state` also holds the schemas of this batch not yet published; `table` also the hard-deleted ones.
                if let held = state.schemas[requested] ?? table.entry(id: requested)?.schema, held.guid != prepared.guid {
                    throw RegistryError(code: 42207, message: "Overwrite new schema with id \(requested) is not permitted.")
                }
                id = requested
            } else {
                id = state.maxSchemaId + 1
                guard id <= Int(Int32.max) else { throw .storeFailure("schema ids are exhausted") }
            }
            schema = StoredSchema(
                id: id, guid: prepared.guid, schema: prepared.text, references: prepared.references,
                metadata: request.metadata, ruleSet: request.ruleSet)
            changes.append(.insertSchema(schema))
        }

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
            let level = state.effectiveConfig(subject).compatibilityLevel ?? SubjectConfig.defaultLevel
            let messages = try incompatibilities(
                of: prepared.parsed, against: state.liveEntriesNewestFirst(subject), level: level, state: state)
            if !messages.isEmpty { throw .incompatible(subject, details: messages) }
        }

        changes.append(.insertVersion(StoredVersion(subject: subject, version: version, schemaId: schema.id, deleted: false)))
        return (SubjectVersion(subject: subject, version: version, schema: schema, deleted: false), changes)
    }

    /// Confluent's messages for why `new` fails `level` against `previous` (newest first); empty when compatible.
    private func incompatibilities(
        of new: AvroSchema, against previous: some Sequence<VersionEntry>, level: CompatibilityLevel, state: RegistryIndex
    ) throws(RegistryError) -> [String] {
        guard level != .none else { return [] }
        let checked = level.isTransitive ? Array(previous) : Array(previous.prefix(1))
        guard !checked.isEmpty else { return [] }
        // One lock for the whole history; a version not parsed yet is parsed (and cached) after it.
        let cached = parsedSchemas.withLock { cache in checked.map { cache[$0.schemaId] } }
        var parsed: [PreparedForCompatibility] = []
        parsed.reserveCapacity(checked.count)
        for (entry, hit) in zip(checked, cached) {
            if let hit {
                parsed.append(hit)
            } else {
                let schema = try parsedSchema(entry.schemaId, state: state)
                parsed.append(parsedSchemas.withLock { $0[entry.schemaId] } ?? PreparedForCompatibility(schema))
            }
        }
        let failures = level.check(PreparedForCompatibility(new), against: parsed, stopAtFirstFailingVersion: true)
        let quoted = checked.map { CompatibilityReport.Checked(version: $0.version, schema: state.schemas[$0.schemaId]?.schema ?? "") }
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
            let references = try Self.resolve(request.references, state: state)
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
    private func parsedSchema(_ id: Int, state: RegistryIndex, depth: Int = 0) throws(RegistryError) -> AvroSchema {
        if let cached = parsedSchemas.withLock({ $0[id] }) { return cached.schema }
        guard let stored = state.schemas[id] else { throw .schemaNotFound(String(id)) }
        guard depth < 64 else { throw .invalidSchema("Schema references are nested more than 64 levels deep") }
        var referenced: [AvroSchema] = []
        for (_, referencedId) in try Self.resolve(stored.references, state: state) {
            referenced.append(try parsedSchema(referencedId, state: state, depth: depth + 1))
        }
        let parsed: AvroSchema
        do {
            parsed = try AvroSchema(parsing: stored.schema, references: referenced, options: .lenient)
        } catch {
            throw .invalidSchema("Stored schema \(id) no longer parses: \(error.message)")
        }
        parsedSchemas.withLock { $0[id] = PreparedForCompatibility(parsed) }
        return parsed
    }

    /// References with `-1` replaced by the latest version, paired with the schema id each one names (42201 when missing).
    private static func resolve(_ references: [SchemaReference], state: RegistryIndex) throws(RegistryError)
        -> [(SchemaReference, Int)]
    {
        var resolved: [(SchemaReference, Int)] = []
        for reference in references {
            let entry =
                reference.version == -1 ? state.latestLiveEntry(reference.subject) : state.entry(reference.subject, reference.version)
            guard let entry else {
                throw .invalidSchema(
                    "No schema reference found for subject \"\(reference.subject)\" and version \(reference.version)")
            }
            var concrete = reference
            concrete.version = entry.version
            resolved.append((concrete, entry.schemaId))
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

    private static func checkWritable(_ subject: String?, state: RegistryIndex) throws(RegistryError) {
        guard state.effectiveMode(subject).isReadOnly else { return }
        throw .operationNotPermitted(subject.map { "Subject \($0) is in read-only mode" } ?? "The registry is in read-only mode")
    }

    /// 42206 when a schema held outside `subject` (or anywhere, for nil) references the version.
    private static func checkNotReferenced(
        _ subject: String, _ version: Int, fromOutside owner: String?, liveOnly: Bool, state: RegistryIndex
    ) throws(RegistryError) {
        let referrers = state.referrerIds(of: VersionKey(subject: subject, version: version), liveOnly: false)
        for id in referrers {
            let holders = (state.holders[id] ?? []).filter { holder in
                holder.subject != owner && (!liveOnly || state.entry(holder.subject, holder.version)?.deleted == false)
            }
            if !holders.isEmpty { throw .referenceExists(subject, version) }
        }
    }

    /// The live version of `subject` holding the schema with this guid.
    private static func liveVersion(of guid: String, in subject: String, state: RegistryIndex) -> SubjectVersion? {
        guard let id = state.idByGuid[guid], let entry = state.latestLiveEntry(subject, holding: id) else { return nil }
        return state.subjectVersion(subject, entry)
    }

    private static func resolve(
        _ selector: VersionSelector, of subject: String, includeDeleted: Bool, latestIncludesDeleted: Bool = false,
        state: RegistryIndex
    ) throws(RegistryError) -> VersionEntry {
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
        var removed: Set<VersionKey> = []
        for subject in subjects.sorted() {
            for entry in state.entries(subject) where entry.deleted {
                let key = VersionKey(subject: subject, version: entry.version)
                guard state.referrerIds(of: key, liveOnly: false).isEmpty else { continue }
                removed.insert(key)
                changes.append(.deleteVersion(subject: subject, version: entry.version))
            }
        }
        let touched = Set(removed.compactMap { state.entry($0.subject, $0.version)?.schemaId })
        for id in touched.sorted() where (state.holders[id] ?? []).isSubset(of: removed) {
            changes.append(.deleteSchema(id: id))
        }
        return changes
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
