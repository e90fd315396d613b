import Metrics
import RegistryCore
import Synchronization

/// Where `/metrics` comes from: swift-metrics handlers made by `factory`, and `render`, which writes all of them
/// out (for example a Prometheus collector registry in its text format).
public struct MetricsExport: Sendable {
    public let factory: any MetricsFactory
    public let contentType: String
    public let render: @Sendable () -> [UInt8]

    public init(factory: any MetricsFactory, contentType: String, render: @escaping @Sendable () -> [UInt8]) {
        self.factory = factory
        self.contentType = contentType
        self.render = render
    }
}

/// Connections open right now, counted by the HTTP server as libmicrohttpd reports them.
public final class ConnectionCount: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    public var value: Int { count.load(ordering: .relaxed) }
    func opened() { count.add(1, ordering: .relaxed) }
    func closed() { count.subtract(1, ordering: .relaxed) }
}

/// The server's own measurements, recorded through swift-metrics.
final class ServerMetrics: Sendable {
    private let export: MetricsExport
    private let connections: ConnectionCount
    private let registrations: Counter
    private let compatibilityFailures: Counter
    /// Handles per label set, made once: making one goes through the factory's registry and its lock.
    private let requestHandles = Mutex<[RequestLabels: (count: Counter, duration: Timer)]>([:])

    private struct RequestLabels: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    init(export: MetricsExport, connections: ConnectionCount) {
        self.export = export
        self.connections = connections
        registrations = Counter(label: "schema_registry_registrations_total", factory: export.factory)
        compatibilityFailures = Counter(label: "schema_registry_compatibility_failures_total", factory: export.factory)
    }

    /// `route` is the route's template (`/subjects/{subject}/versions`), so that the label set stays small.
    /// Any method outside the usual few is counted as `other`: clients choose it, and each label value is kept forever.
    func request(route: String, method sent: String, status: Int, duration: Duration) {
        let method = ["GET", "HEAD", "POST", "PUT", "DELETE"].contains(sent) ? sent : "other"
        let labels = RequestLabels(route: route, method: method, status: status)
        let handles = requestHandles.withLock { handles in
            if let found = handles[labels] { return found }
            let made = (
                count: Counter(label: "schema_registry_http_requests_total",
                               dimensions: [("route", route), ("method", method), ("status", String(status))],
                               factory: export.factory),
                duration: Timer(label: "schema_registry_http_request_duration_seconds",
                                dimensions: [("route", route), ("method", method)], factory: export.factory))
            handles[labels] = made
            return made
        }
        handles.count.increment()
        handles.duration.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func registered() { registrations.increment() }

    /// A registration refused as incompatible, or a compatibility check that said no.
    func incompatible() { compatibilityFailures.increment() }

    /// The gauges read at scrape time, then everything in the export's format.
    func render(registry: Registry) -> HTTPResponse {
        let stored = registry.schemas(subjectPrefix: "", includeDeleted: false, latestOnly: false, offset: 0, limit: -1)
        Gauge(label: "schema_registry_versions", factory: export.factory).record(stored.count)
        Gauge(label: "schema_registry_subjects", factory: export.factory).record(Set(stored.map(\.subject)).count)
        Gauge(label: "schema_registry_schemas", factory: export.factory).record(Set(stored.map(\.schema.id)).count)
        Gauge(label: "schema_registry_open_connections", factory: export.factory).record(connections.value)
        return HTTPResponse(status: 200, contentType: export.contentType, body: export.render())
    }
}
