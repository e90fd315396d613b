import Avro
import JSON
import RegistryModel

/// How every store keeps its rows: a schema's references, metadata and rule set as JSON text, settings under a
/// scope, so that each backend stores the same values and a copy between backends moves them unchanged.
public enum StoredColumns {
    /// The scope that stands for "global" in the config and mode tables: a control character, so never a valid subject.
    public static func scope(of subject: String?) -> String { subject ?? "\u{1}global" }

    static func subject(ofScope scope: String) -> String? { scope == Self.scope(of: nil) ? nil : scope }

    /// A schema row; throws when its JSON columns cannot be read.
    public static func schema(
        id: Int, context: String, guid: String, schemaType: String, schema: String, refs: String, metadata: String?,
        ruleSet: String?
    ) throws(StoredColumnDamage) -> StoredSchema {
        StoredSchema(
            id: id, context: context, guid: guid, schemaType: schemaType, schema: schema, references: try references(from: refs),
            metadata: try metadata.map { text throws(StoredColumnDamage) in try json(from: text) },
            ruleSet: try ruleSet.map { text throws(StoredColumnDamage) in try json(from: text) })
    }

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

extension StoreContents {
    /// Adds a row of the config table.
    public mutating func addConfig(scope: String, compatibility: String?, normalize: Bool?) {
        configs[StoredColumns.subject(ofScope: scope)] = CompatibilityConfig(
            compatibilityLevel: compatibility.flatMap(CompatibilityLevel.init(rawValue:)), normalize: normalize)
    }

    /// Adds a row of the mode table; a mode this build does not know is left out.
    public mutating func addMode(scope: String, mode: String) {
        guard let mode = RegistryMode(rawValue: mode) else { return }
        modes[StoredColumns.subject(ofScope: scope)] = mode
    }
}
