import Crypto

extension AvroSchema {
    /// CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form, as the specification defines it.
    public var rabinFingerprint: UInt64 { Rabin.fingerprint(canonicalForm.utf8) }

    /// MD5 of the Parsing Canonical Form.
    public var md5Fingerprint: [UInt8] { Array(Insecure.MD5.hash(data: Array(canonicalForm.utf8))) }

    /// SHA-256 of the Parsing Canonical Form.
    public var sha256Fingerprint: [UInt8] { Array(SHA256.hash(data: Array(canonicalForm.utf8))) }
}

/// The 64-bit Rabin fingerprint ("CRC-64-AVRO") of the Avro specification.
public enum Rabin {
    public static let empty: UInt64 = 0xc15d_213a_a4d7_a795

    private static let table: [UInt64] = (0..<256).map { i in
        var fp = UInt64(i)
        for _ in 0..<8 {
            fp = (fp >> 1) ^ (empty & (0 &- (fp & 1)))
        }
        return fp
    }

    public static func fingerprint(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var fp = empty
        for byte in bytes {
            fp = (fp >> 8) ^ table[Int((fp ^ UInt64(byte)) & 0xff)]
        }
        return fp
    }
}

extension Sequence<UInt8> {
    /// Lowercase hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
