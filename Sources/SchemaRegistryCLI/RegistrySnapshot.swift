import RegistryCore
import RegistryModel
import SchemaRegistryClient

/// What a copy reads from its source registry: every version in scope, soft-deleted ones included, with its schema;
/// the configs and modes; and each context's highest issued id.
struct RegistrySnapshot: Sendable {
    struct Version: Sendable {
        let subject: String
        let version: Int
        let id: Int
        let schema: SchemaInfo
        let deleted: Bool

        var context: String { QualifiedSubject.context(of: subject) }
        var key: SubjectVersion { SubjectVersion(subject: subject, version: version) }
        /// The versions this one's references name, qualified in its context.
        var referenced: [SubjectVersion] {
            schema.references.map { SubjectVersion(subject: StoredSchema.qualify($0.subject, in: context), version: $0.version) }
        }
    }

    /// By subject, then version.
    var versions: [Version] = []
    /// Configs by subject or context (`:.ctx:`); nil is the global one, kept only when it is not the default.
    var configs: [String?: CompatibilityConfig] = [:]
    /// Modes likewise; nil is the global one, kept only when it is not READWRITE.
    var modes: [String?: RegistryMode] = [:]
    /// The highest id issued in each context, when the source tells.
    var maxIds: [String: Int] = [:]

    /// Whether `subject` (or a context's `:.ctx:`) is in the scope `--subject-prefix` gives.
    static func inScope(_ subject: String, prefix: String?) -> Bool { prefix.map { subject.hasPrefix($0) } ?? true }

    /// Reads `source`, `width` requests at a time; `progress` counts the versions read.
    static func read(_ source: any RegistryEndpoint, subjectPrefix prefix: String?, width: Int, progress: CopyProgress) async throws
        -> RegistrySnapshot
    {
        var snapshot = RegistrySnapshot()
        let subjects = try await source.subjects(includeDeleted: true).filter { inScope($0, prefix: prefix) }
        let live = Set(try await source.subjects(includeDeleted: false))
        let perSubject = try await Parallel.map(subjects, width: width) { subject async throws -> [Version] in
            // A subject deleted while it is read is left out, as if it had gone just before.
            guard let all = try await source.unlessNotFound({ () async throws(SchemaRegistryError) in
                try await source.versions(subject: subject, includeDeleted: true)
            }) else { return [] }
            let liveVersions: Set<Int> =
                live.contains(subject)
                ? Set(try await source.unlessNotFound({ () async throws(SchemaRegistryError) in
                    try await source.versions(subject: subject, includeDeleted: false)
                }) ?? []) : []
            var versions: [Version] = []
            for number in all.sorted() {
                guard let found = try await source.unlessNotFound({ () async throws(SchemaRegistryError) in
                    try await source.version(subject: subject, version: number)
                }) else { continue }
                versions.append(Version(
                    subject: subject, version: number, id: found.id, schema: found.schema, deleted: !liveVersions.contains(number)))
                progress.advance()
            }
            return versions
        }
        snapshot.versions = perSubject.flatMap { $0 }

        var scopes: [String?] = subjects
        for context in try await source.contexts() where context != QualifiedSubject.defaultContext {
            let key = QualifiedSubject.prefix(ofContext: context)
            if inScope(key, prefix: prefix) { scopes.append(key) }
        }
        let settings = try await Parallel.map(scopes, width: width) { scope async throws -> (CompatibilityConfig?, RegistryMode?) in
            (try await source.config(subject: scope), try await source.mode(subject: scope))
        }
        for (scope, (config, mode)) in zip(scopes, settings) {
            snapshot.configs[scope] = config
            snapshot.modes[scope] = mode
        }
        if prefix == nil {
            if let global = try await source.config(subject: nil), global != CompatibilityConfig(compatibilityLevel: CompatibilityConfig.defaultLevel) {
                snapshot.configs[nil] = global
            }
            if let global = try await source.mode(subject: nil), global != .readWrite { snapshot.modes[nil] = global }
        }

        var knownIds: [String: Int] = [:]
        for version in snapshot.versions { knownIds[version.context] = version.id }
        for (context, id) in knownIds.sorted(by: { $0.key < $1.key }) {
            if let maxId = try await source.maxSchemaId(context: context, knownId: id) { snapshot.maxIds[context] = maxId }
        }
        return snapshot
    }
}

/// Bounded concurrency for the many small requests a copy makes.
enum Parallel {
    /// `body` of every item, at most `width` at a time, results in the items' order.
    static func map<T: Sendable, R: Sendable>(_ items: [T], width: Int, _ body: @escaping @Sendable (T) async throws -> R) async throws
        -> [R]
    {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask { (index, try await body(items[index])) }
            }
            while next < min(max(width, 1), items.count) { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count { start() }
            }
            return results.map { $0! }
        }
    }
}
