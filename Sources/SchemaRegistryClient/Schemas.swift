import Avro
import JSON
import RegistryModel

/// The schema language of a registered schema (`schemaType`); the registry treats a missing type as Avro.
public struct SchemaType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    public static let avro = SchemaType(rawValue: "AVRO")
    public static let json = SchemaType(rawValue: "JSON")
    public static let protobuf = SchemaType(rawValue: "PROTOBUF")

    public var description: String { rawValue }
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

