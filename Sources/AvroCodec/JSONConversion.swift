import Avro
import JSON

/// Converts between `AvroValue` and JSON, in the Avro specification's JSON encoding
/// (a union value is `null` or `{"branch-name": value}`; bytes and fixed are strings of code points 0–255),
/// or in the form of field defaults, where a union value is given bare and may match any branch.
struct JSONConversion {
    enum UnionStyle { case wrapped, bare }

    let graph: SchemaGraph
    let unionStyle: UnionStyle
    /// Field defaults, for record fields missing from JSON input; nil while the defaults themselves are computed.
    var defaults: DefaultValues?

    // MARK: JSON -> AvroValue

    func value(from json: JSONValue, node index: Int, depth: Int = 0) throws(AvroCodecError) -> AvroValue {
        guard depth < DecodingLimits.maxDepth else { throw .limitExceeded(path: "$", message: "nesting deeper than \(DecodingLimits.maxDepth)") }
        let node = graph[index]
        let raw: AvroValue
        switch node.kind {
        case .null:
            guard json.isNull else { throw mismatch(json, node) }
            raw = .null
        case .boolean:
            guard let flag = json.boolValue else { throw mismatch(json, node) }
            raw = .boolean(flag)
        case .int:
            guard let number = json.numberValue?.int32Value ?? Self.integral(json).flatMap({ Int32(exactly: $0) }) else { throw mismatch(json, node) }
            raw = .int(number)
        case .long:
            guard let number = json.numberValue?.int64Value ?? Self.integral(json) else { throw mismatch(json, node) }
            raw = .long(number)
        case .float:
            guard let number = Self.floatingPoint(json) else { throw mismatch(json, node) }
            raw = .float(Float(number))
        case .double:
            guard let number = Self.floatingPoint(json) else { throw mismatch(json, node) }
            raw = .double(number)
        case .bytes:
            guard let text = json.stringValue, let bytes = Self.codePointBytes(text) else { throw mismatch(json, node) }
            raw = .bytes(bytes)
        case .fixed(let size):
            guard let text = json.stringValue, let bytes = Self.codePointBytes(text) else { throw mismatch(json, node) }
            guard bytes.count == size else { throw .valueDoesNotMatchSchema(path: "$", message: "\(bytes.count) bytes for fixed of size \(size)") }
            raw = .fixed(bytes)
        case .string:
            guard let text = json.stringValue else { throw mismatch(json, node) }
            raw = .string(text)
        case .enumeration(let symbols, let indexBySymbol):
            guard let symbol = json.stringValue else { throw mismatch(json, node) }
            guard indexBySymbol[symbol] != nil else { throw .valueDoesNotMatchSchema(path: "$", message: "\"\(symbol)\" is not one of \(symbols)") }
            raw = .enumSymbol(symbol)
        case .array(let items):
            guard let elements = json.arrayValue else { throw mismatch(json, node) }
            var values: [AvroValue] = []
            values.reserveCapacity(elements.count)
            for (position, element) in elements.enumerated() {
                do { values.append(try value(from: element, node: items, depth: depth + 1)) } catch { throw error.inside("[\(position)]") }
            }
            raw = .array(values)
        case .map(let valuesNode):
            guard let object = json.objectValue else { throw mismatch(json, node) }
            var entries: [String: AvroValue] = [:]
            for member in object {
                do { entries[member.key] = try value(from: member.value, node: valuesNode, depth: depth + 1) } catch { throw error.inside("[\"\(member.key)\"]") }
            }
            raw = .map(entries)
        case .record(let fields, _):
            guard let object = json.objectValue else { throw mismatch(json, node) }
            var record = AvroRecord(name: node.name, fields: [])
            record.fields.reserveCapacity(fields.count)
            for (position, field) in fields.enumerated() {
                if let member = object[field.name] {
                    do { record.fields.append(.init(field.name, try value(from: member, node: field.node, depth: depth + 1))) } catch { throw error.inside(".\(field.name)") }
                } else if let fallback = defaults?.fieldDefault(record: index, field: position) {
                    record.fields.append(.init(field.name, fallback))
                } else {
                    throw .valueDoesNotMatchSchema(path: "$.\(field.name)", message: "missing field without a default")
                }
            }
            raw = .record(record)
        case .union(let branches):
            return try unionValue(from: json, branches: branches, depth: depth)
        }
        return LogicalConversions.logicalValue(raw, node.logicalType)
    }

    private func unionValue(from json: JSONValue, branches: [Int], depth: Int) throws(AvroCodecError) -> AvroValue {
        let names = branches.map { graph[$0].type.typeName }
        switch unionStyle {
        case .bare:
            for branch in branches {
                if let converted = try? value(from: json, node: branch, depth: depth + 1) { return converted }
            }
            throw .valueDoesNotMatchSchema(path: "$", message: "\(json.kindName) matches no branch of union \(names)")
        case .wrapped:
            if json.isNull, let nullBranch = branches.first(where: { if case .null = graph[$0].kind { true } else { false } }) {
                return try value(from: json, node: nullBranch, depth: depth + 1)
            }
            guard let object = json.objectValue, object.count == 1, let member = object.members.first else {
                throw .valueDoesNotMatchSchema(path: "$", message: "a union \(names) value must be null or {\"type\": value}, found \(json.kindName)")
            }
            let chosen = branches.first { graph[$0].type.typeName == member.key }
                ?? branches.first { graph[$0].name.map { AvroName(fullName: $0).name } == member.key }
            guard let chosen else {
                throw .valueDoesNotMatchSchema(path: "$", message: "\"\(member.key)\" is not a branch of union \(names)")
            }
            do { return try value(from: member.value, node: chosen, depth: depth + 1) } catch { throw error.inside("[\"\(member.key)\"]") }
        }
    }

    // MARK: AvroValue -> JSON

    func json(from value: AvroValue, node index: Int) throws(AvroCodecError) -> JSONValue {
        let node = graph[index]
        let fixedSize: Int? = if case .fixed(let size) = node.kind { size } else { nil }
        let raw = LogicalConversions.underlyingValue(value, node.logicalType, fixedSize: fixedSize)
        switch (node.kind, raw) {
        case (.null, .null): return .null
        case (.boolean, .boolean(let flag)): return .bool(flag)
        case (.int, .int(let x)): return .number(JSONNumber(Int64(x)))
        case (.int, .long(let x)) where Int32(exactly: x) != nil: return .number(JSONNumber(x))
        case (.long, .long(let x)): return .number(JSONNumber(x))
        case (.long, .int(let x)): return .number(JSONNumber(Int64(x)))
        case (.float, .float(let x)): return Self.number(Double(x), text: "\(x)")
        case (.float, .double(let x)), (.double, .double(let x)): return Self.number(x, text: "\(x)")
        case (.double, .float(let x)): return Self.number(Double(x), text: "\(Double(x))")
        case (.bytes, .bytes(let bytes)), (.fixed, .fixed(let bytes)), (.fixed, .bytes(let bytes)):
            return .string(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })))
        case (.string, .string(let text)): return .string(text)
        case (.enumeration, .enumSymbol(let symbol)), (.enumeration, .string(let symbol)): return .string(symbol)
        case (.array(let items), .array(let elements)):
            var out: [JSONValue] = []
            out.reserveCapacity(elements.count)
            for (position, element) in elements.enumerated() {
                do { out.append(try json(from: element, node: items)) } catch { throw error.inside("[\(position)]") }
            }
            return .array(out)
        case (.map(let valuesNode), .map(let entries)):
            var members: [JSONObject.Member] = []
            for key in entries.keys.sorted() {
                do { members.append(.init(key: key, value: try json(from: entries[key]!, node: valuesNode))) } catch { throw error.inside("[\"\(key)\"]") }
            }
            return .object(JSONObject(members))
        case (.record(let fields, _), .record(let record)):
            var members: [JSONObject.Member] = []
            for field in fields {
                guard let fieldValue = record[field.name] else {
                    throw .valueDoesNotMatchSchema(path: "$.\(field.name)", message: "missing field")
                }
                do { members.append(.init(key: field.name, value: try json(from: fieldValue, node: field.node))) } catch { throw error.inside(".\(field.name)") }
            }
            return .object(JSONObject(members))
        case (.union(let branches), _):
            let ordered = branches.filter { ValueWriter.fitsExactly(value, graph[$0]) } + branches
            for branch in ordered {
                guard let converted = try? json(from: value, node: branch) else { continue }
                if case .null = graph[branch].kind { return .null }
                return .object(JSONObject([.init(key: graph[branch].type.typeName, value: converted)]))
            }
            throw .valueDoesNotMatchSchema(path: "$", message: "\(value.kindName) matches no branch of union \(branches.map { graph[$0].type.typeName })")
        default:
            throw .valueDoesNotMatchSchema(path: "$", message: "expected \(ValueWriter.describe(node)), found \(value.kindName)")
        }
    }

    // MARK: Helpers

    private func mismatch(_ json: JSONValue, _ node: SchemaGraph.Node) -> AvroCodecError {
        .valueDoesNotMatchSchema(path: "$", message: "expected \(ValueWriter.describe(node)), found \(json.kindName)")
    }

    /// Integral values written with a fraction or exponent (`1.0`, `1e3`), as some JSON writers do.
    private static func integral(_ json: JSONValue) -> Int64? {
        guard let number = json.numberValue, let double = Double(number.text), double.rounded() == double else { return nil }
        return Int64(exactly: double)
    }

    private static func floatingPoint(_ json: JSONValue) -> Double? {
        switch json {
        case .number(let number): Double(number.text)
        case .string("NaN"): .nan
        case .string("Infinity"): .infinity
        case .string("-Infinity"): -.infinity
        default: nil
        }
    }

    /// JSON has no NaN or infinities; they are written as the strings Avro defaults use.
    private static func number(_ value: Double, text: String) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value > 0 ? "Infinity" : "-Infinity") }
        return .number(JSONNumber(literal: text))
    }

    static func codePointBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard scalar.value <= 0xff else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }
}

/// Every record field's default as an `AvroValue`, computed once per schema.
struct DefaultValues: Sendable {
    private var byRecord: [Int: [AvroValue?]] = [:]

    init(graph: SchemaGraph) {
        let conversion = JSONConversion(graph: graph, unionStyle: .bare, defaults: nil)
        for (index, node) in graph.nodes.enumerated() {
            guard case .record(let fields, _) = node.kind, case .record(let definition) = node.type else { continue }
            byRecord[index] = zip(fields, definition.fields).map { field, declared in
                declared.defaultValue.flatMap { try? conversion.value(from: $0, node: field.node) }
            }
        }
    }

    func fieldDefault(record: Int, field: Int) -> AvroValue? {
        byRecord[record]?[field] ?? nil
    }
}

/// Bounds applied to untrusted data, so hostile input cannot exhaust the stack or memory.
public enum DecodingLimits {
    /// Deepest nesting of records, arrays, maps and unions accepted in data.
    public static let maxDepth = 200
    /// Most array items of zero encoded size (null, empty records) accepted in one value.
    public static let maxZeroSizeItems = 1 << 16
}
