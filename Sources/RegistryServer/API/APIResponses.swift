import JSON
import RegistryCore
import RegistryModel

/// The media type every answer carries, as Confluent's server produces it.
let schemaRegistryMediaType = "application/vnd.schemaregistry.v1+json"

/// Request media types a body may have; a request without a Content-Type is read as JSON too.
let acceptedRequestMediaTypes: Set<String> = [
    "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json",
    "application/octet-stream",
]

extension HTTPResponse {
    /// A JSON answer with the registry's media type.
    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: schemaRegistryMediaType, body: Array(JSONWriter.write(value).utf8))
    }

    /// Confluent's error shape: `{"error_code": N, "message": "..."}`.
    static func error(code: Int, message: String, status: Int) -> HTTPResponse {
        .json(["error_code": .number(JSONNumber(code)), "message": .string(message)], status: status)
    }

    static func error(_ error: RegistryError) -> HTTPResponse {
        var response = HTTPResponse.error(code: error.code, message: error.message, status: error.httpStatus)
        if let seconds = error.retryAfterSeconds { response.headers.append(("Retry-After", String(seconds))) }
        return response
    }

    /// What JAX-RS answers for its own failures (unknown route, wrong method, bad media type).
    static func httpError(_ status: Int) -> HTTPResponse {
        .error(code: status, message: "HTTP \(status) \(reasonPhrase(status))", status: status)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Request Entity Too Large"
        case 406: "Not Acceptable"
        case 415: "Unsupported Media Type"
        default: "Error"
        }
    }
}

/// JSON shapes of Confluent's entities (`Schema`, `SchemaString`, `Config`, ...), members in Confluent's order.
/// Empty members are left out, as Jackson's NON_EMPTY inclusion does; `schemaType` is left out for Avro.
enum Entities {
    /// The members every schema-carrying entity shares, in the order `Schema` writes them after `id`.
    private static func appendSchemaMembers(_ schema: StoredSchema, to object: inout JSONObject, includeText: Bool = true) {
        object["guid"] = .string(schema.guid)
        if schema.schemaType != "AVRO" { object["schemaType"] = .string(schema.schemaType) }
        if !schema.references.isEmpty { object["references"] = SchemaReference.json(schema.references) }
        if let metadata = schema.metadata, metadata != .null { object["metadata"] = metadata }
        if let ruleSet = schema.ruleSet, ruleSet != .null { object["ruleSet"] = ruleSet }
        if includeText { object["schema"] = .string(schema.schema) }
    }

    /// `Schema`: a version of a subject.
    static func subjectVersion(_ version: RegisteredVersion) -> JSONValue {
        var object = JSONObject()
        object["subject"] = .string(version.subject)
        object["version"] = .number(JSONNumber(version.version))
        object["id"] = .number(JSONNumber(version.schema.id))
        appendSchemaMembers(version.schema, to: &object)
        if version.deleted { object["deleted"] = .bool(true) }
        return .object(object)
    }

    /// `RegisterSchemaResponse`: the id first, as clients read it.
    static func registered(_ version: RegisteredVersion) -> JSONValue {
        var object = JSONObject()
        object["id"] = .number(JSONNumber(version.schema.id))
        object["version"] = .number(JSONNumber(version.version))
        appendSchemaMembers(version.schema, to: &object)
        return .object(object)
    }

    /// `SchemaString`: a schema by id or guid, optionally placed in a subject version.
    static func schemaString(_ schema: StoredSchema, subjectVersion: SubjectVersion? = nil, maxId: Int? = nil) -> JSONValue {
        var object = JSONObject()
        if let subjectVersion {
            object["subject"] = .string(subjectVersion.subject)
            object["version"] = .number(JSONNumber(subjectVersion.version))
        }
        object["guid"] = .string(schema.guid)
        if schema.schemaType != "AVRO" { object["schemaType"] = .string(schema.schemaType) }
        object["schema"] = .string(schema.schema)
        if !schema.references.isEmpty { object["references"] = SchemaReference.json(schema.references) }
        if let metadata = schema.metadata, metadata != .null { object["metadata"] = metadata }
        if let ruleSet = schema.ruleSet, ruleSet != .null { object["ruleSet"] = ruleSet }
        if let maxId { object["maxId"] = .number(JSONNumber(maxId)) }
        return .object(object)
    }

    static func mode(_ mode: RegistryMode) -> JSONValue {
        ["mode": .string(mode.rawValue)]
    }

    /// `ServerClusterId` (`GET /v1/metadata/id`): this registry has no Kafka cluster; the registry cluster is named as
    /// Confluent's default group id names it.
    static let clusterId: JSONValue = [
        "scope": ["path": [], "clusters": ["kafka-cluster": nil, "schema-registry-cluster": "schema-registry"]]
    ]

    /// `SchemaRegistryServerVersion` (`GET /v1/metadata/version`); no commit id is built in, so none is sent.
    static let serverVersion: JSONValue = ["version": .string(RegistryAPI.version)]

    static func integers(_ values: [Int]) -> JSONValue {
        .array(values.map { .number(JSONNumber($0)) })
    }

    static func strings(_ values: [String]) -> JSONValue {
        .array(values.map(JSONValue.string))
    }
}
