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
        let contexts = try await source.contexts()
        let listed = try await listing(source, prefixes: prefix.map { [$0] } ?? contexts.map(QualifiedSubject.prefix(ofContext:)), progress: progress)
        let perSubject = try await Parallel.map(subjects, width: width) { subject async throws -> [Version] in
            let liveVersions: Set<Int> =
                live.contains(subject)
                ? Set(try await source.unlessNotFound({ () async throws(SchemaRegistryError) in
                    try await source.versions(subject: subject, includeDeleted: false)
                }) ?? []) : []
            // Version by version when the listing lacks the subject (no listing, or the subject came meanwhile).
            var found = listed?[subject] ?? []
            if found.isEmpty {
                // A subject deleted while it is read is left out, as if it had gone just before.
                let all = try await source.unlessNotFound({ () async throws(SchemaRegistryError) in
                    try await source.versions(subject: subject, includeDeleted: true)
                }) ?? []
                for number in all.sorted() {
                    guard let version = try await source.unlessNotFound({ () async throws(SchemaRegistryError) in
                        try await source.version(subject: subject, version: number)
                    }) else { continue }
                    found.append(version)
                    progress.advance()
                }
            }
            return found.map { Version(subject: subject, version: $0.version, id: $0.id, schema: $0.schema, deleted: !liveVersions.contains($0.version)) }
        }
        snapshot.versions = perSubject.flatMap { $0 }

        var scopes: [String?] = subjects
        for context in contexts where context != QualifiedSubject.defaultContext {
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

extension RegistrySnapshot {
    /// Every version of the subjects the prefixes select, by subject, read a page at a time (`GET /schemas`); nil when
    /// the registry has no such listing.
    static func listing(_ source: any RegistryEndpoint, prefixes: [String], progress: CopyProgress) async throws
        -> [String: [RegisteredSchema]]?
    {
        let limit = 1000
        var bySubject: [String: [RegisteredSchema]] = [:]
        var seen: Set<SubjectVersion> = []
        for prefix in prefixes {
            var offset = 0
            while true {
                guard let page = try await source.allVersions(subjectPrefix: prefix, offset: offset, limit: limit) else { return nil }
                var added = 0
                for version in page where seen.insert(SubjectVersion(subject: version.subject, version: version.version)).inserted {
                    bySubject[version.subject, default: []].append(version)
                    progress.advance()
                    added += 1
                }
                // A registry may cap a page below `limit`: only a page with nothing new ends the listing (also one that
                // ignores `offset`).
                if added == 0 { break }
                offset += page.count
            }
        }
        return bySubject
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
