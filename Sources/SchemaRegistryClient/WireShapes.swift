import Avro
import JSON
import RegistryModel

/// The JSON bodies of the Confluent REST API, to and from the client's types.
enum WireShapes {
    static func requestBody(_ schema: SchemaInfo) -> JSONValue {
        var object = JSONObject()
        object["schema"] = .string(schema.schema)
        // Older registries reject unknown request members less often than they mishandle an explicit AVRO; omit the default.
        if schema.schemaType != .avro { object["schemaType"] = .string(schema.schemaType.rawValue) }
        if !schema.references.isEmpty { object["references"] = SchemaReference.json(schema.references) }
        if let metadata = schema.metadata { object["metadata"] = metadata }
        if let ruleSet = schema.ruleSet { object["ruleSet"] = ruleSet }
        return .object(object)
    }

    static func schemaInfo(_ value: JSONValue, status: Int = 200) throws(SchemaRegistryError) -> SchemaInfo {
        guard let text = value["schema"]?.stringValue else { throw missing("schema", in: value) }
        let references: [SchemaReference]
        do {
            references = try SchemaReference.list(json: value["references"])
        } catch {
            throw .invalidResponse("\(error.message) in \(preview(value))", status: nil)
        }
        return SchemaInfo(
            schema: text, schemaType: value["schemaType"]?.stringValue.map(SchemaType.init(rawValue:)) ?? .avro,
            references: references, metadata: nonNull(value["metadata"]), ruleSet: nonNull(value["ruleSet"]))
    }

    static func registeredSchema(_ value: JSONValue, subject fallbackSubject: String) throws(SchemaRegistryError)
        -> RegisteredSchema
    {
        guard let id = int(value["id"]) else { throw missing("id", in: value) }
        guard let version = int(value["version"]) else { throw missing("version", in: value) }
        return RegisteredSchema(
            subject: value["subject"]?.stringValue ?? fallbackSubject, version: version, id: id,
            guid: value["guid"]?.stringValue, schema: try schemaInfo(value))
    }

    static func id(_ value: JSONValue) throws(SchemaRegistryError) -> Int {
        guard let id = int(value["id"]) else { throw missing("id", in: value) }
        return id
    }

    static func strings(_ value: JSONValue) throws(SchemaRegistryError) -> [String] {
        guard let array = value.arrayValue else { throw unexpected("an array of strings", value) }
        var result: [String] = []
        for item in array {
            guard let string = item.stringValue else { throw unexpected("an array of strings", value) }
            result.append(string)
        }
        return result
    }

    static func ints(_ value: JSONValue) throws(SchemaRegistryError) -> [Int] {
        guard let array = value.arrayValue else { throw unexpected("an array of integers", value) }
        var result: [Int] = []
        for item in array {
            guard let number = int(item) else { throw unexpected("an array of integers", value) }
            result.append(number)
        }
        return result
    }

    static func integer(_ value: JSONValue) throws(SchemaRegistryError) -> Int {
        guard let number = int(value) else { throw unexpected("an integer", value) }
        return number
    }

    static func compatibility(_ value: JSONValue) throws(SchemaRegistryError) -> CompatibilityResult {
        do {
            return try CompatibilityResult(json: value)
        } catch {
            throw .invalidResponse("\(error.message) in \(preview(value))", status: nil)
        }
    }

    /// Reads `GET /config` (`compatibilityLevel`) and the echo of `PUT /config` (`compatibility`).
    static func config(_ value: JSONValue) throws(SchemaRegistryError) -> CompatibilityConfig {
        let members: (level: String?, normalize: Bool?)
        do {
            members = try CompatibilityConfig.members(json: value)
        } catch {
            throw unexpected("a config object", value)
        }
        var config = CompatibilityConfig(normalize: members.normalize)
        if let level = members.level {
            guard let parsed = CompatibilityLevel(rawValue: level.uppercased()) else {
                throw .invalidResponse("unknown compatibility level '\(level)'", status: nil)
            }
            config.compatibilityLevel = parsed
        }
        return config
    }

    /// Reads `{"mode": "…"}`.
    static func mode(_ value: JSONValue) throws(SchemaRegistryError) -> String {
        guard let mode = value["mode"]?.stringValue else { throw missing("mode", in: value) }
        return mode.uppercased()
    }

    private static func int(_ value: JSONValue?) -> Int? {
        value?.numberValue?.int64Value.flatMap { Int(exactly: $0) }
    }

    private static func nonNull(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    private static func missing(_ member: String, in value: JSONValue) -> SchemaRegistryError {
        .invalidResponse("no '\(member)' in \(preview(value))", status: nil)
    }

    private static func unexpected(_ expected: String, _ value: JSONValue) -> SchemaRegistryError {
        .invalidResponse("expected \(expected), got \(preview(value))", status: nil)
    }

    private static func preview(_ value: JSONValue) -> String {
        let text = JSONWriter.write(value)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
