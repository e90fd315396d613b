import JSON

/// A use of a type registered under another subject's version (for Avro, `name` is the type's full name).
public struct SchemaReference: Sendable, Hashable {
    public var name: String
    public var subject: String
    public var version: Int

    public init(name: String, subject: String, version: Int) {
        self.name = name
        self.subject = subject
        self.version = version
    }

    /// Where the reference points.
    public var target: SubjectVersion { SubjectVersion(subject: subject, version: version) }

    /// `{"name": …, "subject": …, "version": …}`, the shape of the API and of stored references.
    public var json: JSONValue {
        ["name": .string(name), "subject": .string(subject), "version": .number(JSONNumber(version))]
    }

    /// Reads a reference as Jackson binds one: members left out read as an empty name or subject and
    /// version -1, which the registry's rules then refuse with Confluent's own error.
    public init(json: JSONValue) throws(WireShapeError) {
        guard case .object(let object) = json else { throw WireShapeError("a reference must be an object") }
        self.init(
            name: try JacksonFields.string(object, "name") ?? "", subject: try JacksonFields.string(object, "subject") ?? "",
            version: try JacksonFields.int32(object, "version") ?? -1)
    }

    /// Reads a `references` member: absent or null is no references.
    public static func list(json: JSONValue?) throws(WireShapeError) -> [SchemaReference] {
        guard let value = JacksonFields.nonNull(json) else { return [] }
        guard case .array(let items) = value else { throw WireShapeError("'references' must be an array") }
        return try items.map { item throws(WireShapeError) in try SchemaReference(json: item) }
    }

    public static func json(_ references: [SchemaReference]) -> JSONValue { .array(references.map(\.json)) }
}
