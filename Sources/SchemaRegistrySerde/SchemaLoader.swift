import Avro
import SchemaRegistryClient

/// Registered schemas as the serializers use them: parsed, with references, by the client.
enum SchemaLoader {
    static func load(_ info: SchemaInfo, client: SchemaRegistryClient) async throws(SerdeError) -> AvroSchema {
        do {
            return try await client.avroSchema(info)
        } catch where error.kind == .unusableSchema {
            throw .unusableSchema(error.message)
        } catch {
            throw .registry(error)
        }
    }
}
