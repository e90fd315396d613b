import Avro
import Foundation
import JSON
import RegistryCore
import RegistryModel
import RegistrySQLite
import Testing
import TestSupport

@Suite struct SchemasTopicDumpTests {
    typealias Fixture = SchemasTopicFixture

    static func replay(_ text: String) throws(ExportError) -> (contents: StoreContents, notes: [String]) {
        try RestoreFile.contents(parsing: text)
    }

    @Test func theReplayLeavesWhatConfluentsReaderLeaves() throws {
        let (contents, notes) = try Self.replay(Fixture.consoleDump())
        let versions = contents.versions.map { "\($0.subject) \($0.version) id \($0.schemaId)\($0.deleted ? " deleted" : "")" }
        #expect(versions == [
            ":.team:orders 1 id 1", ":.team:orders 2 id 2", "address 1 id 1", "cleared 2 id 10",
            "orders 1 id 4 deleted", "orders 2 id 5 deleted", "orders 3 id 6", "person 1 id 2", "soft 1 id 7 deleted",
        ])
        #expect(contents.schemas.map { "\($0.context) \($0.id)" } == [". 1", ". 2", ". 4", ". 5", ". 6", ". 7", ". 10", ".team 1", ".team 2"])
        let person = try #require(contents.schemas.first { $0.context == "." && $0.id == 2 })
        #expect(person.schema == Fixture.person)
        #expect(person.references == [SchemaReference(name: "com.acme.Address", subject: "address", version: 1)])
        #expect(person.metadata == Fixture.personMetadata)
        #expect(contents.maxSchemaIds == [".": 11, ".team": 2])
        #expect(contents.configs == [
            nil: CompatibilityConfig(compatibilityLevel: .full), "person": CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none, normalize: true),
            ":.team:": CompatibilityConfig(compatibilityLevel: .forwardTransitive),
        ])
        #expect(contents.modes == [nil: .readWrite, "address": .readOnly, ":.team:": .readOnly])
        #expect(notes.count == 1 && notes[0].hasPrefix("line 26: id 1 already names another schema"), "\(notes)")
    }

    @Test func everyFileFormatGivesTheSameRegistry() throws {
        let expected = RegistryExport.text(of: try Self.replay(Fixture.consoleDump()).contents)
        #expect(RegistryExport.text(of: try Self.replay(Fixture.karapaceV1()).contents) == expected)
        #expect(RegistryExport.text(of: try Self.replay(Fixture.karapaceV2()).contents) == expected)
        // kafka-console-consumer with print.timestamp, print.partition and print.offset, and CRLF line ends.
        let annotated = Fixture.consoleDump().split(separator: "\n").enumerated()
            .map { "CreateTime:1700000000000\tPartition:0\tOffset:\($0.offset)\t\($0.element)\r\n" }.joined()
        #expect(RegistryExport.text(of: try Self.replay(annotated).contents) == expected)
        // An export of the replayed registry still reads as an export.
        #expect(RegistryExport.text(of: try Self.replay(expected).contents) == expected)
    }

    @Test func theRestoredRegistryAnswersAsTheSourceDid() throws {
        let database = TempDatabase()
        defer { database.remove() }
        do {
            let contents = try Self.replay(Fixture.consoleDump()).contents
            try SQLiteRegistryStore(path: database.path).apply(contents.changes)
            let registry = try database.open()
            // The content lookup finds the restored version: the replay gave it the guid a registration gives.
            let found = try registry.lookUp(
                subject: "person",
                SchemaRequest(
                    schema: Fixture.person, references: [SchemaReference(name: "com.acme.Address", subject: "address", version: 1)],
                    metadata: Fixture.personMetadata),
                normalize: false, includeDeleted: false)
            #expect(found.version == 1 && found.schema.id == 2)
            #expect(try registry.versions(subject: "orders", includeDeleted: false, deletedOnly: false) == [3])
            #expect(try registry.versions(subject: "orders", includeDeleted: true, deletedOnly: false) == [1, 2, 3])
            #expect(try registry.mode(subject: ":.team:orders", defaultToGlobal: true) == .readOnly)
            // New ids continue above the highest ever given, hard-deleted 11 included; another context counts apart.
            let fixed = #"{"type":"fixed","name":"F","size":4}"#
            #expect(try registry.register(subject: "new", request(fixed), normalize: false).schema.id == 12)
            // Content already held is answered with its id.
            #expect(try registry.register(subject: "again", request(#""string""#), normalize: false).schema.id == 6)
            #expect(try registry.register(subject: ":.other:new", request(#""string""#), normalize: false).schema.id == 1)
            expectError(40403) { try registry.schema(id: 3) }
            expectError(40403) { try registry.schema(id: 11) }
        }
    }

    @Test func aMalformedRecordIsRefusedWithItsLine() throws {
        var lines = Fixture.consoleDump().split(separator: "\n").map(String.init)
        func refusal(_ text: String) -> String? {
            do {
                _ = try Self.replay(text)
                return nil
            } catch {
                return error.message
            }
        }
        lines[2] = #"{"keytype":"SCHEMA","subject":"address","version":1,"magic":1}"# + "\t{\"id\":1,"
        #expect(refusal(lines.joined(separator: "\n"))?.hasPrefix("line 3: the value is not JSON") == true)
        lines[2] = #"{"keytype":"SCHEMA","subject":"address","version":1,"magic":1} {"id":1}"#
        #expect(refusal(lines.joined(separator: "\n"))?.hasPrefix("line 3: expected the key's JSON, a tab") == true)
        lines[2] = #"{"keytype":"SCHEMA","subject":"address","version":1,"magic":1}"# + "\t{\"schema\":\"\\\"int\\\"\"}"
        #expect(refusal(lines.joined(separator: "\n")) == "line 3: the SCHEMA value has no id")
        lines[2] = #"{"keytype":"SCHEMA","subject":"address","version":1,"magic":7}"# + "\t{\"id\":1,\"schema\":\"\\\"int\\\"\"}"
        #expect(refusal(lines.joined(separator: "\n")) == "line 3: a SCHEMA key's magic must be 0 or 1, not 7")
        lines[2] = #"{"keytype":"SCHEMAS","subject":"address"}"# + "\tnull"
        #expect(refusal(lines.joined(separator: "\n")) == "line 3: unknown keytype 'SCHEMAS'")
        lines[2] = #"{"keytype":"CONFIG"}"# + "\t{\"compatibilityLevel\":\"SIDEWAYS\"}"
        #expect(refusal(lines.joined(separator: "\n")) == "line 3: unknown compatibilityLevel 'SIDEWAYS'")

        // Damage in the Karapace formats is placed the same way.
        var v2 = Fixture.karapaceV2().split(separator: "\n").map(String.init)
        v2[4] = "7B7D\tXYZ"
        #expect(refusal(v2.joined(separator: "\n")) == "line 5: the value is not hexadecimal")
        #expect(refusal(#"[[{"keytype":"NOOP"},null],[{"keytype":"SCHEMA"}]]"#) == "record 2: expected a [key, value] pair")
        #expect(refusal("/V3\n")?.contains("Karapace v3") == true)
        #expect(refusal(" \n") == "the file is empty")
        #expect(refusal("/V2\n") == "the dump holds no records")
    }

    @Test func schemasTheRegistryCannotHoldAreNamed() throws {
        func refusal(_ records: [Fixture.Record]) -> String? {
            do {
                _ = try Self.replay(Fixture.consoleDump(records))
                return nil
            } catch {
                return error.message
            }
        }
        var protobuf = Fixture.schemaValue("p", 1, id: 1, "syntax = \"proto3\"; message M {}").objectValue!
        protobuf["schemaType"] = "PROTOBUF"
        #expect(refusal([(Fixture.schemaKey("p", 1), .object(protobuf))])
            == "line 1: schema id 1 in context .: a PROTOBUF schema; this registry holds Avro schemas only")
        // A reference whose version was hard-deleted: the referring schema cannot be read any more.
        let dangling = [
            Fixture.schema("address", 1, id: 1, Fixture.address),
            Fixture.schema("person", 1, id: 2, Fixture.person, references: Fixture.addressReference),
            (Fixture.schemaKey("address", 1), nil),
        ]
        #expect(refusal(dangling)
            == "line 2: schema id 2 in context .: its reference 'com.acme.Address' names address version 1, which the dump does not hold")
        // Soft-deleted and then cleared, the non-Avro schema is gone and the rest restores.
        let cleared: [Fixture.Record] = [
            (Fixture.schemaKey("p", 1), protobuf.with("deleted", true)),
            (["keytype": "CLEAR_SUBJECT", "subject": "p"], ["subject": "p"]),
            Fixture.schema("address", 1, id: 2, Fixture.address),
        ]
        #expect(refusal(cleared) == nil)
        // Asked to, the replay leaves non-Avro versions out, says so, and still counts their ids as given.
        let mixed = [(Fixture.schemaKey("p", 1), protobuf.with("id", 5)), Fixture.schema("address", 1, id: 2, Fixture.address)]
        let skipped = try RestoreFile.contents(parsing: Fixture.consoleDump(mixed), skippingNonAvro: true)
        #expect(skipped.contents.versions.map(\.subject) == ["address"])
        #expect(skipped.contents.schemas.map(\.id) == [2])
        #expect(skipped.contents.maxSchemaIds == [".": 5])
        #expect(skipped.notes == ["line 1: p version 1 (id 5) holds a PROTOBUF schema; skipped"])
    }
}

extension JSONObject {
    fileprivate func with(_ key: String, _ value: JSONValue) -> JSONValue {
        var copy = self
        copy[key] = value
        return .object(copy)
    }
}
