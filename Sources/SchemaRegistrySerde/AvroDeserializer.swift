import Avro
import AvroCodec
import Foundation
import Locking
import SchemaRegistryClient

/// Deserializes Confluent wire-format messages back into values.
///
/// The writer schema comes from the registry by the id in the message (or the GUID in a
/// `__value_schema_id` header). With a reader schema, data is projected onto it by Avro's
/// resolution rules, so a consumer on schema v2 reads v1 messages with v2's defaults.
///
/// ```swift
/// let deserializer = AvroDeserializer(client: client)
/// let order = try await deserializer.deserialize(Order.self, from: bytes)
/// ```
public final class AvroDeserializer: Sendable {
    public struct Configuration: Sendable {
        /// Read with the subject's latest version as the reader schema (needs the topic).
        public var useLatestVersion: Bool
        public var subjectNameStrategy: SubjectNameStrategy
        /// Deserializing message keys (reads `__key_schema_id` headers).
        public var isKey: Bool

        public init(useLatestVersion: Bool = false, subjectNameStrategy: SubjectNameStrategy = .topicName, isKey: Bool = false) {
            self.useLatestVersion = useLatestVersion
            self.subjectNameStrategy = subjectNameStrategy
            self.isKey = isKey
        }
    }

    /// A decoded message: the value and the schema it was written with.
    public struct Message: Sendable {
        public var value: AvroValue
        public var schemaReference: WireFormat.SchemaReference
        public var writerSchema: AvroSchema
    }

    public let client: SchemaRegistryClient
    public let configuration: Configuration
    public let readerSchema: AvroSchema?
    private let writers = Locked(RecentCache<WireFormat.SchemaReference, AvroCodec>())
    private let resolutions = Locked<[ResolutionKey: AvroResolution]>([:])

    private struct ResolutionKey: Hashable {
        let writer: WireFormat.SchemaReference
        /// The registry id of the reader schema with `useLatestVersion`; nil for the configured reader schema.
        let readerID: Int?
    }

    public init(client: SchemaRegistryClient, readerSchema: AvroSchema? = nil, configuration: Configuration = .init()) {
        self.client = client
        self.readerSchema = readerSchema
        self.configuration = configuration
    }

    /// The value in `bytes`, or nil for a tombstone (nil or empty bytes).
    /// Nonsending, like the methods below: it runs on the caller's executor, so a warm call makes no executor hop.
    // Inlinable so that a warm call, which never suspends, costs the caller no async frame of its own.
    @inlinable
    nonisolated(nonsending) public func deserialize(_ bytes: [UInt8]?, topic: String? = nil, headers: [String: [UInt8]] = [:]) async throws(SerdeError) -> AvroValue? {
        guard let bytes, !bytes.isEmpty else { return nil }
        if let value = try deserializeCached(bytes, headers: headers) { return value }
        return try await deserializeUncached(bytes, topic: topic, headers: headers)
    }

    /// The value when the message's writer schema is cached and the reader schema needs no registry call, or nil.
    @usableFromInline
    func deserializeCached(_ bytes: [UInt8], headers: [String: [UInt8]]) throws(SerdeError) -> AvroValue? {
        try decodeCached(bytes, headers: headers)?.value
    }

    @usableFromInline
    nonisolated(nonsending) func deserializeUncached(_ bytes: [UInt8], topic: String?, headers: [String: [UInt8]]) async throws(SerdeError) -> AvroValue {
        try await decodeValue(bytes, topic: topic, headers: headers).value
    }

    /// A Codable value from `bytes`, or nil for a tombstone. Read straight from the bytes by a plan compiled
    /// once per writer and reader schema (see `AvroCodec.decode(_:from:resolution:)`): no `AvroValue` is built.
    nonisolated(nonsending) public func deserialize<T: Decodable>(_ type: T.Type, from bytes: [UInt8]?, topic: String? = nil, headers: [String: [UInt8]] = [:]) async throws(SerdeError) -> T? {
        guard let bytes, !bytes.isEmpty else { return nil }
        let (reference, bodyStart) = try locateSchema(bytes, headers: headers)
        let codec = if let cached = writers.withLock({ $0.value(for: reference) }) { cached } else { try await writerCodec(reference) }
        let reader: (AvroSchema, Int?)? = if configuration.useLatestVersion {
            try await reader(topic: topic)
        } else {
            readerSchema.map { ($0, nil) }
        }
        var resolution: AvroResolution?
        if let (schema, id) = reader { resolution = try self.resolution(writer: reference, codec: codec, reader: schema, readerID: id) }
        let result: Result<T, AvroCodecError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(AvroCodecError) -> T in
                try codec.decode(type, from: UnsafeRawBufferPointer(rebasing: buffer[bodyStart...]), resolution: resolution)
            }
        }
        do { return try result.get() } catch { throw .codec(error) }
    }

    /// Decodes a non-empty message and says which schema wrote it.
    nonisolated(nonsending) public func decode(_ bytes: [UInt8], topic: String? = nil, headers: [String: [UInt8]] = [:]) async throws(SerdeError) -> Message {
        let (value, reference, codec) = if let decoded = try decodeCached(bytes, headers: headers) {
            decoded
        } else {
            try await decodeValue(bytes, topic: topic, headers: headers)
        }
        return Message(value: value, schemaReference: reference, writerSchema: codec.schema)
    }

    private typealias Decoded = (value: AvroValue, reference: WireFormat.SchemaReference, codec: AvroCodec)

    /// `decodeValue` when the writer schema is cached and the reader schema needs no registry call; nil otherwise.
    private func decodeCached(_ bytes: [UInt8], headers: [String: [UInt8]]) throws(SerdeError) -> Decoded? {
        guard !configuration.useLatestVersion else { return nil }
        let (reference, bodyStart) = try locateSchema(bytes, headers: headers)
        guard let codec = writers.withLock({ $0.value(for: reference) }) else { return nil }
        let written = try decodeBody(bytes, from: bodyStart, codec: codec)
        return (try project(written, writer: reference, codec: codec, reader: readerSchema.map { ($0, nil) }), reference, codec)
    }

    /// `decode` without building a `Message`, which would copy the writer schema for callers that only want the value.
    nonisolated(nonsending) private func decodeValue(_ bytes: [UInt8], topic: String?, headers: [String: [UInt8]]) async throws(SerdeError) -> Decoded {
        let (reference, bodyStart) = try locateSchema(bytes, headers: headers)
        let codec = if let cached = writers.withLock({ $0.value(for: reference) }) { cached } else { try await writerCodec(reference) }
        let written = try decodeBody(bytes, from: bodyStart, codec: codec)
        let reader: (AvroSchema, Int?)? = if configuration.useLatestVersion {
            try await reader(topic: topic)
        } else {
            readerSchema.map { ($0, nil) }
        }
        return (try project(written, writer: reference, codec: codec, reader: reader), reference, codec)
    }

    /// The schema a message names (in its `__value_schema_id` / `__key_schema_id` header or its payload) and where its body starts.
    private func locateSchema(_ bytes: [UInt8], headers: [String: [UInt8]]) throws(SerdeError) -> (WireFormat.SchemaReference, bodyStart: Int) {
        if !headers.isEmpty, let header = headers[configuration.isKey ? WireFormat.keySchemaIDHeader : WireFormat.valueSchemaIDHeader] {
            return (try WireFormat.parseHeader(header), 0)
        }
        return try bytes.withUnsafeBytesTyped { (buffer) throws(SerdeError) in try WireFormat.parsePayload(buffer) }
    }

    /// The value in the body, as the writer schema has it.
    private func decodeBody(_ bytes: [UInt8], from bodyStart: Int, codec: AvroCodec) throws(SerdeError) -> AvroValue {
        do {
            return try bytes.withUnsafeBytesTyped { (buffer) throws(AvroCodecError) in
                try codec.decode(UnsafeRawBufferPointer(rebasing: buffer[bodyStart...]))
            }
        } catch {
            throw .codec(error)
        }
    }

    /// `written` projected onto the reader schema, if there is one.
    private func project(
        _ written: AvroValue, writer: WireFormat.SchemaReference, codec: AvroCodec, reader: (AvroSchema, Int?)?
    ) throws(SerdeError) -> AvroValue {
        guard let (reader, readerID) = reader else { return written }
        let resolution = try resolution(writer: writer, codec: codec, reader: reader, readerID: readerID)
        do { return try resolution.project(written) } catch { throw .codec(error) }
    }

    private func reader(topic: String?) async throws(SerdeError) -> (AvroSchema, Int?)? {
        guard configuration.useLatestVersion else { return readerSchema.map { ($0, nil) } }
        guard let topic else { throw .unusableSchema("useLatestVersion needs the topic to find the subject") }
        let subject = try configuration.subjectNameStrategy.subject(
            topic: topic, isKey: configuration.isKey, recordName: readerSchema?.root.named?.name.fullName)
        let latest: RegisteredSchema
        do { latest = try await client.latestVersion(subject: subject) } catch { throw .registry(error) }
        return (try await writerCodec(.id(latest.id)).schema, latest.id)
    }

    private func writerCodec(_ reference: WireFormat.SchemaReference) async throws(SerdeError) -> AvroCodec {
        if let cached = writers.withLock({ $0.value(for: reference) }) { return cached }
        let info: SchemaInfo
        do {
            switch reference {
            case .id(let id): info = try await client.schema(id: id)
            case .guid(let guid): info = try await client.schema(guid: guid.uuidString.lowercased())
            }
        } catch {
            if error.isNotFound {
                switch reference {
                case .id(let id): throw .unknownSchema("id \(id)")
                case .guid(let guid): throw .unknownSchema("guid \(guid.uuidString.lowercased())")
                }
            }
            throw .registry(error)
        }
        let schema = try await SchemaLoader.load(info, client: client)
        let codec: AvroCodec
        do { codec = try AvroCodec(schema: schema) } catch { throw .codec(error) }
        writers.withLock { $0.set(codec, for: reference) }
        return codec
    }

    private func resolution(writer: WireFormat.SchemaReference, codec: AvroCodec, reader: AvroSchema, readerID: Int?) throws(SerdeError) -> AvroResolution {
        let key = ResolutionKey(writer: writer, readerID: readerID)
        if let cached = resolutions.withLock({ $0[key] }) { return cached }
        let resolution: AvroResolution
        do { resolution = try AvroResolution(writer: codec.schema, reader: reader) } catch { throw .codec(error) }
        resolutions.withLock { $0[key] = resolution }
        return resolution
    }
}
