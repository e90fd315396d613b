import Logging
import RegistryCore

/// The registry's REST API served over HTTP: `RegistryAPI` on an `HTTPServer`.
public final class RegistryServer: Sendable {
    private let http: HTTPServer

    /// The port the server listens on (the free port picked when the configuration asked for 0).
    public var port: UInt16 { http.port }

    /// Starts serving `registry` at once; answers arrive on the server's own threads.
    public init(registry: Registry, configuration: HTTPServerConfiguration,
                logger: Logger = Logger(label: "schema-registry.http")) throws(HTTPServerError) {
        http = try HTTPServer(configuration: configuration, responder: RegistryAPI(registry: registry, logger: logger))
    }

    /// Stops accepting connections, lets requests in progress finish, then closes every connection.
    public func stop() {
        http.stop()
    }
}
