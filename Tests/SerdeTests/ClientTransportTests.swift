import Foundation
import SchemaRegistryClient
import Testing

/// Failover, authentication headers, typed errors and timeouts against a canned registry over real HTTP.
@Suite struct ClientTransportTests {
    static let schemaBody = #"{"schema":"\"string\""}"#

    @Test func failsOverToTheNextURLWhenTheFirstRefusesConnections() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: Self.schemaBody) }
        let deadPort = try CannedRegistry.closedPort()
        let client = try SchemaRegistryClient(
            SchemaRegistryConfiguration(url: "http://127.0.0.1:\(deadPort), \(registry.url)"))
        let schema = try await client.schema(id: 1)
        #expect(schema.schema == #""string""#)
        #expect(registry.requestCount == 1)
    }

    @Test func doesNotFailOverOnAnHTTPError() async throws {
        let first = try CannedRegistry { _ in .json(status: 404, body: #"{"error_code":40403,"message":"Schema 1 not found"}"#) }
        let second = try CannedRegistry { _ in .json(status: 200, body: Self.schemaBody) }
        let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: "\(first.url),\(second.url)"))
        let error = await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 1) }
        #expect(error?.kind == .server)
        #expect(error?.errorCode == 40403)
        #expect(error?.httpStatus == 404)
        #expect(error?.message == "Schema 1 not found")
        #expect(second.requestCount == 0)
    }

    @Test func reportsATransportErrorWhenNoURLAnswers() async throws {
        let client = try SchemaRegistryClient(
            SchemaRegistryConfiguration(url: "http://127.0.0.1:\(try CannedRegistry.closedPort())"))
        let error = await #expect(throws: SchemaRegistryError.self) { try await client.subjects() }
        #expect(error?.kind == .transport)
        #expect(error?.errorCode == SchemaRegistryError.Code.noResponse)
        #expect(error?.httpStatus == nil)
    }

    @Test func sendsBasicAuthFromUserInfo() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: #"["a","b"]"#) }
        let client = try SchemaRegistryClient(
            SchemaRegistryConfiguration(properties: [
                "schema.registry.url": registry.url, "basic.auth.credentials.source": "USER_INFO",
                "basic.auth.user.info": "alice:s3cret",
            ]))
        #expect(try await client.subjects() == ["a", "b"])
        let request = try #require(registry.requests.first)
        #expect(request.headers["authorization"] == "Basic YWxpY2U6czNjcmV0")
        #expect(request.headers["accept"]?.hasPrefix("application/vnd.schemaregistry.v1+json") == true)
    }

    @Test func sendsBasicAuthFromTheURL() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: "[]") }
        let client = try SchemaRegistryClient(
            SchemaRegistryConfiguration(url: "http://bob:pa%3Ass@127.0.0.1:\(registry.port)"))
        _ = try await client.subjects()
        #expect(registry.requests.first?.headers["authorization"] == "Basic " + Data("bob:pa:ss".utf8).base64EncodedString())
    }

    @Test func sendsABearerToken() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: "[1,2]") }
        let client = try SchemaRegistryClient(
            SchemaRegistryConfiguration(properties: [
                "url": registry.url, "bearer.auth.credentials.source": "STATIC_TOKEN", "bearer.auth.token": "tok-123",
                "bearer.auth.logical.cluster": "lsrc-1", "bearer.auth.identity.pool.id": "pool-9",
            ]))
        #expect(try await client.versions(subject: "s") == [1, 2])
        let request = try #require(registry.requests.first)
        #expect(request.headers["authorization"] == "Bearer tok-123")
        #expect(request.headers["target-sr-cluster"] == "lsrc-1")
        #expect(request.headers["confluent-identity-pool-id"] == "pool-9")
    }

    @Test func timesOutASilentRegistry() async throws {
        let registry = try CannedRegistry { _ in .silence }
        defer { registry.stop() }
        var configuration = try SchemaRegistryConfiguration(url: registry.url)
        configuration.requestTimeout = .milliseconds(300)
        let client = try SchemaRegistryClient(configuration)
        let started = ContinuousClock.now
        let error = await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 1) }
        #expect(error?.kind == .timeout)
        let elapsed = ContinuousClock.now - started
        // The lower bound proves the timeout is not rounded down to zero. The upper bound only proves it fires at
        // all: in the full parallel suite this task can wait many seconds for one of the two cooperative threads.
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(60))
    }

    @Test func mapsAnErrorBodyWithoutConfluentShapeToItsStatus() async throws {
        let registry = try CannedRegistry { _ in .json(status: 503, body: "upstream down") }
        let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: registry.url))
        let error = await #expect(throws: SchemaRegistryError.self) { try await client.subjects() }
        #expect(error?.kind == .server)
        #expect(error?.errorCode == 503)
        #expect(error?.message == "upstream down")
    }

    @Test func rejectsAnUnreadableSuccessBody() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: #"{"id":"#) }
        let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: registry.url))
        let error = await #expect(throws: SchemaRegistryError.self) {
            try await client.register(subject: "s", schema: SchemaInfo(schema: #""int""#))
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.errorCode == SchemaRegistryError.Code.invalidResponse)
    }

    @Test func encodesSubjectsInPaths() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: #"{"subject":"a/b c","version":1,"id":3,"schema":"\"int\""}"#) }
        let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: registry.url))
        let found = try await client.version(subject: "a/b c", version: 1)
        #expect(found.subject == "a/b c")
        #expect(registry.requests.first?.target == "/subjects/a%2Fb%20c/versions/1")
    }
}
