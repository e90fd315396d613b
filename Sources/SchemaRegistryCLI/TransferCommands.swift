import ArgumentParser
import Foundation
import RegistryCore
import RegistrySQLite

/// `schema-registry export`: a whole registry to one file (see `RegistryExport` for the format).
public struct ExportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a whole registry, deleted versions and settings included, to one checksummed JSON-lines file.",
        discussion: """
            --from is a database (a SQLite file or postgresql:// URI, read directly; the server may be running) or a \
            running registry's URL, read through its API (a copy into a temporary database, then exported; nothing \
            is written unless every version copied and verified). Exit status: 0 done, 2 error.
            """)

    @Option(help: ArgumentHelp("The registry to read: a database, or a running registry's URL.", valueName: "db|url"))
    var from: String

    @Option(help: ArgumentHelp("The file to write; - for standard output.", valueName: "file"))
    var to: String

    @OptionGroup var source: SourceConnection

    public init() {}

    public func run() async throws {
        let contents: StoreContents
        if RegistryEndpoints.isURL(from) {
            contents = try await Transfer.throughTemporaryDatabase { store in
                let copy = try await RegistryCopy.runReporting(verb: "read", to: .standardError) {
                    let target = try RegistryEndpoints.local(store, displayName: "a temporary copy")
                    var options = RegistryCopy.Options()
                    options.requireEmptyTarget = true
                    options.globalModeFromSource = true
                    return (try source.endpoint(from), target, options)
                }
                guard copy.isClean else {
                    FileHandle.standardError.write(Data("error: \(from) was not copied whole; no file written\n".utf8))
                    throw ExitCode(2)
                }
                return try Transfer.run { try Transfer.load(store, from) }
            }
        } else {
            contents = try Transfer.run { try Transfer.load(try StoreLocation.open(from, mustExist: true), from) }
        }
        try Transfer.run {
            let text = RegistryExport.text(of: contents)
            if to == "-" {
                FileHandle.standardOutput.write(Data(text.utf8))
            } else {
                do { try text.write(toFile: to, atomically: true, encoding: .utf8) } catch {
                    throw TransferFailure("\(to): \(error.localizedDescription)")
                }
            }
        }
    }
}

/// `schema-registry restore`: an export file into an empty registry, with the same ids.
public struct RestoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Load an export file or a _schemas dump into an empty registry, with the same ids, versions and settings.",
        discussion: """
            The file is an export, a kafka-console-consumer dump of _schemas (key TAB value per line), or a Karapace \
            v1 or v2 backup; its format is recognised. An export's checksum is checked first; nothing is written \
            unless all of the file is good. --to is a database (written in one transaction) or an empty running \
            registry's URL (written through its API in IMPORT mode, then verified). Exit status: 0 done, 1 written \
            but something failed or differs (listed), 2 error.
            """)

    @Option(help: ArgumentHelp("The export file, or the dump of a _schemas topic.", valueName: "file"))
    var from: String

    @Option(help: ArgumentHelp("The registry to fill, which must hold nothing yet: a database, or a running registry's URL.", valueName: "db|url"))
    var to: String

    @Flag(help: "Leave out the Protobuf and JSON Schema versions a _schemas dump holds, instead of refusing the dump.")
    var skipNonAvro = false

    @OptionGroup var target: TargetConnection

    public init() {}

    public func run() async throws {
        let contents: StoreContents = try Transfer.run {
            guard let data = FileManager.default.contents(atPath: from) else { throw TransferFailure("\(from): cannot read the file") }
            do {
                let read = try RestoreFile.contents(parsing: String(decoding: data, as: UTF8.self), skippingNonAvro: skipNonAvro)
                for note in read.notes { FileHandle.standardError.write(Data("\(from): \(note)\n".utf8)) }
                return read.contents
            } catch let error as ExportError {
                throw TransferFailure("\(from): \(error.message)")
            }
        }
        guard RegistryEndpoints.isURL(to) else {
            return try Transfer.run { try Transfer.store(contents, into: try StoreLocation.openEmpty(to), to) }
        }
        let report = try await Transfer.throughTemporaryDatabase { store in
            try Transfer.run { try Transfer.store(contents, into: store, from) }
            return try await RegistryCopy.runReporting(verb: "restored") {
                var options = RegistryCopy.Options()
                options.requireEmptyTarget = true
                options.globalModeFromSource = true
                return (try RegistryEndpoints.local(store, displayName: from), try target.endpoint(to), options)
            }
        }
        if !report.isClean { throw ExitCode(1) }
    }
}

/// `schema-registry copy`: one registry database into another, empty one.
public struct CopyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a registry database into an empty one: ids, versions, deleted versions, references, config, mode.",
        discussion: "Exit status: 0 done, 2 error.")

    @Option(help: ArgumentHelp("The registry database to read.", valueName: "db"))
    var from: String

    @Option(help: ArgumentHelp("The registry database to create or fill; it must hold nothing yet.", valueName: "db"))
    var to: String

    public init() {}

    public func run() throws {
        try Transfer.run {
            let contents = try Transfer.load(try StoreLocation.open(from, mustExist: true), from)
            try Transfer.store(contents, into: try StoreLocation.openEmpty(to), to)
        }
    }
}

/// `schema-registry backup`: a consistent copy of a SQLite registry file, also while a server uses it.
public struct BackupCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite registry database to a new file, consistently, while the server may be running.",
        discussion: "Uses SQLite's online backup API. Exit status: 0 done, 2 error.")

    @Option(help: ArgumentHelp("The registry database (SQLite file) to copy.", valueName: "file"))
    var db: String

    @Option(help: ArgumentHelp("The new file to write; it must not exist.", valueName: "file"))
    var to: String

    public init() {}

    public func run() throws {
        try Transfer.run {
            do { try SQLiteRegistryStore.backup(db, to: to) } catch let error as RegistryError { throw TransferFailure(error.message) }
        }
    }
}

/// What the commands that move registry data share.
enum Transfer {
    static func load(_ store: any RegistryStore, _ location: String) throws -> StoreContents {
        do { return try store.loadAll() } catch { throw TransferFailure("\(location): \(error.message)") }
    }

    /// All of `contents` in one transaction: a failure leaves the target as empty as it was.
    static func store(_ contents: StoreContents, into store: any RegistryStore, _ location: String) throws {
        do { try store.apply(contents.changes) } catch { throw TransferFailure("\(location): \(error.message)") }
        FileHandle.standardError.write(Data(
            "\(location): \(contents.schemas.count) schemas, \(contents.versions.count) versions, \(contents.configs.count) configs, \(contents.modes.count) modes\n".utf8))
    }

    /// Runs `body`, reporting a failure on standard error with exit status 2.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as TransferFailure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// `body` with an empty SQLite registry in a temporary folder, removed afterwards: where a copy through the API
    /// meets a file (`export --from URL`, `restore --to URL`).
    static func throughTemporaryDatabase<T>(_ body: (any RegistryStore) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-registry-transfer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try run { () throws -> any RegistryStore in
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw TransferFailure("\(folder.path): \(error.localizedDescription)")
            }
            return try StoreLocation.open(folder.appendingPathComponent("registry.db").path, mustExist: false)
        }
        return try await body(store)
    }
}
