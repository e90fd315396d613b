import Foundation
import Logging
import RegistryAuth
import RegistryCore
import RegistryServer
import RegistrySQLite

/// The registry's REST API called in process, without a socket: each request value goes straight to
/// `RegistryAPI.respond(to:)`, as Hummingbird's `RouterTestFramework` hands requests to a router. The API runs
/// over a fresh SQLite database of its own, removed when the client goes away.
///
/// For the rules of the API (routing, status codes, error bodies, JSON shapes, access rules). What only a wire
/// shows (keep-alive, limits, TLS, HEAD without a body, the process) is tested through `Harness`.
final class APITestClient: RegistryTestClient {
    let api: RegistryAPI
    let dbPath: String
    private let folder: URL

    /// `authFile` turns authentication on with that Karapace-format file.
    init(authFile: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-api-test-\(UUID().uuidString)")
        dbPath = folder.appendingPathComponent("registry.db").path
        let store = try SQLiteRegistryStore(path: dbPath)
        // Quiet: a test reads answers, not log lines (what the server logs is tested over a real process).
        let logger = Logger(label: "registry-api-test", factory: { _ in SwiftLogNoOpLogHandler() })
        let authenticator = try authFile.map { path in try Authenticator(authFile: path, logger: logger) }
        api = RegistryAPI(registry: try Registry(store: store), authenticator: authenticator,
                          healthProbe: StoreHealthProbe(store: store), logger: logger)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Builds the request as the HTTP layer would from the same bytes on the wire: `target` as sent (still
    /// percent-encoded), a Content-Type only with a body, header names in any case.
    func send(_ method: String, _ target: String, body: [UInt8]?, contentType: String?, headers: [String: String]) throws -> HTTPReply {
        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        let request = HTTPRequest(
            method: method, target: target, contentType: body == nil ? nil : contentType, body: body ?? [],
            authorization: header("Authorization"), requestID: header("X-Request-ID"), accept: header("Accept"))
        let response = api.respond(to: request)
        var replyHeaders = ["content-type": response.contentType]
        for (name, value) in response.headers { replyHeaders[name.lowercased()] = value }
        return HTTPReply(status: response.status, headers: replyHeaders, body: response.body.bytes)
    }
}
