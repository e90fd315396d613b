import Foundation

/// A value of any Avro type, with logical types as Swift types.
///
/// Unions are transparent: a value of a union-typed field is the value of the branch itself
/// (`.null`, `.string("x")`, …). The encoder picks the branch whose type fits the value, so
/// `["null", "string"]` takes `.null` or `.string`, and an optional in a Codable type maps to it directly.
public enum AvroValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    case string(String)
    case fixed([UInt8])
    /// An enum symbol.
    case enumSymbol(String)
    case array([AvroValue])
    case map([String: AvroValue])
    case record(AvroRecord)
    /// `decimal` on bytes or fixed.
    case decimal(AvroDecimal)
    /// `uuid` on string (or fixed 16).
    case uuid(UUID)
    /// `date` (days since the Unix epoch), as midnight UTC of that day.
    case date(Date)
    /// `timestamp-*` and `local-timestamp-*` (millis, micros, nanos since the Unix epoch).
    case timestamp(Date)
}

/// The fields of a record value, in order.
public struct AvroRecord: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: AvroValue
        public init(_ name: String, _ value: AvroValue) {
            self.name = name
            self.value = value
        }
    }

    /// The record's full name, when known; used to choose between record branches of a union.
    public var name: String?
    public var fields: [Field]

    public init(name: String? = nil, fields: [Field]) {
        self.name = name
        self.fields = fields
    }

    public init(name: String? = nil, _ pairs: KeyValuePairs<String, AvroValue>) {
        self.init(name: name, fields: pairs.map { Field($0.key, $0.value) })
    }

    public subscript(name: String) -> AvroValue? {
        get { fields.first { $0.name == name }?.value }
        set {
            if let index = fields.firstIndex(where: { $0.name == name }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append(Field(name, newValue))
            }
        }
    }

    /// Record equality ignores `name`, which decoded values always carry and built values often do not.
    public static func == (lhs: AvroRecord, rhs: AvroRecord) -> Bool { lhs.fields == rhs.fields }
    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }
}

extension AvroValue {
    /// The record's fields by name, or nil for other values.
    public subscript(field: String) -> AvroValue? {
        if case .record(let record) = self { return record[field] }
        return nil
    }

    /// A short description of the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .boolean: "boolean"
        case .int: "int"
        case .long: "long"
        case .float: "float"
        case .double: "double"
        case .bytes: "bytes"
        case .string: "string"
        case .fixed: "fixed"
        case .enumSymbol: "enum symbol"
        case .array: "array"
        case .map: "map"
        case .record: "record"
        case .decimal: "decimal"
        case .uuid: "uuid"
        case .date: "date"
        case .timestamp: "timestamp"
        }
    }
}

extension AvroValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals are longs; the encoder narrows them to `int` where the schema says so.
    public init(integerLiteral value: Int64) { self = .long(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: AvroValue...) { self = .array(elements) }
}
