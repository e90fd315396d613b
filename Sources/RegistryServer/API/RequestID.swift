/// The id that ties a request's log lines to its answer (`X-Request-ID`).
enum RequestID {
    /// The client's id when it is a plausible token (1 to 128 letters, digits, `-`, `_`, `.`, `:`), else a new one:
    /// anything else could forge log lines or headers.
    static func accepting(_ incoming: String?) -> String {
        if let incoming, isWellFormed(incoming) { return incoming }
        return generate()
    }

    static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard (1...128).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }

    /// 128 random bits as 32 hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
