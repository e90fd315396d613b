import JSON
import RegistryCore
import RegistryModel

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
        return try reading { () throws(WireShapeError) in
            var request = SchemaRequest(schema: try JacksonFields.string(object, "schema") ?? "")
            request.schemaType = try JacksonFields.string(object, "schemaType")
            request.metadata = JacksonFields.nonNull(object["metadata"])
            request.ruleSet = JacksonFields.nonNull(object["ruleSet"])
            request.version = try JacksonFields.int32(object, "version")
            request.id = try JacksonFields.int32(object, "id")
            request.references = try SchemaReference.list(json: object["references"])
            return request
        }
    }

    /// `ConfigUpdateRequest`: `{"compatibility": "BACKWARD", "normalize": true}`; an unknown level is 42203.
    /// Confluent's request names the level `compatibility`; `compatibilityLevel` (the GET shape) is accepted too.
    static func configUpdate(_ body: [UInt8]) throws(BodyError) -> CompatibilityConfig {
        let object = try object(body)
        let members = try reading { () throws(WireShapeError) in try CompatibilityConfig.members(json: .object(object)) }
        var config = CompatibilityConfig(normalize: members.normalize)
        if let level = members.level {
            do {
                config.compatibilityLevel = try CompatibilityConfig.level(parsing: level)
            } catch {
                throw BodyError(response: .error(error))
            }
        }
        return config
    }

    /// `ModeUpdateRequest`: `{"mode": "READONLY"}`; an unknown or missing mode is 42204.
    static func mode(_ body: [UInt8]) throws(BodyError) -> RegistryMode {
        let object = try object(body)
        let text = try reading { () throws(WireShapeError) in try JacksonFields.string(object, "mode") ?? "" }
        do {
            return try RegistryMode(parsing: text)
        } catch {
            throw BodyError(response: .error(error))
        }
    }

    /// Members of the wrong type are a malformed body.
    private static func reading<Value>(_ read: () throws(WireShapeError) -> Value) throws(BodyError) -> Value {
        do { return try read() } catch { throw .malformed(error.message) }
    }
}
