import Metrics
import Prometheus
import RegistryServer

extension MetricsExport {
    /// swift-metrics handlers kept in a Prometheus collector registry, served in its text format.
    ///
    /// Latency histograms get buckets from 100 µs to 10 s: most answers come from memory in well under a
    /// millisecond, and swift-prometheus's default buckets start at 5 ms.
    static func prometheus() -> MetricsExport {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        return MetricsExport(factory: factory, contentType: "text/plain; version=0.0.4; charset=utf-8") {
            registry.emitToBuffer()
        }
    }
}
