import Foundation
import Testing
import TestSupport

@Suite("GET /metrics")
struct MetricsTests {
    /// The Prometheus text's samples: the line up to the last space, mapped to its value.
    private func samples(_ h: Harness) throws -> [String: Double] {
        let reply = try h.get("/metrics")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        var found: [String: Double] = [:]
        for line in reply.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            found[String(line[..<space])] = value
        }
        return found
    }

    @Test("counts requests by route template, registrations, compatibility failures and what is stored")
    func counts() throws {
        let h = try Harness()
        #expect(try h.register("users-value", userV1) != nil)
        #expect(try h.register("users-value", userV1) != nil)
        #expect(try h.register("users-value", userIncompatible) == nil)
        #expect(try h.post("/compatibility/subjects/users-value/versions/latest", schemaBody(userIncompatible)).status == 200)
        #expect(try h.register("orders-value", userV2) != nil)
        #expect(try h.get("/schemas/ids/1").status == 200)
        #expect(try h.get("/schemas/ids/999").status == 404)
        #expect(try h.client.send("BREW", "/coffee/\(UUID().uuidString)").status == 404)

        let metrics = try samples(h)
        // Client-chosen paths and methods do not become label values.
        #expect(metrics[#"schema_registry_http_requests_total{route="unmatched",method="other",status="404"}"#] == 1)
        #expect(metrics["schema_registry_registrations_total"] == 3)
        #expect(metrics["schema_registry_compatibility_failures_total"] == 2)
        #expect(metrics[#"schema_registry_http_requests_total{route="/schemas/ids/{id}",method="GET",status="200"}"#] == 1)
        #expect(metrics[#"schema_registry_http_requests_total{route="/schemas/ids/{id}",method="GET",status="404"}"#] == 1)
        #expect(metrics[#"schema_registry_http_requests_total{route="/subjects/{subject}/versions",method="POST",status="409"}"#] == 1)
        #expect(metrics[#"schema_registry_http_request_duration_seconds_count{route="/subjects/{subject}/versions",method="POST"}"#] == 4)
        #expect(metrics["schema_registry_subjects"] == 2)
        #expect(metrics["schema_registry_versions"] == 2)
        #expect(metrics["schema_registry_schemas"] == 2)
        #expect(metrics["schema_registry_open_connections"] == 1)
        // Two new versions were written; re-registering and refusing wrote nothing.
        #expect(metrics["schema_registry_store_write_duration_seconds_count"] == 2)
        #expect((metrics["schema_registry_store_write_duration_seconds_sum"] ?? 0) > 0)
    }

    @Test("open connections follow clients connecting and leaving")
    func openConnections() throws {
        let h = try Harness()
        let others = (0..<3).map { _ in HTTPConnection(port: h.server.port) }
        for other in others { #expect(try other.send("GET", "/").status == 200) }
        #expect(try samples(h)["schema_registry_open_connections"] == 4)
        for other in others { other.close() }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try samples(h)["schema_registry_open_connections"] == 1)
    }
}
