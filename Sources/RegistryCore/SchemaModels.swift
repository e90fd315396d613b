import JSON
import RegistryModel

/// A schema as a client submits it for registration, lookup or a compatibility check.
public struct SchemaRequest: Sendable, Hashable {
    /// The schema text (JSON for Avro).
    public var schema: String
    /// `AVRO` when nil; `JSON` and `PROTOBUF` are not supported yet.
    public var schemaType: String?
    public var references: [SchemaReference]
    /// Opaque data-contract metadata, stored and returned as given; part of the schema's identity.
    public var metadata: JSONValue?
    /// Opaque data-contract rules, stored and returned as given; part of the schema's identity.
    public var ruleSet: JSONValue?
    /// The id to register under; honoured only in IMPORT mode.
    public var id: Int?
    /// The version to register as; in IMPORT mode any free version, otherwise it must be the next one.
    public var version: Int?

    public init(
        schema: String, schemaType: String? = nil, references: [SchemaReference] = [], metadata: JSONValue? = nil,
        ruleSet: JSONValue? = nil, id: Int? = nil, version: Int? = nil
    ) {
        self.schema = schema
        self.schemaType = schemaType
        self.references = references
        self.metadata = metadata
        self.ruleSet = ruleSet
        self.id = id
        self.version = version
    }
}

/// A registered schema, the same under every subject that holds it. Immutable once stored.
public struct StoredSchema: Sendable, Hashable {
    /// The id, unique within `context`.
    public var id: Int
    /// The context whose id space `id` belongs to: `.` for the default context.
    public var context: String
    /// A UUID derived from the MD5 of the schema's identity (normalized text, references, metadata, rule set).
    public var guid: String
    /// Always `AVRO` for now.
    public var schemaType: String
    /// The stored schema text: compact JSON as Java's `Schema.toString()` writes it (normalized when asked).
    public var schema: String
    public var references: [SchemaReference]
    public var metadata: JSONValue?
    public var ruleSet: JSONValue?

    public init(
        id: Int, context: String = QualifiedSubject.defaultContext, guid: String, schemaType: String = "AVRO", schema: String,
        references: [SchemaReference] = [], metadata: JSONValue? = nil, ruleSet: JSONValue? = nil
    ) {
        self.id = id
        self.context = context
        self.guid = guid
        self.schemaType = schemaType
        self.schema = schema
        self.references = references
        self.metadata = metadata
        self.ruleSet = ruleSet
    }

    public var key: ContextId { ContextId(context: context, id: id) }

    /// Where a reference points: its subject is read in this schema's context unless it names its own.
    public func target(of reference: SchemaReference) -> SubjectVersion {
        SubjectVersion(subject: Self.qualify(reference.subject, in: context), version: reference.version)
    }

    /// A reference's subject as a qualified subject, read relative to the referring schema's context, as
    /// Confluent's `qualifySubjectWithParent` does.
    public static func qualify(_ subject: String, in context: String) -> String {
        guard context != QualifiedSubject.defaultContext, !subject.hasPrefix(":.") else { return subject }
        return QualifiedSubject(context: context, name: subject).qualified
    }
}

/// One version of a subject and the schema it holds.
public struct RegisteredVersion: Sendable, Hashable {
    public var subject: String
    public var version: Int
    public var schema: StoredSchema
    /// True when the version was soft-deleted.
    public var deleted: Bool

    public init(subject: String, version: Int, schema: StoredSchema, deleted: Bool) {
        self.subject = subject
        self.version = version
        self.schema = schema
        self.deleted = deleted
    }
}

