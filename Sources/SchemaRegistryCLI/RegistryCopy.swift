import Foundation
import JSON
import RegistryCore
import RegistryModel
import SchemaRegistryClient
import Synchronization

/// Copies a registry into another through their APIs, with the ids, versions, deleted state and settings of the
/// source, under the target's IMPORT rules (`import`, `export --from URL`, `restore --to URL`).
///
/// Running it again after an interruption continues: what the target already holds with the same id is left as it
/// is. The steps, in an order that keeps each one possible:
/// 1. read the source (`RegistrySnapshot`) and what the target already holds of it;
/// 2. put the target, and each named context copied, in IMPORT mode (forced: a resumed copy finds its own subjects
///    there);
/// 3. register each version with its id and version, a referenced version before those that reference it and a
///    subject's versions in order, many at a time;
/// 4. soft-delete what the source has soft-deleted;
/// 5. move each context's id counter past the source's highest id, when a hard-deleted schema held it;
/// 6. configs, then modes (a read-only subject would refuse its versions);
/// 7. the target's global mode back as it was (or, for a restore, the source's);
/// 8. verify: every id answers the same schema (canonical form, references, metadata, rule set), every subject lists
///    the same versions.
struct RegistryCopy {
    struct Options {
        var dryRun = false
        var subjectPrefix: String?
        var width = 8
        /// Refuse a target that holds any subject (restore).
        var requireEmptyTarget = false
        /// The target's global mode afterwards is the source's (restore, export) rather than its own from before.
        var globalModeFromSource = false
        /// Testing interruptions: the process ends with status 3 after this many registrations.
        var stopAfter: Int?
    }

    struct Report {
        var read = 0
        var registered = 0
        var alreadyThere = 0
        var softDeleted = 0
        var settings = 0
        var idCounters: [String: Int] = [:]
        /// Versions not copied because their schema is not Avro, or because they reference one that was not copied.
        var skipped: [String] = []
        /// What could not be copied, with the target's reason.
        var failures: [String] = []
        /// What the final check found different.
        var differences: [String] = []
        /// With `--dry-run`, what would be done.
        var plan: [String] = []
        var seconds = 0.0

        var isClean: Bool { skipped.isEmpty && failures.isEmpty && differences.isEmpty }
    }

    /// Why a copy could not run at all.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    let source: any RegistryEndpoint
    let target: any RegistryEndpoint
    let options: Options

    func run() async throws -> Report {
        let started = ContinuousClock.now
        var report = Report()
        let reading = CopyProgress("reading \(source.displayName)")
        let snapshot = try await RegistrySnapshot.read(source, subjectPrefix: options.subjectPrefix, width: options.width, progress: reading)
        reading.finish()
        report.read = snapshot.versions.count

        if options.requireEmptyTarget, !(try await target.subjects(includeDeleted: true)).isEmpty {
            throw Refusal(description: "\(target.displayName) already holds subjects; restore writes only into an empty registry")
        }
        let existing = try await targetHolding(snapshot)

        // What to write: Avro versions not there yet, whose references are copied or already there.
        var copied: Set<SubjectVersion> = Set(existing.keys)
        var pending: [RegistrySnapshot.Version] = []
        for version in snapshot.versions {
            if let held = existing[version.key] {
                if held.id == version.id { report.alreadyThere += 1 } else {
                    report.failures.append("\(version.subject) version \(version.version): the target holds id \(held.id) there, the source id \(version.id)")
                    copied.remove(version.key)
                }
                continue
            }
            if version.schema.schemaType != .avro {
                report.skipped.append("\(version.subject) version \(version.version) (id \(version.id)): a \(version.schema.schemaType) schema; this registry holds Avro only")
                continue
            }
            pending.append(version)
            copied.insert(version.key)
        }
        let inSnapshot = Set(snapshot.versions.map(\.key))
        // A version referencing one that is skipped or failed cannot be registered either; repeat until none is left.
        var changed = true
        while changed {
            changed = false
            pending.removeAll { version in
                guard let missing = version.referenced.first(where: { inSnapshot.contains($0) && !copied.contains($0) }) else { return false }
                report.skipped.append("\(version.subject) version \(version.version) (id \(version.id)): it references \(missing.subject) version \(missing.version), which is not copied")
                copied.remove(version.key)
                changed = true
                return true
            }
        }

        let deletions = snapshot.versions.filter { version in
            version.deleted && copied.contains(version.key) && existing[version.key]?.deleted != true
        }
        if options.dryRun {
            report.plan = pending.map { "register \($0.subject) version \($0.version) id \($0.id)" }
                + deletions.map { "soft-delete \($0.subject) version \($0.version)" }
                + snapshot.configs.sorted { ($0.key ?? "") < ($1.key ?? "") }.map { "set config of \($0.key ?? "the registry") to \(JSONWriter.write($0.value.json(.read)))" }
                + snapshot.modes.filter { $0.key != nil || options.globalModeFromSource }.sorted { ($0.key ?? "") < ($1.key ?? "") }
                .map { "set mode of \($0.key ?? "the registry") to \($0.value.rawValue)" }
            report.seconds = Self.seconds(since: started)
            return report
        }

        let previousMode = try await target.mode(subject: nil) ?? .readWrite
        do {
            try await target.setMode(.import, subject: nil, force: true)
        } catch {
            throw Refusal(description: "\(target.displayName): cannot enter IMPORT mode: \(error.message)")
        }

        // A named context's subjects take their mode from the context, then from `:.__GLOBAL:`, not from `/mode`.
        var enteredImport: Set<String> = []
        for context in Set(snapshot.versions.map(\.context)).subtracting([QualifiedSubject.defaultContext]).sorted() {
            let scope = QualifiedSubject.prefix(ofContext: context)
            do {
                try await target.setMode(.import, subject: scope, force: true)
                enteredImport.insert(scope)
            } catch {
                report.failures.append("putting context \(context) in IMPORT mode: \(error.message)")
            }
        }
        let state = WriteState.Shared(WriteState(deletedAtTarget: Set(existing.filter { $0.value.deleted }.keys), temporaryModes: enteredImport))
        let writing = CopyProgress("writing \(target.displayName)", total: pending.count)
        let earlierWithSameId = Self.earlierVersionsWithSameId(snapshot.versions)
        for wave in Self.waves(pending) {
            let outcomes = try await Parallel.map(wave, width: options.width) { version async throws -> String? in
                try await write(version, earlier: earlierWithSameId[version.key] ?? [], state: state, progress: writing)
            }
            report.failures += outcomes.compactMap { $0 }
        }
        writing.finish()
        report.registered = writing.done

        for version in deletions where !state.lock.withLock({ $0.deletedAtTarget.contains(version.key) }) {
            do {
                try await target.deleteVersion(subject: version.subject, version: version.version, permanent: false)
                report.softDeleted += 1
            } catch {
                report.failures.append("soft-deleting \(version.subject) version \(version.version): \(error.message)")
            }
        }
        report.softDeleted += state.lock.withLock { $0.softDeletedEarly }

        report.idCounters = try await raiseIdCounters(snapshot, failures: &report.failures)

        for (scope, config) in snapshot.configs.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            guard try await target.config(subject: scope) != config else { continue }
            do {
                try await target.setConfig(config, subject: scope)
                report.settings += 1
            } catch {
                report.failures.append("config of \(scope ?? "the registry"): \(error.message)")
            }
        }
        var temporaryModes = state.lock.withLock { $0.temporaryModes }
        if previousMode == .import || !existing.isEmpty {
            // An interrupted copy may have left subjects in IMPORT mode of their own.
            for subject in Set(snapshot.versions.map(\.subject)) where snapshot.modes[subject] == nil && !temporaryModes.contains(subject) {
                if try await target.mode(subject: subject) == .import { temporaryModes.insert(subject) }
            }
        }
        for scope in Set(snapshot.modes.keys.compactMap { $0 }).union(temporaryModes).sorted() {
            do {
                if let mode = snapshot.modes[scope] {
                    try await target.setMode(mode, subject: scope, force: true)
                } else {
                    try await target.deleteMode(subject: scope)
                }
                report.settings += 1
            } catch {
                report.failures.append("mode of \(scope): \(error.message)")
            }
        }
        let finalMode = options.globalModeFromSource ? snapshot.modes[nil] ?? .readWrite : previousMode == .import ? .readWrite : previousMode
        try await restoreGlobalMode(finalMode)

        report.differences = try await CopyVerification(source: snapshot, target: target, width: options.width)
            .differences(copied: copied, prefix: options.subjectPrefix)
        report.seconds = Self.seconds(since: started)
        return report
    }

    // MARK: Steps

    /// What the target holds already of the source's versions: its id and whether it is soft-deleted there.
    private func targetHolding(_ snapshot: RegistrySnapshot) async throws -> [SubjectVersion: (id: Int, deleted: Bool)] {
        let held = Set(try await target.subjects(includeDeleted: true))
        let wanted = Dictionary(grouping: snapshot.versions.filter { held.contains($0.subject) }, by: \.subject)
        guard !wanted.isEmpty else { return [:] }
        let contexts = Set(wanted.keys.map { QualifiedSubject.context(of: $0) }).sorted()
        let listed = try await RegistrySnapshot.listing(
            target, prefixes: contexts.map(QualifiedSubject.prefix(ofContext:)), progress: CopyProgress("reading \(target.displayName)"))
        let target = self.target
        let found = try await Parallel.map(Array(wanted.keys), width: options.width) { subject async throws -> [(SubjectVersion, (id: Int, deleted: Bool))] in
            let live = Set(try await target.unlessNotFound { () async throws(SchemaRegistryError) in try await target.versions(subject: subject, includeDeleted: false) } ?? [])
            let sourceVersions = Set((wanted[subject] ?? []).map(\.version))
            var ids: [Int: Int] = [:]
            if let listed {
                for version in listed[subject] ?? [] { ids[version.version] = version.id }
            } else {
                let all = try await target.unlessNotFound { () async throws(SchemaRegistryError) in try await target.versions(subject: subject, includeDeleted: true) } ?? []
                for number in all where sourceVersions.contains(number) {
                    ids[number] = try await target.version(subject: subject, version: number).id
                }
            }
            return ids.filter { sourceVersions.contains($0.key) }.map { number, id in
                (SubjectVersion(subject: subject, version: number), (id, !live.contains(number)))
            }
        }
        return Dictionary(found.flatMap { $0 }, uniquingKeysWith: { first, _ in first })
    }

    struct WriteState {
        var deletedAtTarget: Set<SubjectVersion>
        /// Subjects and contexts given IMPORT mode for the copy; their source mode, or none, replaces it.
        var temporaryModes: Set<String> = []
        var softDeletedEarly = 0

        /// The state the concurrent registrations share.
        final class Shared: Sendable {
            let lock: Mutex<WriteState>
            init(_ state: WriteState) { lock = Mutex(state) }
        }
    }

    /// Registers one version; the failure's description, or nil when it is there.
    private func write(
        _ version: RegistrySnapshot.Version, earlier: [SubjectVersion], state: WriteState.Shared, progress: CopyProgress
    ) async throws -> String? {
        // The same schema came back under this subject after a soft delete: while the earlier version is live, the
        // registry would answer with it instead of adding this one.
        for key in earlier where !state.lock.withLock({ $0.deletedAtTarget.contains(key) }) {
            do {
                try await target.deleteVersion(subject: key.subject, version: key.version, permanent: false)
                state.lock.withLock {
                    $0.deletedAtTarget.insert(key)
                    $0.softDeletedEarly += 1
                }
            } catch {
                return "\(version.subject) version \(version.version): soft-deleting version \(key.version) first: \(error.message)"
            }
        }
        var id: Int
        do {
            id = try await target.register(subject: version.subject, schema: version.schema, id: version.id, version: version.version)
        } catch where error.errorCode == 42205 && error.message.contains("mode") {
            // The subject's own mode (left by an interrupted copy, or set at the target) overrides the global IMPORT.
            do {
                try await target.setMode(.import, subject: version.subject, force: true)
                _ = state.lock.withLock { $0.temporaryModes.insert(version.subject) }
                id = try await target.register(subject: version.subject, schema: version.schema, id: version.id, version: version.version)
            } catch {
                return "\(version.subject) version \(version.version) (id \(version.id)): \(error.message)"
            }
        } catch {
            guard error.kind == .server else { throw error }
            return "\(version.subject) version \(version.version) (id \(version.id)): \(error.message)"
        }
        guard id == version.id else {
            return "\(version.subject) version \(version.version): the target gave id \(id) instead of \(version.id)"
        }
        let done = progress.advance()
        if let stop = options.stopAfter, done >= stop { exit(3) }
        return nil
    }

    /// Ids issued at the source above every id it still holds belonged to hard-deleted schemas; messages on topics may
    /// carry them, so the target must never issue them again. No API sets a counter: a placeholder registered with
    /// the highest id, then hard-deleted, leaves the counter there, on any registry.
    private func raiseIdCounters(_ snapshot: RegistrySnapshot, failures: inout [String]) async throws -> [String: Int] {
        var raised: [String: Int] = [:]
        let copiedIds = Dictionary(grouping: snapshot.versions, by: \.context).mapValues { $0.map(\.id) }
        for (context, sourceMax) in snapshot.maxIds.sorted(by: { $0.key < $1.key }) {
            guard let known = copiedIds[context]?.max() else { continue }
            let targetMax = (try? await target.maxSchemaId(context: context, knownId: known)) ?? known
            guard targetMax < sourceMax else { continue }
            let subject = QualifiedSubject(context: context, name: "schema-registry-import-id-\(sourceMax)").qualified
            let placeholder = SchemaInfo(
                schema: #"{"type":"record","name":"IdPlaceholder\#(sourceMax)","namespace":"schema_registry_import","fields":[]}"#)
            do {
                _ = try await target.register(subject: subject, schema: placeholder, id: sourceMax, version: 1)
                try await target.deleteSubject(subject, permanent: false)
                try await target.deleteSubject(subject, permanent: true)
                raised[context] = sourceMax
            } catch {
                failures.append("raising the id counter of context \(context) to \(sourceMax): \(error.message)")
            }
        }
        return raised
    }

    /// READWRITE is the registry's default: removing the mode leaves no setting behind where the registry allows it.
    private func restoreGlobalMode(_ mode: RegistryMode) async throws {
        if mode == .readWrite, (try? await target.deleteMode(subject: nil)) != nil,
            try await target.mode(subject: nil) ?? .readWrite == .readWrite
        {
            return
        }
        try await target.setMode(mode, subject: nil, force: true)
    }

    // MARK: Ordering

    /// For each version, the earlier versions of its subject with the same id: soft-deleted ones, or the registry
    /// would not have added it again.
    static func earlierVersionsWithSameId(_ versions: [RegistrySnapshot.Version]) -> [SubjectVersion: [SubjectVersion]] {
        var result: [SubjectVersion: [SubjectVersion]] = [:]
        for (_, subjectVersions) in Dictionary(grouping: versions, by: \.subject) {
            var seen: [Int: [SubjectVersion]] = [:]
            for version in subjectVersions.sorted(by: { $0.version < $1.version }) {
                if let earlier = seen[version.id] { result[version.key] = earlier }
                seen[version.id, default: []].append(version.key)
            }
        }
        return result
    }

    /// `pending` in rounds that can each run in parallel: a version comes after the versions it references and
    /// after the earlier versions of its subject.
    static func waves(_ pending: [RegistrySnapshot.Version]) -> [[RegistrySnapshot.Version]] {
        let byKey = Dictionary(pending.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var previous: [SubjectVersion: SubjectVersion] = [:]
        for (_, versions) in Dictionary(grouping: pending, by: \.subject) {
            let sorted = versions.sorted { $0.version < $1.version }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) { previous[later.key] = earlier.key }
        }
        var level: [SubjectVersion: Int] = [:]
        func levelOf(_ key: SubjectVersion, depth: Int) -> Int {
            if let known = level[key] { return known }
            guard let version = byKey[key], depth < 10_000 else { return 0 }
            let before = (version.referenced + [previous[key]].compactMap { $0 }).filter { byKey[$0] != nil }
            let value = (before.map { levelOf($0, depth: depth + 1) + 1 }.max()) ?? 0
            level[key] = value
            return value
        }
        var waves: [[RegistrySnapshot.Version]] = []
        for version in pending {
            let index = levelOf(version.key, depth: 0)
            while waves.count <= index { waves.append([]) }
            waves[index].append(version)
        }
        return waves
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
