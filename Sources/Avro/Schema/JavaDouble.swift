/// The strings Java's `Double.parseDouble` reads, which is what decides whether a float or double
/// field may have a string default (Avro Java's `parseField` converts one with it and fails otherwise).
///
/// Java's grammar (`FloatingDecimal.readJavaFormatString`): surrounding characters up to U+0020 are
/// ignored; then an optional sign, and `NaN`, `Infinity`, a decimal number with an optional exponent, or
/// a hexadecimal number with a binary exponent; the numbers may end in `f`, `F`, `d` or `D`.
enum JavaDouble {
    static func parses(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        while let first = bytes.first, first <= 0x20 { bytes.removeFirst() }
        while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes.removeFirst() }
        if bytes.elementsEqual("NaN".utf8) || bytes.elementsEqual("Infinity".utf8) { return true }
        if let last = bytes.last, "fFdD".utf8.contains(last) { bytes.removeLast() }
        var rest = Array(bytes)[...]
        if rest.count >= 2, rest[rest.startIndex] == UInt8(ascii: "0"), rest[rest.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            rest.removeFirst(2)
            return hexadecimal(rest)
        }
        return decimal(rest)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    /// Digits with at most one point and at least one digit, then an optional exponent with digits.
    private static func decimal(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        guard mantissa(&rest, digit: isDigit) else { return false }
        guard let e = rest.first else { return true }
        guard e | 0x20 == UInt8(ascii: "e") else { return false }
        rest.removeFirst()
        return exponent(rest)
    }

    /// Hexadecimal digits with at most one point and at least one digit, then a required `p` exponent.
    private static func hexadecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        guard mantissa(&rest, digit: isHexDigit), let p = rest.first, p | 0x20 == UInt8(ascii: "p") else { return false }
        rest.removeFirst()
        return exponent(rest)
    }

    private static func mantissa(_ rest: inout ArraySlice<UInt8>, digit: (UInt8) -> Bool) -> Bool {
        var digits = 0
        var sawPoint = false
        while let byte = rest.first {
            if digit(byte) {
                digits += 1
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            rest.removeFirst()
        }
        return digits > 0
    }

    private static func exponent(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest.removeFirst() }
        return !rest.isEmpty && rest.allSatisfy(isDigit)
    }
}
