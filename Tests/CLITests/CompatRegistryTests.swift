import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `schema-registry compat --registry` against a real `schema-registry serve` over HTTP.
@Suite("schema-registry compat --registry")
struct CompatRegistryTests {
    private func example(_ name: String) -> String { repositoryRoot.appendingPathComponent("schemas/\(name)").path }

    /// Registers a schema file under `subject` through the REST API.
    private func register(_ file: String, subject: String, at server: TestServer) async throws {
        var request = URLRequest(url: server.url.appendingPathComponent("subjects/\(subject)/versions"))
        request.httpMethod = "POST"
        request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["schema": String(contentsOfFile: file, encoding: .utf8)])
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: data, as: UTF8.self))")
    }

    @Test("the registry judges at the subject's level; --level fetches the versions and checks here")
    func againstSubject() async throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let subject = "orders-value"
        try await register(example("order-v1.avsc"), subject: subject, at: server)
        try await register(example("order-v2.avsc"), subject: subject, at: server)
        let registry = ["--registry", server.url.absoluteString, "--subject", subject]

        let compatible = try runCLI(["compat", example("order-v3.avsc")] + registry)
        #expect(compatible.status == 0, "\(compatible.stdout)\(compatible.stderr)")

        let incompatible = try runCLI(["compat", example("order-breaking.avsc")] + registry + ["--json"])
        #expect(incompatible.status == 1, "\(incompatible.stdout)\(incompatible.stderr)")
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(incompatible.stdout.utf8)) as? [String: Any])
        #expect(verdict["compatible"] as? Bool == false)
        #expect(((verdict["messages"] as? [String]) ?? []).contains { $0.contains("READER_FIELD_MISSING_DEFAULT_VALUE") })

        let local = try runCLI(["compat", example("order-breaking.avsc")] + registry + ["--level", "FULL_TRANSITIVE", "--json"])
        #expect(local.status == 1, "\(local.stdout)\(local.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(local.stdout.utf8)) as? [String: Any])
        let check = try #require((report["checks"] as? [[String: Any]])?.first)
        #expect(check["against"] as? [String] == ["\(subject) version 2", "\(subject) version 1"])
        #expect((check["failures"] as? [[String: Any]])?.first?["version"] as? String == "\(subject) version 2")

        let unknownSubject = try runCLI(["compat", example("order-breaking.avsc"), "--registry", server.url.absoluteString,
                                         "--subject", "nobody-value"])
        #expect(unknownSubject.status == 0, "\(unknownSubject.stdout)\(unknownSubject.stderr)")
    }

    @Test("an unreachable registry exits 2 with a message")
    func unreachable() throws {
        let result = try runCLI(["compat", example("order-v2.avsc"), "--registry", "http://127.0.0.1:1", "--subject", "s"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot reach"))
    }
}
