import ArgumentParser
import Foundation
import RegistryCore
import RegistrySQLite

/// `schema-registry export`: a whole registry to one file (see `RegistryExport` for the format).
public struct ExportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a whole registry, deleted versions and settings included, to one checksummed JSON-lines file.",
        discussion: "Reads the database directly (a SQLite file); the server may be running. Exit status: 0 done, 2 error.")

    @Option(help: ArgumentHelp("The registry database to read.", valueName: "db"))
    var from: String

    @Option(help: ArgumentHelp("The file to write; - for standard output.", valueName: "file"))
    var to: String

    public init() {}

    public func run() throws {
        try Transfer.run {
            let store = try StoreLocation.open(from, mustExist: true)
            let text = RegistryExport.text(of: try Transfer.load(store, from))
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
public struct RestoreCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Load an export file into an empty registry database, with the same ids, versions and settings.",
        discussion: """
            The file is an export, a kafka-console-consumer dump of _schemas (key TAB value per line), or a Karapace \
            v1 or v2 backup; its format is recognised. An export's checksum is checked first; nothing is written \
            unless all of the file is good. Exit status: 0 done, 2 error.
            """)

    @Option(help: ArgumentHelp("The export file, or the dump of a _schemas topic.", valueName: "file"))
    var from: String

    @Option(help: ArgumentHelp("The registry database to create or fill; it must hold nothing yet.", valueName: "db"))
    var to: String

    @Flag(help: "Leave out the Protobuf and JSON Schema versions a _schemas dump holds, instead of refusing the dump.")
    var skipNonAvro = false

    public init() {}

    public func run() throws {
        try Transfer.run {
            guard let data = FileManager.default.contents(atPath: from) else { throw TransferFailure("\(from): cannot read the file") }
            let contents: StoreContents
            do {
                let read = try RestoreFile.contents(parsing: String(decoding: data, as: UTF8.self), skippingNonAvro: skipNonAvro)
                contents = read.contents
                for note in read.notes { FileHandle.standardError.write(Data("\(from): \(note)\n".utf8)) }
            } catch let error as ExportError {
                throw TransferFailure("\(from): \(error.message)")
            }
            try Transfer.store(contents, into: try StoreLocation.openEmpty(to), to)
        }
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
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as TransferFailure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }
}
