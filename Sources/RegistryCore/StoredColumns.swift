import Avro
import JSON
import RegistryModel

/// How every store keeps its rows: a schema's references, metadata and rule set as JSON text, settings under a
/// scope, so that each backend stores the same values and a copy between backends moves them unchanged.
public enum StoredColumns {
    /// The scope that stands for "global" in the config and mode tables: a control character, so never a valid subject.
    public static func scope(of subject: String?) -> String { subject ?? "\u{1}global" }

    static func subject(ofScope scope: String) -> String? { scope == Self.scope(of: nil) ? nil : scope }

    /// The columns every store selects for a schema, in the order `schema(from:)` reads them.
    public static let schemaColumns = "id, context, guid, schema_type, schema, refs, metadata, rule_set"

    /// A schema from a row of `schemaColumns`; throws when its JSON columns cannot be read.
    public static func schema(from row: some StoredRow) throws(StoredColumnDamage) -> StoredSchema {
        StoredSchema(
            id: row.integer(0), context: row.text(1) ?? QualifiedSubject.defaultContext, guid: row.text(2) ?? "",
            schemaType: row.text(3) ?? "AVRO", schema: row.text(4) ?? "", references: try references(from: row.text(5) ?? "[]"),
            metadata: try row.text(6).map { text throws(StoredColumnDamage) in try json(from: text) },
            ruleSet: try row.text(7).map { text throws(StoredColumnDamage) in try json(from: text) })
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

/// A result row as a store's driver hands it over: columns by position, NULL as nil.
public protocol StoredRow {
    func text(_ column: Int32) -> String?
    func integer(_ column: Int32) -> Int
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
