import CAvro
import Foundation

/// Reads Avro binary data straight into a `Decodable` value through libavro's binary encoding
/// (`avro_binary_encoding`'s readers on the workspace's memory reader), following a `DecodePlan` while
/// `init(from:)` asks for fields: no `AvroValue` tree, no callback per field, no validation pass.
///
/// The data is untrusted: before libavro reads anything, the bytes it will consume are checked to be there
/// (a varint's end, a length against what is left), so libavro never allocates what the data merely declares
/// and never reaches its own error paths, whose message buffer is shared by all threads.
/// One per workspace, reused for every message.
final class TypedDecoding {
    struct Frame {
        var step: Int
        var state: State
    }

    /// A field whose union index has been read (by `decodeNil`) but whose value has not.
    struct Pending {
        let field: Int
        let position: Int
        let step: Int
    }

    enum State {
        /// No container asked for yet.
        case open
        case record(DecodePlan.RecordPlan, next: Int, guess: Int, pending: Pending?)
        /// `remaining` items left in the current block; at 0, the next block's count is read on the next access.
        case array(items: Int, remaining: Int, ended: Bool)
        /// Every entry's key and where its value starts, and where the map ends.
        case map(entries: [(key: String, offset: Int)], values: Int, end: Int)
        case done
    }

    enum ContainerKind { case keyed, unkeyed }

    private let reader: avro_reader_t
    private(set) unowned(unsafe) var plan: DecodePlan
    private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    private var position = 0
    private var zeroSizeBudget = 0
    private(set) var frames: [Frame] = []
    /// A failure where `Decoder` cannot throw (`isAtEnd`, `decodeNil()`), reported once the value is done.
    private var deferredError: (any Error)?

    init(reader: avro_reader_t, plan: DecodePlan) {
        self.reader = reader
        self.plan = plan
        frames.reserveCapacity(16)
    }

    /// Decodes a `T` that fills `bytes` exactly, by `plan`.
    func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer, plan: DecodePlan) throws -> T {
        self.plan = plan
        self.bytes = bytes
        frames.removeAll(keepingCapacity: true)
        deferredError = nil
        zeroSizeBudget = DecodingLimits.maxZeroSizeItems
        seek(0)
        defer { self.bytes = UnsafeRawBufferPointer(start: nil, count: 0) }
        let value = try decodeValue(type, step: plan.root)
        if position != bytes.count { throw AvroCodecError.trailingBytes(count: bytes.count - position) }
        return value
    }

    func decodeValue<T: Decodable>(_ type: T.Type, step: Int) throws -> T {
        if Self.isSpecial(type) { return try AvroValueDecoder().decode(type, from: readValue(step)) }
        guard frames.count < DecodingLimits.maxDepth else {
            throw AvroCodecError.limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
        }
        frames.append(Frame(step: step, state: .open))
        let index = frames.count - 1
        let value: T
        do {
            value = try T(from: TypedDecoder(state: self, frame: index))
        } catch {
            if let deferredError { throw deferredError }
            throw Self.typed(error)
        }
        if let deferredError { throw deferredError }
        try focus(index)
        try finish(index)
        frames.removeLast()
        return value
    }

    /// The types the generic decoder builds from a whole value (logical types, bytes, `AvroValue` itself).
    @inline(__always)
    private static func isSpecial<T>(_ type: T.Type) -> Bool {
        type == Date.self || type == UUID.self || type == AvroDecimal.self || type == Decimal.self || type == Data.self
            || type == [UInt8].self || type == AvroValue.self
    }

    /// Errors as the library throws them: Codable's own errors become `AvroCodecError`s.
    static func typed(_ error: any Error) -> any Error {
        switch error {
        case is AvroCodecError, is NeedsGenericPath: error
        case let error as DecodingError: AvroDecoding.describe(error)
        default: AvroCodecError.valueDoesNotMatchSchema(path: "$", message: "\(error)")
        }
    }

    /// Runs `body`, turning a conversion's `DecodingError` into the library's error.
    @inline(__always)
    static func converting<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw typed(error) }
    }

    func deferError(_ error: any Error) {
        if deferredError == nil { deferredError = Self.typed(error) }
    }

    /// Records `error` as the message's outcome even if the caller's `init(from:)` swallows it (`try?`), unless
    /// it is a conversion's mismatch, which the generic path also lets a caller catch: after a data error or a
    /// switch to the generic path, what follows in the stream is not what the caller would read next.
    /// Called as errors travel up, so the outermost caller leaves the error with its full path.
    func stick(_ error: any Error) {
        if case AvroCodecError.valueDoesNotMatchSchema = error { return }
        deferredError = error
    }

    // MARK: Frames

    /// Finishes the frames above `index`: reading from a frame means every value nested deeper is done.
    @inline(__always)
    func focus(_ index: Int) throws {
        while frames.count - 1 > index {
            try finish(frames.count - 1)
            frames.removeLast()
        }
    }

    /// Consumes what the value of frame `index` left unread.
    private func finish(_ index: Int) throws {
        switch frames[index].state {
        case .open:
            try skip(plan.writerNodes[frames[index].step])
        case .record(let record, let next, _, let pending):
            var next = next
            if let pending {
                try skip(plan.writerNodes[pending.step])
                next = pending.position + 1
            }
            for position in next..<max(next, record.writerFields.count) { try skip(record.writerFields[position]) }
        case .array(let items, var remaining, var ended):
            while !ended {
                if remaining == 0 {
                    remaining = try readBlockCount(items: plan.writerNodes[items])
                    ended = remaining == 0
                } else {
                    try skip(plan.writerNodes[items])
                    remaining -= 1
                }
            }
        case .map(_, _, let end):
            seek(end)
        case .done:
            break
        }
        frames[index].state = .done
    }

    /// Reads union indices until the step of the branch the data holds.
    func resolveUnion(_ step: Int) throws -> Int {
        var step = step
        while true {
            switch plan.steps[step] {
            case .writerUnion(let branches):
                let position = try readLong()
                guard position >= 0, position < Int64(branches.count) else {
                    throw AvroCodecError.invalidData(path: "$", message: "union index \(position) is outside 0..<\(branches.count)")
                }
                step = branches[Int(position)]
            case .readerBranch(let branch):
                step = branch
            default:
                return step
            }
        }
    }

    func isNull(_ step: Int) -> Bool {
        guard case .scalar(let writer, _, _) = plan.steps[step], case .null = plan.writerGraph.ops[writer] else { return false }
        return true
    }

    /// Sets up frame `index` for a container of `kind`.
    func open(_ index: Int, _ kind: ContainerKind) throws {
        try focus(index)
        switch (frames[index].state, kind) {
        case (.record, .keyed), (.map, .keyed), (.array, .unkeyed): return
        case (.open, _): break
        default: throw NeedsGenericPath()
        }
        let step = try resolveUnion(frames[index].step)
        frames[index].step = step
        switch (plan.steps[step], kind) {
        case (.record(let record), .keyed):
            frames[index].state = .record(record, next: 0, guess: 0, pending: nil)
        case (.map(let values), .keyed):
            frames[index].state = try scanMap(values: values)
        case (.array(let items), .unkeyed):
            frames[index].state = .array(items: items, remaining: 0, ended: false)
        case (.fail(let message), _):
            throw AvroCodecError.incompatibleSchemas(message)
        default:
            let found = isNull(step) ? "null" : plan.writerGraph[plan.writerNodes[step]].type.typeName
            let expected = kind == .keyed ? "a record or map" : "an array"
            throw AvroCodecError.valueDoesNotMatchSchema(path: "$", message: "\(found) is not \(expected)")
        }
    }

    /// Reads every key of a map and notes where its value starts, so the map can be read in any key order.
    private func scanMap(values: Int) throws -> State {
        var entries: [(key: String, offset: Int)] = []
        let valueNode = plan.writerNodes[values]
        while true {
            let count = try readBlockCount(items: -1)
            if count == 0 { break }
            for _ in 0..<count {
                let key = try readString()
                entries.append((key, position))
                try skip(valueNode)
            }
        }
        return .map(entries: entries, values: values, end: position)
    }

    /// A decoder for a new frame at `step` (a nested container's), finished when its parent is next read from.
    func nested(step: Int) throws -> TypedDecoder {
        guard frames.count < DecodingLimits.maxDepth else {
            throw AvroCodecError.limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
        }
        frames.append(Frame(step: step, state: .open))
        return TypedDecoder(state: self, frame: frames.count - 1)
    }

    /// The step a single value of frame `index` is read by; the frame counts as read.
    func single(_ index: Int) throws -> Int {
        try focus(index)
        guard case .open = frames[index].state else { throw NeedsGenericPath() }
        frames[index].state = .done
        return frames[index].step
    }

    /// Whether the single value of frame `index` is null, reading its union index (kept for the decode that follows).
    func singleIsNil(_ index: Int) throws -> Bool {
        try focus(index)
        guard case .open = frames[index].state else { return false }
        let step = try resolveUnion(frames[index].step)
        frames[index].step = step
        guard isNull(step) else { return false }
        frames[index].state = .done
        return true
    }

    // MARK: Records

    enum FieldValue {
        case stream(Int)
        case given(AvroValue)
    }

    /// The reader field named `key` in record frame `index`; throws `keyNotFound` when the reader has none.
    private func locate<Key: CodingKey>(_ index: Int, _ key: Key) throws -> (DecodePlan.RecordPlan, Int) {
        guard case .record(let record, let next, let guess, let pending) = frames[index].state else { throw NeedsGenericPath() }
        let name = key.stringValue
        let field: Int
        if guess < record.readerNames.count, record.readerNames[guess] == name {
            field = guess
        } else if let found = record.readerIndex[name] {
            field = found
        } else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no field \(name)"))
        }
        frames[index].state = .record(record, next: next, guess: field + 1, pending: pending)
        return (record, field)
    }

    /// Positions the data at reader field `field` of record frame `index` and says how to read it.
    private func seekField(_ index: Int, _ record: DecodePlan.RecordPlan, _ field: Int) throws -> FieldValue {
        switch record.sources[field] {
        case .defaultValue(let value):
            return .given(value)
        case .writer(let position, let step):
            guard case .record(_, var next, let guess, let pending) = frames[index].state else { throw NeedsGenericPath() }
            if let pending {
                if pending.field == field {
                    frames[index].state = .record(record, next: next, guess: guess, pending: nil)
                    return .stream(pending.step)
                }
                try skip(plan.writerNodes[pending.step])
                next = pending.position + 1
            }
            // Fields asked for out of the writer's order would need to read back: the generic path does that.
            guard position >= next else { throw NeedsGenericPath() }
            while next < position {
                try skip(record.writerFields[next])
                next += 1
            }
            frames[index].state = .record(record, next: position + 1, guess: guess, pending: nil)
            return .stream(step)
        }
    }

    /// Where the value for `key` is in frame `index` (a record or a map).
    func field<Key: CodingKey>(_ index: Int, _ key: Key) throws -> FieldValue {
        try focus(index)
        if case .map(let entries, let values, _) = frames[index].state {
            let name = key.stringValue
            guard let entry = entries.last(where: { $0.key == name }) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no key \(name)"))
            }
            seek(entry.offset)
            return .stream(values)
        }
        let (record, field) = try locate(index, key)
        return try seekField(index, record, field)
    }

    /// Whether field `key` holds null; a union's index read on the way is kept for the decode that follows.
    func fieldIsNil<Key: CodingKey>(_ index: Int, _ key: Key) throws -> Bool {
        try focus(index)
        if case .map = frames[index].state {
            guard case .stream(let step) = try field(index, key) else { return false }
            return isNull(try resolveUnion(step))
        }
        let (record, field) = try locate(index, key)
        if case .record(_, _, _, let pending?) = frames[index].state, pending.field == field { return isNull(pending.step) }
        switch try seekField(index, record, field) {
        case .given(let value):
            return value == .null
        case .stream(let step):
            let branch = try resolveUnion(step)
            if isNull(branch) { return true }
            guard case .record(_, let next, let guess, _) = frames[index].state, case .writer(let position, _) = record.sources[field] else {
                return false
            }
            frames[index].state = .record(record, next: next, guess: guess, pending: Pending(field: field, position: position, step: branch))
            return false
        }
    }

    func contains(_ index: Int, _ name: String) -> Bool {
        switch frames[index].state {
        case .record(let record, _, _, _): record.readerIndex[name] != nil
        case .map(let entries, _, _): entries.contains { $0.key == name }
        default: false
        }
    }

    func allKeys(_ index: Int) -> [String] {
        switch frames[index].state {
        case .record(let record, _, _, _): record.readerNames
        case .map(let entries, _, _): entries.map(\.key)
        default: []
        }
    }

    // MARK: Arrays

    /// Whether array frame `index` has no items left, reading the next block's count when the current one is used up.
    func isAtEnd(_ index: Int) throws -> Bool {
        try focus(index)
        guard case .array(let items, var remaining, var ended) = frames[index].state else { return true }
        if remaining == 0, !ended {
            remaining = try readBlockCount(items: plan.writerNodes[items])
            ended = remaining == 0
            frames[index].state = .array(items: items, remaining: remaining, ended: ended)
        }
        return ended
    }

    /// The step of the next item of array frame `index`, counted as read.
    func nextItem(_ index: Int) throws -> Int {
        guard try !isAtEnd(index), case .array(let items, let remaining, let ended) = frames[index].state else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "the array has no more items"))
        }
        frames[index].state = .array(items: items, remaining: remaining - 1, ended: ended)
        return items
    }

    // MARK: Values

    /// The value of `step` when it has no container of its own (a number, text, a symbol), as the generic
    /// decoder's value of the reader schema would be.
    func readValue(_ step: Int) throws -> AvroValue {
        let step = try resolveUnion(step)
        switch plan.steps[step] {
        case .scalar(let writer, let promoteTo, let logicalType):
            var value = try readRaw(writer)
            if let promoteTo { value = try AvroResolution.promote(value, to: promoteTo) }
            if let logicalType { value = LogicalConversions.logicalValue(value, logicalType) }
            return value
        case .enumeration(let writerSymbols, let readerSymbols):
            let position = try readInt()
            guard position >= 0, Int(position) < readerSymbols.count else {
                throw AvroCodecError.invalidData(path: "$", message: "enum index \(position) is outside 0..<\(readerSymbols.count)")
            }
            guard let symbol = readerSymbols[Int(position)] else {
                throw AvroCodecError.incompatibleSchemas("symbol \"\(writerSymbols[Int(position)])\" is not in the reader's enum, which has no default")
            }
            return .enumSymbol(symbol)
        case .fail(let message):
            throw AvroCodecError.incompatibleSchemas(message)
        case .record, .array, .map, .writerUnion, .readerBranch:
            // A whole record or collection as an `AvroValue`: the generic path builds those.
            throw NeedsGenericPath()
        }
    }

    private func readRaw(_ node: Int) throws(AvroCodecError) -> AvroValue {
        switch plan.writerGraph.ops[node] {
        case .null: return .null
        case .long: return .long(try readLong())
        case .int: return .int(try readInt())
        case .string: return .string(try readString())
        case .double:
            try need(8)
            var x: Double = 0
            try check(cavro_read_double(reader, &x))
            position += 8
            return .double(x)
        case .float:
            try need(4)
            var x: Float = 0
            try check(cavro_read_float(reader, &x))
            position += 4
            return .float(x)
        case .boolean:
            try need(1)
            let byte = bytes[position]
            guard byte <= 1 else { throw .invalidData(path: "$", message: "boolean byte \(byte) is neither 0 nor 1") }
            var flag: Int8 = 0
            try check(cavro_read_boolean(reader, &flag))
            position += 1
            return .boolean(flag != 0)
        case .bytes:
            return .bytes(try readBytes(count: try readLength()))
        case .fixed(let size):
            return .fixed(try readBytes(count: size))
        case .enumeration, .union, .record, .array, .map:
            throw .libavro(operation: "read a value", code: EINVAL)
        }
    }

    // MARK: libavro, behind checks

    private func seek(_ offset: Int) {
        position = offset
        avro_reader_memory_set_source(reader, bytes.baseAddress.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }, Int64(bytes.count - offset))
    }

    @inline(__always)
    private func need(_ count: Int) throws(AvroCodecError) {
        guard count <= bytes.count - position else { throw .truncated(path: "$") }
    }

    @inline(__always)
    private func check(_ rc: Int32) throws(AvroCodecError) {
        guard rc == 0 else { throw .libavro(operation: "read a value", code: rc) }
    }

    /// A varint, once its bytes are known to be there and to end within 64 bits.
    @inline(__always)
    private func readLong() throws(AvroCodecError) -> Int64 {
        var length = 0
        while true {
            guard position + length < bytes.count else { throw .truncated(path: "$") }
            let byte = bytes[position + length]
            length += 1
            if byte & 0x80 == 0 {
                guard length < 10 || byte & 0x7e == 0 else { throw .invalidData(path: "$", message: "varint longer than 64 bits") }
                break
            }
            guard length < 10 else { throw .invalidData(path: "$", message: "varint longer than 64 bits") }
        }
        var x: Int64 = 0
        try check(cavro_read_long(reader, &x))
        position += length
        return x
    }

    private func readInt() throws(AvroCodecError) -> Int32 {
        let start = position
        let value = try readLong()
        guard position - start <= 5, let narrowed = Int32(exactly: value) else {
            throw .invalidData(path: "$", message: "varint does not fit an int")
        }
        return narrowed
    }

    /// A string or bytes length: not negative, and no more than what is left.
    private func readLength() throws(AvroCodecError) -> Int {
        let length = try readLong()
        guard length >= 0 else { throw .invalidData(path: "$", message: "negative length \(length)") }
        guard length <= Int64(bytes.count - position) else { throw .truncated(path: "$") }
        return Int(length)
    }

    private func readString() throws(AvroCodecError) -> String {
        let length = try readLength()
        guard UTF8Validation.isValid(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])) else {
            throw .invalidData(path: "$", message: "string is not valid UTF-8")
        }
        var rc: Int32 = 0
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            if length > 0 { rc = avro_read(reader, buffer.baseAddress, Int64(length)) }
            return rc == 0 ? length : 0
        }
        try check(rc)
        position += length
        return text
    }

    private func readBytes(count: Int) throws(AvroCodecError) -> [UInt8] {
        try need(count)
        var rc: Int32 = 0
        let read = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { rc = avro_read(reader, buffer.baseAddress, Int64(count)) }
            initialized = rc == 0 ? count : 0
        }
        try check(rc)
        position += count
        return read
    }

    /// An array or map block's item count (a negative count comes with the block's byte size), against the
    /// budget for items of zero size when `items` (a writer node, or -1 for map entries) has them.
    private func readBlockCount(items: Int) throws(AvroCodecError) -> Int {
        let count = try readLong()
        var items64 = count
        if count < 0 {
            guard count > -Int64(Int32.max) else { throw .limitExceeded(path: "$", message: "block of \(count) items") }
            let size = try readLong()
            guard size >= 0, size <= Int64(bytes.count - position) else { throw .invalidData(path: "$", message: "block size \(size) does not fit the data") }
            items64 = -count
        }
        guard items64 <= Int64(Int32.max) else { throw .limitExceeded(path: "$", message: "block of \(count) items") }
        if items >= 0, plan.validator.hasZeroSize[items] {
            zeroSizeBudget -= Int(items64)
            guard zeroSizeBudget >= 0 else {
                throw .limitExceeded(path: "$", message: "more than \(DecodingLimits.maxZeroSizeItems) items of zero size")
            }
        }
        return Int(items64)
    }

    /// Skips a value of writer node `node`, checking it as the body validator does.
    private func skip(_ node: Int) throws(AvroCodecError) {
        var cursor = BodyValidator.Cursor(bytes: bytes, position: position)
        try plan.validator.skip(node: node, cursor: &cursor, depth: frames.count, zeroSizeBudget: &zeroSizeBudget)
        let skipped = cursor.position - position
        if skipped > 0 { try check(avro_skip(reader, Int64(skipped))) }
        position = cursor.position
    }
}
