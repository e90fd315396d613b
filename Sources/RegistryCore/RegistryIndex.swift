import Avro
import RegistryModel

/// The registry's whole state in memory, changed only through `apply`, the same changes the store persists.
struct RegistryIndex: Sendable {
    /// Versions of each subject, ascending, soft-deleted ones included.
    var subjects: [String: [StoredVersion]] = [:]
    var schemas: [ContextId: StoredSchema] = [:]
    /// The ids of each content in each context, ascending: one, unless imports gave the content more. The lowest
    /// answers lookups.
    var idsByGuid: [GuidKey: [Int]] = [:]
    /// The subject versions holding each schema.
    var holders: [ContextId: Set<SubjectVersion>] = [:]
    /// The schemas that reference each subject version.
    var referrers: [SubjectVersion: Set<ContextId>] = [:]
    var configs: [String: CompatibilityConfig] = [:]
    var globalConfig: CompatibilityConfig?
    var modes: [String: RegistryMode] = [:]
    var globalMode: RegistryMode?
    /// The highest id issued in each context.
    var maxSchemaIds: [String: Int] = [:]

    /// A schema's content within a context: the same content has one id per context.
    struct GuidKey: Hashable, Sendable {
        let context: String
        let guid: String
    }

    init() {}

    init(contents: StoreContents) {
        schemas.reserveCapacity(contents.schemas.count)
        idsByGuid.reserveCapacity(contents.schemas.count)
        holders.reserveCapacity(contents.schemas.count)
        for schema in contents.schemas { apply(.insertSchema(schema)) }
        for version in contents.versions.sorted(by: { $0.version < $1.version }) {
            apply(.insertVersion(version))
        }
        for (subject, config) in contents.configs { apply(.setConfig(subject: subject, config)) }
        for (subject, mode) in contents.modes { apply(.setMode(subject: subject, mode)) }
        for (context, id) in contents.maxSchemaIds { maxSchemaIds[context] = max(maxSchemaIds[context] ?? 0, id) }
    }

    mutating func apply(_ change: StoreChange) {
        switch change {
        case .insertSchema(let schema):
            schemas[schema.key] = schema
            let guidKey = GuidKey(context: schema.context, guid: schema.guid)
            var ids = idsByGuid[guidKey] ?? []
            if !ids.contains(schema.id) {
                ids.insert(schema.id, at: ids.firstIndex { $0 > schema.id } ?? ids.endIndex)
                idsByGuid[guidKey] = ids
            }
            for reference in schema.references {
                referrers[schema.target(of: reference), default: []].insert(schema.key)
            }
            maxSchemaIds[schema.context] = max(maxSchemaIds[schema.context] ?? 0, schema.id)
        case .deleteSchema(let key):
            guard let schema = schemas.removeValue(forKey: key) else { return }
            let guidKey = GuidKey(context: schema.context, guid: schema.guid)
            idsByGuid[guidKey]?.removeAll { $0 == key.id }
            if idsByGuid[guidKey]?.isEmpty == true { idsByGuid[guidKey] = nil }
            holders[key] = nil
            for reference in schema.references {
                let target = schema.target(of: reference)
                referrers[target]?.remove(key)
                if referrers[target]?.isEmpty == true { referrers[target] = nil }
            }
        case .insertVersion(let stored):
            let entry = stored
            if let last = subjects[stored.subject]?.last, last.version >= stored.version {
                // Only imports add versions below the newest; keep the list sorted without duplicates.
                subjects[stored.subject]!.removeAll { $0.version == stored.version }
                let position = subjects[stored.subject]!.firstIndex { $0.version > stored.version } ?? subjects[stored.subject]!.endIndex
                subjects[stored.subject]!.insert(entry, at: position)
            } else {
                // Appending in place: loading a subject with many versions stays linear.
                subjects[stored.subject, default: []].append(entry)
            }
            holders[stored.schemaKey, default: []].insert(stored.key)
        case .setVersionDeleted(let subject, let version, let deleted):
            guard let index = position(of: version, in: subject) else { return }
            subjects[subject]![index].deleted = deleted
        case .deleteVersion(let subject, let version):
            guard let index = position(of: version, in: subject) else { return }
            let entry = subjects[subject]!.remove(at: index)
            if subjects[subject]!.isEmpty { subjects[subject] = nil }
            holders[entry.schemaKey]?.remove(SubjectVersion(subject: subject, version: version))
        case .setConfig(let subject, let config):
            if let subject { configs[subject] = config } else { globalConfig = config }
        case .setMode(let subject, let mode):
            if let subject { modes[subject] = mode } else { globalMode = mode }
        case .deleteContext(let context):
            maxSchemaIds[context] = nil
        case .raiseMaxSchemaId(let context, let id):
            maxSchemaIds[context] = max(maxSchemaIds[context] ?? 0, id)
        }
    }

    // MARK: Queries

    func entries(_ subject: String) -> [StoredVersion] { subjects[subject] ?? [] }

    /// The live versions of a subject, newest first, read lazily from the stored list: a registration
    /// usually needs only the first, and copying a long subject's list on every write made writes O(versions).
    func liveEntriesNewestFirst(_ subject: String) -> LazyFilterSequence<ReversedCollection<[StoredVersion]>> {
        entries(subject).reversed().lazy.filter { !$0.deleted }
    }

    /// The newest live version of a subject, found from the end of its list.
    func latestLiveEntry(_ subject: String) -> StoredVersion? { subjects[subject]?.last { !$0.deleted } }

    /// The newest live version of `subject` holding schema `id` (of the subject's context), found through
    /// `holders` rather than by scanning the subject's versions.
    func latestLiveEntry(_ subject: String, holding id: Int) -> StoredVersion? {
        var latest: StoredVersion?
        let key = ContextId(context: QualifiedSubject.context(of: subject), id: id)
        for key in holders[key] ?? [] where key.subject == subject && key.version > (latest?.version ?? .min) {
            // An import may have replaced the version with another schema; `holders` is then stale for it.
            if let entry = entry(subject, key.version), entry.schemaId == id, !entry.deleted { latest = entry }
        }
        return latest
    }

    func entry(_ subject: String, _ version: Int) -> StoredVersion? {
        position(of: version, in: subject).map { subjects[subject]![$0] }
    }

    /// Binary search: a subject's versions are kept sorted.
    func position(of version: Int, in subject: String) -> Int? {
        guard let entries = subjects[subject] else { return nil }
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].version < version { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].version == version ? low : nil
    }

    func subjectVersion(_ subject: String, _ entry: StoredVersion) -> RegisteredVersion {
        RegisteredVersion(subject: subject, version: entry.version, schema: schemas[entry.schemaKey]!, deleted: entry.deleted)
    }

    /// Whether any version holding the schema is live.
    func isLive(_ schema: ContextId) -> Bool {
        holders[schema]?.contains { entry($0.subject, $0.version)?.deleted == false } ?? false
    }

    /// The schemas referencing a version; with `liveOnly`, only those some live version holds.
    func referrers(of key: SubjectVersion, liveOnly: Bool) -> [ContextId] {
        (referrers[key] ?? []).filter { !liveOnly || isLive($0) }.sorted()
    }

    /// The id this content has in a context.
    func id(ofGuid guid: String, in context: String) -> Int? { idsByGuid[GuidKey(context: context, guid: guid)]?.first }

    func maxSchemaId(in context: String) -> Int { maxSchemaIds[context] ?? 0 }

    /// Where a setting is looked for, nearest first, as Confluent's `getConfigInScope` walks it: a default-context
    /// subject's own, then the top level (nil), then `:.__GLOBAL:`; a named context's subject's own, then its
    /// context's (`:.ctx:`, kept under that key like a subject's), then `:.__GLOBAL:`. The top level governs the
    /// default context only.
    static func settingScopes(_ subject: String?) -> [String?] {
        let global: String? = QualifiedSubject.prefix(ofContext: QualifiedSubject.globalContext)
        guard let subject, subject != global else { return [nil, global] }
        let context = QualifiedSubject.context(of: subject)
        if context == QualifiedSubject.defaultContext { return [subject, nil, global] }
        let contextKey = QualifiedSubject.prefix(ofContext: context)
        return contextKey == subject ? [subject, global] : [subject, contextKey, global]
    }

    func effectiveMode(_ subject: String?) -> RegistryMode {
        for scope in Self.settingScopes(subject) {
            if let mode = scope == nil ? globalMode : modes[scope!] { return mode }
        }
        return .readWrite
    }

    /// Each field from the nearest scope that sets it.
    func effectiveConfig(_ subject: String?) -> CompatibilityConfig {
        var level: CompatibilityLevel?
        var normalize: Bool?
        for scope in Self.settingScopes(subject) {
            let config = scope == nil ? globalConfig : configs[scope!]
            level = level ?? config?.compatibilityLevel
            normalize = normalize ?? config?.normalize
        }
        return CompatibilityConfig(compatibilityLevel: level ?? CompatibilityConfig.defaultLevel, normalize: normalize)
    }
}
