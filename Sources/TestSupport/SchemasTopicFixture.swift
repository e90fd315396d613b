import Foundation
import JSON

/// A `_schemas` topic written by hand in Confluent's record format (`SchemaKey`/`SchemaValue`, `ConfigKey`/
/// `ConfigValue`, `ModeKey`/`ModeValue`, `DeleteSubjectKey`/`…Value`, `ClearSubjectKey`/`…Value`, `NoopKey`,
/// `ContextKey`, as Jackson writes them), in each file format `restore` reads.
public enum SchemasTopicFixture {
    public typealias Record = (key: JSONValue, value: JSONValue?)

    public static let address = #"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"city","type":"string"}]}"#
    public static let person = #"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"com.acme.Address"}]}"#
    public static let personV2 =
        #"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"com.acme.Address"},{"name":"age","type":"int","default":0}]}"#
    public static let addressReference: JSONValue = [["name": "com.acme.Address", "subject": "address", "version": 1]]
    public static let personMetadata: JSONValue = ["properties": ["owner": "team-a"]]

    public static func schemaKey(_ subject: String, _ version: Int) -> JSONValue {
        ["keytype": "SCHEMA", "subject": .string(subject), "version": .number(JSONNumber(version)), "magic": 1]
    }

    public static func schemaValue(
        _ subject: String, _ version: Int, id: Int, _ schema: String, deleted: Bool = false, references: JSONValue? = nil,
        metadata: JSONValue? = nil
    ) -> JSONValue {
        var value = JSONObject([
            "subject": .string(subject), "version": .number(JSONNumber(version)), "id": .number(JSONNumber(id)),
            "schema": .string(schema), "deleted": .bool(deleted),
        ])
        if let references { value["references"] = references }
        if let metadata { value["metadata"] = metadata }
        return .object(value)
    }

    public static func schema(_ subject: String, _ version: Int, id: Int, _ schema: String, deleted: Bool = false,
                       references: JSONValue? = nil, metadata: JSONValue? = nil) -> Record {
        (schemaKey(subject, version), schemaValue(subject, version, id: id, schema, deleted: deleted, references: references, metadata: metadata))
    }

    public static func config(_ subject: String?, _ value: JSONValue?) -> Record {
        var key = JSONObject(["keytype": "CONFIG"])
        if let subject { key["subject"] = .string(subject) }
        key["magic"] = 0
        return (.object(key), value)
    }

    public static func mode(_ subject: String?, _ mode: String?) -> Record {
        var key = JSONObject(["keytype": "MODE"])
        if let subject { key["subject"] = .string(subject) }
        key["magic"] = 0
        var value = JSONObject()
        if let subject { value["subject"] = .string(subject) }
        if let mode { value["mode"] = .string(mode) }
        return (.object(key), mode == nil ? nil : .object(value))
    }

    /// Every kind of record, with deletes of each sort, settings at each level, and records that overwrite others.
    public static let records: [Record] = [
        (["keytype": "NOOP", "magic": 0], nil),
        config(nil, ["compatibilityLevel": "BACKWARD"]),
        schema("address", 1, id: 1, address),
        schema("person", 1, id: 2, person, references: addressReference, metadata: personMetadata),
        // A version hard-deleted at once: its schema, which no other version holds, goes with it.
        schema("person", 2, id: 3, personV2, references: addressReference),
        (schemaKey("person", 2), nil),
        schema("orders", 1, id: 4, #""int""#),
        schema("orders", 2, id: 5, #""long""#),
        schema("orders", 3, id: 6, #""string""#),
        (["keytype": "DELETE_SUBJECT", "subject": "orders", "magic": 0], ["subject": "orders", "version": 2]),
        schema("soft", 1, id: 7, #""float""#),
        schema("soft", 1, id: 7, #""float""#, deleted: true),
        schema("cleared", 1, id: 9, #""double""#, deleted: true),
        schema("cleared", 2, id: 10, #""bytes""#),
        (["keytype": "CLEAR_SUBJECT", "subject": "cleared", "magic": 0], ["subject": "cleared"]),
        (["keytype": "CONTEXT", "tenant": "default", "context": ".team"], ["tenant": "default", "context": ".team"]),
        schema(":.team:orders", 1, id: 1, #""boolean""#),
        schema(":.team:orders", 2, id: 2, address),
        config(":.team:", ["compatibilityLevel": "FORWARD_TRANSITIVE"]),
        config("person", ["compatibilityLevel": "NONE", "normalize": true]),
        config("orders", ["compatibilityLevel": "FORWARD"]),
        (config("orders", nil).key, nil),
        mode(nil, "IMPORT"),
        mode("address", "READONLY"),
        mode(":.team:", "READONLY"),
        // Id 1 already names another schema in the default context: Confluent's reader ignores this record.
        schema("clash", 1, id: 1, #""null""#),
        // The highest id, soft- then hard-deleted: it stays given.
        schema("gone", 1, id: 11, #"{"type":"enum","name":"E","symbols":["A"]}"#),
        schema("gone", 1, id: 11, #"{"type":"enum","name":"E","symbols":["A"]}"#, deleted: true),
        (schemaKey("gone", 1), nil),
        config(nil, ["compatibilityLevel": "FULL", "compatibilityGroup": "application.version"]),
        mode(nil, "READWRITE"),
    ]

    public static func consoleDump(_ records: [Record] = records) -> String {
        records.map { JSONWriter.write($0.key) + "\t" + ($0.value.map(JSONWriter.write) ?? "null") + "\n" }.joined()
    }

    /// Keys as objects and values as strings holding their JSON: Karapace's v1 reader takes both.
    public static func karapaceV1(_ records: [Record] = records) -> String {
        let pairs = records.map { record -> JSONValue in
            [record.key, record.value.map { .string(JSONWriter.write($0)) } ?? .null]
        }
        return JSONWriter.write(.array(pairs))
    }

    /// Keys pretty-printed as Karapace wrote them, hexadecimal in upper case; tombstones alternately `null` and empty.
    public static func karapaceV2(_ records: [Record] = records) -> String {
        var tombstones = 0
        return "/V2\n" + records.map { record -> String in
            let key = hex(JSONWriter.write(record.key).replacingOccurrences(of: ",\"", with: ",\n    \""))
            guard let value = record.value else {
                tombstones += 1
                return key + "\t" + (tombstones.isMultiple(of: 2) ? "" : "null") + "\n"
            }
            return key + "\t" + hex(JSONWriter.write(value)) + "\n"
        }.joined()
    }

    public static func hex(_ text: String) -> String { text.utf8.map { String(format: "%02X", $0) }.joined() }
}
