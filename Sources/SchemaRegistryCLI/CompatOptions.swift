import ArgumentParser
import Avro
import Foundation

/// The arguments of `schema-registry compat`, parsed by the command itself so that every usage
/// error exits with status 2 (ArgumentParser's own exit code for them is 64).
struct CompatOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema-registry compat",
        abstract: "Check that a new schema is compatible with its previous versions.",
        usage: """
            schema-registry compat <new.avsc> <old.avsc> [<older.avsc> ...] [--level <level>] [--json]
              schema-registry compat <new.avsc> --previous <dir-glob-or-file> [--previous ...] [--level <level>] [--json]
              schema-registry compat <dir-or-glob> [--level <level>] [--json]
              schema-registry compat --reader <reader.avsc> --writer <writer.avsc> [--json]
              schema-registry compat <new.avsc> --registry <url> --subject <subject> [--level <level>] [--json]
            """,
        discussion: """
            Previous versions are given newest first. A directory or glob stands for its .avsc files; \
            as previous versions they count newest (last in name order) first. A single directory or glob \
            is a whole history in name order (numbers by value, v9 before v10): each version is checked \
            against those before it, as registering them in turn would. --previous adds previous versions \
            after the positional ones. An argument @list.txt stands for the paths in that file, one per \
            line, as if they were given in that order. Files are read and parsed on every core. The \
            default level is BACKWARD.

            With --registry the registry judges at the subject's configured level; with --level as well, \
            the subject's versions are fetched and checked here at that level.

            Exit status: 0 compatible, 1 incompatible, 2 invalid schema, unreadable file, unreachable \
            registry or usage error.
            """)

    /// The ARGUMENTS and OPTIONS sections of the help, for the command that wraps these options.
    static var argumentsHelp: String {
        let help = helpMessage(columns: 78)
        guard let start = help.range(of: "ARGUMENTS:") else { return help }
        return String(help[start.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Argument(help: ArgumentHelp(
        "The new schema, then the previous versions newest first. A directory or glob stands for its .avsc files.",
        valueName: "schema"))
    var schemas: [String] = []

    @Option(help: ArgumentHelp(
        "Previous versions (a file, directory, glob or @list), after any given as positional arguments.",
        valueName: "path"))
    var previous: [String] = []

    @Option(help: "The compatibility level: \(CompatibilityLevel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var level: String?

    @Option(help: ArgumentHelp("A reader schema, checked against --writer as one raw pair.", valueName: "file"))
    var reader: String?

    @Option(help: ArgumentHelp("A writer schema, checked against --reader as one raw pair.", valueName: "file"))
    var writer: String?

    @OptionGroup(title: "Registry (check against a subject of a running registry)")
    var connection: RegistryOptions

    @Option(help: "The registry subject to check against (with --registry).")
    var subject: String?

    @Flag(help: "Print a machine-readable JSON object instead of the report.")
    var json = false

    /// What to check, once the arguments are known to fit together.
    enum Mode {
        case pair(reader: String, writer: String)
        case versions(new: String, previous: [String], level: CompatibilityLevel)
        case history(String, level: CompatibilityLevel)
        case registry(new: String, connection: RegistryOptions, subject: String, level: CompatibilityLevel?)
    }

    func mode() throws(CompatError) -> Mode {
        let parsedLevel = try parseLevel()
        let schemas = try CompatArguments.expandLists(self.schemas)
        let previous = try CompatArguments.expandLists(self.previous)
        if reader != nil || writer != nil {
            guard let reader, let writer else { throw CompatError("--reader and --writer go together") }
            guard schemas.isEmpty, previous.isEmpty, connection.registry == nil, subject == nil, level == nil else {
                throw CompatError("--reader/--writer take no other schemas, --previous, --level, --registry or --subject")
            }
            return .pair(reader: reader, writer: writer)
        }
        if connection.registry != nil || subject != nil {
            guard connection.registry != nil, let subject else { throw CompatError("--registry and --subject go together") }
            guard schemas.count == 1, previous.isEmpty else {
                throw CompatError("with --registry give exactly one schema file (the new version) and no --previous")
            }
            return .registry(new: schemas[0], connection: connection, subject: subject, level: parsedLevel)
        }
        if connection.connectionDetailsGiven { throw CompatError("--basic-auth, --ca-file, --cert-file and --key-file go with --registry") }
        switch schemas.count {
        case 0: throw CompatError("give the new schema and its previous versions, or --reader and --writer")
        case 1 where previous.isEmpty: return .history(schemas[0], level: parsedLevel ?? .backward)
        case 1: return .versions(new: schemas[0], previous: previous, level: parsedLevel ?? .backward)
        default: return .versions(new: schemas[0], previous: Array(schemas.dropFirst()) + previous, level: parsedLevel ?? .backward)
        }
    }

    private func parseLevel() throws(CompatError) -> CompatibilityLevel? {
        guard let level else { return nil }
        guard let parsed = CompatibilityLevel(rawValue: level.uppercased()) else {
            throw CompatError(
                "unknown level '\(level)'; expected one of \(CompatibilityLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }
}

/// A usage error, an unreadable file or an invalid schema: reported on stderr with exit status 2.
struct CompatError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
