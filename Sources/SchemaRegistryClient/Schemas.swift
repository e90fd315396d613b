import Avro
import JSON

/// The schema language of a registered schema (`schemaType`); the registry treats a missing type as Avro.
public struct SchemaType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    public static let avro = SchemaType(rawValue: "AVRO")
    public static let json = SchemaType(rawValue: "JSON")
    public static let protobuf = SchemaType(rawValue: "PROTOBUF")

    public var description: String { rawValue }
}

/// A reference from one schema to a named type registered under another subject.
public struct SchemaReference: Sendable, Hashable {
    /// For Avro, the full name of the referenced type.
    public var name: String
    public var subject: String
    public var version: Int

    public init(name: String, subject: String, version: Int) {
        self.name = name
        self.subject = subject
        self.version = version
    }
}

/// A schema as sent to and returned by the registry: its text, language and references.
///
/// `metadata` and `ruleSet` (data contracts) are carried as JSON, untouched, when the registry returns them.
public struct SchemaInfo: Sendable, Hashable {
    /// The schema text (for Avro, the schema JSON).
    public var schema: String
    public var schemaType: SchemaType
    public var references: [SchemaReference]
    public var metadata: JSONValue?
    public var ruleSet: JSONValue?

    public init(
        schema: String, schemaType: SchemaType = .avro, references: [SchemaReference] = [],
        metadata: JSONValue? = nil, ruleSet: JSONValue? = nil
    ) {
        self.schema = schema
        self.schemaType = schemaType
        self.references = references
        self.metadata = metadata
        self.ruleSet = ruleSet
    }
}

/// A schema registered under a subject: which subject, which version, which global id.
public struct RegisteredSchema: Sendable, Hashable {
    public var subject: String
    public var version: Int
    public var id: Int
    /// The schema's GUID (registries from Confluent 8.0 on); nil when the registry does not send one.
    public var guid: String?
    public var schema: SchemaInfo

    public init(subject: String, version: Int, id: Int, guid: String? = nil, schema: SchemaInfo) {
        self.subject = subject
        self.version = version
        self.id = id
        self.guid = guid
        self.schema = schema
    }
}

/// Which version of a subject a request is about.
public enum SubjectVersion: Sendable, Hashable, ExpressibleByIntegerLiteral {
    case number(Int)
    case latest

    public init(integerLiteral value: Int) { self = .number(value) }

    var pathSegment: String {
        switch self {
        case .number(let n): String(n)
        case .latest: "latest"
        }
    }
}

/// The answer of a compatibility test.
public struct CompatibilityResult: Sendable, Hashable {
    public var isCompatible: Bool
    /// Why the schema is incompatible; filled only when the test was asked to be verbose.
    public var messages: [String]

    public init(isCompatible: Bool, messages: [String] = []) {
        self.isCompatible = isCompatible
        self.messages = messages
    }
}

/// The compatibility configuration of a subject or of the whole registry.
public struct RegistryConfig: Sendable, Hashable {
    public var compatibilityLevel: CompatibilityLevel?
    /// Whether the registry normalizes schemas before registering and looking them up.
    public var normalize: Bool?

    public init(compatibilityLevel: CompatibilityLevel? = nil, normalize: Bool? = nil) {
        self.compatibilityLevel = compatibilityLevel
        self.normalize = normalize
    }
}
