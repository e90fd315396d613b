import Avro
import CAvro

/// Builds an `AvroValue` from a libavro generic value that was read from validated data.
struct ValueReader {
    let graph: SchemaGraph

    func read(_ source: UnsafePointer<avro_value_t>, node index: Int) throws(AvroCodecError) -> AvroValue {
        // Most nodes have no logical type; they return straight from the switch, with no second copy of the value.
        if let logicalType = graph.logicalTypes[index] {
            return LogicalConversions.logicalValue(try readUnderlying(source, node: index), logicalType)
        }
        return try readUnderlying(source, node: index)
    }

    /// The common kinds are read right here and everything else out of line, which keeps this
    /// function's frame small: it runs once per node of every value.
    private func readUnderlying(_ source: UnsafePointer<avro_value_t>, node index: Int) throws(AvroCodecError) -> AvroValue {
        switch graph.ops[index] {
        case .null:
            return .null
        case .int:
            var x: Int32 = 0
            try check(cavro_get_int(source, &x))
            return .int(x)
        case .long:
            var x: Int64 = 0
            try check(cavro_get_long(source, &x))
            return .long(x)
        case .double:
            var x: Double = 0
            try check(cavro_get_double(source, &x))
            return .double(x)
        case .string:
            var pointer: UnsafePointer<CChar>?
            var size = 0
            try check(cavro_get_string(source, &pointer, &size))
            return .string(try Self.string(pointer, size: size))
        case .enumeration(let start, let count):
            var position: Int32 = 0
            try check(cavro_get_enum(source, &position))
            guard position >= 0, Int(position) < count else { throw Self.badIndex("enum", position, count) }
            return .enumSymbol(graph.symbols[start + Int(position)])
        case .union(let start, let count):
            var discriminant: Int32 = 0
            try check(cavro_get_discriminant(source, &discriminant))
            guard discriminant >= 0, Int(discriminant) < count else { throw Self.badIndex("union", discriminant, count) }
            var child = avro_value_t()
            try check(cavro_get_current_branch(source, &child))
            return try read(&child, node: graph.children[start + Int(discriminant)])
        case .record(let start, let count):
            return .record(AvroRecord(name: graph.names[index], fields: try readFields(source, start: start, count: count)))
        case .array(let items):
            return .array(try readItems(source, items: items))
        case .boolean, .float, .bytes, .fixed, .map:
            return try readOther(source, node: index)
        }
    }

    private func readFields(_ source: UnsafePointer<avro_value_t>, start: Int, count: Int) throws(AvroCodecError) -> [AvroRecord.Field] {
        var fields: [AvroRecord.Field] = []
        fields.reserveCapacity(count)
        var child = avro_value_t()
        for position in 0..<count {
            try check(cavro_get_by_index(source, position, &child, nil))
            let slot = start + position
            do { fields.append(AvroRecord.Field(graph.childNames[slot], try read(&child, node: graph.children[slot]))) } catch {
                throw error.inside(".\(graph.childNames[slot])")
            }
        }
        return fields
    }

    private func readItems(_ source: UnsafePointer<avro_value_t>, items: Int) throws(AvroCodecError) -> [AvroValue] {
        var count = 0
        try check(cavro_get_size(source, &count))
        var elements: [AvroValue] = []
        elements.reserveCapacity(count)
        var child = avro_value_t()
        for position in 0..<count {
            try check(cavro_get_by_index(source, position, &child, nil))
            do { elements.append(try read(&child, node: items)) } catch { throw error.inside("[\(position)]") }
        }
        return elements
    }

    /// The kinds that are rare in messages: boolean, float, bytes, fixed and map.
    @inline(never)
    private func readOther(_ source: UnsafePointer<avro_value_t>, node index: Int) throws(AvroCodecError) -> AvroValue {
        switch graph.ops[index] {
        case .boolean:
            var flag: Int32 = 0
            try check(cavro_get_boolean(source, &flag))
            return .boolean(flag != 0)
        case .float:
            var x: Float = 0
            try check(cavro_get_float(source, &x))
            return .float(x)
        case .bytes:
            var pointer: UnsafeRawPointer?
            var size = 0
            try check(cavro_get_bytes(source, &pointer, &size))
            return .bytes(Self.array(pointer, size))
        case .fixed:
            var pointer: UnsafeRawPointer?
            var size = 0
            try check(cavro_get_fixed(source, &pointer, &size))
            return .fixed(Self.array(pointer, size))
        case .map(let values):
            var count = 0
            try check(cavro_get_size(source, &count))
            var entries: [String: AvroValue] = [:]
            entries.reserveCapacity(count)
            var child = avro_value_t()
            var key: UnsafePointer<CChar>?
            for position in 0..<count {
                try check(cavro_get_by_index(source, position, &child, &key))
                guard let key else { throw .invalidData(path: "$", message: "map entry without a key") }
                let name = String(cString: key)
                do { entries[name] = try read(&child, node: values) } catch { throw error.inside("[\"\(name)\"]") }
            }
            return .map(entries)
        default:
            return try readUnderlying(source, node: index)
        }
    }

    @inline(never)
    private static func badIndex(_ kind: String, _ position: Int32, _ count: Int) -> AvroCodecError {
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

    @inline(__always)
    private func check(_ rc: Int32) throws(AvroCodecError) {
        guard rc == 0 else { throw Self.libavroFailure(rc) }
    }

    @inline(never)
    private static func libavroFailure(_ rc: Int32) -> AvroCodecError {
        .libavro(operation: "get a value", code: rc)
    }
}
