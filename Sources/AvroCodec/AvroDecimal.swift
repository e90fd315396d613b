import Foundation

/// An exact decimal number as Avro's `decimal` logical type stores it: an unscaled integer of any size
/// (big-endian two's complement) and a scale, so `12.34` is unscaled 1234 with scale 2.
///
/// Arbitrary precision, unlike Foundation's `Decimal`; convert with `init(_:scale:)` and `decimalValue`.
public struct AvroDecimal: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// The unscaled value, big-endian two's complement, in its shortest form.
    public let unscaled: [UInt8]
    public let scale: Int

    /// Wraps unscaled two's complement bytes as read from Avro data.
    public init(unscaled bytes: [UInt8], scale: Int) {
        self.unscaled = Self.shortest(bytes)
        self.scale = scale
    }

    /// Parses `-12.34`, `5`, `0.001`; the scale is the number of fraction digits unless given.
    public init?(_ text: String) { self.init(text, scale: nil) }

    /// Parses decimal text and rescales it to `scale`; nil when the text is not a plain decimal number
    /// or has more fraction digits than `scale` allows (that would lose digits).
    public init?(_ text: String, scale: Int?) {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        let targetScale = scale ?? fractionDigits
        if targetScale >= fractionDigits {
            digits.append(contentsOf: repeatElement(0, count: targetScale - fractionDigits))
        } else {
            let dropped = digits.suffix(fractionDigits - targetScale)
            guard dropped.allSatisfy({ $0 == 0 }) else { return nil }
            digits.removeLast(fractionDigits - targetScale)
        }
        var magnitude = Self.bytes(fromDecimalDigits: digits)
        if magnitude.first.map({ $0 & 0x80 != 0 }) ?? false { magnitude.insert(0, at: 0) }
        self.init(unscaled: negative ? Self.negated(magnitude) : magnitude, scale: targetScale)
    }

    /// Converts a Foundation decimal exactly, rescaled to `scale`; nil if that would lose digits.
    public init?(_ value: Decimal, scale: Int) {
        self.init(value.description, scale: scale)
    }

    public var isNegative: Bool { (unscaled.first ?? 0) & 0x80 != 0 }

    /// The value as Foundation's `Decimal` (exact up to 38 significant digits).
    public var decimalValue: Decimal { Decimal(string: description, locale: Locale(identifier: "en_US_POSIX")) ?? .nan }

    public var description: String {
        let magnitude = isNegative ? Self.negated(unscaled) : unscaled
        var digits = Self.decimalDigits(fromBytes: magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        } else if scale < 0, digits != "0" {
            digits += String(repeating: "0", count: -scale)
        }
        return (isNegative ? "-" : "") + digits
    }

    /// The unscaled value sign-extended to exactly `size` bytes (for `fixed`), or nil if it does not fit.
    func unscaled(size: Int) -> [UInt8]? {
        guard unscaled.count <= size else { return nil }
        let fill: UInt8 = isNegative ? 0xff : 0
        return Array(repeating: fill, count: size - unscaled.count) + unscaled
    }

    // MARK: - Big integer helpers on big-endian byte arrays

    private static func shortest(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [0] }
        var start = 0
        while start < bytes.count - 1 {
            let byte = bytes[start], next = bytes[start + 1]
            if (byte == 0 && next & 0x80 == 0) || (byte == 0xff && next & 0x80 != 0) { start += 1 } else { break }
        }
        return Array(bytes[start...])
    }

    private static func negated(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes.map { ~$0 }
        var index = result.count - 1
        while index >= 0 {
            let (sum, overflow) = result[index].addingReportingOverflow(1)
            result[index] = sum
            if !overflow { break }
            index -= 1
        }
        // -(most negative) needs one more byte; a leading sign byte keeps every result correct.
        let sign: UInt8 = (bytes.first ?? 0) & 0x80 != 0 ? 0 : 0xff
        return [sign] + result
    }

    private static func bytes(fromDecimalDigits digits: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [0]
        for digit in digits {
            var carry = Int(digit)
            for index in result.indices.reversed() {
                let value = Int(result[index]) * 10 + carry
                result[index] = UInt8(value & 0xff)
                carry = value >> 8
            }
            while carry > 0 {
                result.insert(UInt8(carry & 0xff), at: 0)
                carry >>= 8
            }
        }
        return result
    }

    private static func decimalDigits(fromBytes bytes: [UInt8]) -> String {
        var number = bytes
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let value = remainder << 8 | Int(number[index])
                number[index] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(UInt8(remainder) + UInt8(ascii: "0"))
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}

/// With other coders (JSON, property lists) a decimal is its text, which keeps every digit.
/// `AvroValueEncoder` and `AvroValueDecoder` handle it as the `decimal` logical type instead.
extension AvroDecimal: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = AvroDecimal(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a decimal number"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
