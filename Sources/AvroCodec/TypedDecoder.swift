import Foundation

/// The `Decoder` the typed codec hands to `init(from:)`: a frame of the reading state, small enough for an
/// existential's inline buffer. Coding paths stay empty: errors carry their schema path, built as they travel up.
struct TypedDecoder: Decoder {
    let state: TypedDecoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try state.open(frame, .keyed)
        return KeyedDecodingContainer(TypedKeyedDecoder<Key>(state: state, frame: frame))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try state.open(frame, .unkeyed)
        return TypedUnkeyedDecoder(state: state, frame: frame)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { TypedSingleDecoder(state: state, frame: frame) }
}

private struct TypedKeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: TypedDecoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { state.allKeys(frame).compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { state.contains(frame, key.stringValue) }

    /// Runs `body` for field `key`, adding the field to the path of an error.
    @inline(__always)
    private func inField<T>(_ key: Key, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            let typed = TypedDecoding.typed(error)
            guard let codecError = typed as? AvroCodecError else {
                state.stick(typed)
                throw typed
            }
            let inside = if case .map = state.frames[frame].state {
                codecError.inside("[\"\(key.stringValue)\"]")
            } else {
                codecError.inside(".\(key.stringValue)")
            }
            state.stick(inside)
            throw inside
        }
    }

    private func value(_ key: Key) throws -> AvroValue {
        switch try state.field(frame, key) {
        case .stream(let step): try state.readValue(step)
        case .given(let value): value
        }
    }

    private func convert<T>(_ key: Key, _ conversion: (AvroValue, [any CodingKey]) throws -> T) throws -> T {
        try inField(key) { try conversion(try value(key), []) }
    }

    /// `convert` for the kinds the state reads without an `AvroValue` when it can.
    @inline(__always)
    private func direct<T>(_ key: Key, _ read: (Int) throws -> T, _ conversion: (AvroValue, [any CodingKey]) throws -> T) throws -> T {
        try inField(key) {
            switch try state.field(frame, key) {
            case .stream(let step): try read(step)
            case .given(let value): try conversion(value, [])
            }
        }
    }

    func decodeNil(forKey key: Key) throws -> Bool { try inField(key) { try state.fieldIsNil(frame, key) } }

    // Written out rather than left to the protocol's defaults, which run unspecialized through the container box.
    private func ifPresent<T>(_ key: Key, _ decode: () throws -> T) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decode()
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try ifPresent(key) { try decode(type, forKey: key) } }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try convert(key, AvroDecoding.bool) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try direct(key, state.string, AvroDecoding.string) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try direct(key, state.double, AvroDecoding.floatingPoint) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try convert(key, AvroDecoding.floatingPoint)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try direct(key, state.int64) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try convert(key) { try AvroDecoding.integer(type, $0, $1) } }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try inField(key) {
            switch try state.field(frame, key) {
            case .stream(let step): try state.decodeValue(type, step: step)
            case .given(let value): try AvroValueDecoder().decode(type, from: value)
            }
        }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try nestedDecoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try nestedDecoder(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { TypedDecoder(state: state, frame: frame) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try nestedDecoder(key) }

    /// A decoder for a new frame at field `key`, finished when this container is next read from.
    private func nestedDecoder(_ key: Key) throws -> TypedDecoder {
        guard case .stream(let step) = try state.field(frame, key) else { throw NeedsGenericPath() }
        return try state.nested(step: step)
    }
}

private struct TypedUnkeyedDecoder: UnkeyedDecodingContainer {
    let state: TypedDecoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int? { nil }
    private(set) var currentIndex = 0

    init(state: TypedDecoding, frame: Int) {
        self.state = state
        self.frame = frame
    }

    var isAtEnd: Bool {
        do { return try state.isAtEnd(frame) } catch {
            // `isAtEnd` cannot throw: the error ends the loop and is reported when the value is done.
            state.deferError(error)
            return true
        }
    }

    private mutating func next<T>(_ body: (TypedDecoding, Int) throws -> T) throws -> T {
        let position = currentIndex
        let state = self.state
        do {
            let value = try body(state, try state.nextItem(frame))
            currentIndex += 1
            return value
        } catch {
            let typed = TypedDecoding.typed(error)
            guard let codecError = typed as? AvroCodecError else {
                state.stick(typed)
                throw typed
            }
            state.stick(codecError.inside("[\(position)]"))
            throw codecError.inside("[\(position)]")
        }
    }

    private mutating func convert<T>(_ conversion: (AvroValue, [any CodingKey]) throws -> T) throws -> T {
        try next { state, step in try conversion(try state.readValue(step), []) }
    }

    mutating func decodeNil() throws -> Bool {
        // Only a null item is consumed here; any other is left for the decode that follows.
        guard try state.nextItemIsNil(frame) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try convert(AvroDecoding.bool) }
    mutating func decode(_ type: String.Type) throws -> String { try convert(AvroDecoding.string) }
    mutating func decode(_ type: Double.Type) throws -> Double { try convert(AvroDecoding.floatingPoint) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try convert(AvroDecoding.floatingPoint)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { state, step in try state.decodeValue(type, step: step) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { state, step in try state.nested(step: step) }.container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { state, step in try state.nested(step: step) }.unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next { state, step in try state.nested(step: step) } }
}

private struct TypedSingleDecoder: SingleValueDecodingContainer {
    let state: TypedDecoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        do { return try state.singleIsNil(frame) } catch {
            state.deferError(error)
            return false
        }
    }

    private func convert<T>(_ conversion: (AvroValue, [any CodingKey]) throws -> T) throws -> T {
        do { return try TypedDecoding.converting { try conversion(try state.readValue(state.single(frame)), []) } } catch {
            state.stick(error)
            throw error
        }
    }

    func decode(_ type: Bool.Type) throws -> Bool { try convert(AvroDecoding.bool) }
    func decode(_ type: String.Type) throws -> String { try convert(AvroDecoding.string) }
    func decode(_ type: Double.Type) throws -> Double { try convert(AvroDecoding.floatingPoint) }
    func decode(_ type: Float.Type) throws -> Float { Float(try convert(AvroDecoding.floatingPoint)) }
    func decode(_ type: Int.Type) throws -> Int { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt.Type) throws -> UInt { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try convert { try AvroDecoding.integer(type, $0, $1) } }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try state.decodeValue(type, step: try state.single(frame)) } catch {
            state.stick(TypedDecoding.typed(error))
            throw TypedDecoding.typed(error)
        }
    }
}
