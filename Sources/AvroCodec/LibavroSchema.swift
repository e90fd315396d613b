import Avro
import CAvro
import Foundation
import Synchronization

/// libavro's parse of one Avro schema, the schema's nodes in the layout libavro's callbacks read, and a
/// pool of reusable workspaces, so the hot path allocates nothing in C after warm-up.
///
/// avro-c's schema parser ignores defaults, aliases and logical types, so it is fed our
/// Parsing Canonical Form and only ever sees the layout; everything else stays in Swift.
final class LibavroSchema: @unchecked Sendable {
    let schema: avro_schema_t
    /// The graph in the layout the tape's and the tree's callbacks read.
    let nodes: LibavroNodeTable
    let root: Int
    /// One idle workspace (retained, as an opaque pointer), taken and given back with one atomic
    /// operation each: the usual caller is one thread, which then never touches the lock below.
    private let spare = Atomic<UnsafeMutableRawPointer?>(nil)
    /// The other idle workspaces, when several threads use the codec at once.
    private let idle = Mutex<[Workspace]>([])

    init(canonicalForm: String, graph: SchemaGraph) throws(AvroCodecError) {
        var parsed: avro_schema_t?
        let rc = canonicalForm.withCString { avro_schema_from_json_length($0, canonicalForm.utf8.count, &parsed) }
        guard rc == 0, let parsed else {
            throw .unsupportedSchema("avro_schema_from_json_length failed with error \(rc)")
        }
        schema = parsed
        nodes = LibavroNodeTable(graph: graph, schema: parsed)
        root = graph.root
    }

    deinit {
        if let raw = spare.exchange(nil, ordering: .acquiring) { Unmanaged<Workspace>.fromOpaque(raw).release() }
        idle.withLock { $0.removeAll() }
        avro_schema_decref(schema)
    }

    /// Runs `body` with a workspace no other thread is using.
    func withWorkspace<T>(_ body: (Workspace) throws(AvroCodecError) -> T) throws(AvroCodecError) -> T {
        let active = takeWorkspace()
        defer { giveBack(active) }
        return try body(active)
    }

    private func takeWorkspace() -> Workspace {
        // Acquiring pairs with the releasing exchange in `giveBack`: the last user's writes are visible.
        if let raw = spare.exchange(nil, ordering: .acquiring) {
            return Unmanaged<Workspace>.fromOpaque(raw).takeRetainedValue()
        }
        return idle.withLock { $0.popLast() } ?? Workspace(nodes: nodes, root: root)
    }

    private func giveBack(_ workspace: Workspace) {
        let raw = Unmanaged.passRetained(workspace).toOpaque()
        if spare.compareExchange(expected: nil, desired: raw, ordering: .releasing).exchanged { return }
        Unmanaged<Workspace>.fromOpaque(raw).release()
        idle.withLock { if $0.count < 16 { $0.append(workspace) } }
    }

    /// One thread's scratch objects: a tape to encode from, a tree to decode into, a growable output
    /// buffer and a memory reader.
    /// Unchecked: `withWorkspace` hands a workspace to one thread at a time.
    final class Workspace: @unchecked Sendable {
        /// What `encode` fills.
        let encoded: WriteTape
        /// What `read` fills.
        let decoded: ReadTree
        // A workspace is used by one thread at a time (see `withWorkspace`).
        @exclusivity(unchecked) private(set) var buffer: UnsafeMutableRawPointer
        @exclusivity(unchecked) private(set) var capacity: Int
        let writer: avro_writer_t
        let reader: avro_reader_t

        init(nodes: LibavroNodeTable, root: Int) {
            encoded = WriteTape(table: nodes)
            decoded = ReadTree(table: nodes, root: root)
            capacity = 4096
            buffer = .allocate(byteCount: capacity, alignment: 16)
            writer = avro_writer_memory(buffer.assumingMemoryBound(to: CChar.self), Int64(capacity))
            reader = avro_reader_memory(nil, 0)
        }

        deinit {
            avro_writer_free(writer)
            avro_reader_free(reader)
            buffer.deallocate()
        }

        /// Writes `encoded` into the buffer after `offset` bytes the caller fills (a message header, say),
        /// growing the buffer once if needed, and returns the whole buffer up to the end of the written bytes.
        func write(offset: Int = 0) throws(AvroCodecError) -> UnsafeMutableRawBufferPointer {
            if offset > capacity / 2 { grow(to: offset * 2) }
            avro_writer_memory_set_dest(writer, (buffer + offset).assumingMemoryBound(to: CChar.self), Int64(capacity - offset))
            var root = encoded.root
            var rc = avro_value_write(writer, &root)
            if rc == ENOSPC {
                var needed = 0
                guard avro_value_sizeof(&root, &needed) == 0 else { throw .libavro(operation: "size a value", code: rc) }
                grow(to: offset + needed)
                avro_writer_memory_set_dest(writer, (buffer + offset).assumingMemoryBound(to: CChar.self), Int64(capacity - offset))
                rc = avro_value_write(writer, &root)
            }
            guard rc == 0 else { throw .libavro(operation: "write a value", code: rc) }
            return UnsafeMutableRawBufferPointer(start: buffer, count: offset + Int(avro_writer_tell(writer)))
        }

        /// Where the writer's current destination starts in `buffer`, while the typed encoder streams into it.
        @exclusivity(unchecked) private var streamBase = 0
        /// The typed codec's per-thread state, made on first use and then reused, so a message allocates none.
        @exclusivity(unchecked) var typedEncoding: TypedEncoding?
        @exclusivity(unchecked) var typedDecoding: TypedDecoding?

        /// Points the writer at the buffer after `offset` bytes the caller fills (a message header), for a streamed write.
        func startStream(at offset: Int) {
            if offset + 64 > capacity { grow(to: offset + 64) }
            streamBase = offset
            avro_writer_memory_set_dest(writer, (buffer + offset).assumingMemoryBound(to: CChar.self), Int64(capacity - offset))
        }

        /// Bytes in the buffer so far, the caller's header included.
        var streamLength: Int { streamBase + Int(avro_writer_tell(writer)) }

        /// The buffer from its start to the end of the streamed bytes.
        var streamed: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer, count: streamLength) }

        /// Makes room for `count` more streamed bytes, moving what is written into a larger buffer when needed,
        /// so that libavro's writer never fails for want of space; returns the free bytes.
        func makeRoom(_ count: Int) -> Int {
            let used = streamLength
            if capacity - used >= count { return capacity - used }
            let larger = UnsafeMutableRawPointer.allocate(byteCount: max(capacity * 2, used + count), alignment: 16)
            larger.copyMemory(from: buffer, byteCount: used)
            buffer.deallocate()
            buffer = larger
            capacity = max(capacity * 2, used + count)
            rewindStream(to: used)
            return capacity - used
        }

        /// Drops the streamed bytes after `position`.
        func rewindStream(to position: Int) {
            streamBase = position
            avro_writer_memory_set_dest(writer, (buffer + position).assumingMemoryBound(to: CChar.self), Int64(capacity - position))
        }

        /// Moves the streamed bytes from `position` on so that the last `suffix` of them come first: how a block
        /// count, known only after its items are written, goes in front of them.
        func rotateStreamTail(from position: Int, suffix: Int) {
            let end = streamLength
            withUnsafeTemporaryAllocation(byteCount: suffix, alignment: 1) { saved in
                saved.baseAddress!.copyMemory(from: buffer + (end - suffix), byteCount: suffix)
                memmove(buffer + position + suffix, buffer + position, end - suffix - position)
                (buffer + position).copyMemory(from: saved.baseAddress!, byteCount: suffix)
            }
        }

        private func grow(to needed: Int) {
            buffer.deallocate()
            capacity = max(needed, capacity * 2)
            buffer = .allocate(byteCount: capacity, alignment: 16)
        }

        /// Reads one value from `bytes`, which the caller has validated against the schema, into `decoded`
        /// (`avro_value_read` resets it first). The caller releases `decoded` when it has used it.
        func read(_ bytes: UnsafeRawBufferPointer) throws(AvroCodecError) {
            avro_reader_memory_set_source(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int64(bytes.count))
            var root = decoded.root
            let rc = avro_value_read(reader, &root)
            guard rc == 0 else { throw .libavro(operation: "read a value", code: rc) }
        }
    }
}
