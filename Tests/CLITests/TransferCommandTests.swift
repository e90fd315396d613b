import Foundation
import JSON
import Testing
import TestSupport

/// `export`, `restore`, `copy` and `backup` on real SQLite files written by a real server.
@Suite struct TransferCommandTests {
    /// A server's database holding every kind of state: ids in two contexts, a reference, a soft-deleted version,
    /// a hard-deleted id, configs and modes at every level, metadata.
    static func populatedDatabase() throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("transfer-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("source.db").path
        let server = try TestServer.start(dbPath: path)
        defer { server.stop() }
        func call(_ method: String, _ path: String, _ body: String? = nil) throws -> String {
            let result = try runCurl(method, server.url.absoluteString + path, body: body)
            return result
        }
        let address = #"{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}"#
        let person = #"{\"type\":\"record\",\"name\":\"Person\",\"fields\":[{\"name\":\"home\",\"type\":\"Address\"}]}"#
        _ = try call("POST", "/subjects/address/versions", #"{"schema":"\#(address)"}"#)
        _ = try call("POST", "/subjects/person/versions",
                     #"{"schema":"\#(person)","references":[{"name":"Address","subject":"address","version":1}],"metadata":{"properties":{"owner":"me"}}}"#)
        _ = try call("POST", "/subjects/gone/versions", #"{"schema":"\"int\""}"#)
        _ = try call("DELETE", "/subjects/gone")
        _ = try call("DELETE", "/subjects/gone?permanent=true")
        _ = try call("POST", "/subjects/soft/versions", #"{"schema":"\"long\""}"#)
        _ = try call("DELETE", "/subjects/soft/versions/1")
        _ = try call("POST", "/subjects/:.team:orders/versions", #"{"schema":"\"string\""}"#)
        _ = try call("PUT", "/config", #"{"compatibility":"FULL"}"#)
        _ = try call("PUT", "/config/person", #"{"compatibility":"NONE","normalize":true}"#)
        _ = try call("PUT", "/mode/:.team:", #"{"mode":"READONLY"}"#)
        return (folder, path)
    }

    static func dump(_ path: String) throws -> String {
        let result = try runCLI(["export", "--from", path, "--to", "-"])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func exportRestoreCopyAndBackupKeepEverything() throws {
        let (folder, source) = try Self.populatedDatabase()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Self.dump(source)
        #expect(original.contains(#""kind":"version","subject":"soft","version":1,"id":4,"deleted":true"#))
        #expect(original.contains(#""kind":"context","context":".","maxId":4"#))
        #expect(original.contains(#""kind":"mode","subject":":.team:","mode":"READONLY""#))

        let file = folder.appendingPathComponent("registry.export").path
        #expect(try runCLI(["export", "--from", source, "--to", file]).status == 0)
        let restored = folder.appendingPathComponent("restored.db").path
        let restore = try runCLI(["restore", "--from", file, "--to", restored])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Self.dump(restored) == original)

        let copied = folder.appendingPathComponent("copied.db").path
        #expect(try runCLI(["copy", "--from", restored, "--to", copied]).status == 0)
        #expect(try Self.dump(copied) == original)

        // A backup taken while a server has the file open.
        let server = try TestServer.start(dbPath: source)
        defer { server.stop() }
        let backup = folder.appendingPathComponent("backup.db").path
        let backedUp = try runCLI(["backup", "--db", source, "--to", backup])
        #expect(backedUp.status == 0, "\(backedUp.stderr)")
        #expect(try Self.dump(backup) == original)

        // The restored registry serves the same ids, and continues above the hard-deleted one.
        let restoredServer = try TestServer.start(dbPath: restored)
        defer { restoredServer.stop() }
        #expect(try runCurl("GET", restoredServer.url.absoluteString + "/schemas/ids/2").contains("Person"))
        #expect(try runCurl("POST", restoredServer.url.absoluteString + "/subjects/new/versions", body: #"{"schema":"\"double\""}"#)
            .contains(#""id":5"#))
    }

    @Test func aDamagedFileOrAFullTargetWritesNothing() throws {
        let (folder, source) = try Self.populatedDatabase()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try Self.dump(source)
        let cut = folder.appendingPathComponent("cut.export").path
        try String(text.dropLast(40)).write(toFile: cut, atomically: true, encoding: .utf8)
        let refused = try runCLI(["restore", "--from", cut, "--to", folder.appendingPathComponent("x.db").path])
        #expect(refused.status == 2 && refused.stderr.contains("cut.export: line "), "\(refused.stderr)")
        let lastLineGone = folder.appendingPathComponent("short.export").path
        try text.split(separator: "\n").dropLast().map { $0 + "\n" }.joined().write(toFile: lastLineGone, atomically: true, encoding: .utf8)
        let short = try runCLI(["restore", "--from", lastLineGone, "--to", folder.appendingPathComponent("z.db").path])
        #expect(short.status == 2 && short.stderr.contains("cut short or was changed"), "\(short.stderr)")
        let edited = folder.appendingPathComponent("edited.export").path
        try text.replacingOccurrences(of: #""maxId":4"#, with: #""maxId":3"#).write(toFile: edited, atomically: true, encoding: .utf8)
        #expect(try runCLI(["restore", "--from", edited, "--to", folder.appendingPathComponent("y.db").path]).status == 2)
        // Into a registry that holds something already: refused, and it keeps what it had.
        let full = try runCLI(["copy", "--from", source, "--to", source])
        #expect(full.status == 2 && full.stderr.contains("already holds a registry"))
        #expect(try Self.dump(source) == text)
        #expect(try runCLI(["export", "--from", folder.appendingPathComponent("none.db").path, "--to", "-"]).status == 2)
    }
}

/// One request with curl; the body of the answer.
func runCurl(_ method: String, _ url: String, body: String? = nil) throws -> String {
    var arguments = ["-s", "-X", method, "-H", "Content-Type: application/vnd.schemaregistry.v1+json", url]
    if let body { arguments += ["--data", body] }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
