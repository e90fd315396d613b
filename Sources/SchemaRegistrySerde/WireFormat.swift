import Foundation

/// The Confluent wire format: magic byte 0x00, a 4-byte big-endian schema id, then the Avro body.
/// Confluent 8 can instead name the schema by GUID: magic 0x01 and 16 GUID bytes, in the payload
/// or in a `__value_schema_id` / `__key_schema_id` header (then the payload is the bare body).
public enum WireFormat {
    public static let magicByte: UInt8 = 0x00
    public static let guidMagicByte: UInt8 = 0x01
    public static let headerSize = 5
    public static let valueSchemaIDHeader = "__value_schema_id"
    public static let keySchemaIDHeader = "__key_schema_id"

    /// Which registered schema a message names.
    public enum SchemaReference: Sendable, Hashable {
        case id(Int)
        case guid(UUID)
    }

    /// Appends the 5-byte header for schema `id`.
    public static func appendHeader(id: Int, to out: inout [UInt8]) {
        out.append(magicByte)
        let id = UInt32(truncatingIfNeeded: id)
        // Byte by byte: an array literal here would allocate on every message.
        out.append(UInt8(id >> 24))
        out.append(UInt8((id >> 16) & 0xff))
        out.append(UInt8((id >> 8) & 0xff))
        out.append(UInt8(id & 0xff))
    }

    /// The 5-byte header for schema `id`.
    public static func header(id: Int) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(headerSize)
        appendHeader(id: id, to: &header)
        return header
    }

    /// The schema a payload names and where its body starts.
    public static func parsePayload(_ bytes: UnsafeRawBufferPointer) throws(SerdeError) -> (SchemaReference, bodyStart: Int) {
        guard let first = bytes.first else { throw .messageTooShort(byteCount: 0) }
        switch first {
        case magicByte:
            guard bytes.count >= headerSize else { throw .messageTooShort(byteCount: bytes.count) }
            let id = Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
            return (.id(id), headerSize)
        case guidMagicByte:
            guard bytes.count >= 17 else { throw .messageTooShort(byteCount: bytes.count) }
            return (.guid(guid(bytes[1..<17])), 17)
        default:
            throw .invalidMagicByte(first)
        }
    }

    /// The schema a `__value_schema_id` / `__key_schema_id` header names.
    public static func parseHeader(_ value: [UInt8]) throws(SerdeError) -> SchemaReference {
        if value.count == 17, value[0] == guidMagicByte { return .guid(guid(value[1...])) }
        if value.count == 5, value[0] == magicByte {
            return .id(Int(value[1]) << 24 | Int(value[2]) << 16 | Int(value[3]) << 8 | Int(value[4]))
        }
        throw .invalidSchemaIDHeader(byteCount: value.count)
    }

    /// A `__value_schema_id` header value for a GUID.
    public static func headerValue(guid: UUID) -> [UInt8] {
        [guidMagicByte] + withUnsafeBytes(of: guid.uuid) { Array($0) }
    }

    private static func guid<C: Collection<UInt8>>(_ bytes: C) -> UUID {
        let array = Array(bytes)
        return UUID(uuid: (array[0], array[1], array[2], array[3], array[4], array[5], array[6], array[7],
                           array[8], array[9], array[10], array[11], array[12], array[13], array[14], array[15]))
    }
}
