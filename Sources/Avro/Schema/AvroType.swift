import JSON

/// One node of a parsed Avro schema.
///
/// Invariant: a named type (record, enum, fixed) is spelled out as a definition exactly
/// once per schema, at its first occurrence in document order; every later use is a
/// `.reference` to its full name. Recursive types are therefore finite trees, and
/// `AvroSchema.namedTypes` resolves a reference in O(1).
public indirect enum AvroType: Sendable, Hashable {
    case primitive(Primitive, Annotations)
    case record(RecordType)
    case enumeration(EnumType)
    case fixed(FixedType)
    case array(items: AvroType, Annotations)
    case map(values: AvroType, Annotations)
    case union([AvroType])
    /// A use of a named type defined earlier in this schema or in a referenced schema.
    case reference(String)
}

public enum Primitive: String, Sendable, Hashable, CaseIterable {
    case null, boolean, int, long, float, double, bytes, string
}

/// The attributes of a schema node that do not change how data is laid out:
/// `logicalType` and its parameters, and any custom properties, in input order.
public struct Annotations: Sendable, Hashable {
    /// Every non-structural attribute as given, in order (includes `logicalType`, `precision`, `scale`).
    public var properties: JSONObject
    /// The logical type, when the attributes name a valid one for the underlying type.
    public var logicalType: LogicalType?

    public init(properties: JSONObject = JSONObject(), logicalType: LogicalType? = nil) {
        self.properties = properties
        self.logicalType = logicalType
    }

    public static let none = Annotations()
}

/// A full name split into its parts. `namespace` is nil for the null namespace.
public struct AvroName: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let namespace: String?

    public init(name: String, namespace: String?) {
        self.name = name
        self.namespace = (namespace?.isEmpty ?? true) ? nil : namespace
    }

    /// Splits a dotted full name.
    public init(fullName: String) {
        if let dot = fullName.lastIndex(of: ".") {
            self.init(name: String(fullName[fullName.index(after: dot)...]), namespace: String(fullName[..<dot]))
        } else {
            self.init(name: fullName, namespace: nil)
        }
    }

    public var fullName: String { namespace.map { "\($0).\(name)" } ?? name }
    public var description: String { fullName }
}

/// What every named type carries besides its shape.
public struct NamedAttributes: Sendable, Hashable {
    public var name: AvroName
    /// Aliases as full names (resolved against the type's namespace).
    public var aliases: [String]
    public var doc: String?
    public var properties: JSONObject

    public init(name: AvroName, aliases: [String] = [], doc: String? = nil, properties: JSONObject = JSONObject()) {
        self.name = name
        self.aliases = aliases
        self.doc = doc
        self.properties = properties
    }
}

public struct RecordType: Sendable, Hashable {
    public var named: NamedAttributes
    public var fields: [Field]
    /// Declared with `"type": "error"` rather than `"record"`.
    public var isError: Bool

    public init(named: NamedAttributes, fields: [Field], isError: Bool = false) {
        self.named = named
        self.fields = fields
        self.isError = isError
    }

    public var name: AvroName { named.name }

    public func field(named fieldName: String) -> Field? { fields.first { $0.name == fieldName } }
}

public struct Field: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable {
        case ascending, descending, ignore
    }

    public var name: String
    public var type: AvroType
    public var defaultValue: JSONValue?
    public var doc: String?
    public var aliases: [String]
    /// Nil when the input gave no `order` attribute.
    public var order: Order?
    public var properties: JSONObject

    public init(
        name: String, type: AvroType, defaultValue: JSONValue? = nil, doc: String? = nil, aliases: [String] = [],
        order: Order? = nil, properties: JSONObject = JSONObject()
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
        self.aliases = aliases
        self.order = order
        self.properties = properties
    }
}

public struct EnumType: Sendable, Hashable {
    public var named: NamedAttributes
    public var symbols: [String]
    public var defaultSymbol: String?

    public init(named: NamedAttributes, symbols: [String], defaultSymbol: String? = nil) {
        self.named = named
        self.symbols = symbols
        self.defaultSymbol = defaultSymbol
    }

    public var name: AvroName { named.name }
}

public struct FixedType: Sendable, Hashable {
    public var named: NamedAttributes
    public var size: Int
    /// The logical type, when `named.properties` names a valid one for this size.
    public var logicalType: LogicalType?

    public init(named: NamedAttributes, size: Int, logicalType: LogicalType? = nil) {
        self.named = named
        self.size = size
        self.logicalType = logicalType
    }

    public var name: AvroName { named.name }
}

/// The logical types of the Avro 1.11 specification.
public enum LogicalType: Sendable, Hashable {
    case decimal(precision: Int, scale: Int)
    case uuid
    case date
    case timeMillis
    case timeMicros
    case timestampMillis
    case timestampMicros
    case timestampNanos
    case localTimestampMillis
    case localTimestampMicros
    case localTimestampNanos
    case duration

    public var name: String {
        switch self {
        case .decimal: "decimal"
        case .uuid: "uuid"
        case .date: "date"
        case .timeMillis: "time-millis"
        case .timeMicros: "time-micros"
        case .timestampMillis: "timestamp-millis"
        case .timestampMicros: "timestamp-micros"
        case .timestampNanos: "timestamp-nanos"
        case .localTimestampMillis: "local-timestamp-millis"
        case .localTimestampMicros: "local-timestamp-micros"
        case .localTimestampNanos: "local-timestamp-nanos"
        case .duration: "duration"
        }
    }
}

extension AvroType {
    /// The definition of a named type, whether spelled out here or referenced.
    public var named: NamedAttributes? {
        switch self {
        case .record(let r): r.named
        case .enumeration(let e): e.named
        case .fixed(let f): f.named
        default: nil
        }
    }

    /// The Avro type name used in messages and union branch names: `int`, `array`, or a full name.
    public var typeName: String {
        switch self {
        case .primitive(let p, _): p.rawValue
        case .record(let r): r.name.fullName
        case .enumeration(let e): e.name.fullName
        case .fixed(let f): f.name.fullName
        case .array: "array"
        case .map: "map"
        case .union: "union"
        case .reference(let name): name
        }
    }

    public var annotations: Annotations? {
        switch self {
        case .primitive(_, let a), .array(_, let a), .map(_, let a): a
        default: nil
        }
    }

    /// The logical type of this node, if valid.
    public var logicalType: LogicalType? {
        switch self {
        case .primitive(_, let a): a.logicalType
        case .fixed(let f): f.logicalType
        default: nil
        }
    }
}
