import Avro
import CAvro
import Foundation
import Synchronization

/// libavro's schema and generic value class for one Avro schema, plus a pool of reusable
/// values, writers and readers so the hot path allocates nothing in C after warm-up.
///
/// avro-c's schema parser ignores defaults, aliases and logical types, so it is fed our
/// Parsing Canonical Form and only ever sees the layout; everything else stays in Swift.
final class LibavroClass: @unchecked Sendable {
    let schema: avro_schema_t
    let iface: UnsafeMutablePointer<avro_value_iface_t>
    /// A futex-based mutex: uncontended, it costs a fraction of an NSLock round trip.
    private let idle = Mutex<[Workspace]>([])

    init(canonicalForm: String) throws(AvroCodecError) {
        var parsed: avro_schema_t?
        let rc = canonicalForm.withCString { avro_schema_from_json_length($0, canonicalForm.utf8.count, &parsed) }
        guard rc == 0, let parsed else {
            throw .unsupportedSchema("avro_schema_from_json_length failed with error \(rc)")
        }
        guard let iface = avro_generic_class_from_schema(parsed) else {
            avro_schema_decref(parsed)
            throw .unsupportedSchema("avro_generic_class_from_schema failed")
        }
        self.schema = parsed
        self.iface = iface
    }

    deinit {
        idle.withLock { $0.removeAll() }
        cavro_iface_decref(iface)
        avro_schema_decref(schema)
    }

    /// Runs `body` with a workspace no other thread is using.
    func withWorkspace<T>(_ body: (Workspace) throws(AvroCodecError) -> T) throws(AvroCodecError) -> T {
        let active = idle.withLock { $0.popLast() } ?? Workspace(iface: iface)
        defer { idle.withLock { if $0.count < 16 { $0.append(active) } } }
        return try body(active)
    }

    /// One thread's scratch objects: a generic value of the class, a growable output buffer and a memory reader.
    /// Unchecked: `withWorkspace` hands a workspace to one thread at a time.
    final class Workspace: @unchecked Sendable {
        let value: UnsafeMutablePointer<avro_value_t>
        // A workspace is used by one thread at a time (see `withWorkspace`).
        @exclusivity(unchecked) private(set) var buffer: UnsafeMutableRawPointer
        @exclusivity(unchecked) private(set) var capacity: Int
        let writer: avro_writer_t
        let reader: avro_reader_t

        init(iface: UnsafeMutablePointer<avro_value_iface_t>) {
            value = .allocate(capacity: 1)
            value.initialize(to: avro_value_t())
            _ = cavro_generic_value_new(iface, value)
            capacity = 4096
            buffer = .allocate(byteCount: capacity, alignment: 16)
            writer = avro_writer_memory(buffer.assumingMemoryBound(to: CChar.self), Int64(capacity))
            reader = avro_reader_memory(nil, 0)
        }

        deinit {
            avro_value_decref(value)
            value.deallocate()
            avro_writer_free(writer)
            avro_reader_free(reader)
            buffer.deallocate()
        }

        /// Writes `value` into the buffer, growing it once if needed, and returns the written bytes.
        func write() throws(AvroCodecError) -> UnsafeRawBufferPointer {
            avro_writer_memory_set_dest(writer, buffer.assumingMemoryBound(to: CChar.self), Int64(capacity))
            var rc = avro_value_write(writer, value)
            if rc == ENOSPC {
                var needed = 0
                guard avro_value_sizeof(value, &needed) == 0 else { throw .libavro(operation: "size a value", code: rc) }
                buffer.deallocate()
                capacity = max(needed, capacity * 2)
                buffer = .allocate(byteCount: capacity, alignment: 16)
                avro_writer_memory_set_dest(writer, buffer.assumingMemoryBound(to: CChar.self), Int64(capacity))
                rc = avro_value_write(writer, value)
            }
            guard rc == 0 else { throw .libavro(operation: "write a value", code: rc) }
            return UnsafeRawBufferPointer(start: buffer, count: Int(avro_writer_tell(writer)))
        }

        /// Reads one value from `bytes`, which the caller has validated against the schema.
        func read(_ bytes: UnsafeRawBufferPointer) throws(AvroCodecError) {
            _ = cavro_reset(value)
            avro_reader_memory_set_source(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int64(bytes.count))
            let rc = avro_value_read(reader, value)
            guard rc == 0 else { throw .libavro(operation: "read a value", code: rc) }
        }
    }
}
