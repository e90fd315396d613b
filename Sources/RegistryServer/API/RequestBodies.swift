import JSON
import RegistryCore

/// A request body that is not the JSON the endpoint expects; answered with 400 (or 422 where Confluent does).
struct BodyError: Error {
    let response: HTTPResponse

    static func malformed(_ message: String) -> BodyError {
        BodyError(response: .error(code: 400, message: message, status: 400))
    }
}

/// Reads request bodies with the Avro module's strict parser; unknown members are ignored, as Jackson does.
enum RequestBodies {
    static func object(_ body: [UInt8]) throws(BodyError) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: body)
        } catch {
            throw .malformed(body.isEmpty ? "No content to map due to end-of-input" : "Unexpected character: \(error)")
        }
        guard case .object(let object) = value else {
            throw .malformed("Cannot deserialize the request body: expected a JSON object")
        }
        return object
    }

    /// `RegisterSchemaRequest`: `{"schema": "...", "schemaType", "references", "metadata", "ruleSet", "version", "id"}`.
    static func schemaRequest(_ body: [UInt8]) throws(BodyError) -> SchemaRequest {
        let object = try object(body)
        var request = SchemaRequest(schema: try optionalString(object, "schema") ?? "")
        request.schemaType = try optionalString(object, "schemaType")
        request.metadata = nonNull(object["metadata"])
        request.ruleSet = nonNull(object["ruleSet"])
        request.version = try optionalInt(object, "version")
        request.id = try optionalInt(object, "id")
        if let references = nonNull(object["references"]) {
            guard case .array(let items) = references else { throw .malformed("'references' must be an array") }
            request.references = try items.map { item throws(BodyError) in try reference(item) }
        }
        return request
    }

    private static func reference(_ value: JSONValue) throws(BodyError) -> SchemaReference {
        guard case .object(let object) = value else { throw .malformed("a reference must be an object") }
        return SchemaReference(
            name: try optionalString(object, "name") ?? "", subject: try optionalString(object, "subject") ?? "",
            version: try optionalInt(object, "version") ?? -1)
    }

    /// `ConfigUpdateRequest`: `{"compatibility": "BACKWARD", "normalize": true}`; an unknown level is 42203.
    static func configUpdate(_ body: [UInt8]) throws(BodyError) -> SubjectConfig {
        let object = try object(body)
        var config = SubjectConfig()
        // Confluent's request names the level `compatibility`; `compatibilityLevel` (the GET shape) is accepted too.
        var level = try optionalString(object, "compatibility")
        if level == nil { level = try optionalString(object, "compatibilityLevel") }
        if let level {
            do {
                config.compatibilityLevel = try SubjectConfig.level(parsing: level)
            } catch {
                throw BodyError(response: .error(error))
            }
        }
        if let normalize = nonNull(object["normalize"]) {
            guard case .bool(let flag) = normalize else { throw .malformed("'normalize' must be a boolean") }
            config.normalize = flag
        }
        return config
    }

    /// `ModeUpdateRequest`: `{"mode": "READONLY"}`; an unknown or missing mode is 42204.
    static func mode(_ body: [UInt8]) throws(BodyError) -> RegistryMode {
        let text = try optionalString(try object(body), "mode") ?? ""
        do {
            return try RegistryMode(parsing: text)
        } catch {
            throw BodyError(response: .error(error))
        }
    }

    private static func nonNull(_ value: JSONValue?) -> JSONValue? {
        if let value, value != .null { return value }
        return nil
    }

    /// Jackson reads numbers and booleans into a String field as their text; objects and arrays are errors.
    private static func optionalString(_ object: JSONObject, _ key: String) throws(BodyError) -> String? {
        switch object[key] {
        case nil, .null?: nil
        case .string(let text)?: text
        case .number(let number)?: number.text
        case .bool(let flag)?: flag ? "true" : "false"
        default: throw .malformed("Cannot deserialize value of type `java.lang.String` from '\(key)'")
        }
    }

    private static func optionalInt(_ object: JSONObject, _ key: String) throws(BodyError) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let number)?:
            guard let value = number.int32Value else { throw .malformed("'\(key)' must be a 32-bit integer") }
            return Int(value)
        case .string(let text)?:
            guard let value = Int32(text) else { throw .malformed("'\(key)' must be a 32-bit integer") }
            return Int(value)
        default: throw .malformed("'\(key)' must be a 32-bit integer")
        }
    }
}
