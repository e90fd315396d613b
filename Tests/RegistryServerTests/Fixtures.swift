import JSON
import Foundation
import TestSupport

/// A record schema's JSON text; each field is the JSON of one field object.
func recordSchema(_ name: String, fields: [String], namespace: String = "com.example") -> String {
    #"{"type":"record","name":"\#(name)","namespace":"\#(namespace)","fields":[\#(fields.joined(separator: ","))]}"#
}

/// `{"schema": text}` plus any extra members, as a registration body.
func schemaBody(_ text: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
    var object = JSONObject()
    object["schema"] = .string(text)
    for (key, value) in extra.sorted(by: { $0.key < $1.key }) { object[key] = value }
    return .object(object)
}

let nameField = #"{"name":"name","type":"string"}"#
let userV1 = recordSchema("User", fields: [nameField])
/// Backward compatible with v1: adds a field with a default.
let userV2 = recordSchema("User", fields: [nameField, #"{"name":"age","type":"int","default":0}"#])
/// Not backward compatible with v1: adds a field without a default.
let userIncompatible = recordSchema("User", fields: [nameField, #"{"name":"country","type":"string"}"#])

/// A running server and a keep-alive connection to it, stopped when the test ends.
final class Harness: RegistryTestClient {
    let server: TestServer
    let client: HTTPConnection

    init(arguments: [String] = [], environment: [String: String] = [:], dbPath: String? = nil) throws {
        server = try TestServer.start(dbPath: dbPath, arguments: arguments, environment: environment)
        client = HTTPConnection(port: server.port)
    }

    deinit {
        client.close()
        server.stop()
    }

    func send(_ method: String, _ target: String, body: [UInt8]?, contentType: String?, headers: [String: String]) throws -> HTTPReply {
        try client.send(method, target, body: body, contentType: contentType, headers: headers)
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }
    var int: Int? { numberValue?.int64Value.map(Int.init) }
    var ints: [Int]? { arrayValue?.compactMap(\.int) }
    var strings: [String]? { arrayValue?.compactMap(\.stringValue) }
}
