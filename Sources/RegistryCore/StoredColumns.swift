import JSON
import RegistryModel

/// How every store keeps a schema's references, metadata and rule set: as JSON text, so that each backend stores
/// the same bytes and a copy between backends moves them unchanged.
public enum StoredColumns {
    public static func text(of references: [SchemaReference]) -> String {
        JSONWriter.write(SchemaReference.json(references))
    }

    public static func text(of value: JSONValue?) -> String? {
        value.map { JSONWriter.write($0) }
    }

    /// Throws a message naming the damage when the stored text is not JSON.
    public static func json(from text: String) throws(StoredColumnDamage) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw StoredColumnDamage(message: "corrupt JSON column: \(error.message)")
        }
    }

    public static func references(from text: String) throws(StoredColumnDamage) -> [SchemaReference] {
        if text == "[]" { return [] }
        let json = try json(from: text)
        do {
            return try SchemaReference.list(json: json)
        } catch {
            throw StoredColumnDamage(message: "corrupt references column: \(error.message): \(text)")
        }
    }
}

/// A stored column this build cannot read: damage, or a writer that is not this registry.
public struct StoredColumnDamage: Error, Sendable {
    public let message: String
}
