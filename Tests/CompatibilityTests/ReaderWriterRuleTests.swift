import Avro
import Testing

private func incompatibilities(reader: String, writer: String) throws -> [Incompatibility] {
    SchemaCompatibility.incompatibilities(reader: try AvroSchema(parsing: reader), writer: try AvroSchema(parsing: writer))
}

private func record(_ name: String = "R", _ fields: String...) -> String {
    #"{"type":"record","name":"\#(name)","fields":[\#(fields.joined(separator: ","))]}"#
}

@Suite("Reader/writer rules")
struct ReaderWriterRuleTests {
    @Test("identical primitives are compatible, different ones are a type mismatch at the root")
    func primitives() throws {
        for primitive in Primitive.allCases {
            #expect(try incompatibilities(reader: "\"\(primitive.rawValue)\"", writer: "\"\(primitive.rawValue)\"").isEmpty)
        }
        let found = try incompatibilities(reader: #""int""#, writer: #""string""#)
        #expect(found == [Incompatibility(
            type: .typeMismatch, location: "/", message: "reader type: INT not compatible with writer type: STRING", detail: "string")])
    }

    @Test("promotions: int to long, float, double; long to float, double; float to double; string and bytes",
          arguments: [("long", "int"), ("float", "int"), ("double", "int"), ("float", "long"), ("double", "long"),
                      ("double", "float"), ("bytes", "string"), ("string", "bytes")])
    func promotions(reader: String, writer: String) throws {
        #expect(try incompatibilities(reader: "\"\(reader)\"", writer: "\"\(writer)\"").isEmpty)
        // No promotion goes the other way, except between string and bytes.
        let reverse = try incompatibilities(reader: "\"\(writer)\"", writer: "\"\(reader)\"")
        #expect(reverse.isEmpty == (Set([reader, writer]) == ["string", "bytes"]))
    }

    @Test("a reader field missing from the writer needs a default")
    func missingFieldDefault() throws {
        let writer = record("R", #"{"name":"a","type":"int"}"#)
        let withDefault = record("R", #"{"name":"a","type":"int"}"#, #"{"name":"b","type":"string","default":""}"#)
        let withoutDefault = record("R", #"{"name":"a","type":"int"}"#, #"{"name":"b","type":"string"}"#)
        let nullDefault = record("R", #"{"name":"a","type":"int"}"#, #"{"name":"b","type":["null","string"],"default":null}"#)
        #expect(try incompatibilities(reader: withDefault, writer: writer).isEmpty)
        #expect(try incompatibilities(reader: nullDefault, writer: writer).isEmpty)
        #expect(try incompatibilities(reader: withoutDefault, writer: writer) == [Incompatibility(
            type: .readerFieldMissingDefaultValue, location: "/fields/1", message: "b", detail: "b")])
        // A writer field the reader does not know is skipped.
        #expect(try incompatibilities(reader: writer, writer: withoutDefault).isEmpty)
    }

    @Test("a missing enum field with an enum default is compared with the writer record, as the reference does")
    func missingEnumFieldWithEnumDefault() throws {
        let writer = record("R", #"{"name":"a","type":"int"}"#)
        let reader = record(
            "R", #"{"name":"a","type":"int"}"#,
            #"{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"X"}}"#)
        #expect(try incompatibilities(reader: reader, writer: writer) == [Incompatibility(
            type: .typeMismatch, location: "/fields/1/type", message: "reader type: ENUM not compatible with writer type: RECORD",
            detail: "R")])
    }

    @Test("fields match by a reader field alias; two matches are an error reported as incompatible")
    func fieldAliases() throws {
        let writer = record("R", #"{"name":"old","type":"int"}"#)
        let renamed = record("R", #"{"name":"new","type":"int","aliases":["old"]}"#)
        #expect(try incompatibilities(reader: renamed, writer: writer).isEmpty)
        // Writer aliases do not count.
        #expect(try incompatibilities(reader: writer, writer: renamed).map(\.type) == [.readerFieldMissingDefaultValue])
        let both = record("R", #"{"name":"old","type":"int"}"#, #"{"name":"new","type":"int"}"#)
        let found = try incompatibilities(reader: renamed, writer: both)
        #expect(found == [Incompatibility(
            type: .typeMismatch, location: "/fields/0",
            message: "Reader record field new matches multiple fields in writer record schema R", detail: "new")])
    }

    @Test("named types match by unqualified name or by a reader alias of the writer's full name")
    func names() throws {
        let writer = #"{"type":"fixed","name":"a.F","size":4}"#
        #expect(try incompatibilities(reader: #"{"type":"fixed","name":"b.F","size":4}"#, writer: writer).isEmpty)
        #expect(try incompatibilities(reader: #"{"type":"fixed","name":"G","size":4,"aliases":["a.F"]}"#, writer: writer).isEmpty)
        #expect(try incompatibilities(reader: #"{"type":"fixed","name":"G","size":4,"aliases":["F"]}"#, writer: writer) == [
            Incompatibility(type: .nameMismatch, location: "/name", message: "expected: a.F", detail: "a.F")
        ])
    }

    @Test("fixed sizes must agree")
    func fixedSize() throws {
        let found = try incompatibilities(reader: #"{"type":"fixed","name":"F","size":8}"#, writer: #"{"type":"fixed","name":"F","size":4}"#)
        #expect(found == [Incompatibility(type: .fixedSizeMismatch, location: "/size", message: "expected: 4, found: 8", detail: "8")])
    }

    @Test("writer enum symbols must be a subset of the reader's unless the reader has a default")
    func enumSymbols() throws {
        let writer = #"{"type":"enum","name":"E","symbols":["A","B","C","D"]}"#
        let reader = #"{"type":"enum","name":"E","symbols":["C","A"]}"#
        #expect(try incompatibilities(reader: reader, writer: writer) == [
            Incompatibility(type: .missingEnumSymbols, location: "/symbols", message: "[B, D]", detail: "B, D")
        ])
        #expect(try incompatibilities(reader: writer, writer: reader).isEmpty)
        let withDefault = #"{"type":"enum","name":"E","symbols":["C","A"],"default":"A"}"#
        #expect(try incompatibilities(reader: withDefault, writer: writer).isEmpty)
    }

    @Test("unions: every writer branch must be readable, reported at the writer branch index")
    func unions() throws {
        #expect(try incompatibilities(reader: #"["null","int","string"]"#, writer: #"["string","null"]"#).isEmpty)
        #expect(try incompatibilities(reader: #"["null","string"]"#, writer: #"["null","int","long"]"#) == [
            Incompatibility(type: .missingUnionBranch, location: "/1", message: "reader union lacking writer type: INT", detail: "int"),
            Incompatibility(type: .missingUnionBranch, location: "/2", message: "reader union lacking writer type: LONG", detail: "long"),
        ])
        // Promotions apply inside unions.
        #expect(try incompatibilities(reader: #"["null","double"]"#, writer: #"["null","int"]"#).isEmpty)
    }

    @Test("a non-union writer needs one compatible reader branch; a union writer needs every branch readable by a non-union reader")
    func unionAgainstNonUnion() throws {
        #expect(try incompatibilities(reader: #"["null","long"]"#, writer: #""int""#).isEmpty)
        #expect(try incompatibilities(reader: #"["null","long"]"#, writer: #""string""#) == [
            Incompatibility(type: .missingUnionBranch, location: "/", message: "reader union lacking writer type: STRING", detail: "string")
        ])
        #expect(try incompatibilities(reader: #""long""#, writer: #"["int","long"]"#).isEmpty)
        #expect(try incompatibilities(reader: #""long""#, writer: #"["null","int","string"]"#) == [
            Incompatibility(type: .typeMismatch, location: "/0", message: "reader type: LONG not compatible with writer type: NULL", detail: "null"),
            Incompatibility(type: .typeMismatch, location: "/2", message: "reader type: LONG not compatible with writer type: STRING", detail: "string"),
        ])
    }

    @Test("arrays and maps are compared by items and values")
    func arraysAndMaps() throws {
        #expect(try incompatibilities(reader: #"{"type":"array","items":"long"}"#, writer: #"{"type":"array","items":"int"}"#).isEmpty)
        #expect(try incompatibilities(reader: #"{"type":"map","values":"int"}"#, writer: #"{"type":"map","values":"long"}"#) == [
            Incompatibility(type: .typeMismatch, location: "/values", message: "reader type: INT not compatible with writer type: LONG", detail: "long")
        ])
        #expect(try incompatibilities(reader: #"{"type":"map","values":"string"}"#, writer: #"{"type":"array","items":"string"}"#)
            .map(\.message) == ["reader type: MAP not compatible with writer type: ARRAY"])
    }

    @Test("recursive types terminate and are still compared")
    func recursion() throws {
        func list(of value: String) -> String {
            #"{"type":"record","name":"Node","fields":[{"name":"value","type":"\#(value)"},{"name":"next","type":["null","Node"]}]}"#
        }
        let ofInt = list(of: "int"), ofLong = list(of: "long")
        #expect(try incompatibilities(reader: ofLong, writer: ofInt).isEmpty)
        #expect(try incompatibilities(reader: ofInt, writer: ofLong) == [
            Incompatibility(type: .typeMismatch, location: "/fields/0/type", message: "reader type: INT not compatible with writer type: LONG", detail: "long")
        ])
    }

    @Test("a pair of named types is checked once; later uses repeat its findings with their first locations, as the reference does")
    func memoizedLocations() throws {
        func schema(_ innerType: String) -> String {
            record("R", #"{"name":"a","type":["null",{"type":"record","name":"S","fields":[{"name":"x","type":"\#(innerType)"}]}]}"#,
                   #"{"name":"b","type":"S"}"#)
        }
        // S is first met as a union branch, in a walk rooted at the branch, so its finding is located from there.
        #expect(try incompatibilities(reader: schema("int"), writer: schema("string")) == [
            Incompatibility(type: .missingUnionBranch, location: "/fields/0/type/1", message: "reader union lacking writer type: RECORD", detail: "S"),
            Incompatibility(type: .typeMismatch, location: "/fields/0/type", message: "reader type: INT not compatible with writer type: STRING", detail: "string"),
        ])
    }

    @Test("logical types do not change the verdict")
    func logicalTypes() throws {
        #expect(try incompatibilities(reader: #"{"type":"long","logicalType":"timestamp-millis"}"#, writer: #"{"type":"int","logicalType":"date"}"#).isEmpty)
        #expect(try incompatibilities(reader: #""string""#, writer: #"{"type":"string","logicalType":"uuid"}"#).isEmpty)
    }

    @Test("every incompatibility is reported, in the reference's order, with locations into the reader")
    func allReported() throws {
        let writer = record("R", #"{"name":"a","type":"int"}"#, #"{"name":"b","type":{"type":"fixed","name":"F","size":4}}"#)
        let reader = record(
            "S", #"{"name":"b","type":{"type":"fixed","name":"F","size":8}}"#, #"{"name":"a","type":"string"}"#,
            #"{"name":"c","type":"int"}"#)
        #expect(try incompatibilities(reader: reader, writer: writer).map { "\($0.type.rawValue) \($0.location)" } == [
            "NAME_MISMATCH /name", "FIXED_SIZE_MISMATCH /fields/0/type/size", "TYPE_MISMATCH /fields/1/type",
            "READER_FIELD_MISSING_DEFAULT_VALUE /fields/2",
        ])
    }
}
