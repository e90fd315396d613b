import Avro
import CAvro

/// Builds an `AvroValue` from a libavro generic value that was read from validated data.
struct ValueReader {
    let graph: SchemaGraph

    func read(_ source: UnsafePointer<avro_value_t>, node index: Int) throws(AvroCodecError) -> AvroValue {
        let raw: AvroValue
        switch graph.ops[index] {
        case .null:
            raw = .null
        case .boolean:
            var flag: Int32 = 0
            try check(cavro_get_boolean(source, &flag))
            raw = .boolean(flag != 0)
        case .int:
            var x: Int32 = 0
            try check(cavro_get_int(source, &x))
            raw = .int(x)
        case .long:
            var x: Int64 = 0
            try check(cavro_get_long(source, &x))
            raw = .long(x)
        case .float:
            var x: Float = 0
            try check(cavro_get_float(source, &x))
            raw = .float(x)
        case .double:
            var x: Double = 0
            try check(cavro_get_double(source, &x))
            raw = .double(x)
        case .bytes:
            var pointer: UnsafeRawPointer?
            var size = 0
            try check(cavro_get_bytes(source, &pointer, &size))
            raw = .bytes(Self.array(pointer, size))
        case .fixed:
            var pointer: UnsafeRawPointer?
            var size = 0
            try check(cavro_get_fixed(source, &pointer, &size))
            raw = .fixed(Self.array(pointer, size))
        case .string:
            var pointer: UnsafePointer<CChar>?
            var size = 0
            try check(cavro_get_string(source, &pointer, &size))
            // libavro's size counts a trailing NUL. The UTF-8 check happens here, while the String is
            // built, rather than in a separate pass of the body validator.
            let utf8 = UnsafeRawBufferPointer(start: pointer, count: max(size - 1, 0))
            // (`String(validating:)` would do both at once but looks up generic metadata on every call.)
            guard UTF8Validation.isValid(utf8) else { throw .invalidData(path: "$", message: "string is not valid UTF-8") }
            raw = .string(String(decoding: utf8, as: UTF8.self))
        case .enumeration(let start, let count):
            var position: Int32 = 0
            try check(cavro_get_enum(source, &position))
            guard position >= 0, Int(position) < count else {
                throw .invalidData(path: "$", message: "enum index \(position) is outside 0..<\(count)")
            }
            raw = .enumSymbol(graph.symbols[start + Int(position)])
        case .array(let items):
            var count = 0
            try check(cavro_get_size(source, &count))
            var elements: [AvroValue] = []
            elements.reserveCapacity(count)
            var child = avro_value_t()
            for position in 0..<count {
                try check(cavro_get_by_index(source, position, &child, nil))
                do { elements.append(try read(&child, node: items)) } catch { throw error.inside("[\(position)]") }
            }
            raw = .array(elements)
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
            raw = .map(entries)
        case .union(let start, let count):
            var discriminant: Int32 = 0
            try check(cavro_get_discriminant(source, &discriminant))
            guard discriminant >= 0, Int(discriminant) < count else {
                throw .invalidData(path: "$", message: "union index \(discriminant) is outside 0..<\(count)")
            }
            var child = avro_value_t()
            try check(cavro_get_current_branch(source, &child))
            return try read(&child, node: graph.children[start + Int(discriminant)])
        case .record(let start, let count):
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
            raw = .record(AvroRecord(name: graph.names[index], fields: fields))
        }
        guard let logicalType = graph.logicalTypes[index] else { return raw }
        return LogicalConversions.logicalValue(raw, logicalType)
    }

    private static func array(_ pointer: UnsafeRawPointer?, _ size: Int) -> [UInt8] {
        guard let pointer, size > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: size))
    }

    private func check(_ rc: Int32) throws(AvroCodecError) {
        guard rc == 0 else { throw .libavro(operation: "get a value", code: rc) }
    }
}
