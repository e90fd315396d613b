/// Walks Avro binary data against its writer schema before libavro sees it, so that every
/// declared length, count, index and varint is checked against the bytes that are actually
/// there (string contents are checked for UTF-8 by `ValueReader`). libavro allocates what the data declares (a 6-byte message can ask for 1 GB),
/// does not check enum indices and does not notice trailing bytes; after this pass it only
/// ever reads data that is known to be well formed.
struct BodyValidator {
    /// The graph's flattened nodes and side tables: no reference-counted payloads, so walking costs no retains.
    let ops: [SchemaGraph.Op]
    let children: [Int]
    /// Record field names by position in `children`, for error paths only.
    let fieldNames: [String]
    /// Nodes that always encode to no bytes (null, fixed(0), records of such): array items of these
    /// cost no input, so they are counted against `DecodingLimits.maxZeroSizeItems` instead.
    let hasZeroSize: [Bool]
    let root: Int

    init(graph: SchemaGraph) {
        root = graph.root
        ops = graph.ops
        children = graph.children
        fieldNames = graph.childNames
        var zeroSize = Array(repeating: false, count: graph.nodes.count)
        // A fixed point: records are zero-size when all fields are; cycles start false, which is the safe answer.
        var changed = true
        while changed {
            changed = false
            for (index, node) in graph.nodes.enumerated() where !zeroSize[index] {
                let isZero: Bool
                switch node.kind {
                case .null: isZero = true
                case .fixed(let size): isZero = size == 0
                case .record(let fields, _): isZero = fields.allSatisfy { zeroSize[$0.node] }
                default: isZero = false
                }
                if isZero {
                    zeroSize[index] = true
                    changed = true
                }
            }
        }
        hasZeroSize = zeroSize
    }

    func validate(_ bytes: UnsafeRawBufferPointer) throws(AvroCodecError) {
        var cursor = Cursor(bytes: bytes)
        var zeroSizeBudget = DecodingLimits.maxZeroSizeItems
        try skip(node: root, cursor: &cursor, depth: 0, zeroSizeBudget: &zeroSizeBudget)
        if cursor.position != bytes.count { throw .trailingBytes(count: bytes.count - cursor.position) }
    }

    /// Checks and steps over one value of `node` (the typed decoder skips the fields its reader drops with this).
    func skipValue(node index: Int, cursor: inout Cursor, depth: Int, zeroSizeBudget: inout Int) throws(AvroCodecError) {
        try skip(node: index, cursor: &cursor, depth: depth, zeroSizeBudget: &zeroSizeBudget)
    }

    // Private, so that all its callers are known and the optimizer may change its signature: the hot path of `decode`.
    private func skip(node index: Int, cursor: inout Cursor, depth: Int, zeroSizeBudget: inout Int) throws(AvroCodecError) {
        switch ops[index] {
        case .null: break
        case .boolean:
            let byte = try cursor.take(1)
            guard byte[byte.startIndex] <= 1 else { throw .invalidData(path: "$", message: "boolean byte \(byte[byte.startIndex]) is neither 0 nor 1") }
        case .int: _ = try cursor.readInt()
        case .long: _ = try cursor.readLong()
        case .float: _ = try cursor.take(4)
        case .double: _ = try cursor.take(8)
        case .bytes:
            _ = try cursor.take(try cursor.readLength())
        case .string:
            // ValueReader checks the UTF-8 as it builds the String: one pass over the text, not two.
            _ = try cursor.take(try cursor.readLength())
        case .fixed(let size): _ = try cursor.take(size)
        case .enumeration(_, let symbolCount):
            let position = try cursor.readInt()
            guard position >= 0, Int(position) < symbolCount else {
                throw .invalidData(path: "$", message: "enum index \(position) is outside 0..<\(symbolCount)")
            }
        case .union(let start, let count):
            let position = try cursor.readLong()
            guard position >= 0, position < Int64(count) else {
                throw .invalidData(path: "$", message: "union index \(position) is outside 0..<\(count)")
            }
            try deeper(depth)
            try skip(node: children[start + Int(position)], cursor: &cursor, depth: depth + 1, zeroSizeBudget: &zeroSizeBudget)
        case .record(let start, let count):
            try deeper(depth)
            for slot in start..<(start + count) {
                do { try skip(node: children[slot], cursor: &cursor, depth: depth + 1, zeroSizeBudget: &zeroSizeBudget) } catch {
                    throw error.inside(".\(fieldNames[slot])")
                }
            }
        case .array(let items):
            try deeper(depth)
            let itemsHaveZeroSize = hasZeroSize[items]
            var position = 0
            while true {
                let count = try cursor.readBlockCount()
                if count == 0 { break }
                if itemsHaveZeroSize {
                    zeroSizeBudget -= count
                    guard zeroSizeBudget >= 0 else {
                        throw .limitExceeded(path: "$", message: "more than \(DecodingLimits.maxZeroSizeItems) items of zero size")
                    }
                }
                for _ in 0..<count {
                    do { try skip(node: items, cursor: &cursor, depth: depth + 1, zeroSizeBudget: &zeroSizeBudget) } catch { throw error.inside("[\(position)]") }
                    position += 1
                }
            }
        case .map(let values):
            try deeper(depth)
            while true {
                let count = try cursor.readBlockCount()
                if count == 0 { break }
                for _ in 0..<count {
                    let key = try cursor.take(try cursor.readLength())
                    guard UTF8Validation.isValid(UnsafeRawBufferPointer(rebasing: key)) else {
                        throw .invalidData(path: "$", message: "map key is not valid UTF-8")
                    }
                    try skip(node: values, cursor: &cursor, depth: depth + 1, zeroSizeBudget: &zeroSizeBudget)
                }
            }
        }
    }

    @inline(__always)
    private func deeper(_ depth: Int) throws(AvroCodecError) {
        guard depth < DecodingLimits.maxDepth else {
            throw .limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
        }
    }

    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var remaining: Int { bytes.count - position }

        @inline(__always)
        mutating func take(_ count: Int) throws(AvroCodecError) -> UnsafeRawBufferPointer.SubSequence {
            guard count <= remaining else { throw .truncated(path: "$") }
            defer { position += count }
            return bytes[position..<(position + count)]
        }

        @inline(__always)
        mutating func readLong() throws(AvroCodecError) -> Int64 {
            // Most varints in real data (lengths, small numbers, indices) are one byte.
            if position < bytes.count, bytes[position] < 0x80 {
                let byte = UInt64(bytes[position])
                position += 1
                return Int64(bitPattern: (byte >> 1) ^ (0 &- (byte & 1)))
            }
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count else { throw .truncated(path: "$") }
                let byte = bytes[position]
                position += 1
                guard shift < 64, shift < 63 || byte & 0x7e == 0 else {
                    throw .invalidData(path: "$", message: "varint longer than 64 bits")
                }
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
        }

        @inline(__always)
        mutating func readInt() throws(AvroCodecError) -> Int32 {
            let start = position
            let value = try readLong()
            guard position - start <= 5, let narrowed = Int32(exactly: value) else {
                throw .invalidData(path: "$", message: "varint does not fit an int")
            }
            return narrowed
        }

        /// A string or bytes length, which must be non-negative and no more than what is left.
        @inline(__always)
        mutating func readLength() throws(AvroCodecError) -> Int {
            let length = try readLong()
            guard length >= 0 else { throw .invalidData(path: "$", message: "negative length \(length)") }
            guard length <= Int64(remaining) else { throw .truncated(path: "$") }
            return Int(length)
        }

        /// An array or map block's item count; a negative count is followed by the block's byte size.
        mutating func readBlockCount() throws(AvroCodecError) -> Int {
            let count = try readLong()
            if count >= 0 {
                guard count <= Int64(Int32.max) else { throw .limitExceeded(path: "$", message: "block of \(count) items") }
                return Int(count)
            }
            guard count > -Int64(Int32.max) else { throw .limitExceeded(path: "$", message: "block of \(count) items") }
            let size = try readLong()
            guard size >= 0, size <= Int64(remaining) else { throw .invalidData(path: "$", message: "block size \(size) does not fit the data") }
            return Int(-count)
        }
    }
}
