import Avro
import RegistryModel

extension SchemaRegistryClient {
    /// Schema references nest; this bounds a reference cycle in a misconfigured registry.
    public static let maxReferenceDepth = 32

    /// Parses a registered schema as Avro, with every schema it references fetched from the registry first (and
    /// cached like any version). Stored schemas are parsed leniently: the registry validated them when they came in.
    public func avroSchema(_ info: SchemaInfo) async throws(SchemaRegistryError) -> AvroSchema {
        try await avroSchema(info, describedAs: "the schema", depth: 0)
    }

    /// One version of a subject, parsed as Avro with its references.
    public func avroSchema(subject: String, version: Int) async throws(SchemaRegistryError) -> AvroSchema {
        try await avroSchema(subject: subject, version: version, depth: 0)
    }

    private func avroSchema(subject: String, version: Int, depth: Int) async throws(SchemaRegistryError) -> AvroSchema {
        let registered = try await self.version(subject: subject, version: version)
        return try await avroSchema(registered.schema, describedAs: "\(subject) version \(version)", depth: depth)
    }

    private func avroSchema(_ info: SchemaInfo, describedAs name: String, depth: Int) async throws(SchemaRegistryError)
        -> AvroSchema
    {
        guard info.schemaType == .avro else { throw .unusableSchema("\(name) is a \(info.schemaType) schema, not Avro") }
        guard depth < Self.maxReferenceDepth else {
            throw .unusableSchema("schema references nest deeper than \(Self.maxReferenceDepth) at \(name)")
        }
        var references: [AvroSchema] = []
        for reference in info.references {
            references.append(try await avroSchema(subject: reference.subject, version: reference.version, depth: depth + 1))
        }
        do {
            return try AvroSchema(parsing: info.schema, references: references, options: .lenient)
        } catch {
            throw .unusableSchema("\(name) is not a valid Avro schema: \(error.message)")
        }
    }
}
