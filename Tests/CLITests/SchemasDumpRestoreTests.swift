import Foundation
import JSON
import Testing
import TestSupport

/// `restore --from` a `_schemas` topic dump, in each format, into SQLite files served by a real server.
@Suite struct SchemasDumpRestoreTests {
    typealias Fixture = SchemasTopicFixture

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("schemas-dump-\(UUID().uuidString)")
    }

    @Test func everyDumpFormatRestoresToTheSameRegistry() throws {
        let folder = Self.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var exports: [String] = []
        var databases: [String] = []
        for (name, text) in [("console.txt", Fixture.consoleDump()), ("v1.json", Fixture.karapaceV1()), ("v2.log", Fixture.karapaceV2())] {
            let dump = folder.appendingPathComponent(name).path
            try text.write(toFile: dump, atomically: true, encoding: .utf8)
            let database = folder.appendingPathComponent("\(name).db").path
            let restored = try runCLI(["restore", "--from", dump, "--to", database])
            #expect(restored.status == 0, "\(restored.stderr)")
            #expect(restored.stderr.contains("id 1 already names another schema"), "\(restored.stderr)")
            let export = try runCLI(["export", "--from", database, "--to", "-"])
            #expect(export.status == 0, "\(export.stderr)")
            exports.append(export.stdout)
            databases.append(database)
        }
        #expect(exports[1] == exports[0])
        #expect(exports[2] == exports[0])

        let server = try TestServer.start(dbPath: databases[0])
        defer { server.stop() }
        func get(_ path: String) throws -> JSONValue { try JSONParser.parse(try runCurl("GET", server.url.absoluteString + path)) }
        let subjects = try get("/subjects")
        #expect(subjects == [":.team:orders", "address", "cleared", "orders", "person"], "\(subjects)")
        #expect(try get("/subjects/orders/versions") == [3])
        #expect(try get("/subjects/orders/versions?deleted=true") == [1, 2, 3])
        #expect(try get("/subjects/:.team:orders/versions") == [1, 2])
        let person = try get("/schemas/ids/2")
        #expect(person["schema"]?.stringValue == Fixture.person)
        #expect(person["references"] == Fixture.addressReference)
        #expect(person["metadata"] == Fixture.personMetadata)
        #expect(try get("/schemas/ids/11")["error_code"] == 40403)
        #expect(try get("/config")["compatibilityLevel"] == "FULL")
        #expect(try get("/config/person") == ["compatibilityLevel": "NONE", "normalize": true])
        #expect(try get("/mode/address")["mode"] == "READONLY")
        #expect(try get("/mode")["mode"] == "READWRITE")
        let registered = try runCurl(
            "POST", server.url.absoluteString + "/subjects/new/versions", body: #"{"schema":"{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}"}"#)
        #expect(try JSONParser.parse(registered)["id"] == 12, "\(registered)")
    }

    @Test func aMalformedDumpExitsTwoAndWritesNothing() throws {
        let folder = Self.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = Fixture.consoleDump().split(separator: "\n").map(String.init)
        lines[4] = #"{"keytype":"SCHEMA","subject":"person","version":2,"magic":1}"# + "\t{\"subject\":\"person\",\"id\":3"
        let dump = folder.appendingPathComponent("broken.txt").path
        try lines.joined(separator: "\n").write(toFile: dump, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("target.db").path
        let refused = try runCLI(["restore", "--from", dump, "--to", database])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("error: \(dump): line 5: the value is not JSON"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))

        // A Protobuf schema is refused, or with --skip-non-avro left out.
        var protobuf = Fixture.schemaValue("p", 1, id: 3, "syntax = \"proto3\"; message M {}").objectValue!
        protobuf["schemaType"] = "PROTOBUF"
        let mixed = folder.appendingPathComponent("mixed.txt").path
        try Fixture.consoleDump([(Fixture.schemaKey("p", 1), .object(protobuf)), Fixture.schema("address", 1, id: 1, Fixture.address)])
            .write(toFile: mixed, atomically: true, encoding: .utf8)
        let notAvro = try runCLI(["restore", "--from", mixed, "--to", database])
        #expect(notAvro.status == 2 && notAvro.stderr.contains("line 1: schema id 3 in context .: a PROTOBUF schema"), "\(notAvro.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
        let skipping = try runCLI(["restore", "--from", mixed, "--to", database, "--skip-non-avro"])
        #expect(skipping.status == 0 && skipping.stderr.contains("p version 1 (id 3) holds a PROTOBUF schema; skipped"), "\(skipping.stderr)")
        let export = try runCLI(["export", "--from", database, "--to", "-"]).stdout
        #expect(export.contains(#""kind":"context","context":".","maxId":3"#) && !export.contains(#""subject":"p""#), "\(export)")
    }
}
