import ArgumentParser
import Avro
import Foundation

/// `schema-registry compat`: may a new schema go live next to the versions before it?
///
/// Exit status: 0 compatible, 1 incompatible, 2 invalid schema, unreadable file, unreachable registry
/// or usage error (message on stderr).
public struct CompatCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: commandName,
        abstract: CompatOptions.configuration.abstract,
        usage: CompatOptions.configuration.usage,
        discussion: CompatOptions.configuration.discussion + "\n\n" + CompatOptions.argumentsHelp)

    /// Known without building `configuration`, whose help text takes a millisecond to put together.
    public static let commandName = "compat"

    /// Everything after `compat`, parsed in `run` so that usage errors exit with 2.
    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    public init() {}

    /// Runs `compat` with the arguments that follow the word `compat`, past the top-level parser, which spends
    /// time on each argument (~15 ms for a thousand files), and exits. Returns, having run nothing, when an
    /// argument asks the top-level parser for something (help, version), which it then answers as before.
    public static func main(arguments: [String]) async {
        guard !arguments.contains(where: Self.belongsToTheTopLevelParser) else { return }
        var command = CompatCommand()
        command.arguments = arguments
        do {
            try await command.run()
        } catch {
            exit(withError: error)
        }
        exit()
    }

    private static func belongsToTheTopLevelParser(_ argument: String) -> Bool {
        argument == "-h" || argument == "--help" || argument == "help" || argument == "--version"
            || argument.hasPrefix("--experimental") || argument.hasPrefix("--generate-completion")
    }

    public func run() async throws {
        var options: CompatOptions
        do {
            let (optionArguments, positionals) = CompatArguments.split(arguments)
            options = try CompatOptions.parse(optionArguments)
            options.schemas = positionals
        } catch {
            if CompatOptions.exitCode(for: error) == .success {
                print(CompatOptions.helpMessage())
                return
            }
            throw fail(CompatOptions.message(for: error) + "\nRun 'schema-registry compat --help' for usage.")
        }
        let report: CompatReport
        do {
            report = try await Self.report(for: options.mode())
        } catch {
            throw fail(error.description)
        }
        print(options.json ? report.json : report.text)
        if !report.compatible { throw ExitCode(1) }
    }

    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }

    static func report(for mode: CompatOptions.Mode) async throws(CompatError) -> CompatReport {
        switch mode {
        case .pair(let readerPath, let writerPath):
            let reader = try CompatSchemaFiles.load(readerPath), writer = try CompatSchemaFiles.load(writerPath)
            let found = SchemaCompatibility.incompatibilities(reader: reader, writer: writer)
            return CompatReport(
                compatible: found.isEmpty, reader: readerPath, writer: writerPath,
                incompatibilities: found.map(CompatReport.Finding.init))

        case .versions(let newPath, let previousArguments, let level):
            let newPaths = try CompatSchemaFiles.expand(newPath)
            guard newPaths.count == 1 else {
                throw CompatError("\(newPath): the new schema must be one file (a directory or glob only works alone or as previous versions)")
            }
            var listed: [String] = []
            for argument in previousArguments {
                // Previous versions go newest first; a directory or glob lists oldest first.
                listed += try CompatSchemaFiles.expand(argument).reversed()
            }
            let previous = listed
            let new = PreparedForCompatibility(try CompatSchemaFiles.load(newPaths[0]))
            let compared = CompatReport.comparedCount(of: previous.count, level: level)
            // Each chunk of versions is read, parsed and checked on one core and then dropped, so that a long
            // history never sits in memory; every file is read, checked or not, so that a bad one is reported.
            // Versions of one schema share most fields: each worker parses a shared field once.
            let chunks = CompatParallel.mapChunks(count: previous.count, chunkSize: 8, state: SchemaParseCache.init) { cache, range in
                Result { () throws(CompatError) -> [CompatibilityFailure] in
                    var schemas: [PreparedForCompatibility] = []
                    for index in range { schemas.append(try CompatSchemaFiles.loadPrepared(previous[index], cache: cache)) }
                    let checked = schemas.prefix(max(0, min(range.upperBound, compared) - range.lowerBound))
                    return CompatReport.check(new, against: checked, from: range.lowerBound, level: level)
                }
            }
            var failures: [CompatibilityFailure] = []
            for chunk in chunks { failures += try chunk.get() }
            let check = CompatReport.check(newPath, against: previous, level: level, failures: failures)
            return CompatReport(compatible: check.compatible, level: level.rawValue, checks: [check])

        case .history(let argument, let level):
            let paths = try CompatSchemaFiles.expand(argument)
            let versions = zip(paths, try CompatSchemaFiles.loadAll(paths)).map { (name: $0.0, schema: $0.1) }
            let checks = versions.indices.map { index in
                CompatReport.check(versions[index], against: versions[..<index].reversed(), level: level)
            }
            return CompatReport(compatible: checks.allSatisfy(\.compatible), level: level.rawValue, checks: checks)

        case .registry(let newPath, let connection, let subject, let level):
            let registry = try CompatRegistry(connection)
            guard let level else {
                guard let data = FileManager.default.contents(atPath: newPath) else {
                    throw CompatError("\(newPath): cannot read the file")
                }
                let text = String(decoding: data, as: UTF8.self)
                _ = try CompatSchemaFiles.load(newPath)  // a local error reads better than the registry's 42201
                let verdict = try await registry.check(schemaText: text, subject: subject)
                return CompatReport(
                    compatible: verdict.isCompatible, registry: registry.url, subject: subject, schema: newPath,
                    messages: verdict.messages)
            }
            let new = try CompatSchemaFiles.load(newPath)
            let previous = try await registry.versions(of: subject)
            let check = CompatReport.check((newPath, new), against: previous, level: level)
            return CompatReport(
                compatible: check.compatible, level: level.rawValue, registry: registry.url, subject: subject, checks: [check])
        }
    }
}
