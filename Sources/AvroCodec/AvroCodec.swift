import Avro
import JSON
import CAvro

/// Encodes and decodes Avro binary data of one schema through libavro.
///
/// Build one per schema and keep it: construction parses the schema into libavro and plans
/// the conversions; `encode` and `decode` then do no parsing and reuse pooled libavro values.
/// Safe to share between threads.
public final class AvroCodec: Sendable {
    public let schema: AvroSchema
    let graph: SchemaGraph
    let defaults: DefaultValues
    let validator: BodyValidator
    let libavro: LibavroSchema
    private let reader: ValueReader
    private let writer: ValueWriter
    /// The typed decoder's plan for data of this schema read as itself.
    private let identity: AvroResolution
    private let fallbacks = GenericFallbacks()

    public init(schema: AvroSchema) throws(AvroCodecError) {
        self.schema = schema
        graph = SchemaGraph(schema)
        defaults = DefaultValues(graph: graph)
        validator = BodyValidator(graph: graph)
        libavro = try LibavroSchema(canonicalForm: schema.canonicalForm, graph: graph)
        reader = ValueReader(graph: graph)
        writer = ValueWriter(graph: graph, defaults: defaults)
        identity = AvroResolution(identity: schema, graph: graph, defaults: defaults, validator: validator)
    }

    /// The Avro binary encoding of `value`.
    public func encode(_ value: AvroValue) throws(AvroCodecError) -> [UInt8] {
        try withEncoding(value) { body in [UInt8](body) }
    }

    /// Appends the Avro binary encoding of `value` to `out` (after a wire-format header, say).
    public func encode(_ value: AvroValue, appendingTo out: inout [UInt8]) throws(AvroCodecError) {
        try withEncoding(value) { body in out.append(contentsOf: body) }
    }

    /// Calls `body` with the Avro binary encoding of `value`, which is valid only during the call;
    /// lets a caller copy it once into a buffer of the final size.
    public func withEncoding<T>(_ value: AvroValue, _ body: (UnsafeRawBufferPointer) -> T) throws(AvroCodecError) -> T {
        try withEncoding(value, prefixLength: 0) { buffer in body(UnsafeRawBufferPointer(buffer)) }
    }

    /// The Avro binary encoding of `value` after a copy of `prefix` (a wire-format header, say), in an
    /// array allocated once at its final size.
    public func encode(_ value: AvroValue, prefix: [UInt8]) throws(AvroCodecError) -> [UInt8] {
        try withEncoding(value, prefixLength: prefix.count) { buffer in
            // The prefix goes into the workspace buffer in front of the body, so the message is one copy.
            prefix.withUnsafeBytes { buffer.copyMemory(from: $0) }
            return [UInt8](UnsafeRawBufferPointer(buffer))
        }
    }

    /// Calls `body` with the workspace buffer holding `prefixLength` bytes for the caller to fill, then the encoding.
    private func withEncoding<T>(
        _ value: AvroValue, prefixLength: Int, _ body: (UnsafeMutableRawBufferPointer) -> T
    ) throws(AvroCodecError) -> T {
        try libavro.withWorkspace { (workspace) throws(AvroCodecError) in
            try writer.write(value, on: workspace.encoded.filler)
            return body(try workspace.write(offset: prefixLength))
        }
    }

    /// Decodes one value that fills `bytes` exactly.
    public func decode(_ bytes: [UInt8]) throws(AvroCodecError) -> AvroValue {
        try bytes.withUnsafeBytesTyped { (buffer) throws(AvroCodecError) in try decode(buffer) }
    }

    /// Decodes one value that fills `bytes` exactly.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(AvroCodecError) -> AvroValue {
        try validator.validate(bytes)
        return try libavro.withWorkspace { (workspace) throws(AvroCodecError) in
            // The strings libavro allocated are freed as soon as they are Swift strings, also after a failure.
            defer { workspace.decoded.release() }
            try workspace.read(bytes)
            return try reader.read(workspace.decoded)
        }
    }

    // MARK: Codable values, streamed

    /// The Avro binary encoding of a Codable value, written straight through libavro's binary encoding: no
    /// `AvroValue` is built. Values convert as with `AvroValueEncoder` (see there); a type whose properties
    /// are coded out of schema order, or that leaves fields out for their defaults, takes that path instead.
    public func encode<T: Encodable>(_ value: T) throws(AvroCodecError) -> [UInt8] {
        try encode(value, prefix: [])
    }

    /// The encoding of a Codable value after a copy of `prefix` (a wire-format header), in one array of the final size.
    public func encode<T: Encodable>(_ value: T, prefix: [UInt8]) throws(AvroCodecError) -> [UInt8] {
        if !fallbacks.contains(T.self) {
            let streamed = try libavro.withWorkspace { (workspace) throws(AvroCodecError) -> [UInt8]? in
                let encoding = workspace.typedEncoding ?? TypedEncoding(graph: graph, defaults: defaults, workspace: workspace)
                workspace.typedEncoding = encoding
                do {
                    try encoding.encode(value, headerLength: prefix.count)
                } catch is NeedsGenericPath {
                    return nil
                } catch {
                    throw TypedDecoding.typed(error) as? AvroCodecError ?? .valueDoesNotMatchSchema(path: "$", message: "\(error)")
                }
                let body = workspace.streamed[prefix.count...]
                return [UInt8](unsafeUninitializedCapacity: body.endIndex) { buffer, initialized in
                    _ = buffer.initialize(from: prefix)
                    UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[prefix.count...]).copyMemory(from: UnsafeRawBufferPointer(rebasing: body))
                    initialized = body.endIndex
                }
            }
            if let streamed { return streamed }
            fallbacks.insert(T.self)
        }
        return try encode(AvroValueEncoder().encode(value), prefix: prefix)
    }

    /// Decodes a Codable value that fills `bytes` exactly, read straight from the bytes through libavro's binary
    /// encoding: no `AvroValue` is built. With `resolution` (whose writer is this codec's schema), the data is read
    /// as its reader schema. Values convert as with `AvroValueDecoder`; a type that asks for fields out of the
    /// writer's order takes that path instead.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer, resolution: AvroResolution? = nil) throws(AvroCodecError) -> T {
        let plan = (resolution ?? identity).decodePlan
        if !fallbacks.contains(T.self, plan: plan) {
            if let decoded = try streamedDecode(type, from: bytes, plan: plan) { return decoded }
            fallbacks.insert(T.self, plan: plan)
        }
        let written = try decode(bytes)
        return try AvroValueDecoder().decode(type, from: try resolution?.project(written) ?? written)
    }

    /// The typed path alone: nil when the type's shape needs the generic path.
    func streamedDecode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer, plan: DecodePlan) throws(AvroCodecError) -> T? {
        try libavro.withWorkspace { (workspace) throws(AvroCodecError) -> T? in
            let decoding = workspace.typedDecoding ?? TypedDecoding(reader: workspace.reader, plan: plan)
            workspace.typedDecoding = decoding
            do {
                return try decoding.decode(type, from: bytes, plan: plan)
            } catch is NeedsGenericPath {
                return nil
            } catch {
                throw TypedDecoding.typed(error) as? AvroCodecError ?? .valueDoesNotMatchSchema(path: "$", message: "\(error)")
            }
        }
    }

    /// Decodes a Codable value that fills `bytes` exactly (see `decode(_:from:resolution:)`).
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], resolution: AvroResolution? = nil) throws(AvroCodecError) -> T {
        try bytes.withUnsafeBytesTyped { (buffer) throws(AvroCodecError) in try decode(type, from: buffer, resolution: resolution) }
    }

    /// Reads the Avro JSON encoding of a value (unions as `{"type": value}`, bytes as code points 0–255).
    public func value(fromJSON json: JSONValue) throws(AvroCodecError) -> AvroValue {
        try JSONConversion(graph: graph, unionStyle: .wrapped, defaults: defaults).value(from: json, node: graph.root)
    }

    /// Writes `value` in the Avro JSON encoding.
    public func json(from value: AvroValue) throws(AvroCodecError) -> JSONValue {
        try JSONConversion(graph: graph, unionStyle: .wrapped, defaults: defaults).json(from: value, node: graph.root)
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the closure's typed error (the standard one rethrows `any Error`).
    @inlinable
    public func withUnsafeBytesTyped<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = withUnsafeBytes { buffer in Result { () throws(E) -> T in try body(buffer) } }
        return try result.get()
    }
}
