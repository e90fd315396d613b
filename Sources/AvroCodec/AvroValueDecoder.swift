import Foundation

/// Builds a `Decodable` value from an `AvroValue`: records and maps decode as keyed containers,
/// arrays as unkeyed ones, `.null` as nil, and numbers convert where no digits are lost.
/// `Date` reads dates and timestamps, `UUID` reads uuids and uuid strings, `Decimal` and
/// `AvroDecimal` read decimals, `Data` and `[UInt8]` read bytes and fixed.
public struct AvroValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: AvroValue) throws(AvroCodecError) -> T {
        do {
            return try AvroDecoding.unbox(type, from: value, codingPath: [])
        } catch let error as AvroCodecError {
            throw error
        } catch let error as DecodingError {
            throw AvroDecoding.describe(error)
        } catch {
            throw .valueDoesNotMatchSchema(path: "$", message: "\(error)")
        }
    }
}

enum AvroDecoding {
    static func unbox<T: Decodable>(_ type: T.Type, from value: AvroValue, codingPath: [any CodingKey]) throws -> T {
        if let special = try special(type, value, codingPath) { return special }
        return try T(from: ValueDecoder(value: value, codingPath: codingPath))
    }

    static func special<T>(_ type: T.Type, _ value: AvroValue, _ codingPath: [any CodingKey]) throws -> T? {
        func fail(_ expected: String) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kindName)"))
        }
        if type == AvroValue.self { return value as? T }
        if type == Date.self {
            switch value {
            case .date(let date), .timestamp(let date): return date as? T
            default: throw fail("a date or timestamp")
            }
        }
        if type == UUID.self {
            switch value {
            case .uuid(let uuid): return uuid as? T
            case .string(let text): if let uuid = UUID(uuidString: text) { return uuid as? T }
            default: break
            }
            throw fail("a uuid")
        }
        if type == AvroDecimal.self {
            guard case .decimal(let decimal) = value else { throw fail("a decimal") }
            return decimal as? T
        }
        if type == Decimal.self {
            guard case .decimal(let decimal) = value else { throw fail("a decimal") }
            return decimal.decimalValue as? T
        }
        if type == Data.self || type == [UInt8].self {
            let bytes: [UInt8]
            switch value {
            case .bytes(let b), .fixed(let b): bytes = b
            default: throw fail("bytes")
            }
            return (type == Data.self ? Data(bytes) as Any : bytes as Any) as? T
        }
        return nil
    }

    static func describe(_ error: DecodingError) -> AvroCodecError {
        let (context, summary): (DecodingError.Context, String) = switch error {
        case .typeMismatch(_, let c): (c, c.debugDescription)
        case .valueNotFound(_, let c): (c, c.debugDescription)
        case .keyNotFound(let key, let c): (c, "missing field '\(key.stringValue)'")
        case .dataCorrupted(let c): (c, c.debugDescription)
        @unknown default: (.init(codingPath: [], debugDescription: ""), "\(error)")
        }
        let path = "$" + context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return .valueDoesNotMatchSchema(path: path, message: summary)
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: AvroValue, _ codingPath: [any CodingKey]) throws -> T {
        let result: T? = switch value {
        case .int(let x): T(exactly: x)
        case .long(let x): T(exactly: x)
        default: nil
        }
        guard let result else {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "\(value.kindName) is not a \(type)"))
        }
        return result
    }

    static func floatingPoint(_ value: AvroValue, _ codingPath: [any CodingKey]) throws -> Double {
        switch value {
        case .double(let x): return x
        case .float(let x): return Double(x)
        case .int(let x): return Double(x)
        case .long(let x): return Double(x)
        default: throw DecodingError.typeMismatch(Double.self, .init(codingPath: codingPath, debugDescription: "\(value.kindName) is not a number"))
        }
    }

    static func string(_ value: AvroValue, _ codingPath: [any CodingKey]) throws -> String {
        switch value {
        case .string(let text), .enumSymbol(let text): return text
        case .uuid(let uuid): return uuid.uuidString.lowercased()
        case .decimal(let decimal): return decimal.description
        default: throw DecodingError.typeMismatch(String.self, .init(codingPath: codingPath, debugDescription: "\(value.kindName) is not a string"))
        }
    }

    static func bool(_ value: AvroValue, _ codingPath: [any CodingKey]) throws -> Bool {
        guard case .boolean(let flag) = value else {
            throw DecodingError.typeMismatch(Bool.self, .init(codingPath: codingPath, debugDescription: "\(value.kindName) is not a boolean"))
        }
        return flag
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "\(index)"
    }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { return nil }
}

private struct ValueDecoder: Decoder {
    let value: AvroValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let members: [String: AvroValue]
        switch value {
        case .record(let record): members = Dictionary(record.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        case .map(let entries): members = entries
        default:
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "\(value.kindName) is not a record or map"))
        }
        return KeyedDecodingContainer(KeyedValueContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "\(value.kindName) is not an array"))
        }
        return UnkeyedValueContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(value: value, codingPath: codingPath) }
}

private struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: AvroValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> AvroValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field \(key.stringValue)"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { (members[key.stringValue] ?? .null) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try AvroDecoding.bool(member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try AvroDecoding.string(member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try AvroDecoding.floatingPoint(member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try AvroDecoding.floatingPoint(member(key), codingPath + [key])) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try AvroDecoding.integer(type, member(key), codingPath + [key]) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try AvroDecoding.unbox(type, from: member(key), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { ValueDecoder(value: .record(AvroRecord(fields: members.map { .init($0.key, $0.value) })), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(value: try member(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let elements: [AvroValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [AvroValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> (AvroValue, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(AvroValue.self, .init(codingPath: codingPath, debugDescription: "array has no more items"))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { let (v, p) = try next(); return try AvroDecoding.bool(v, p) }
    mutating func decode(_ type: String.Type) throws -> String { let (v, p) = try next(); return try AvroDecoding.string(v, p) }
    mutating func decode(_ type: Double.Type) throws -> Double { let (v, p) = try next(); return try AvroDecoding.floatingPoint(v, p) }
    mutating func decode(_ type: Float.Type) throws -> Float { let (v, p) = try next(); return Float(try AvroDecoding.floatingPoint(v, p)) }
    mutating func decode(_ type: Int.Type) throws -> Int { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, p) = try next(); return try AvroDecoding.integer(type, v, p) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (v, p) = try next()
        return try AvroDecoding.unbox(type, from: v, codingPath: p)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (v, p) = try next()
        return try ValueDecoder(value: v, codingPath: p).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (v, p) = try next()
        return try ValueDecoder(value: v, codingPath: p).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder {
        let (v, p) = try next()
        return ValueDecoder(value: v, codingPath: p)
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let value: AvroValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try AvroDecoding.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try AvroDecoding.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try AvroDecoding.floatingPoint(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try AvroDecoding.floatingPoint(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try AvroDecoding.integer(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try AvroDecoding.integer(type, value, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try AvroDecoding.unbox(type, from: value, codingPath: codingPath) }
}
