import ArgumentParser
import Foundation
import SchemaRegistryClient

/// `schema-registry import`: a pull copy from any registry that speaks the Confluent API, with ids intact.
public struct ImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy every subject and version (soft-deleted ones too), with the same ids, from a running registry into another or into a database.",
        discussion: """
            Copies ids, versions, references (referenced versions first), metadata, rule sets, soft-deleted state, \
            configs and modes, and moves each context's id counter past the source's highest id. The target is put \
            in IMPORT mode for the copy and its own global mode is restored afterwards. Running it again after an \
            interruption continues: what the target already holds with the same id is left alone. Non-Avro schemas \
            (and versions referencing them) are reported and skipped. At the end every copied id is checked to \
            answer the same canonical schema on both sides. --to may be a URL or a database (SQLite file or \
            postgresql:// URI) that no server is using.
            Exit status: 0 everything copied and verified; 1 done, but something was skipped, failed or differs \
            (listed); 2 error, or a failure to reach either side.
            """)

    @Option(help: ArgumentHelp("The registry to copy: its URL (user:password@ allowed), or a database.", valueName: "url|db"))
    var from: String

    @Option(help: ArgumentHelp("The registry to copy into: its URL, or a database no server is using.", valueName: "url|db"))
    var to: String

    @Flag(help: "List what would be done, and change nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Copy only the subjects starting with this (:.ctx: selects a context).", valueName: "prefix"))
    var subjectPrefix: String?

    @Option(help: ArgumentHelp("Requests under way at once on each side.", valueName: "n"))
    var parallel = 8

    @OptionGroup var source: SourceConnection
    @OptionGroup var target: TargetConnection

    public init() {}

    public func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
    }

    public func run() async throws {
        var options = RegistryCopy.Options()
        options.dryRun = dryRun
        options.subjectPrefix = subjectPrefix
        options.width = parallel
        options.stopAfter = ProcessInfo.processInfo.environment["SCHEMA_REGISTRY_IMPORT_STOP_AFTER"].flatMap { Int($0) }
        let report = try await RegistryCopy.runReporting(verb: "imported") {
            (try source.endpoint(from), try target.endpoint(to), options)
        }
        if !report.isClean { throw ExitCode(1) }
    }
}

extension RegistryCopy {
    /// Runs a copy and prints its summary (standard output) and the list of what went wrong; exit status 2 when it
    /// cannot run.
    static func runReporting(
        verb: String, to output: FileHandle = .standardOutput,
        _ setUp: () throws -> (any RegistryEndpoint, any RegistryEndpoint, Options)
    ) async throws -> Report {
        do {
            let (source, target, options) = try setUp()
            let report = try await RegistryCopy(source: source, target: target, options: options).run()
            output.write(Data(report.summary(verb: verb, from: source.displayName, to: target.displayName, dryRun: options.dryRun).utf8))
            return report
        } catch let failure as TransferFailure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(2)
        } catch let refusal as Refusal {
            FileHandle.standardError.write(Data("error: \(refusal)\n".utf8))
            throw ExitCode(2)
        } catch let error as SchemaRegistryError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

extension RegistryCopy.Report {
    func summary(verb: String, from source: String, to target: String, dryRun: Bool) -> String {
        var lines: [String] = []
        if dryRun {
            lines.append("dry run: \(source) into \(target); nothing was written")
            lines += plan.map { "  would \($0)" }
        } else {
            let rate = seconds > 0 ? Int((Double(registered) / seconds).rounded()) : 0
            lines.append("\(verb) \(source) into \(target) in \(String(format: "%.2f", seconds)) s")
            lines.append("  versions read:        \(read)")
            lines.append("  registered:           \(registered) (\(rate) versions/s)")
            lines.append("  already there:        \(alreadyThere)")
            lines.append("  soft-deleted:         \(softDeleted)")
            lines.append("  configs and modes:    \(settings)")
            if !idCounters.isEmpty {
                lines.append("  id counters raised:   " + idCounters.sorted { $0.key < $1.key }.map { "\($0.key) to \($0.value)" }.joined(separator: ", "))
            }
            lines.append(differences.isEmpty ? "  verified:             every copied id answers the same schema on both sides" : "  verification:         \(differences.count) differences")
        }
        for (title, items) in [("skipped", skipped), ("failed", failures), ("different", differences)] where !items.isEmpty {
            lines.append("\(title) (\(items.count)):")
            lines += items.map { "  \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
