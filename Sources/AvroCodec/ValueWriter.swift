import Avro
import CAvro
import Foundation

/// Fills the tape libavro encodes from with an `AvroValue`, converting where the schema allows it
/// (a long into an int field when in range, a string into an enum symbol, logical types into
/// their underlying type) and failing with the path of the first value that does not fit.
struct ValueWriter {
    let graph: SchemaGraph
    let defaults: DefaultValues

    /// Fills `tape` with `value`, a value of the schema's root.
    func write(_ value: AvroValue, on tape: WriteTape.Filler) throws(AvroCodecError) {
        tape.start(root: graph.root)
        try write(value, node: graph.root, into: 0, tape)
    }

    func write(_ value: AvroValue, node index: Int, into target: Int, _ tape: WriteTape.Filler) throws(AvroCodecError) {
        // The common kinds are handled right here and everything else out of line, which keeps this
        // function's frame small: it runs once per node of every value.
        switch graph.ops[index] {
        case .null:
            guard case .null = value else { throw mismatch(value, index) }
            tape.set(target, bits: 0)
        case .boolean:
            guard case .boolean(let flag) = value else { throw mismatch(value, index) }
            tape.set(target, bits: flag ? 1 : 0)
        case .int:
            tape.set(target, bits: UInt64(bitPattern: Int64(try intValue(value, index))))
        case .long:
            if case .long(let x) = value { tape.set(target, bits: UInt64(bitPattern: x)) } else {
                tape.set(target, bits: UInt64(bitPattern: try longValue(value, index)))
            }
        case .double:
            if case .double(let x) = value { tape.set(target, bits: x.bitPattern) } else {
                tape.set(target, bits: try doubleValue(value, index).bitPattern)
            }
        case .string:
            if case .string(let text) = value {
                tape.setString(target, text)
            } else {
                try setOtherString(value, index, target, tape)
            }
        case .enumeration(let start, let count):
            tape.set(target, bits: UInt64(try enumPosition(value, index, start: start, count: count)))
        case .record(let start, let count):
            try writeRecord(value, index, start: start, count: count, into: target, tape)
        case .array(let items):
            try writeArray(value, index, items: items, into: target, tape)
        case .union(let start, let count):
            try writeUnion(value, index, start: start, count: count, into: target, tape)
        case .float, .bytes, .fixed, .map:
            try writeOther(value, index, into: target, tape)
        }
    }

    @inline(never)
    private func writeRecord(
        _ value: AvroValue, _ index: Int, start: Int, count: Int, into target: Int, _ tape: WriteTape.Filler
    ) throws(AvroCodecError) {
        guard case .record(let record) = value else { throw mismatch(value, index) }
        let first = tape.addChildren(target, count: count, node: index)
        for position in 0..<count {
            let slot = start + position
            let child = first + position
            tape.setNode(child, graph.children[slot])
            // Values built in schema order (and every decoded value) find their field without a search.
            if position < record.fields.count, record.fields[position].name == graph.childNames[slot] {
                do { try write(record.fields[position].value, node: graph.children[slot], into: child, tape) } catch {
                    throw error.inside(".\(graph.childNames[slot])")
                }
                continue
            }
            try writeFieldByName(record, index, position: position, slot: slot, into: child, tape)
        }
    }

    /// A field of a value whose fields are not in schema order, or that leaves it out for its default.
    @inline(never)
    private func writeFieldByName(
        _ record: AvroRecord, _ index: Int, position: Int, slot: Int, into child: Int, _ tape: WriteTape.Filler
    ) throws(AvroCodecError) {
        let name = graph.childNames[slot]
        let fieldValue: AvroValue
        if let found = record[name] {
            fieldValue = found
        } else if let fallback = defaults.fieldDefault(record: index, field: position) {
            fieldValue = fallback
        } else {
            throw .valueDoesNotMatchSchema(path: "$.\(name)", message: "missing field without a default")
        }
        do { try write(fieldValue, node: graph.children[slot], into: child, tape) } catch { throw error.inside(".\(name)") }
    }

    @inline(never)
    private func writeArray(_ value: AvroValue, _ index: Int, items: Int, into target: Int, _ tape: WriteTape.Filler) throws(AvroCodecError) {
        let elements: [AvroValue]
        switch value {
        case .array(let given): elements = given
        case .bytes(let bytes): elements = bytes.map { .int(Int32($0)) }  // [UInt8] from Codable
        default: throw mismatch(value, index)
        }
        let first = tape.addChildren(target, count: elements.count, node: items)
        for position in elements.indices {
            do { try write(elements[position], node: items, into: first + position, tape) } catch { throw error.inside("[\(position)]") }
        }
    }

    @inline(never)
    private func writeUnion(
        _ value: AvroValue, _ index: Int, start: Int, count: Int, into target: Int, _ tape: WriteTape.Filler
    ) throws(AvroCodecError) {
        for position in 0..<count where fitsExactly(value, node: graph.children[start + position]) {
            tape.set(target, bits: UInt64(position))
            let branch = tape.addChildren(target, count: 1, node: graph.children[start + position])
            try write(value, node: graph.children[start + position], into: branch, tape)
            return
        }
        try writeUnionByConversion(value, start: start, count: count, into: target, tape)
    }

    /// The first branch that takes the value after a conversion (a long into an int, a string into an enum).
    @inline(never)
    private func writeUnionByConversion(
        _ value: AvroValue, start: Int, count: Int, into target: Int, _ tape: WriteTape.Filler
    ) throws(AvroCodecError) {
        for position in 0..<count {
            let mark = tape.mark
            tape.set(target, bits: UInt64(position))
            let branch = tape.addChildren(target, count: 1, node: graph.children[start + position])
            if (try? write(value, node: graph.children[start + position], into: branch, tape)) != nil { return }
            tape.rewind(to: mark)
        }
        let names = (start..<(start + count)).map { graph[graph.children[$0]].type.typeName }
        throw .valueDoesNotMatchSchema(path: "$", message: "no branch of union \(names) accepts \(value.kindName)")
    }

    func enumPosition(_ value: AvroValue, _ index: Int, start: Int, count: Int) throws(AvroCodecError) -> Int32 {
        let symbol: String
        switch value {
        case .enumSymbol(let s), .string(let s): symbol = s
        default: throw mismatch(value, index)
        }
        // A short scan beats hashing for the usual small enum; large ones use the node's index.
        let found: Int?
        if count <= 16 {
            found = graph.symbols[start..<(start + count)].firstIndex(of: symbol).map { $0 - start }
        } else if case .enumeration(_, let indexBySymbol) = graph[index].kind {
            found = indexBySymbol[symbol]
        } else {
            found = nil
        }
        guard let position = found else {
            throw .valueDoesNotMatchSchema(
                path: "$", message: "\"\(symbol)\" is not a symbol of \(graph[index].name ?? "enum") \(Array(graph.symbols[start..<(start + count)]))")
        }
        return Int32(position)
    }

    @inline(never)
    func doubleValue(_ value: AvroValue, _ index: Int) throws(AvroCodecError) -> Double {
        switch value {
        case .double(let x): return x
        case .float(let x): return Double(x)
        case .int(let x): return Double(x)
        case .long(let x): return Double(x)
        default: throw mismatch(value, index)
        }
    }

    /// A uuid into a string node.
    @inline(never)
    private func setOtherString(_ value: AvroValue, _ index: Int, _ target: Int, _ tape: WriteTape.Filler) throws(AvroCodecError) {
        guard case .uuid(let uuid) = value else { throw mismatch(value, index) }
        tape.setString(target, uuid.uuidString.lowercased())
    }

    /// The kinds that are rare in messages: float, bytes, fixed and map.
    @inline(never)
    private func writeOther(_ value: AvroValue, _ index: Int, into target: Int, _ tape: WriteTape.Filler) throws(AvroCodecError) {
        switch graph.ops[index] {
        case .float:
            tape.set(target, bits: UInt64(try floatValue(value, index).bitPattern))
        case .bytes:
            try bytesValue(value, index).withUnsafeBytes { tape.setBytes(target, $0) }
        case .fixed(let size):
            try fixedValue(value, index, size: size).withUnsafeBytes { tape.setBytes(target, $0) }
        case .map(let valuesNode):
            let entries: [String: AvroValue]
            switch value {
            case .map(let given): entries = given
            // A Codable dictionary arrives as a keyed container, that is, as a record.
            case .record(let record): entries = Dictionary(record.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
            default: throw mismatch(value, index)
            }
            let first = tape.addChildren(target, count: entries.count, node: valuesNode)
            // Sorted keys make the encoding deterministic (Dictionary order changes from run to run).
            for (position, key) in entries.keys.sorted().enumerated() {
                tape.setKey(first + position, key)
                do { try write(entries[key]!, node: valuesNode, into: first + position, tape) } catch { throw error.inside("[\"\(key)\"]") }
            }
        default:
            // `write` handles every other kind itself.
            try write(value, node: index, into: target, tape)
        }
    }

    func floatValue(_ value: AvroValue, _ index: Int) throws(AvroCodecError) -> Float {
        switch value {
        case .float(let x): return x
        case .double(let x): return Float(x)
        case .int(let x): return Float(x)
        case .long(let x): return Float(x)
        default: throw mismatch(value, index)
        }
    }

    /// What a bytes node holds for `value`: its bytes, or a decimal's unscaled bytes at the node's scale.
    func bytesValue(_ value: AvroValue, _ index: Int) throws(AvroCodecError) -> [UInt8] {
        switch value {
        case .bytes(let bytes): return bytes
        case .decimal(let decimal): return try rescaled(decimal, index).unscaled
        default: throw mismatch(value, index)
        }
    }

    /// What a fixed node of `size` holds for `value`: exactly `size` bytes.
    func fixedValue(_ value: AvroValue, _ index: Int, size: Int) throws(AvroCodecError) -> [UInt8] {
        let bytes: [UInt8]
        switch value {
        case .fixed(let given), .bytes(let given): bytes = given
        case .decimal(let decimal):
            guard let sized = try rescaled(decimal, index).unscaled(size: size) else {
                throw .valueDoesNotMatchSchema(path: "$", message: "decimal \(decimal) does not fit in fixed(\(size))")
            }
            bytes = sized
        case .uuid(let uuid):
            bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        default: throw mismatch(value, index)
        }
        guard bytes.count == size else {
            throw .valueDoesNotMatchSchema(path: "$", message: "\(bytes.count) bytes for \(graph[index].name ?? "fixed") of size \(size)")
        }
        return bytes
    }

    func intValue(_ value: AvroValue, _ index: Int) throws(AvroCodecError) -> Int32 {
        let logicalType = graph.logicalTypes[index]
        switch value {
        case .int(let x): return x
        case .long(let x):
            guard let narrowed = Int32(exactly: x) else {
                throw .valueDoesNotMatchSchema(path: "$", message: "\(x) is out of range for int")
            }
            return narrowed
        case .date(let date) where logicalType == .date, .timestamp(let date) where logicalType == .date:
            let days = (date.timeIntervalSince1970 / 86_400).rounded(.down)
            guard let narrowed = Int32(exactly: days) else { throw .valueDoesNotMatchSchema(path: "$", message: "date \(date) is out of range") }
            return narrowed
        default: throw mismatch(value, index)
        }
    }

    func longValue(_ value: AvroValue, _ index: Int) throws(AvroCodecError) -> Int64 {
        switch value {
        case .long(let x): return x
        case .int(let x): return Int64(x)
        case .timestamp(let date):
            guard let unitsPerSecond = LogicalConversions.timestampUnitsPerSecond(graph.logicalTypes[index]),
                let units = Int64(exactly: (date.timeIntervalSince1970 * unitsPerSecond).rounded())
            else { throw mismatch(value, index) }
            return units
        default: throw mismatch(value, index)
        }
    }

    func rescaled(_ decimal: AvroDecimal, _ index: Int) throws(AvroCodecError) -> AvroDecimal {
        guard case .decimal(_, let scale) = graph.logicalTypes[index] else { throw mismatch(.decimal(decimal), index) }
        if decimal.scale == scale { return decimal }
        guard let rescaled = AvroDecimal(decimal.description, scale: scale) else {
            throw .valueDoesNotMatchSchema(path: "$", message: "decimal \(decimal) has more than \(scale) fraction digits")
        }
        return rescaled
    }

    func mismatch(_ value: AvroValue, _ index: Int) -> AvroCodecError {
        .valueDoesNotMatchSchema(path: "$", message: "expected \(Self.describe(graph[index])), found \(value.kindName)")
    }

    static func describe(_ node: SchemaGraph.Node) -> String {
        let base = node.type.typeName
        if let logical = node.logicalType { return "\(base) (\(logical.name))" }
        return base
    }

    /// `fitsExactly(_:_:)` answered from the flattened ops where the value's kind alone decides,
    /// which on the hot path (a nullable field) saves a node retain and copies of its payload.
    func fitsExactly(_ value: AvroValue, node index: Int) -> Bool {
        let op = graph.ops[index]
        switch value {
        case .null: if case .null = op { return true } else { return false }
        case .boolean: if case .boolean = op { return true } else { return false }
        case .int: if case .int = op { return true } else { return false }
        case .long: if case .long = op { return true } else { return false }
        case .float: if case .float = op { return true } else { return false }
        case .double: if case .double = op { return true } else { return false }
        case .bytes: if case .bytes = op { return true } else { return false }
        case .string: if case .string = op { return true } else { return false }
        case .array: if case .array = op { return true } else { return false }
        case .map: if case .map = op { return true } else { return false }
        case .fixed, .enumSymbol, .record, .decimal, .uuid, .date, .timestamp: return Self.fitsExactly(value, graph[index])
        }
    }

    /// Whether `value` is exactly the kind of `node`, as a decoded value of that node would be;
    /// unions try these first so `["int", "long"]` keeps an `.int` an int.
    static func fitsExactly(_ value: AvroValue, _ node: SchemaGraph.Node) -> Bool {
        switch (value, node.kind) {
        case (.null, .null), (.boolean, .boolean), (.int, .int), (.long, .long), (.float, .float), (.double, .double),
            (.bytes, .bytes), (.string, .string), (.array, .array), (.map, .map):
            return true
        case (.fixed(let bytes), .fixed(let size)): return bytes.count == size
        case (.enumSymbol(let symbol), .enumeration(_, let indexBySymbol)): return indexBySymbol[symbol] != nil
        case (.record(let record), .record(let fields, _)):
            if let name = record.name { return name == node.name }
            return record.fields.count == fields.count && zip(record.fields, fields).allSatisfy { $0.name == $1.name }
        case (.decimal, .bytes), (.decimal, .fixed): if case .decimal = node.logicalType { return true } else { return false }
        case (.uuid, .string), (.uuid, .fixed): return node.logicalType == .uuid
        case (.date, .int): return node.logicalType == .date
        case (.timestamp, .long): return LogicalConversions.timestampUnitsPerSecond(node.logicalType) != nil
        default: return false
        }
    }
}
