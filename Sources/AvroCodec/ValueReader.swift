import Avro
import CAvro

/// Builds an `AvroValue` from the tree libavro read validated data into.
struct ValueReader {
    let graph: SchemaGraph

    func read(_ tree: ReadTree) throws(AvroCodecError) -> AvroValue {
        let state = tree.state.pointee
        guard state.slots.count > 0 else { throw Self.unset() }
        return try read(slot: 0, in: state)
    }

    private func read(slot index: Int, in tree: ReadTree.State) throws(AvroCodecError) -> AvroValue {
        let slot = tree.slots[index]
        let node = Int(slot.node)
        // Most nodes have no logical type; they return straight from the switch, with no second copy of the value.
        if let logicalType = graph.logicalTypes[node] {
            return LogicalConversions.logicalValue(try readUnderlying(slot, node: node, in: tree), logicalType)
        }
        return try readUnderlying(slot, node: node, in: tree)
    }

    /// The common kinds are read right here and everything else out of line, which keeps this
    /// function's frame small: it runs once per node of every value.
    private func readUnderlying(_ slot: ReadTree.Slot, node: Int, in tree: ReadTree.State) throws(AvroCodecError) -> AvroValue {
        switch graph.ops[node] {
        case .null:
            return .null
        case .int:
            return .int(Int32(truncatingIfNeeded: slot.bits))
        case .long:
            return .long(Int64(bitPattern: slot.bits))
        case .double:
            return .double(Double(bitPattern: slot.bits))
        case .string:
            let buffer = try Self.buffer(slot, in: tree)
            return .string(try Self.string(buffer.buf?.assumingMemoryBound(to: CChar.self), size: buffer.size))
        case .enumeration(let start, let count):
            guard slot.bits < UInt64(count) else { throw Self.badIndex("enum", slot.bits, count) }
            return .enumSymbol(graph.symbols[start + Int(slot.bits)])
        case .union(_, let count):
            guard slot.bits < UInt64(count), slot.firstChild >= 0 else { throw Self.badIndex("union", slot.bits, count) }
            return try read(slot: Int(slot.firstChild), in: tree)
        case .record(let start, let count):
            return .record(AvroRecord(name: graph.names[node], fields: try readFields(slot, start: start, count: count, in: tree)))
        case .array:
            return .array(try readItems(slot, in: tree))
        case .boolean, .float, .bytes, .fixed, .map:
            return try readOther(slot, node: node, in: tree)
        }
    }

    private func readFields(_ slot: ReadTree.Slot, start: Int, count: Int, in tree: ReadTree.State) throws(AvroCodecError) -> [AvroRecord.Field] {
        guard Int(slot.childCount) == count else { throw Self.unset() }
        var fields: [AvroRecord.Field] = []
        fields.reserveCapacity(count)
        var child = Int(slot.firstChild)
        for position in start..<(start + count) {
            do { fields.append(AvroRecord.Field(graph.childNames[position], try read(slot: child, in: tree))) } catch {
                throw error.inside(".\(graph.childNames[position])")
            }
            child = Int(tree.slots[child].nextSibling)
        }
        return fields
    }

    private func readItems(_ slot: ReadTree.Slot, in tree: ReadTree.State) throws(AvroCodecError) -> [AvroValue] {
        var elements: [AvroValue] = []
        elements.reserveCapacity(Int(slot.childCount))
        var child = Int(slot.firstChild)
        for position in 0..<Int(slot.childCount) {
            do { elements.append(try read(slot: child, in: tree)) } catch { throw error.inside("[\(position)]") }
            child = Int(tree.slots[child].nextSibling)
        }
        return elements
    }

    /// The kinds that are rare in messages: boolean, float, bytes, fixed and map.
    @inline(never)
    private func readOther(_ slot: ReadTree.Slot, node: Int, in tree: ReadTree.State) throws(AvroCodecError) -> AvroValue {
        switch graph.ops[node] {
        case .boolean:
            return .boolean(slot.bits != 0)
        case .float:
            return .float(Float(bitPattern: UInt32(truncatingIfNeeded: slot.bits)))
        case .bytes, .fixed:
            let buffer = try Self.buffer(slot, in: tree)
            let bytes = Self.array(buffer.buf, buffer.size)
            if case .bytes = graph.ops[node] { return .bytes(bytes) }
            return .fixed(bytes)
        case .map:
            var entries: [String: AvroValue] = [:]
            entries.reserveCapacity(Int(slot.childCount))
            var child = Int(slot.firstChild)
            for _ in 0..<Int(slot.childCount) {
                let entry = tree.slots[child]
                guard entry.key >= 0 else { throw Self.unset() }
                let name = String(cString: tree.keyBytes.base + Int(entry.key))
                // A key that comes twice keeps its last value, as libavro's own maps do.
                do { entries[name] = try read(slot: child, in: tree) } catch { throw error.inside("[\"\(name)\"]") }
                child = Int(entry.nextSibling)
            }
            return .map(entries)
        default:
            return try readUnderlying(slot, node: node, in: tree)
        }
    }

    /// The buffer libavro gave a string, bytes or fixed value.
    @inline(__always)
    private static func buffer(_ slot: ReadTree.Slot, in tree: ReadTree.State) throws(AvroCodecError) -> avro_wrapped_buffer_t {
        guard slot.bits < UInt64(tree.buffers.count) else { throw unset() }
        return tree.buffers[Int(slot.bits)]
    }

    /// libavro finished reading without setting a value it should have: never expected after validation.
    @inline(never)
    private static func unset() -> AvroCodecError {
        .libavro(operation: "read a value", code: EINVAL)
    }

    @inline(never)
    private static func badIndex(_ kind: String, _ position: UInt64, _ count: Int) -> AvroCodecError {
        .invalidData(path: "$", message: "\(kind) index \(position) is outside 0..<\(count)")
    }

    /// The text of a libavro string, whose size counts the NUL libavro keeps after it. The UTF-8 check
    /// happens here, while the String is built, rather than in a separate pass of the body validator.
    static func string(_ pointer: UnsafePointer<CChar>?, size: Int) throws(AvroCodecError) -> String {
        guard let pointer, size > 1 else { return "" }
        // `String(validatingCString:)` checks the UTF-8 while it copies: one pass, where `String(decoding:)`
        // after our own check would make two (`String(validating:as:)` is generic and several times slower).
        // It stops at the first NUL, so text with an embedded NUL comes out short and takes the path below.
        if pointer[size - 1] == 0, let text = String(validatingCString: pointer), text.utf8.count == size - 1 {
            return text
        }
        let utf8 = UnsafeRawBufferPointer(start: pointer, count: size - 1)
        guard UTF8Validation.isValid(utf8) else { throw .invalidData(path: "$", message: "string is not valid UTF-8") }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func array(_ pointer: UnsafeRawPointer?, _ size: Int) -> [UInt8] {
        guard let pointer, size > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: size))
    }
}
