import Avro
import AvroCodec
import Locking
import SchemaRegistryClient

/// Serializes values into Confluent wire-format messages: 0x00, the schema id, the Avro body.
///
/// ```swift
/// let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: "http://localhost:8081"))
/// let serializer = try AvroSerializer(client: client, schema: orderSchemaJSON)
/// let bytes = try await serializer.serialize(order, topic: "orders")   // registers "orders-value" once
/// ```
///
/// After the first message for a subject the schema id and codec come from memory, so a warm
/// serializer makes no network call. Safe to share between tasks.
public final class AvroSerializer: Sendable {
    public struct Configuration: Sendable {
        /// Register the schema under its subject when it is not there yet (Confluent's `auto.register.schemas`).
        public var autoRegisterSchemas: Bool
        /// Ignore the given schema and write with the subject's latest registered version (`use.latest.version`).
        public var useLatestVersion: Bool
        /// Ask the registry to normalize the schema before registering or looking it up (`normalize.schemas`).
        public var normalizeSchemas: Bool
        public var subjectNameStrategy: SubjectNameStrategy
        /// Serializing message keys rather than values (decides `-key` / `-value` subjects).
        public var isKey: Bool

        public init(
            autoRegisterSchemas: Bool = true, useLatestVersion: Bool = false, normalizeSchemas: Bool = false,
            subjectNameStrategy: SubjectNameStrategy = .topicName, isKey: Bool = false
        ) {
            self.autoRegisterSchemas = autoRegisterSchemas
            self.useLatestVersion = useLatestVersion
            self.normalizeSchemas = normalizeSchemas
            self.subjectNameStrategy = subjectNameStrategy
            self.isKey = isKey
        }
    }

    public let client: SchemaRegistryClient
    public let configuration: Configuration
    /// The schema values are written with, unless `useLatestVersion` is set.
    public let schema: AvroSchema?
    private let schemaText: String?
    private let codec: AvroCodec?
    private let byTopic = Locked(RecentCache<String, TopicWriter>())
    private let byID = Locked<[Int: AvroCodec]>([:])

    /// The wire-format header (magic byte and schema id) and codec a topic's messages are written with;
    /// one object, so that a cache hit costs one retain.
    private final class TopicWriter: Sendable {
        let header: [UInt8]
        let codec: AvroCodec

        init(header: [UInt8], codec: AvroCodec) {
            self.header = header
            self.codec = codec
        }
    }

    /// A serializer for values of `schema` (schema JSON text, registered as given).
    public init(client: SchemaRegistryClient, schema: String, configuration: Configuration = .init()) throws(SerdeError) {
        self.client = client
        self.configuration = configuration
        do {
            let parsed = try AvroSchema(parsing: schema)
            self.schema = parsed
            self.codec = try AvroCodec(schema: parsed)
        } catch let error as AvroSchemaError {
            throw .unusableSchema(error.message)
        } catch let error as AvroCodecError {
            throw .codec(error)
        } catch {
            throw .unusableSchema("\(error)")
        }
        self.schemaText = schema
    }

    /// A serializer that always writes with the subject's latest registered schema.
    public init(client: SchemaRegistryClient, configuration: Configuration = .init(useLatestVersion: true)) {
        self.client = client
        var configuration = configuration
        configuration.useLatestVersion = true
        self.configuration = configuration
        self.schema = nil
        self.schemaText = nil
        self.codec = nil
    }

    /// The framed message for `value`, or nil (a tombstone) for a nil value.
    /// Nonsending: it runs on the caller's executor, so a warm call makes no executor hop.
    // Inlinable so that a warm call, which never suspends, costs the caller no async frame of its own.
    @inlinable
    nonisolated(nonsending) public func serialize(_ value: AvroValue?, topic: String) async throws(SerdeError) -> [UInt8]? {
        guard let value else { return nil }
        if let message = try serializeCached(value, topic: topic) { return message }
        return try await serializeUncached(value, topic: topic)
    }

    /// The message when the topic's schema id is cached, or nil.
    @usableFromInline
    func serializeCached(_ value: AvroValue, topic: String) throws(SerdeError) -> [UInt8]? {
        guard !configuration.useLatestVersion, let writer = byTopic.withLock({ $0.value(for: topic) }) else { return nil }
        return try encode(value, with: writer)
    }

    @usableFromInline
    nonisolated(nonsending) func serializeUncached(_ value: AvroValue, topic: String) async throws(SerdeError) -> [UInt8] {
        try encode(value, with: try await writer(topic: topic))
    }

    private func encode(_ value: AvroValue, with writer: TopicWriter) throws(SerdeError) -> [UInt8] {
        do {
            return try writer.codec.encode(value, prefix: writer.header)
        } catch {
            throw .codec(error)
        }
    }

    /// The framed message for a Codable value, or nil (a tombstone) for nil. Written straight into the message
    /// through libavro (see `AvroCodec.encode(_:prefix:)`): no `AvroValue` is built.
    nonisolated(nonsending) public func serialize<T: Encodable>(_ value: T?, topic: String) async throws(SerdeError) -> [UInt8]? {
        guard let value else { return nil }
        let writer = if !configuration.useLatestVersion, let cached = byTopic.withLock({ $0.value(for: topic) }) {
            cached
        } else {
            try await writer(topic: topic)
        }
        do { return try writer.codec.encode(value, prefix: writer.header) } catch { throw .codec(error) }
    }

    /// The subject this serializer writes `topic`'s messages under.
    public func subject(topic: String) throws(SerdeError) -> String {
        try configuration.subjectNameStrategy.subject(topic: topic, isKey: configuration.isKey, recordName: schema?.root.named?.name.fullName)
    }

    private func writer(topic: String) async throws(SerdeError) -> TopicWriter {
        if configuration.useLatestVersion {
            let (id, codec) = try await latestWriter(topic: topic)
            return TopicWriter(header: WireFormat.header(id: id), codec: codec)
        }
        // Keyed by topic so a warm call builds no subject string.
        if let cached = byTopic.withLock({ $0.value(for: topic) }) { return cached }
        let subject = try subject(topic: topic)
        guard let schemaText, let codec else { throw .unusableSchema("no schema to write with") }
        let info = SchemaInfo(schema: schemaText)
        let id: Int
        do {
            if configuration.autoRegisterSchemas {
                id = try await client.register(subject: subject, schema: info, normalize: configuration.normalizeSchemas)
            } else {
                id = try await client.lookUp(subject: subject, schema: info, normalize: configuration.normalizeSchemas).id
            }
        } catch {
            throw .registry(error)
        }
        let writer = TopicWriter(header: WireFormat.header(id: id), codec: codec)
        byTopic.withLock { $0.set(writer, for: topic) }
        return writer
    }

    private func latestWriter(topic: String) async throws(SerdeError) -> (Int, AvroCodec) {
        // With no local schema, the record name is unknown until the latest version is fetched; topic strategy it is.
        let subject = try configuration.subjectNameStrategy.subject(
            topic: topic, isKey: configuration.isKey, recordName: schema?.root.named?.name.fullName)
        let latest: RegisteredSchema
        do { latest = try await client.latestVersion(subject: subject) } catch { throw .registry(error) }
        if let cached = byID.withLock({ $0[latest.id] }) { return (latest.id, cached) }
        let parsed = try await SchemaLoader.load(latest.schema, client: client)
        let codec: AvroCodec
        do { codec = try AvroCodec(schema: parsed) } catch { throw .codec(error) }
        byID.withLock { $0[latest.id] = codec }
        return (latest.id, codec)
    }
}
