import JSON
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What the server does when its database cannot be written: a full disk, a file-size limit, a read-only
/// file. Writes must fail with a Confluent JSON error (5xx), reads must keep working, and the file must
/// stay intact. The disk and the read-only file are made real with a small tmpfs mount and `chattr +i`,
/// which need root (plain permissions do not stop root); elsewhere these tests are skipped.
@Suite("Storage failures", .enabled(if: StorageFailure.canMountAndFreeze))
struct StorageFailureTests {
    @Test("a full disk gives 50001 for writes, reads keep working, also after a restart, and writes resume once space is freed")
    func fullDisk() throws {
        let disk = try SmallDisk(megabytes: 2)
        defer { disk.remove() }
        let dbPath = disk.path + "/registry.db"
        let filler: String
        do {
            let server = try TestServer.start(dbPath: dbPath)
            let client = HTTPConnection(port: server.port)
            defer { client.close(); server.stop() }
            #expect(try client.registerSchema(StorageFailure.schema(field: "first"), subject: "full").status == 200)
            filler = try disk.fill()
            let refused = try client.registerSchema(StorageFailure.schema(field: "second", padding: 200_000), subject: "full")
            StorageFailure.expectBackendError(refused)
            try StorageFailure.expectReadsWork(client, subject: "full", versions: [1])
            #expect(server.stop() == 0)
        }

        // The disk is still full when the server comes back.
        let server = try TestServer.start(dbPath: dbPath)
        let client = HTTPConnection(port: server.port)
        defer { client.close(); server.stop() }
        try StorageFailure.expectReadsWork(client, subject: "full", versions: [1])
        StorageFailure.expectBackendError(try client.registerSchema(StorageFailure.schema(field: "third", padding: 200_000), subject: "full"))

        try FileManager.default.removeItem(atPath: filler)
        #expect(try client.registerSchema(StorageFailure.schema(field: "fourth"), subject: "full").status == 200)
        try StorageFailure.expectReadsWork(client, subject: "full", versions: [1, 2])
        #expect(server.stop() == 0)
        #expect(try StorageFailure.integrityCheck(dbPath) == "ok")
    }

    @Test("a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) gives 50001 for writes and reads keep working")
    func fileSizeLimit() throws {
        let folder = StorageFailure.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try LimitedServer(dbPath: folder + "/registry.db", maxFileBytes: 256 * 1024)
        let client = HTTPConnection(port: server.port)
        defer { client.close(); server.stop() }

        #expect(try client.registerSchema(StorageFailure.schema(field: "first"), subject: "limited").status == 200)
        let refused = try client.registerSchema(StorageFailure.schema(field: "second", padding: 400_000), subject: "limited")
        StorageFailure.expectBackendError(refused)
        try StorageFailure.expectReadsWork(client, subject: "limited", versions: [1])
        #expect(try client.registerSchema(StorageFailure.schema(field: "third"), subject: "limited").status == 200)
        #expect(server.stop() == 0)
        #expect(try StorageFailure.integrityCheck(folder + "/registry.db") == "ok")
    }

    @Test("a read-only database file (chattr +i) gives 50001 for writes and reads keep working")
    func readOnlyFile() throws {
        let folder = StorageFailure.temporaryFolder()
        let dbPath = folder + "/registry.db"
        defer {
            _ = try? StorageFailure.run("/usr/bin/chattr", ["-i", dbPath])
            try? FileManager.default.removeItem(atPath: folder)
        }
        do {
            let writable = try TestServer.start(dbPath: dbPath)
            let client = HTTPConnection(port: writable.port)
            #expect(try client.registerSchema(StorageFailure.schema(field: "first"), subject: "frozen").status == 200)
            client.close()
            #expect(writable.stop() == 0)
        }
        try StorageFailure.run("/usr/bin/chattr", ["+i", dbPath])

        let server = try TestServer.start(dbPath: dbPath)
        let client = HTTPConnection(port: server.port)
        defer { client.close(); server.stop() }
        let refused = try client.registerSchema(StorageFailure.schema(field: "second"), subject: "frozen")
        StorageFailure.expectBackendError(refused)
        let config = try client.send("PUT", "/config/frozen", json: ["compatibility": "NONE"])
        StorageFailure.expectBackendError(config)
        try StorageFailure.expectReadsWork(client, subject: "frozen", versions: [1])
        #expect(server.stop() == 0)
        try StorageFailure.run("/usr/bin/chattr", ["-i", dbPath])
        #expect(try StorageFailure.integrityCheck(dbPath) == "ok")
    }
}

/// Helpers for the storage failure tests.
enum StorageFailure {
    /// Root with CAP_SYS_ADMIN (tmpfs mounts) and the `chattr`, `prlimit` and `sqlite3` tools.
    static let canMountAndFreeze: Bool = {
        guard getuid() == 0 else { return false }
        let tools = ["/usr/bin/chattr", "/usr/bin/prlimit", "/usr/bin/sqlite3", "/bin/mount", "/bin/umount"]
        guard tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else { return false }
        guard let disk = try? SmallDisk(megabytes: 1) else { return false }
        disk.remove()
        return true
    }()

    static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("schema-registry-storage-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A record schema with one int field named `field`, optionally made large by a `doc` of `padding` bytes.
    static func schema(field: String, padding: Int = 0) -> String {
        let doc = padding > 0 ? #","doc":"\#(String(repeating: "x", count: padding))""# : ""
        return #"{"type":"record","name":"Stored","namespace":"storage.failure"\#(doc),"fields":[{"name":"\#(field)","type":"int","default":0}]}"#
    }

    /// Confluent's answer when the store fails: 500 with error code 50001 and a message naming the store.
    static func expectBackendError(_ reply: HTTPReply, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 500, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.errorCode == 50001, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.message?.hasPrefix("Error in the backend data store") == true, "\(reply.text)", sourceLocation: sourceLocation)
        // SQLite's own result code travels with the message, so a full disk and a damaged file read differently.
        #expect(reply.message?.contains("(SQLite SQLITE_") == true, "\(reply.text)", sourceLocation: sourceLocation)
    }

    static func expectReadsWork(_ client: HTTPConnection, subject: String, versions: [Int],
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let listed = try client.send("GET", "/subjects/\(subject)/versions")
        #expect(listed.status == 200, sourceLocation: sourceLocation)
        #expect(listed.json == .array(versions.map { .number(JSONNumber(Int64($0))) }), sourceLocation: sourceLocation)
        let latest = try client.send("GET", "/subjects/\(subject)/versions/latest")
        #expect(latest.status == 200, sourceLocation: sourceLocation)
        let id = latest.json.objectValue?["id"]?.numberValue?.int64Value ?? -1
        #expect(try client.send("GET", "/schemas/ids/\(id)").status == 200, sourceLocation: sourceLocation)
        #expect(try client.send("GET", "/subjects").status == 200, sourceLocation: sourceLocation)
    }

    /// `PRAGMA integrity_check` of the file, by the sqlite3 tool.
    static func integrityCheck(_ dbPath: String) throws -> String {
        try run("/usr/bin/sqlite3", [dbPath, "PRAGMA integrity_check"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a tool and returns its standard output; throws when it exits non-zero.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(tool) \(arguments.joined(separator: " ")): \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A tmpfs of a few megabytes mounted on a fresh folder, to run out of space for real.
struct SmallDisk {
    let path: String

    init(megabytes: Int) throws {
        path = StorageFailure.temporaryFolder()
        do {
            try StorageFailure.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Writes a file until the disk is full; returns its path.
    func fill() throws -> String {
        let filler = path + "/filler"
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw StorageFailure.CommandFailed(description: "cannot create \(filler)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0xAB, count: 4096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        return filler
    }

    func remove() {
        _ = try? StorageFailure.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A server whose files may not grow past `maxFileBytes` (RLIMIT_FSIZE through `prlimit`), with SIGXFSZ
/// ignored so an oversized write fails with EFBIG instead of killing the process.
final class LimitedServer {
    let port: Int
    private let process = Process()

    init(dbPath: String, maxFileBytes: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // An ignored signal stays ignored across exec, so `trap '' XFSZ` reaches the server.
        process.arguments = ["-c", #"trap '' XFSZ; exec /usr/bin/prlimit --fsize="$1" "$2" serve --listen 127.0.0.1:0 --db "$3""#,
                             "sh", "\(maxFileBytes)", schemaRegistryBinary.path, dbPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = [UInt8]()
        var byte: UInt8 = 0
        while read(output.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        let prefix = "schema-registry listening on http://127.0.0.1:"
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix(prefix), let port = Int(text.dropFirst(prefix.count)) else {
            process.terminate()
            throw StorageFailure.CommandFailed(description: "limited server did not start: \(text)")
        }
        self.port = port
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }

    deinit { stop() }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension HTTPConnection {
    /// Registers `schema` under `subject`.
    func registerSchema(_ schema: String, subject: String) throws -> HTTPReply {
        try send("POST", "/subjects/\(subject)/versions", json: ["schema": .string(schema)])
    }
}
