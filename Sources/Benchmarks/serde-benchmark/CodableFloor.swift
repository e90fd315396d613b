// Codable's own cost, with no Avro work at all: an Encoder that only touches each value and a Decoder that
// returns constants, both in this module so that the compiler specializes them for TradeRecord (the best
// case for Codable; the codec's generic code, in another module, is not specialized). What the typed path
// costs above these is the Avro work; these alone bound how close any Codable serializer can come to Java.

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
        mutating func encode(_ value: String, forKey key: Key) throws { sink.total &+= value.utf8.count }
        mutating func encode(_ value: Int64, forKey key: Key) throws { sink.total &+= Int(truncatingIfNeeded: value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { sink.total &+= Int(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try value.encode(to: FloorEncoder(sink: sink)) }
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
    let sink: FloorSink
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { KeyedDecodingContainer(Keyed<Key>(sink: sink)) }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        sink.remainingItems = 2
        return Unkeyed(sink: sink)
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single() }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { key.stringValue }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { 5 }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { 1.5 }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: FloorDecoder(sink: sink)) }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try FloorDecoder(sink: sink).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try FloorDecoder(sink: sink).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { FloorDecoder(sink: sink) }
        func superDecoder(forKey key: Key) throws -> any Decoder { FloorDecoder(sink: sink) }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let sink: FloorSink
        var codingPath: [any CodingKey] { [] }
        var count: Int? { nil }
        var isAtEnd: Bool { sink.remainingItems == 0 }
        var currentIndex = 0
        mutating func decodeNil() throws -> Bool { false }
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
