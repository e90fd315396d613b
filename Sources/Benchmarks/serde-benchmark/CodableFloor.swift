// Codable's own cost, with no Avro work at all: an Encoder that only touches each value and a Decoder that
// returns constants, both in this module so that the compiler specializes them for TradeRecord, with every
// shortcut a serializer could take (concrete overloads for the scalars, the string array handled without a
// container of its own, decoder containers that copy without reference counting). What the typed path costs
// above these is the Avro work and the conversions; these alone bound how close any Codable serializer can
// come to Java. (Unowned references in the encoder's containers measured slower, so it keeps strong ones.)

/// Counts what it is given, so the optimizer cannot drop the work.
final class FloorSink {
    var total = 0
    var remainingItems = 0
}

struct FloorEncoder: Encoder {
    let sink: FloorSink
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { KeyedEncodingContainer(Keyed<Key>(sink: sink)) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
    func singleValueContainer() -> any SingleValueEncodingContainer { Single(sink: sink) }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws { sink.total &+= 1 }
        mutating func encode(_ value: Bool, forKey key: Key) throws { sink.total &+= value ? 1 : 0 }
        mutating func encode(_ value: String, forKey key: Key) throws { sink.total &+= value.utf8.count }
        mutating func encode(_ value: Int64, forKey key: Key) throws { sink.total &+= Int(truncatingIfNeeded: value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { sink.total &+= Int(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            // A compare of metadata pointers, which a serializer can make too: the array skips its own
            // unkeyed container and a generic call per item.
            if T.self == [String].self {
                for string in unsafeBitCast(value, to: [String].self) { sink.total &+= string.utf8.count }
                return
            }
            try value.encode(to: FloorEncoder(sink: sink))
        }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { sink.total &+= value?.utf8.count ?? 0 }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
            FloorEncoder(sink: sink).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
        mutating func superEncoder() -> any Encoder { FloorEncoder(sink: sink) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { FloorEncoder(sink: sink) }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }
        mutating func encodeNil() throws { sink.total &+= 1 }
        mutating func encode(_ value: String) throws { sink.total &+= value.utf8.count }
        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: FloorEncoder(sink: sink)) }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
            FloorEncoder(sink: sink).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
        mutating func superEncoder() -> any Encoder { FloorEncoder(sink: sink) }
    }

    private struct Single: SingleValueEncodingContainer {
        let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws { sink.total &+= 1 }
        mutating func encode(_ value: String) throws { sink.total &+= value.utf8.count }
        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: FloorEncoder(sink: sink)) }
    }
}

/// Answers every request with a constant (each string its key's name, arrays two items), reading nothing.
struct FloorDecoder: Decoder {
    // Unowned (unsafe) here and in the containers: copies of them, which the standard library's unspecialized
    // container boxes make on every call, then retain and release nothing. The sink outlives every decode.
    unowned(unsafe) let sink: FloorSink
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { KeyedDecodingContainer(Keyed<Key>(sink: sink)) }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        sink.remainingItems = 2
        return Unkeyed(sink: sink)
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single() }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        unowned(unsafe) let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { true }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { key.stringValue }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { 5 }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { 1.5 }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { key.stringValue }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            // As on the encoding side: the array built here rather than through an unkeyed container.
            if T.self == [String].self {
                let strings = [key.stringValue, key.stringValue]
                return unsafeBitCast(strings, to: T.self)
            }
            return try T(from: FloorDecoder(sink: sink))
        }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try FloorDecoder(sink: sink).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try FloorDecoder(sink: sink).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { FloorDecoder(sink: sink) }
        func superDecoder(forKey key: Key) throws -> any Decoder { FloorDecoder(sink: sink) }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        unowned(unsafe) let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        var count: Int? { nil }
        var isAtEnd: Bool { sink.remainingItems == 0 }
        var currentIndex = 0
        mutating func decodeNil() throws -> Bool { false }
        mutating func decode(_ type: String.Type) throws -> String {
            sink.remainingItems -= 1
            currentIndex += 1
            return "tag"
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            sink.remainingItems -= 1
            currentIndex += 1
            return try T(from: FloorDecoder(sink: sink))
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try FloorDecoder(sink: sink).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try FloorDecoder(sink: sink).unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { FloorDecoder(sink: sink) }
    }

    private struct Single: SingleValueDecodingContainer {
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode(_ type: String.Type) throws -> String { "BUY" }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "floor")) }
    }
}
