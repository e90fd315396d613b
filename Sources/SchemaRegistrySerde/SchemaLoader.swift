import Avro
import SchemaRegistryClient

/// Parses registered schema text into an `AvroSchema`, fetching the schemas it references first.
enum SchemaLoader {
    /// Schema references nest; this bounds a reference cycle in a misconfigured registry.
    static let maxReferenceDepth = 32

    static func load(_ info: SchemaInfo, client: SchemaRegistryClient, depth: Int = 0) async throws(SerdeError) -> AvroSchema {
        guard info.schemaType == .avro else { throw .unusableSchema("schema type \(info.schemaType) is not AVRO") }
        guard depth < maxReferenceDepth else { throw .unusableSchema("schema references nest deeper than \(maxReferenceDepth)") }
        var references: [AvroSchema] = []
        for reference in info.references {
            let registered: RegisteredSchema
            do {
                registered = try await client.version(subject: reference.subject, version: reference.version)
            } catch {
                throw .registry(error)
            }
            references.append(try await load(registered.schema, client: client, depth: depth + 1))
        }
        do {
            return try AvroSchema(parsing: info.schema, references: references, options: .lenient)
        } catch {
            throw .unusableSchema(error.message)
        }
    }
}
