import Logging
import RegistryAuth
import RegistryCore

/// The registry's REST API served over HTTP: `RegistryAPI` on an `HTTPServer`.
public final class RegistryServer: Sendable {
    private let http: HTTPServer

    /// The port the server listens on (the free port picked when the configuration asked for 0).
    public var port: UInt16 { http.port }

    /// Starts serving `registry` at once; answers arrive on the server's own threads.
    /// `authenticator` nil serves everyone; otherwise every request needs valid credentials and the user's permissions.
    /// `healthProbe` lets `/health` check the database; `publicOperations` serves `/health` and `/metrics` without
    /// credentials; `metrics` turns measuring and `/metrics` on.
    public init(registry: Registry, configuration: HTTPServerConfiguration, authenticator: Authenticator? = nil,
                healthProbe: StoreHealthProbe? = nil, publicOperations: Bool = false, metrics: MetricsExport? = nil,
                logger: Logger = Logger(label: "schema-registry.http")) throws(HTTPServerError) {
        let connections = ConnectionCount()
        let api = RegistryAPI(registry: registry, authenticator: authenticator, healthProbe: healthProbe,
                              publicOperations: publicOperations, metrics: metrics, connections: connections, logger: logger)
        http = try HTTPServer(configuration: configuration, responder: api, connections: connections)
    }

    /// Stops accepting connections, lets requests in progress finish, then closes every connection.
    public func stop() {
        http.stop()
    }
}
