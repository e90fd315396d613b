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

    /// A field whose union index has been read (by `decodeNil`) but whose value has not; `field` -1 for none.
    struct Pending {
        var field: Int
        var position: Int
        var step: Int
        static let none = Pending(field: -1, position: 0, step: 0)
    }

    /// Integers only, so frames copy without reference counting.
    enum State {
        /// No container asked for yet.
        case open
        /// `next` is the next writer field's position; `guess` the reader field likely asked for next.
        case record(Int, next: Int, guess: Int, pending: Pending)
        /// `remaining` items left in the current block; at 0, the next block's count is read on the next access.
        case array(items: Int, remaining: Int, ended: Bool)
        /// Entries are `mapEntries[start..<start + count]`; `end` is where the map's data ends.
        case map(start: Int, count: Int, values: Int, end: Int)
        case done
    }

    enum ContainerKind { case keyed, unkeyed }

    // One thread at a time uses this state (see `LibavroSchema.withWorkspace`), so its accesses need no
    // dynamic exclusivity checks, which otherwise cost a fifth of the time.
    private let reader: avro_reader_t
    @exclusivity(unchecked) private(set) unowned(unsafe) var plan: DecodePlan
    @exclusivity(unchecked) private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var zeroSizeBudget = 0
    /// The frames, innermost last: room for the deepest nesting allowed, so pushing one never allocates.
    let frames: UnsafeMutablePointer<Frame>
    @exclusivity(unchecked) private(set) var frameCount = 0
    /// Every map's keys and where their values start, for the message being read.
    @exclusivity(unchecked) private var mapEntries: [(key: String, offset: Int)] = []
    /// A failure where `Decoder` cannot throw (`isAtEnd`, `decodeNil()`), reported once the value is done.
    @exclusivity(unchecked) private var deferredError: (any Error)?

    init(reader: avro_reader_t, plan: DecodePlan) {
        self.reader = reader
        self.plan = plan
        frames = .allocate(capacity: DecodingLimits.maxDepth + 1)
    }

    deinit {
        frames.deallocate()
    }

    /// Decodes a `T` that fills `bytes` exactly, by `plan`.
    func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer, plan: DecodePlan) throws -> T {
        self.plan = plan
        self.bytes = bytes
        frameCount = 0
        mapEntries.removeAll(keepingCapacity: true)
        deferredError = nil
        zeroSizeBudget = DecodingLimits.maxZeroSizeItems
        seek(0)
        defer { self.bytes = UnsafeRawBufferPointer(start: nil, count: 0) }
        let value = try decodeValue(type, step: plan.root)
        if position != bytes.count { throw AvroCodecError.trailingBytes(count: bytes.count - position) }
        return value
    }

    func decodeValue<T: Decodable>(_ type: T.Type, step: Int) throws -> T {
        // Array items and other values Codable hands over generically; a String's own `init(from:)` would cost a frame.
        if type == String.self { return unsafeBitCast(try string(step), to: T.self) }
        if Self.isSpecial(type) { return try AvroValueDecoder().decode(type, from: readValue(step)) }
        guard frameCount < DecodingLimits.maxDepth else {
            throw AvroCodecError.limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
        }
        frames[frameCount] = Frame(step: step, state: .open)
        frameCount += 1
        let index = frameCount - 1
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
        frameCount -= 1
        return value
    }

    /// The types the generic decoder builds from one value (logical types and bytes), rather than through a container.
    @inline(__always)
    private static func isSpecial<T>(_ type: T.Type) -> Bool {
        type == Date.self || type == UUID.self || type == AvroDecimal.self || type == Decimal.self || type == Data.self
            || type == [UInt8].self
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
        while frameCount - 1 > index {
            try finish(frameCount - 1)
            frameCount -= 1
        }
    }

    /// Consumes what the value of frame `index` left unread.
    private func finish(_ index: Int) throws {
        switch frames[index].state {
        case .open:
            try skip(plan.writerNodes[frames[index].step])
        case .record(let record, let next, _, let pending):
            var next = next
            if pending.field >= 0 {
                try skip(plan.writerNodes[pending.step])
                next = pending.position + 1
            }
            let writer = plan.records[record]
            for position in next..<max(next, writer.writerCount) { try skip(plan.writerFields[writer.writerStart + position]) }
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
        case .map(_, _, _, let end):
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
            case .writerUnion(let start, let count):
                let position = try readLong()
                guard position >= 0, position < Int64(count) else {
                    throw AvroCodecError.invalidData(path: "$", message: "union index \(position) is outside 0..<\(count)")
                }
                step = plan.unionBranches[start + Int(position)]
            case .readerBranch(let branch):
                step = branch
            default:
                return step
            }
        }
    }

    func isNull(_ step: Int) -> Bool {
        guard case .scalar(let writer, _, _) = plan.steps[step], case .null = plan.writerOps[writer] else { return false }
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
            frames[index].state = .record(record, next: 0, guess: 0, pending: .none)
        case (.map(let values), .keyed):
            frames[index].state = try scanMap(values: values)
        case (.array(let items), .unkeyed):
            frames[index].state = .array(items: items, remaining: 0, ended: false)
        case (.fail(let message), _):
            throw AvroCodecError.incompatibleSchemas(plan.messages[message])
        default:
            let found = isNull(step) ? "null" : plan.writerGraph[plan.writerNodes[step]].type.typeName
            let expected = kind == .keyed ? "a record or map" : "an array"
            throw AvroCodecError.valueDoesNotMatchSchema(path: "$", message: "\(found) is not \(expected)")
        }
    }

    /// Reads every key of a map and notes where its value starts, so the map can be read in any key order.
    private func scanMap(values: Int) throws -> State {
        let start = mapEntries.count
        let valueNode = plan.writerNodes[values]
        while true {
            let count = try readBlockCount(items: -1)
            if count == 0 { break }
            for _ in 0..<count {
                let key = try readString()
                mapEntries.append((key, position))
                try skip(valueNode)
            }
        }
        return .map(start: start, count: mapEntries.count - start, values: values, end: position)
    }

    private func mapEntry(start: Int, count: Int, key: String) -> Int? {
        // The last of equal keys wins, as in libavro's own maps.
        mapEntries[start..<(start + count)].lastIndex { $0.key == key }
    }

    /// A decoder for a new frame at `step` (a nested container's), finished when its parent is next read from.
    func nested(step: Int) throws -> TypedDecoder {
        guard frameCount < DecodingLimits.maxDepth else {
            throw AvroCodecError.limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)")
        }
        frames[frameCount] = Frame(step: step, state: .open)
        frameCount += 1
        return TypedDecoder(state: self, frame: frameCount - 1)
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

    /// The reader field named `key` in record frame `index` (its record and position in `plan.fields`);
    /// throws `keyNotFound` when the reader has none.
    private func locate<Key: CodingKey>(_ index: Int, _ key: Key) throws -> (record: Int, field: Int) {
        guard case .record(let record, let next, let guess, let pending) = frames[index].state else { throw NeedsGenericPath() }
        let name = key.stringValue
        let fields = plan.records[record]
        let field: Int
        if guess < fields.fieldCount, plan.fieldNames[fields.fieldStart + guess] == name {
            field = guess
        } else if let found = plan.readerIndexes[record][name] {
            field = found
        } else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no field \(name)"))
        }
        frames[index].state = .record(record, next: next, guess: field + 1, pending: pending)
        return (record, fields.fieldStart + field)
    }

    /// Positions the data at reader field `field` (in `plan.fields`) of record frame `index` and says how to read it.
    private func seekField(_ index: Int, _ record: Int, _ field: Int) throws -> FieldValue {
        let source = plan.fields[field]
        guard source.writerPosition >= 0 else { return .given(plan.defaults[source.step]) }
        guard case .record(_, var next, let guess, let pending) = frames[index].state else { throw NeedsGenericPath() }
        if pending.field >= 0 {
            if pending.field == field {
                frames[index].state = .record(record, next: next, guess: guess, pending: .none)
                return .stream(pending.step)
            }
            try skip(plan.writerNodes[pending.step])
            next = pending.position + 1
        }
        // Fields asked for out of the writer's order would need to read back: the generic path does that.
        guard source.writerPosition >= next else { throw NeedsGenericPath() }
        let writerStart = plan.records[record].writerStart
        while next < source.writerPosition {
            try skip(plan.writerFields[writerStart + next])
            next += 1
        }
        frames[index].state = .record(record, next: next + 1, guess: guess, pending: .none)
        return .stream(source.step)
    }

    /// Where the value for `key` is in frame `index` (a record or a map).
    func field<Key: CodingKey>(_ index: Int, _ key: Key) throws -> FieldValue {
        try focus(index)
        if case .map(let start, let count, let values, _) = frames[index].state {
            guard let entry = mapEntry(start: start, count: count, key: key.stringValue) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no key \(key.stringValue)"))
            }
            seek(mapEntries[entry].offset)
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
        if case .record(_, _, _, let pending) = frames[index].state, pending.field == field { return isNull(pending.step) }
        switch try seekField(index, record, field) {
        case .given(let value):
            return value == .null
        case .stream(let step):
            let branch = try resolveUnion(step)
            if isNull(branch) { return true }
            guard case .record(_, let next, let guess, _) = frames[index].state else { return false }
            let pending = Pending(field: field, position: plan.fields[field].writerPosition, step: branch)
            frames[index].state = .record(record, next: next, guess: guess, pending: pending)
            return false
        }
    }

    func contains(_ index: Int, _ name: String) -> Bool {
        // The field asked for next is usually the one after the last: no hashing then.
        if case .record(let record, _, let guess, _) = frames[index].state, guess < plan.records[record].fieldCount,
            plan.fieldNames[plan.records[record].fieldStart + guess] == name
        {
            return true
        }
        return switch frames[index].state {
        case .record(let record, _, _, _): plan.readerIndexes[record][name] != nil
        case .map(let start, let count, _, _): mapEntry(start: start, count: count, key: name) != nil
        default: false
        }
    }

    func allKeys(_ index: Int) -> [String] {
        switch frames[index].state {
        case .record(let record, _, _, _):
            (0..<plan.records[record].fieldCount).map { plan.fieldNames[plan.records[record].fieldStart + $0] }
        case .map(let start, let count, _, _): mapEntries[start..<(start + count)].map(\.key)
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

    /// Whether the next item of array frame `index` is null: a null item is consumed, any other is left
    /// unread (the reader goes back over a union index it read).
    func nextItemIsNil(_ index: Int) throws -> Bool {
        guard try !isAtEnd(index), case .array(let items, _, _) = frames[index].state else { return false }
        let mark = position
        if isNull(try resolveUnion(items)) {
            _ = try nextItem(index)
            return true
        }
        seek(mark)
        return false
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

    /// The common conversions, straight from the data when `step` reads a plain value of the same kind (no
    /// union, promotion or logical type), and through the generic decoder's conversion of the value otherwise.
    func string(_ step: Int) throws -> String {
        if case .scalar(let writer, -1, -1) = plan.steps[step], case .string = plan.writerOps[writer] { return try readString() }
        return try Self.converting { try AvroDecoding.string(readValue(step), []) }
    }

    func int64(_ step: Int) throws -> Int64 {
        if case .scalar(let writer, -1, -1) = plan.steps[step], case .long = plan.writerOps[writer] { return try readLong() }
        return try Self.converting { try AvroDecoding.integer(Int64.self, readValue(step), []) }
    }

    func double(_ step: Int) throws -> Double {
        if case .scalar(let writer, -1, -1) = plan.steps[step], case .double = plan.writerOps[writer], case .double(let x) = try readRaw(writer) {
            return x
        }
        return try Self.converting { try AvroDecoding.floatingPoint(readValue(step), []) }
    }


    /// The value of `step` when it has no container of its own (a number, text, a symbol), as the generic
    /// decoder's value of the reader schema would be.
    func readValue(_ step: Int) throws -> AvroValue {
        let step = try resolveUnion(step)
        switch plan.steps[step] {
        case .scalar(let writer, let promotion, let logical):
            var value = try readRaw(writer)
            if promotion >= 0 { value = try AvroResolution.promote(value, to: plan.promotions[promotion]) }
            if logical >= 0 { value = LogicalConversions.logicalValue(value, plan.logicalTypes[logical]) }
            return value
        case .enumeration(let writer, let start, let count):
            let position = try readInt()
            guard position >= 0, Int(position) < count else {
                throw AvroCodecError.invalidData(path: "$", message: "enum index \(position) is outside 0..<\(count)")
            }
            guard let symbol = plan.readerSymbols[start + Int(position)] else {
                guard case .enumeration(let symbols, _) = plan.writerGraph[writer].kind else { throw NeedsGenericPath() }
                throw AvroCodecError.incompatibleSchemas("symbol \"\(symbols[Int(position)])\" is not in the reader's enum, which has no default")
            }
            return .enumSymbol(symbol)
        case .fail(let message):
            throw AvroCodecError.incompatibleSchemas(plan.messages[message])
        case .record, .array, .map, .writerUnion, .readerBranch:
            // A record or collection where a single value was asked for (a String for a record, say): the generic path decides.
            throw NeedsGenericPath()
        }
    }

    private func readRaw(_ node: Int) throws(AvroCodecError) -> AvroValue {
        switch plan.writerOps[node] {
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
    func readLong() throws(AvroCodecError) -> Int64 {
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

    func readString() throws(AvroCodecError) -> String {
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
        try plan.validator.skipValue(node: node, cursor: &cursor, depth: frameCount, zeroSizeBudget: &zeroSizeBudget)
        let skipped = cursor.position - position
        if skipped > 0 { try check(avro_skip(reader, Int64(skipped))) }
        position = cursor.position
    }
}
