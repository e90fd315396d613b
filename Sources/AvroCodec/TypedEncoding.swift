import CAvro
import Foundation

/// Thrown inside the typed codec when a value's shape needs the `AvroValue` path (properties out of schema
/// order, a field left out for its default, several record branches in one union); the caller then takes it.
struct NeedsGenericPath: Error {}

/// Streams an `Encodable` value into Avro binary through libavro's binary encoding (`avro_binary_encoding`'s
/// writers into the workspace's memory writer), walking the schema graph while `encode(to:)` walks the value:
/// no `AvroValue` tree, no callback per field, no sizing pass. One per workspace, reused for every message.
///
/// Frames stand for the values being written, innermost last. Codable never says when a container is done, so
/// a frame is finished (its block count written, its missing fields noticed) when its parent is next written to.
final class TypedEncoding {
    struct Frame {
        var node: Int
        var state: State
    }

    enum State {
        /// No container asked for yet (a union's branch is picked by the kind of container).
        case open
        case record(next: Int)
        /// An array or map: where its items start and how many there are so far.
        case sequence(start: Int, count: Int)
        case done
    }

    enum ContainerKind { case keyed, unkeyed }

    let graph: SchemaGraph
    /// The graph's tables read on every field, without reference counting.
    let ops: UnsafeTable<SchemaGraph.Op>
    let children: UnsafeTable<Int>
    let childNames: UnsafeTable<String>
    /// The generic path's conversions (long into int, symbol into enum index, logical values), so both paths agree.
    let values: ValueWriter
    unowned(unsafe) let workspace: LibavroSchema.Workspace
    private let writer: avro_writer_t
    // One thread at a time uses this state (see `LibavroSchema.withWorkspace`), so its accesses need no
    // dynamic exclusivity checks, which otherwise cost a fifth of the time.
    /// A lower bound on the bytes free after the writer's position.
    @exclusivity(unchecked) private var free = 0
    /// The frames, innermost last: room for the deepest nesting allowed, so pushing one never allocates.
    let frames: UnsafeMutablePointer<Frame>
    @exclusivity(unchecked) private(set) var frameCount = 0
    /// A failure where `Encoder` cannot throw (asking for a container of the wrong kind), reported once the value is done.
    @exclusivity(unchecked) private var deferredError: (any Error)?

    init(graph: SchemaGraph, defaults: DefaultValues, workspace: LibavroSchema.Workspace) {
        self.graph = graph
        values = ValueWriter(graph: graph, defaults: defaults)
        self.workspace = workspace
        writer = workspace.writer
        ops = UnsafeTable(graph.ops)
        children = UnsafeTable(graph.children)
        childNames = UnsafeTable(graph.childNames)
        frames = .allocate(capacity: DecodingLimits.maxDepth + 1)
    }

    deinit {
        ops.free()
        children.free()
        childNames.free()
        frames.deallocate()
    }

    /// Streams `value` into the workspace's buffer after `headerLength` bytes the caller fills.
    func encode<T: Encodable>(_ value: T, headerLength: Int) throws {
        frameCount = 0
        deferredError = nil
        workspace.startStream(at: headerLength)
        free = 0
        try encodeValue(value, node: graph.root)
    }

    func encodeValue<T: Encodable>(_ value: T, node: Int) throws {
        // Array items and other values Codable hands over generically; a String's own `encode(to:)` would cost a frame.
        if T.self == String.self { return try write(.string(unsafeBitCast(value, to: String.self)), node: node) }
        if let special = Self.special(value) { return try write(special, node: node) }
        guard frameCount < DecodingLimits.maxDepth else {
            throw AvroCodecError.limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
        }
        frames[frameCount] = Frame(node: node, state: .open)
        frameCount += 1
        let index = frameCount - 1
        do {
            try value.encode(to: TypedEncoder(state: self, frame: index))
        } catch {
            // What went wrong first, not what the value then tripped over.
            if let deferredError { throw deferredError }
            if error is AvroCodecError || error is NeedsGenericPath { throw error }
            throw AvroCodecError.valueDoesNotMatchSchema(path: "$", message: "\(error)")
        }
        if let deferredError { throw deferredError }
        try focus(index)
        try finish(index)
        frameCount -= 1
    }

    /// The logical and byte types Codable would take apart, as the generic encoder's values; nil for everything else.
    /// Metatype comparisons first: they cost next to nothing, unlike the dynamic casts that convert.
    @inline(__always)
    private static func special<T: Encodable>(_ value: T) -> AvroValue? {
        guard T.self == Date.self || T.self == UUID.self || T.self == AvroDecimal.self || T.self == Decimal.self
            || T.self == Data.self || T.self == [UInt8].self
        else { return nil }
        return AvroEncoding.special(value)
    }

    // MARK: Frames

    /// Finishes the frames above `index`: writing to a frame means every value nested deeper is complete.
    @inline(__always)
    func focus(_ index: Int) throws {
        while frameCount - 1 > index {
            try finish(frameCount - 1)
            frameCount -= 1
        }
    }

    private func finish(_ index: Int) throws {
        switch frames[index].state {
        case .open:
            // A value that asked for no container is null, as in the generic encoder.
            try write(.null, node: frames[index].node)
        case .record(let next):
            guard case .record(_, let count) = ops[frames[index].node], next == count else { throw NeedsGenericPath() }
        case .sequence(let start, let count):
            if count > 0 {
                let before = workspace.streamLength
                try writeLong(Int64(count))
                workspace.rotateStreamTail(from: start, suffix: workspace.streamLength - before)
            }
            try writeLong(0)
        case .done:
            break
        }
        frames[index].state = .done
    }

    /// Sets up frame `index` for a container of `kind`, writing a union's branch index first. Errors wait until the value is done.
    func open(_ index: Int, _ kind: ContainerKind) {
        do {
            try focus(index)
            guard case .open = frames[index].state else { return }
            var node = frames[index].node
            if case .union(let start, let count) = ops[node] {
                let fitting = (start..<(start + count)).filter { slot in
                    switch ops[children[slot]] {
                    case .record, .map: kind == .keyed
                    case .array: kind == .unkeyed
                    default: false
                    }
                }
                guard fitting.count <= 1 else { throw NeedsGenericPath() }
                guard let slot = fitting.first else { throw containerMismatch(node, kind) }
                try writeLong(Int64(slot - start))
                node = children[slot]
                frames[index].node = node
            }
            switch (ops[node], kind) {
            case (.record, .keyed): frames[index].state = .record(next: 0)
            case (.map, .keyed), (.array, .unkeyed): frames[index].state = .sequence(start: workspace.streamLength, count: 0)
            default: throw containerMismatch(node, kind)
            }
        } catch {
            if deferredError == nil { deferredError = error }
        }
    }

    /// Records `error` as the message's outcome even if the caller's `encode(to:)` swallows it (`try?`): what
    /// was written up to the failure stays in the stream. Called as errors travel up, so the outermost caller
    /// leaves the error with its full path.
    func stick(_ error: any Error) {
        deferredError = error
    }

    /// An encoder for a new frame at the node `locate` finds (a nested container's), finished when its parent is next written to.
    func nested(at locate: () throws -> Int?) -> TypedEncoder {
        do {
            guard frameCount < DecodingLimits.maxDepth else {
                throw AvroCodecError.limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
            }
            guard let node = try locate() else { throw NeedsGenericPath() }
            frames[frameCount] = Frame(node: node, state: .open)
            frameCount += 1
        } catch {
            if deferredError == nil { deferredError = error }
            // A frame that takes nothing, so the caller's writes fail; the error above is what is reported.
            if frameCount <= DecodingLimits.maxDepth {
                frames[frameCount] = Frame(node: graph.root, state: .done)
                frameCount += 1
            }
        }
        return TypedEncoder(state: self, frame: frameCount - 1)
    }

    private func containerMismatch(_ node: Int, _ kind: ContainerKind) -> AvroCodecError {
        .valueDoesNotMatchSchema(path: "$", message: "expected \(ValueWriter.describe(graph[node])), found \(kind == .keyed ? "record" : "array")")
    }

    /// The node of the field `key` names in a record frame (nil for a property the schema lacks, which is
    /// left out as the generic encoder does), or of the next value in a map frame after writing its key.
    func field(_ index: Int, _ key: String) throws -> Int? {
        try focus(index)
        let node = frames[index].node
        switch frames[index].state {
        case .record(let next):
            guard case .record(let start, let count) = ops[node] else { break }
            if next < count, childNames[start + next] == key {
                frames[index].state = .record(next: next + 1)
                return children[start + next]
            }
            if case .record(_, let indexByName) = graph[node].kind, indexByName[key] != nil { throw NeedsGenericPath() }
            return nil
        case .sequence(let start, let count):
            guard case .map(let valuesNode) = ops[node] else { break }
            try writeString(key)
            frames[index].state = .sequence(start: start, count: count + 1)
            return valuesNode
        case .open, .done:
            break
        }
        throw containerMismatch(node, .keyed)
    }

    /// The node of the next item in an array frame.
    func element(_ index: Int) throws -> Int {
        try focus(index)
        guard case .sequence(let start, let count) = frames[index].state, case .array(let items) = ops[frames[index].node] else {
            throw containerMismatch(frames[index].node, .unkeyed)
        }
        frames[index].state = .sequence(start: start, count: count + 1)
        return items
    }

    /// The node a single value of frame `index` is written at.
    func single(_ index: Int) throws -> Int {
        try focus(index)
        frames[index].state = .done
        return frames[index].node
    }

    // MARK: Values

    /// Writes a value that has no container of its own (a number, text, a symbol, a logical value) at `node`.
    func write(_ value: AvroValue, node: Int) throws(AvroCodecError) {
        switch ops[node] {
        case .null:
            guard case .null = value else { throw values.mismatch(value, node) }
        case .boolean:
            guard case .boolean(let flag) = value else { throw values.mismatch(value, node) }
            try check(cavro_write_boolean(room(1), flag ? 1 : 0))
        case .int:
            try writeLong(Int64(try values.intValue(value, node)))
        case .long:
            if case .long(let x) = value { try writeLong(x) } else { try writeLong(try values.longValue(value, node)) }
        case .float:
            try check(cavro_write_float(room(4), try values.floatValue(value, node)))
        case .double:
            let x = if case .double(let x) = value { x } else { try values.doubleValue(value, node) }
            try check(cavro_write_double(room(8), x))
        case .string:
            switch value {
            case .string(let text): try writeString(text)
            case .uuid(let uuid): try writeString(uuid.uuidString.lowercased())
            default: throw values.mismatch(value, node)
            }
        case .bytes:
            try values.bytesValue(value, node).withUnsafeBytesTyped { (bytes) throws(AvroCodecError) in try writeBytes(bytes) }
        case .fixed(let size):
            let bytes = try values.fixedValue(value, node, size: size)
            if size > 0 { try bytes.withUnsafeBytesTyped { (raw) throws(AvroCodecError) in try check(avro_write(room(size), UnsafeMutableRawPointer(mutating: raw.baseAddress), Int64(size))) } }
        case .enumeration(let start, let count):
            try writeLong(Int64(try values.enumPosition(value, node, start: start, count: count)))
        case .union(let start, let count):
            try writeUnion(value, start: start, count: count)
        case .array, .map, .record:
            throw values.mismatch(value, node)
        }
    }

    private func writeUnion(_ value: AvroValue, start: Int, count: Int) throws(AvroCodecError) {
        for position in 0..<count where values.fitsExactly(value, node: children[start + position]) {
            try writeLong(Int64(position))
            return try write(value, node: children[start + position])
        }
        // The first branch that takes the value after a conversion, as the generic encoder picks it.
        for position in 0..<count {
            let mark = workspace.streamLength
            try writeLong(Int64(position))
            if (try? write(value, node: children[start + position])) != nil { return }
            workspace.rewindStream(to: mark)
        }
        let names = (start..<(start + count)).map { graph[children[$0]].type.typeName }
        throw .valueDoesNotMatchSchema(path: "$", message: "no branch of union \(names) accepts \(value.kindName)")
    }

    // MARK: libavro

    /// The writer, after making sure `count` more bytes fit, so that libavro never fails for want of space.
    @inline(__always)
    private func room(_ count: Int) -> avro_writer_t {
        if free < count { free = workspace.makeRoom(count) }
        free -= count
        return writer
    }

    @inline(__always)
    private func check(_ rc: Int32) throws(AvroCodecError) {
        guard rc == 0 else { throw .libavro(operation: "write a value", code: rc) }
    }

    @inline(__always)
    func writeLong(_ x: Int64) throws(AvroCodecError) {
        try check(cavro_write_long(room(10), x))
    }

    private func writeBytes(_ bytes: UnsafeRawBufferPointer) throws(AvroCodecError) {
        try check(cavro_write_bytes(room(10 + bytes.count), bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int64(bytes.count)))
    }

    func writeString(_ text: String) throws(AvroCodecError) {
        // Native strings hand out their UTF-8 in place; only a bridged one is copied first.
        let written: Result<Void, AvroCodecError>? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            Result { () throws(AvroCodecError) in try writeBytes(UnsafeRawBufferPointer(utf8)) }
        }
        if let written { return try written.get() }
        try Array(text.utf8).withUnsafeBytesTyped { (bytes) throws(AvroCodecError) in try writeBytes(bytes) }
    }
}
