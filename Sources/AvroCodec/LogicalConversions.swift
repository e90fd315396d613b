import Avro
import Foundation

/// How logical-type values map to and from their underlying Avro values.
enum LogicalConversions {
    static let secondsPerDay: Double = 86_400

    static func timestampUnitsPerSecond(_ logicalType: LogicalType?) -> Double? {
        switch logicalType {
        case .timestampMillis, .localTimestampMillis: 1_000
        case .timestampMicros, .localTimestampMicros: 1_000_000
        case .timestampNanos, .localTimestampNanos: 1_000_000_000
        default: nil
        }
    }

    /// The logical value for an underlying value just read (or projected) for a node with `logicalType`.
    static func logicalValue(_ value: AvroValue, _ logicalType: LogicalType?) -> AvroValue {
        guard let logicalType else { return value }
        switch (logicalType, value) {
        case (.date, .int(let days)):
            return .date(Date(timeIntervalSince1970: Double(days) * secondsPerDay))
        case (.decimal(_, let scale), .bytes(let bytes)), (.decimal(_, let scale), .fixed(let bytes)):
            return .decimal(AvroDecimal(unscaled: bytes, scale: scale))
        case (.uuid, .string(let text)):
            return UUID(uuidString: text).map(AvroValue.uuid) ?? value
        case (.uuid, .fixed(let bytes)) where bytes.count == 16:
            let uuid = bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
            return .uuid(UUID(uuid: uuid))
        case (_, .long(let units)):
            guard let perSecond = timestampUnitsPerSecond(logicalType) else { return value }
            return .timestamp(Date(timeIntervalSince1970: Double(units) / perSecond))
        default:
            return value
        }
    }

    /// The underlying value of a logical value, for a node of `kind` with `logicalType`.
    static func underlyingValue(_ value: AvroValue, _ logicalType: LogicalType?, fixedSize: Int?) -> AvroValue {
        switch value {
        case .date(let date):
            return .int(Int32(clamping: Int64((date.timeIntervalSince1970 / secondsPerDay).rounded(.down))))
        case .timestamp(let date):
            let perSecond = timestampUnitsPerSecond(logicalType) ?? 1_000
            return .long(Int64(exactly: (date.timeIntervalSince1970 * perSecond).rounded()) ?? 0)
        case .decimal(let decimal):
            if let fixedSize { return .fixed(decimal.unscaled(size: fixedSize) ?? decimal.unscaled) }
            return .bytes(decimal.unscaled)
        case .uuid(let uuid):
            if fixedSize == 16 { return .fixed(withUnsafeBytes(of: uuid.uuid) { Array($0) }) }
            return .string(uuid.uuidString.lowercased())
        default:
            return value
        }
    }
}
