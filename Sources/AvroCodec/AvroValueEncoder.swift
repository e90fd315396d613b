import Foundation

/// Turns an `Encodable` value into an `AvroValue`, so `struct Order: Codable` serializes directly.
///
/// The result follows Swift's shapes (a struct is a record with its fields in coding order, an
/// optional is `.null` or the value, `Int` is a long); the codec then fits it to the schema
/// (a long into an int field, a string into an enum symbol, a struct into a map).
/// `Date` becomes a timestamp (or a date for a `date` field), `UUID`, `Decimal` and `AvroDecimal`
/// become their logical values, and `Data` and `[UInt8]` become bytes.
public struct AvroValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws(AvroCodecError) -> AvroValue {
        do {
            return try AvroEncoding.box(value, codingPath: [])
        } catch let error as AvroCodecError {
            throw error
        } catch {
            throw .valueDoesNotMatchSchema(path: "$", message: "\(error)")
        }
    }
}

/// A value under construction: containers are filled after they are handed out, so they are references.
private final class Slot {
    enum Content {
        case value(AvroValue)
        case keyed([(String, Slot)])
        case unkeyed([Slot])
        case empty
    }

    var content: Content = .empty

    var value: AvroValue {
        switch content {
        case .value(let value): value
        case .keyed(let members): .record(AvroRecord(fields: members.map { AvroRecord.Field($0.0, $0.1.value) }))
        case .unkeyed(let elements): .array(elements.map(\.value))
        case .empty: .null
        }
    }
}

enum AvroEncoding {
    static func box<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> AvroValue {
        if let special = special(value) { return special }
        let slot = Slot()
        try value.encode(to: SlotEncoder(slot: slot, codingPath: codingPath))
        return slot.value
    }

    static func long<T: BinaryInteger>(_ value: T) throws -> Int64 {
        guard let narrowed = Int64(exactly: value) else {
            throw AvroCodecError.valueDoesNotMatchSchema(path: "$", message: "\(value) does not fit a long")
        }
        return narrowed
    }

    static func special(_ value: Any) -> AvroValue? {
        switch value {
        case let value as AvroValue: value
        case let date as Date: .timestamp(date)
        case let uuid as UUID: .uuid(uuid)
        case let decimal as AvroDecimal: .decimal(decimal)
        case let decimal as Decimal: AvroDecimal(decimal.description).map(AvroValue.decimal) ?? .double(NSDecimalNumber(decimal: decimal).doubleValue)
        case let data as Data: .bytes(Array(data))
        case let bytes as [UInt8]: .bytes(bytes)
        default: nil
        }
    }
}

private struct SlotEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = slot.content {} else { slot.content = .keyed([]) }
        return KeyedEncodingContainer(KeyedSlotContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = slot.content {} else { slot.content = .unkeyed([]) }
        return UnkeyedSlotContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleSlotContainer(slot: slot, codingPath: codingPath) }
}

private struct KeyedSlotContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    private func append(_ key: Key, _ child: Slot) {
        guard case .keyed(var members) = slot.content else { return }
        members.append((key.stringValue, child))
        slot.content = .keyed(members)
    }

    private func set(_ key: Key, _ value: AvroValue) {
        let child = Slot()
        child.content = .value(value)
        append(key, child)
    }

    mutating func encodeNil(forKey key: Key) throws { set(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .boolean(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(key, .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(key, .float(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .long(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, .int(Int32(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, .int(Int32(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, .int(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, .long(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, .int(Int32(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, .int(Int32(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, .long(Int64(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, .long(try AvroEncoding.long(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, .long(try AvroEncoding.long(value))) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(key, try AvroEncoding.box(value, codingPath: codingPath + [key]))
    }
    /// Optionals that are nil are written as null rather than left out, so a union field gets its null branch.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
        if let value { set(key, .string(value)) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
        if let value { set(key, .long(Int64(value))) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws {
        if let value { set(key, .long(value)) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws {
        if let value { set(key, .int(value)) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
        if let value { set(key, .double(value)) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
        if let value { set(key, .float(value)) } else { set(key, .null) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
        if let value { set(key, .boolean(value)) } else { set(key, .null) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = Slot()
        append(key, child)
        return SlotEncoder(slot: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Slot()
        append(key, child)
        return SlotEncoder(slot: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = Slot()
        append(key, child)
        return SlotEncoder(slot: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedSlotContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    var count: Int {
        if case .unkeyed(let elements) = slot.content { return elements.count }
        return 0
    }

    private func append(_ child: Slot) {
        guard case .unkeyed(var elements) = slot.content else { return }
        elements.append(child)
        slot.content = .unkeyed(elements)
    }

    private func add(_ value: AvroValue) {
        let child = Slot()
        child.content = .value(value)
        append(child)
    }

    mutating func encodeNil() throws { add(.null) }
    mutating func encode(_ value: Bool) throws { add(.boolean(value)) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(.double(value)) }
    mutating func encode(_ value: Float) throws { add(.float(value)) }
    mutating func encode(_ value: Int) throws { add(.long(Int64(value))) }
    mutating func encode(_ value: Int32) throws { add(.int(value)) }
    mutating func encode(_ value: Int64) throws { add(.long(value)) }
    mutating func encode(_ value: Int8) throws { add(.int(Int32(value))) }
    mutating func encode(_ value: Int16) throws { add(.int(Int32(value))) }
    mutating func encode(_ value: UInt8) throws { add(.int(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { add(.int(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { add(.long(Int64(value))) }
    mutating func encode(_ value: UInt) throws { add(.long(try AvroEncoding.long(value))) }
    mutating func encode(_ value: UInt64) throws { add(.long(try AvroEncoding.long(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        add(try AvroEncoding.box(value, codingPath: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = Slot()
        append(child)
        return SlotEncoder(slot: child, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = Slot()
        append(child)
        return SlotEncoder(slot: child, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = Slot()
        append(child)
        return SlotEncoder(slot: child, codingPath: codingPath)
    }
}

private struct SingleSlotContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .value(.null) }
    mutating func encode(_ value: Bool) throws { slot.content = .value(.boolean(value)) }
    mutating func encode(_ value: String) throws { slot.content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.content = .value(.double(value)) }
    mutating func encode(_ value: Float) throws { slot.content = .value(.float(value)) }
    mutating func encode(_ value: Int) throws { slot.content = .value(.long(Int64(value))) }
    mutating func encode(_ value: Int32) throws { slot.content = .value(.int(value)) }
    mutating func encode(_ value: Int64) throws { slot.content = .value(.long(value)) }
    mutating func encode(_ value: Int8) throws { slot.content = .value(.int(Int32(value))) }
    mutating func encode(_ value: Int16) throws { slot.content = .value(.int(Int32(value))) }
    mutating func encode(_ value: UInt8) throws { slot.content = .value(.int(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { slot.content = .value(.int(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { slot.content = .value(.long(Int64(value))) }
    mutating func encode(_ value: UInt) throws { slot.content = .value(.long(try AvroEncoding.long(value))) }
    mutating func encode(_ value: UInt64) throws { slot.content = .value(.long(try AvroEncoding.long(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        slot.content = .value(try AvroEncoding.box(value, codingPath: codingPath))
    }
}
