import Foundation
import Synchronization
import SchemaRegistryClient
import Testing

/// Caching, proved by counting the requests that reach a canned registry.
@Suite struct ClientCacheTests {
    static let stringSchema = #"{"schema":"\"string\""}"#

    static func client(
        _ registry: CannedRegistry, latestTTL: Duration? = nil, negativeTTL: Duration = .seconds(60),
        clock: ManualClock = ManualClock()
    ) throws -> SchemaRegistryClient {
        var configuration = try SchemaRegistryConfiguration(url: registry.url)
        configuration.latestCacheTTL = latestTTL
        configuration.negativeCacheTTL = negativeTTL
        return try SchemaRegistryClient(configuration, clock: clock)
    }

    @Test func schemaByIDIsFetchedOnce() async throws {
        let registry = try CannedRegistry { request in
            request.target == "/schemas/ids/7" ? .json(status: 200, body: Self.stringSchema)
                : .json(status: 404, body: #"{"error_code":40403,"message":"Schema not found"}"#)
        }
        let client = try Self.client(registry)
        #expect(client.cachedSchema(id: 7) == nil)
        let first = try await client.schema(id: 7)
        let second = try await client.schema(id: 7)
        #expect(first.schema == #""string""#)
        #expect(first.schemaType == .avro)
        #expect(second == first)
        #expect(client.cachedSchema(id: 7) == first)
        #expect(registry.requestCount == 1)
    }

    @Test func registrationIsRememberedPerSubjectAndSchema() async throws {
        let registry = try CannedRegistry { request in
            request.method == "POST" && request.target == "/subjects/orders-value/versions"
                ? .json(status: 200, body: #"{"id":42}"#) : .json(status: 500, body: #"{"error_code":500,"message":"no"}"#)
        }
        let client = try Self.client(registry)
        let schema = SchemaInfo(schema: #"{"type":"record","name":"Order","fields":[]}"#)
        let id = try await client.register(subject: "orders-value", schema: schema)
        let again = try await client.register(subject: "orders-value", schema: schema)
        #expect(id == 42 && again == 42)
        #expect(client.cachedID(subject: "orders-value", schema: schema) == 42)
        // The registered schema also answers a lookup by id without a request.
        #expect(try await client.schema(id: 42) == schema)
        #expect(registry.requestCount == 1)
        let body = try #require(registry.requests.first?.body)
        #expect(body == #"{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[]}"}"#)
    }

    @Test func latestVersionExpiresAfterItsTTL() async throws {
        let registry = try CannedRegistry { _ in
            .json(status: 200, body: #"{"subject":"s","version":3,"id":9,"schema":"\"long\""}"#)
        }
        let clock = ManualClock()
        let client = try Self.client(registry, latestTTL: .seconds(3), clock: clock)
        let latest = try await client.latestVersion(subject: "s")
        #expect(latest.version == 3 && latest.id == 9 && latest.schema.schema == #""long""#)
        _ = try await client.latestVersion(subject: "s")
        #expect(registry.requestCount == 1)
        clock.advance(by: .milliseconds(2_999))
        #expect(client.cachedLatestVersion(subject: "s") == latest)
        clock.advance(by: .milliseconds(1))
        #expect(client.cachedLatestVersion(subject: "s") == nil)
        _ = try await client.latestVersion(subject: "s")
        #expect(registry.requestCount == 2)
        // What the latest answer said about id 9 and version 3 stays.
        _ = try await client.schema(id: 9)
        _ = try await client.version(subject: "s", version: 3)
        #expect(registry.requestCount == 2)
    }

    @Test func notFoundIsRemembered() async throws {
        let registry = try CannedRegistry { _ in
            .json(status: 404, body: #"{"error_code":40403,"message":"Schema 5 not found"}"#)
        }
        let client = try Self.client(registry, negativeTTL: .seconds(60))
        for _ in 0..<3 {
            let error = await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 5) }
            #expect(error?.errorCode == 40403)
            #expect(error?.isNotFound == true)
        }
        #expect(registry.requestCount == 1)
    }

    @Test func rememberedNotFoundExpires() async throws {
        let registry = try CannedRegistry { _ in
            .json(status: 404, body: #"{"error_code":40403,"message":"Schema 5 not found"}"#)
        }
        let clock = ManualClock()
        let client = try Self.client(registry, negativeTTL: .milliseconds(200), clock: clock)
        await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 5) }
        clock.advance(by: .milliseconds(199))
        await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 5) }
        #expect(registry.requestCount == 1)
        clock.advance(by: .milliseconds(1))
        await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 5) }
        #expect(registry.requestCount == 2)
    }

    @Test func serverFailuresAreNotCached() async throws {
        let registry = try CannedRegistry { _ in
            .json(status: 500, body: #"{"error_code":50001,"message":"store failure"}"#)
        }
        let client = try Self.client(registry)
        for _ in 0..<2 {
            await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 1) }
        }
        #expect(registry.requestCount == 2)
    }

    @Test func registeringClearsTheSubjectsMissesAndLatest() async throws {
        let registered = CannedValue(false)
        let registry = try CannedRegistry { request in
            if request.method == "POST" && request.target == "/subjects/s/versions" {
                registered.set(true)
                return .json(status: 200, body: #"{"id":1}"#)
            }
            if request.method == "POST" && request.target == "/subjects/s" {
                return registered.get()
                    ? .json(status: 200, body: #"{"subject":"s","version":1,"id":1,"schema":"\"int\""}"#)
                    : .json(status: 404, body: #"{"error_code":40401,"message":"Subject 's' not found."}"#)
            }
            return .json(status: 404, body: #"{"error_code":404,"message":"HTTP 404 Not Found"}"#)
        }
        let client = try Self.client(registry)
        let schema = SchemaInfo(schema: #""int""#)
        let miss = await #expect(throws: SchemaRegistryError.self) { try await client.lookUp(subject: "s", schema: schema) }
        #expect(miss?.errorCode == SchemaRegistryError.Code.subjectNotFound)
        _ = try await client.register(subject: "s", schema: schema)
        // Registering answered the id; a lookup still needs the version, and the earlier miss must not hide it.
        let found = try await client.lookUp(subject: "s", schema: schema)
        #expect(found.version == 1 && found.id == 1)
        _ = try await client.lookUp(subject: "s", schema: schema)
        #expect(registry.requestCount == 3)
    }

    @Test func concurrentColdCallersShareOneRequest() async throws {
        let registry = try CannedRegistry { _ in
            usleep(100_000)
            return .json(status: 200, body: Self.stringSchema)
        }
        let client = try Self.client(registry)
        try await withThrowingTaskGroup(of: SchemaInfo.self) { group in
            for _ in 0..<50 { group.addTask { try await client.schema(id: 3) } }
            for try await schema in group { #expect(schema.schema == #""string""#) }
        }
        #expect(registry.requestCount == 1)
    }

    @Test func concurrentCallersShareTheCache() async throws {
        let registry = try CannedRegistry { _ in .json(status: 200, body: Self.stringSchema) }
        let client = try Self.client(registry)
        _ = try await client.schema(id: 1)
        try await withThrowingTaskGroup(of: SchemaInfo.self) { group in
            for _ in 0..<200 { group.addTask { try await client.schema(id: 1) } }
            for try await schema in group { #expect(schema.schema == #""string""#) }
        }
        #expect(registry.requestCount == 1)
    }
}

/// A value shared with a canned registry's handler.
final class CannedValue<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

/// A clock that moves only when a test moves it, so expiry tests neither sleep nor depend on the machine's speed.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (left: Instant, right: Instant) -> Bool { left.offset < right.offset }
    }

    private let current = Mutex(Instant(offset: .zero))
    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) { current.withLock { $0 = $0.advanced(by: duration) } }

    /// Nothing here waits on this clock; a sleep just moves it to the deadline.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        current.withLock { $0 = max($0, deadline) }
    }
}
