import AvroCodec
import SchemaRegistryClient

/// Why a message could not be serialized or deserialized.
public enum SerdeError: Error, Sendable, CustomStringConvertible {
    /// The message does not start with the wire format's magic byte (0x00, or 0x01 for a GUID).
    case invalidMagicByte(UInt8)
    /// The message is shorter than the wire-format header.
    case messageTooShort(byteCount: Int)
    /// A `__value_schema_id` / `__key_schema_id` header that is neither 0x01 + 16-byte GUID nor 0x00 + 4-byte id.
    case invalidSchemaIDHeader(byteCount: Int)
    /// The registry has no schema with this id (or GUID).
    case unknownSchema(String)
    /// The registry holds a schema this library cannot use (not Avro, or not valid).
    case unusableSchema(String)
    /// The registry could not be reached or refused the request.
    case registry(SchemaRegistryError)
    /// The Avro body could not be encoded or decoded; the codec error says where.
    case codec(AvroCodecError)

    public var description: String {
        switch self {
        case .invalidMagicByte(let byte): "unknown magic byte 0x\(String(byte, radix: 16)); expected 0x00"
        case .messageTooShort(let count): "message of \(count) bytes is shorter than the 5-byte wire-format header"
        case .invalidSchemaIDHeader(let count): "schema id header of \(count) bytes is not 0x01 + GUID or 0x00 + id"
        case .unknownSchema(let id): "the registry has no schema \(id)"
        case .unusableSchema(let message): "unusable schema: \(message)"
        case .registry(let error): "schema registry error: \(error)"
        case .codec(let error): error.description
        }
    }
}
