import Foundation

/// The `Encoder` the typed codec hands to `encode(to:)`: a frame of the streaming state, small enough for an
/// existential's inline buffer, so handing it out allocates nothing. Coding paths stay empty: errors carry
/// their schema path instead, built as they travel up.
struct TypedEncoder: Encoder {
    let state: TypedEncoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        state.open(frame, .keyed)
        return KeyedEncodingContainer(TypedKeyedEncoder<Key>(state: state, frame: frame))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        state.open(frame, .unkeyed)
        return TypedUnkeyedEncoder(state: state, frame: frame)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { TypedSingleEncoder(state: state, frame: frame) }
}

private struct TypedKeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: TypedEncoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }

    /// Runs `body` with the node of field `key`, adding the field to the path of an error.
    @inline(__always)
    private func field(_ key: Key, _ body: (Int) throws -> Void) throws {
        let name = key.stringValue
        do {
            guard let node = try state.field(frame, name) else { return }
            try body(node)
        } catch let error as AvroCodecError {
            let inside = if case .map = state.ops[state.frames[frame].node] { error.inside("[\"\(name)\"]") } else { error.inside(".\(name)") }
            state.stick(inside)
            throw inside
        } catch {
            state.stick(error)
            throw error
        }
    }

    private func set(_ value: AvroValue, _ key: Key) throws { try field(key) { node in try state.write(value, node: node) } }

    mutating func encodeNil(forKey key: Key) throws { try set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try set(.boolean(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try set(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try set(.float(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try set(.long(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try set(.int(Int32(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try set(.int(Int32(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try set(.int(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try set(.long(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try set(.int(Int32(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try set(.int(Int32(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try set(.long(Int64(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try set(.long(try AvroEncoding.long(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try set(.long(try AvroEncoding.long(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try field(key) { node in try state.encodeValue(value, node: node) }
    }

    // Nil optionals are written as null rather than left out, as the generic encoder does, so a union gets its null branch.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try set(value.map(AvroValue.boolean) ?? .null, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try set(value.map(AvroValue.string) ?? .null, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try set(value.map(AvroValue.double) ?? .null, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try set(value.map(AvroValue.float) ?? .null, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try set(value.map { .long(Int64($0)) } ?? .null, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try set(value.map { .int(Int32($0)) } ?? .null, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try set(value.map { .int(Int32($0)) } ?? .null, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try set(value.map(AvroValue.int) ?? .null, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try set(value.map(AvroValue.long) ?? .null, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try set(value.map { .int(Int32($0)) } ?? .null, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try set(value.map { .int(Int32($0)) } ?? .null, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try set(value.map { .long(Int64($0)) } ?? .null, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { nestedEncoder(key).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { TypedEncoder(state: state, frame: frame) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { nestedEncoder(key) }

    /// An encoder for a new frame at field `key`, finished when this container is next written to.
    private func nestedEncoder(_ key: Key) -> TypedEncoder {
        state.nested(at: { try state.field(frame, key.stringValue) })
    }
}

private struct TypedUnkeyedEncoder: UnkeyedEncodingContainer {
    let state: TypedEncoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int {
        if case .sequence(_, let count) = state.frames[frame].state { return count }
        return 0
    }

    private func add(_ body: (Int) throws -> Void) throws {
        let position = count
        do {
            try body(try state.element(frame))
        } catch let error as AvroCodecError {
            state.stick(error.inside("[\(position)]"))
            throw error.inside("[\(position)]")
        } catch {
            state.stick(error)
            throw error
        }
    }

    private func add(_ value: AvroValue) throws { try add { node in try state.write(value, node: node) } }

    mutating func encodeNil() throws { try add(.null) }
    mutating func encode(_ value: Bool) throws { try add(.boolean(value)) }
    mutating func encode(_ value: String) throws { try add(.string(value)) }
    mutating func encode(_ value: Double) throws { try add(.double(value)) }
    mutating func encode(_ value: Float) throws { try add(.float(value)) }
    mutating func encode(_ value: Int) throws { try add(.long(Int64(value))) }
    mutating func encode(_ value: Int32) throws { try add(.int(value)) }
    mutating func encode(_ value: Int64) throws { try add(.long(value)) }
    mutating func encode(_ value: Int8) throws { try add(.int(Int32(value))) }
    mutating func encode(_ value: Int16) throws { try add(.int(Int32(value))) }
    mutating func encode(_ value: UInt8) throws { try add(.int(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { try add(.int(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { try add(.long(Int64(value))) }
    mutating func encode(_ value: UInt) throws { try add(.long(try AvroEncoding.long(value))) }
    mutating func encode(_ value: UInt64) throws { try add(.long(try AvroEncoding.long(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { try add { node in try state.encodeValue(value, node: node) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        state.nested(at: { try state.element(frame) }).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        state.nested(at: { try state.element(frame) }).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { state.nested(at: { try state.element(frame) }) }
}

private struct TypedSingleEncoder: SingleValueEncodingContainer {
    let state: TypedEncoding
    let frame: Int
    var codingPath: [any CodingKey] { [] }

    private func set(_ value: AvroValue) throws {
        do { try state.write(value, node: state.single(frame)) } catch {
            state.stick(error)
            throw error
        }
    }

    mutating func encodeNil() throws { try set(.null) }
    mutating func encode(_ value: Bool) throws { try set(.boolean(value)) }
    mutating func encode(_ value: String) throws { try set(.string(value)) }
    mutating func encode(_ value: Double) throws { try set(.double(value)) }
    mutating func encode(_ value: Float) throws { try set(.float(value)) }
    mutating func encode(_ value: Int) throws { try set(.long(Int64(value))) }
    mutating func encode(_ value: Int32) throws { try set(.int(value)) }
    mutating func encode(_ value: Int64) throws { try set(.long(value)) }
    mutating func encode(_ value: Int8) throws { try set(.int(Int32(value))) }
    mutating func encode(_ value: Int16) throws { try set(.int(Int32(value))) }
    mutating func encode(_ value: UInt8) throws { try set(.int(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { try set(.int(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { try set(.long(Int64(value))) }
    mutating func encode(_ value: UInt) throws { try set(.long(try AvroEncoding.long(value))) }
    mutating func encode(_ value: UInt64) throws { try set(.long(try AvroEncoding.long(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        do { try state.encodeValue(value, node: state.single(frame)) } catch {
            state.stick(error)
            throw error
        }
    }
}
