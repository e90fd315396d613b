import Avro
import AvroCodec
import Foundation

/// The every-type record shared by the codec and serializer tests.
public enum CodecFixtures {
    /// A record using every Avro type and every logical type libavro can carry.
    public static let everyTypeSchema = """
        {"type": "record", "name": "Everything", "namespace": "test", "fields": [
          {"name": "n", "type": "null"},
          {"name": "flag", "type": "boolean"},
          {"name": "i", "type": "int"},
          {"name": "l", "type": "long"},
          {"name": "f", "type": "float"},
          {"name": "d", "type": "double"},
          {"name": "b", "type": "bytes"},
          {"name": "s", "type": "string"},
          {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
          {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
          {"name": "tags", "type": {"type": "array", "items": "string"}},
          {"name": "scores", "type": {"type": "map", "values": "long"}},
          {"name": "maybe", "type": ["null", "string"]},
          {"name": "choice", "type": ["int", "string", "Four"]},
          {"name": "child", "type": {"type": "record", "name": "Child", "fields": [{"name": "x", "type": "int"}]}},
          {"name": "children", "type": {"type": "array", "items": "Child"}},
          {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
          {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
          {"name": "day", "type": {"type": "int", "logicalType": "date"}},
          {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
          {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}}
        ]}
        """

    public static let everyTypeValue: AvroValue = .record(AvroRecord(fields: [
        .init("n", .null),
        .init("flag", .boolean(true)),
        .init("i", .int(-42)),
        .init("l", .long(1 << 40)),
        .init("f", .float(1.5)),
        .init("d", .double(-2.25)),
        .init("b", .bytes([0, 1, 255, 128])),
        .init("s", .string("héllo\u{0}wörld")),
        .init("fx", .fixed([9, 8, 7, 6])),
        .init("color", .enumSymbol("GREEN")),
        .init("tags", .array([.string("a"), .string("")])),
        .init("scores", .map(["x": .long(1), "y": .long(-1)])),
        .init("maybe", .string("yes")),
        .init("choice", .fixed([1, 2, 3, 4])),
        .init("child", .record(AvroRecord(fields: [.init("x", .int(7))]))),
        .init("children", .array([.record(AvroRecord(fields: [.init("x", .int(1))])), .record(AvroRecord(fields: [.init("x", .int(2))]))])),
        .init("price", .decimal(AvroDecimal("-1234.50")!)),
        .init("id", .uuid(UUID(uuidString: "6f1b1f0e-3c49-4d6a-9d2f-0b8a1f2c3d4e")!)),
        .init("day", .date(Date(timeIntervalSince1970: 19_000 * 86_400))),
        .init("at", .timestamp(Date(timeIntervalSince1970: 1_700_000_000.123))),
        .init("atMicros", .timestamp(Date(timeIntervalSince1970: 1_700_000_000.5))),
    ]))

    /// `everyTypeValue` as a Python expression, for the interop scripts (they import uuid, decimal and
    /// datetime, and define `utc`).
    public static let everyTypeValuePython = #"""
        {
            "n": None, "flag": True, "i": -42, "l": 1 << 40, "f": 1.5, "d": -2.25,
            "b": bytes([0, 1, 255, 128]), "s": "h\u00e9llo\u0000w\u00f6rld", "fx": bytes([9, 8, 7, 6]),
            "color": "GREEN", "tags": ["a", ""], "scores": {"x": 1, "y": -1}, "maybe": "yes",
            "choice": bytes([1, 2, 3, 4]), "child": {"x": 7}, "children": [{"x": 1}, {"x": 2}],
            "price": decimal.Decimal("-1234.50"), "id": uuid.UUID("6f1b1f0e-3c49-4d6a-9d2f-0b8a1f2c3d4e"),
            "day": datetime.date(1970, 1, 1) + datetime.timedelta(days=19000),
            "at": datetime.datetime.fromtimestamp(1700000000, utc) + datetime.timedelta(milliseconds=123),
            "atMicros": datetime.datetime.fromtimestamp(1700000000, utc) + datetime.timedelta(milliseconds=500),
        }
        """#

    public static func schema(_ text: String) throws -> AvroSchema { try AvroSchema(parsing: text) }
    public static func codec(_ text: String) throws -> AvroCodec { try AvroCodec(schema: AvroSchema(parsing: text)) }
}
