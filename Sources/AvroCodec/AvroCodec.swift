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
    private let validator: BodyValidator
    private let libavro: LibavroSchema
    private let reader: ValueReader
    private let writer: ValueWriter

    public init(schema: AvroSchema) throws(AvroCodecError) {
        self.schema = schema
        graph = SchemaGraph(schema)
        defaults = DefaultValues(graph: graph)
        validator = BodyValidator(graph: graph)
        libavro = try LibavroSchema(canonicalForm: schema.canonicalForm, graph: graph)
        reader = ValueReader(graph: graph)
        writer = ValueWriter(graph: graph, defaults: defaults)
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
