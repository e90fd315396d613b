import Testing
@testable import Avro
import JSON

/// A schema text and the logical type it must (or must not, when nil) carry.
struct LogicalCase: Sendable, CustomTestStringConvertible {
    let schema: String
    let expected: LogicalType?
    var testDescription: String { schema }

    init(_ schema: String, _ expected: LogicalType?) {
        self.schema = schema
        self.expected = expected
    }
}

@Suite("Logical types")
struct LogicalTypeTests {
    static let valid: [LogicalCase] = [
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}"#, .decimal(precision: 10, scale: 2)),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 1}"#, .decimal(precision: 1, scale: 0)),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 5}"#, .decimal(precision: 5, scale: 5)),
        LogicalCase(#"{"type": "fixed", "name": "D", "size": 8, "logicalType": "decimal", "precision": 18}"#, .decimal(precision: 18, scale: 0)),
        LogicalCase(#"{"type": "fixed", "name": "D", "size": 16, "logicalType": "decimal", "precision": 38, "scale": 10}"#, .decimal(precision: 38, scale: 10)),
        LogicalCase(#"{"type": "fixed", "name": "D", "size": 1, "logicalType": "decimal", "precision": 2}"#, .decimal(precision: 2, scale: 0)),
        LogicalCase(#"{"type": "string", "logicalType": "uuid"}"#, .uuid),
        LogicalCase(#"{"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}"#, .uuid),
        LogicalCase(#"{"type": "int", "logicalType": "date"}"#, .date),
        LogicalCase(#"{"type": "int", "logicalType": "time-millis"}"#, .timeMillis),
        LogicalCase(#"{"type": "long", "logicalType": "time-micros"}"#, .timeMicros),
        LogicalCase(#"{"type": "long", "logicalType": "timestamp-millis"}"#, .timestampMillis),
        LogicalCase(#"{"type": "long", "logicalType": "timestamp-micros"}"#, .timestampMicros),
        LogicalCase(#"{"type": "long", "logicalType": "timestamp-nanos"}"#, .timestampNanos),
        LogicalCase(#"{"type": "long", "logicalType": "local-timestamp-millis"}"#, .localTimestampMillis),
        LogicalCase(#"{"type": "long", "logicalType": "local-timestamp-micros"}"#, .localTimestampMicros),
        LogicalCase(#"{"type": "long", "logicalType": "local-timestamp-nanos"}"#, .localTimestampNanos),
        LogicalCase(#"{"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}"#, .duration),
    ]

    /// Each is a valid schema whose logical type is invalid, so it is just its underlying type.
    static let fallback: [LogicalCase] = [
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal"}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 0}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": -1}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 2.0}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": "4"}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 5}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": -1}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": "2"}"#, nil),
        LogicalCase(#"{"type": "fixed", "name": "D", "size": 1, "logicalType": "decimal", "precision": 3}"#, nil),
        LogicalCase(#"{"type": "fixed", "name": "D", "size": 16, "logicalType": "decimal", "precision": 39}"#, nil),
        LogicalCase(#"{"type": "fixed", "name": "D", "size": 0, "logicalType": "decimal", "precision": 1}"#, nil),
        LogicalCase(#"{"type": "string", "logicalType": "decimal", "precision": 4}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "uuid"}"#, nil),
        LogicalCase(#"{"type": "fixed", "name": "U", "size": 15, "logicalType": "uuid"}"#, nil),
        LogicalCase(#"{"type": "long", "logicalType": "date"}"#, nil),
        LogicalCase(#"{"type": "long", "logicalType": "time-millis"}"#, nil),
        LogicalCase(#"{"type": "int", "logicalType": "time-micros"}"#, nil),
        LogicalCase(#"{"type": "int", "logicalType": "timestamp-millis"}"#, nil),
        LogicalCase(#"{"type": "double", "logicalType": "timestamp-nanos"}"#, nil),
        LogicalCase(#"{"type": "int", "logicalType": "local-timestamp-micros"}"#, nil),
        LogicalCase(#"{"type": "fixed", "name": "Dur", "size": 16, "logicalType": "duration"}"#, nil),
        LogicalCase(#"{"type": "bytes", "logicalType": "duration"}"#, nil),
        LogicalCase(#"{"type": "string", "logicalType": "varchar", "maxLength": 10}"#, nil),
        LogicalCase(#"{"type": "int", "logicalType": 7}"#, nil),
        LogicalCase(#"{"type": "long", "logicalType": "Timestamp-Millis"}"#, nil),
    ]

    @Test("valid logical types are recognised with their parameters", arguments: valid)
    func recognised(_ c: LogicalCase) throws {
        let schema = try AvroSchema(parsing: c.schema)
        #expect(schema.root.logicalType == c.expected)
        #expect(try AvroSchema(parsing: schema.json) == schema)
    }

    @Test("an invalid logical type is not an error: the schema is its underlying type, attributes kept", arguments: fallback)
    func fallsBack(_ c: LogicalCase) throws {
        let schema = try AvroSchema(parsing: c.schema)
        #expect(schema.root.logicalType == nil)
        // Nothing is lost: the attributes are still written out.
        #expect(try JSONValue(parsing: schema.json) == JSONValue(parsing: c.schema))
    }

    @Test("logical types do not change the canonical form")
    func canonicalForm() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "R", "fields": [
              {"name": "d", "type": {"type": "int", "logicalType": "date"}},
              {"name": "m", "type": {"type": "fixed", "name": "M", "size": 4, "logicalType": "decimal", "precision": 9, "scale": 2}}]}
            """)
        #expect(schema.canonicalForm == #"{"name":"R","type":"record","fields":[{"name":"d","type":"int"},{"name":"m","type":{"name":"M","type":"fixed","size":4}}]}"#)
    }

    @Test("a field default is checked against the underlying type of a logical type")
    func defaultsUseTheUnderlyingType() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "R", "fields": [
              {"name": "day", "type": {"type": "int", "logicalType": "date"}, "default": 19000},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}, "default": "\\u0001\\u00f4"},
              {"name": "id", "type": {"type": "string", "logicalType": "uuid"}, "default": "not checked as a uuid"}]}
            """)
        guard case .record(let record) = schema.root else { return }
        #expect(record.fields.map(\.type.logicalType) == [.date, .decimal(precision: 4, scale: 2), .uuid])
    }

    @Test("the decimal precision a fixed can hold follows floor(log10(2^(8n-1) - 1))")
    func fixedDecimalPrecision() {
        let expected = [0, 2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38]
        #expect((0...16).map { SchemaParser.maxDecimalPrecision(fixedSize: $0) } == expected)
        #expect(LogicalType.localTimestampNanos.name == "local-timestamp-nanos")
    }
}
