import JSON

/// Whatever answers the registry's requests in a test: the API in process (`APITestClient`) or a real server over
/// HTTP (`Harness`). A test written against this runs on either.
protocol RegistryTestClient {
    /// Sends `body` with `contentType` (omitted without a body) and `headers`; `target` is sent exactly as given.
    func send(_ method: String, _ target: String, body: [UInt8]?, contentType: String?, headers: [String: String]) throws -> HTTPReply
}

extension RegistryTestClient {
    func send(_ method: String, _ target: String, body: [UInt8]? = nil,
              contentType: String? = "application/vnd.schemaregistry.v1+json", headers: [String: String] = [:]) throws -> HTTPReply {
        try send(method, target, body: body, contentType: contentType, headers: headers)
    }

    func send(_ method: String, _ target: String, json: JSONValue, headers: [String: String] = [:]) throws -> HTTPReply {
        try send(method, target, body: Array(JSONWriter.write(json).utf8), headers: headers)
    }

    func get(_ target: String) throws -> HTTPReply { try send("GET", target) }
    func delete(_ target: String) throws -> HTTPReply { try send("DELETE", target) }
    func post(_ target: String, _ json: JSONValue) throws -> HTTPReply { try send("POST", target, json: json) }
    func put(_ target: String, _ json: JSONValue) throws -> HTTPReply { try send("PUT", target, json: json) }

    /// Registers `schema` under `subject` and returns the id (nil when the registry refused).
    func register(_ subject: String, _ schema: String, _ extra: [String: JSONValue] = [:]) throws -> Int? {
        let reply = try post("/subjects/\(encodedSegment(subject))/versions", schemaBody(schema, extra))
        return reply.status == 200 ? reply.json["id"]?.int : nil
    }
}
