import Avro
import RegistryModel

/// The registry's whole state in memory, changed only through `apply`, the same changes the store persists.
struct RegistryIndex: Sendable {
    /// Versions of each subject, ascending, soft-deleted ones included.
    var subjects: [String: [StoredVersion]] = [:]
    var schemas: [Int: StoredSchema] = [:]
    var idByGuid: [String: Int] = [:]
    /// The subject versions holding each schema id.
    var holders: [Int: Set<SubjectVersion>] = [:]
    /// The ids of the schemas that reference each subject version.
    var referrers: [SubjectVersion: Set<Int>] = [:]
    var configs: [String: CompatibilityConfig] = [:]
    var globalConfig: CompatibilityConfig?
    var modes: [String: RegistryMode] = [:]
    var globalMode: RegistryMode?
    var maxSchemaId = 0

    init() {}

    init(contents: StoreContents) {
        schemas.reserveCapacity(contents.schemas.count)
        idByGuid.reserveCapacity(contents.schemas.count)
        holders.reserveCapacity(contents.schemas.count)
        for schema in contents.schemas { apply(.insertSchema(schema)) }
        for version in contents.versions.sorted(by: { $0.version < $1.version }) {
            apply(.insertVersion(version))
        }
        for (subject, config) in contents.configs { apply(.setConfig(subject: subject, config)) }
        for (subject, mode) in contents.modes { apply(.setMode(subject: subject, mode)) }
        maxSchemaId = max(contents.maxSchemaId, schemas.keys.max() ?? 0)
    }

    mutating func apply(_ change: StoreChange) {
        switch change {
        case .insertSchema(let schema):
            schemas[schema.id] = schema
            idByGuid[schema.guid] = schema.id
            for reference in schema.references {
                referrers[reference.target, default: []].insert(schema.id)
            }
            maxSchemaId = max(maxSchemaId, schema.id)
        case .deleteSchema(let id):
            guard let schema = schemas.removeValue(forKey: id) else { return }
            if idByGuid[schema.guid] == id { idByGuid[schema.guid] = nil }
            holders[id] = nil
            for reference in schema.references {
                let key = reference.target
                referrers[key]?.remove(id)
                if referrers[key]?.isEmpty == true { referrers[key] = nil }
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
            holders[stored.schemaId, default: []].insert(stored.key)
        case .setVersionDeleted(let subject, let version, let deleted):
            guard let index = position(of: version, in: subject) else { return }
            subjects[subject]![index].deleted = deleted
        case .deleteVersion(let subject, let version):
            guard let index = position(of: version, in: subject) else { return }
            let entry = subjects[subject]!.remove(at: index)
            if subjects[subject]!.isEmpty { subjects[subject] = nil }
            holders[entry.schemaId]?.remove(SubjectVersion(subject: subject, version: version))
        case .setConfig(let subject, let config):
            if let subject { configs[subject] = config } else { globalConfig = config }
        case .setMode(let subject, let mode):
            if let subject { modes[subject] = mode } else { globalMode = mode }
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

    /// The newest live version of `subject` holding schema `id`, found through `holders` rather than by
    /// scanning the subject's versions.
    func latestLiveEntry(_ subject: String, holding id: Int) -> StoredVersion? {
        var latest: StoredVersion?
        for key in holders[id] ?? [] where key.subject == subject && key.version > (latest?.version ?? .min) {
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
        RegisteredVersion(subject: subject, version: entry.version, schema: schemas[entry.schemaId]!, deleted: entry.deleted)
    }

    /// Whether any version holding schema `id` is live.
    func isLive(schemaId id: Int) -> Bool {
        holders[id]?.contains { entry($0.subject, $0.version)?.deleted == false } ?? false
    }

    /// Ids of the schemas referencing a version; with `liveOnly`, only those some live version holds.
    func referrerIds(of key: SubjectVersion, liveOnly: Bool) -> [Int] {
        (referrers[key] ?? []).filter { !liveOnly || isLive(schemaId: $0) }.sorted()
    }

    func effectiveMode(_ subject: String?) -> RegistryMode {
        subject.flatMap { modes[$0] } ?? globalMode ?? .readWrite
    }

    func effectiveConfig(_ subject: String?) -> CompatibilityConfig {
        let own = subject.flatMap { configs[$0] }
        return CompatibilityConfig(
            compatibilityLevel: own?.compatibilityLevel ?? globalConfig?.compatibilityLevel ?? CompatibilityConfig.defaultLevel,
            normalize: own?.normalize ?? globalConfig?.normalize)
    }
}
