/// A failure to read JSON text, with the byte offset where it was noticed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let offset: Int

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

/// A strict RFC 8259 parser for untrusted input.
///
/// It rejects invalid UTF-8, lone surrogates, trailing content and nesting deeper than
/// `maxDepth`. Containers are tracked on an explicit stack rather than by recursion, so
/// parsing uses the same small amount of thread stack however deep the document is; the
/// depth cap bounds what later recursive work over the value (writing, comparing,
/// interpreting it as a schema) may need.
public struct JSONParser {
    public static let defaultMaxDepth = 256

    /// - Parameter allowComments: accept `/* … */` and `// …` comments where whitespace may be,
    ///   as Jackson does with `ALLOW_COMMENTS` (which the reference Avro parser enables).
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth, allowComments: Bool = false) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                var parser = Reader(bytes: buffer, maxDepth: maxDepth, allowComments: allowComments)
                return try parser.document()
            }
        }
        return try result.get()
    }

    /// - Parameter reusing: objects read before from the same bytes, reused rather than read again (see
    ///   `JSONReuseTable`); the objects read here are kept in it.
    public static func parse(
        bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth, allowComments: Bool = false,
        reusing table: JSONReuseTable? = nil
    ) throws(JSONParseError) -> JSONValue {
        let contiguous = Array(bytes)
        let result = contiguous.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                var parser = Reader(bytes: buffer, maxDepth: maxDepth, allowComments: allowComments, reusing: table)
                return try parser.document()
            }
        }
        return try result.get()
    }

    private struct Reader {
        /// An array or object whose elements are still being read.
        struct OpenContainer {
            var isObject: Bool
            var elements: [JSONValue] = []
            var members: [JSONObject.Member] = []
            /// Built only for large objects: schema objects have a handful of keys, where comparing
            /// them costs less than hashing each one.
            var indexByKey: [String: Int] = [:]
            /// The key whose value is being read (objects only).
            var key = ""
            /// Levels of nesting of the container so far, itself included.
            var levels = 1
            /// Where an object to keep in the reuse table starts, or -1.
            var keptFrom = -1

            static let linearSearchLimit = 16

            /// A repeated key keeps its first position and takes the last value, as Jackson does.
            mutating func addMember(_ value: JSONValue) {
                if let existing = index(of: key) {
                    members[existing].value = value
                    return
                }
                if members.count >= Self.linearSearchLimit { indexByKey[key] = members.count }
                members.append(JSONObject.Member(key: key, value: value))
            }

            private mutating func index(of key: String) -> Int? {
                if members.count <= Self.linearSearchLimit {
                    return members.firstIndex { $0.key == key }
                }
                if indexByKey.isEmpty {
                    for (index, member) in members.enumerated() { indexByKey[member.key] = index }
                }
                return indexByKey[key]
            }
        }

        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        let allowComments: Bool
        let table: JSONReuseTable?
        var position = 0
        var open: [OpenContainer] = []
        /// Levels of nesting of the value `scalarOrOpen` or `continueOrClose` just completed.
        var completedLevels = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, allowComments: Bool, reusing table: JSONReuseTable? = nil) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            self.allowComments = allowComments
            self.table = table
        }

        func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: position) }

        mutating func document() throws(JSONParseError) -> JSONValue {
            skipWhitespace()
            let value = try self.value()
            skipWhitespace()
            guard position == bytes.count else { throw fail("unexpected content after the JSON value") }
            return value
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                case UInt8(ascii: "/") where allowComments:
                    guard skipComment() else { return }
                default: return
                }
            }
        }

        /// Skips one comment starting at `position`; false (and nothing skipped) when there is none
        /// or it is unterminated, which then fails as an unexpected '/'.
        mutating func skipComment() -> Bool {
            guard position + 1 < bytes.count else { return false }
            switch bytes[position + 1] {
            case UInt8(ascii: "/"):
                position += 2
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
                return true
            case UInt8(ascii: "*"):
                var end = position + 2
                while end + 1 < bytes.count {
                    if bytes[end] == UInt8(ascii: "*"), bytes[end + 1] == UInt8(ascii: "/") {
                        position = end + 2
                        return true
                    }
                    end += 1
                }
                return false
            default:
                return false
            }
        }

        /// Reads one value, containers included, without recursion.
        mutating func value() throws(JSONParseError) -> JSONValue {
            while true {
                skipWhitespace()
                guard var completed = try scalarOrOpen() else { continue }
                // Hand the finished value to the containers it closes, innermost first.
                while !open.isEmpty {
                    let top = open.count - 1
                    open[top].levels = max(open[top].levels, completedLevels + 1)
                    if open[top].isObject {
                        open[top].addMember(completed)
                    } else {
                        open[top].elements.append(completed)
                    }
                    skipWhitespace()
                    guard let closed = try continueOrClose(top) else { break }
                    completed = closed
                }
                if open.isEmpty { return completed }
            }
        }

        /// A scalar, an empty container, or nil after opening a container whose first element comes next.
        mutating func scalarOrOpen() throws(JSONParseError) -> JSONValue? {
            guard position < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                try enter()
                var keptFrom = -1
                if let table, let parent = open.last, !parent.isObject, let end = JSONReuseTable.skim(bytes, from: position),
                    end - position >= table.minimumBytes
                {
                    let span = UnsafeBufferPointer(rebasing: bytes[position..<end])
                    if let entry = table.entry(for: span), open.count + entry.levels <= maxDepth {
                        position = end
                        completedLevels = entry.levels
                        return entry.value
                    }
                    keptFrom = position
                }
                position += 1
                skipWhitespace()
                completedLevels = 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(JSONObject(uniqueMembers: []))
                }
                let key = try objectKey()
                open.append(OpenContainer(isObject: true, key: key, keptFrom: keptFrom))
                return nil
            case UInt8(ascii: "["):
                try enter()
                position += 1
                skipWhitespace()
                completedLevels = 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array([])
                }
                open.append(OpenContainer(isObject: false))
                return nil
            case UInt8(ascii: "\""):
                completedLevels = 0
                return .string(try string())
            case UInt8(ascii: "t"): completedLevels = 0; try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): completedLevels = 0; try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): completedLevels = 0; try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): completedLevels = 0; return .number(try number())
            case let byte where byte < 0x80: throw fail("unexpected character '\(Character(Unicode.Scalar(byte)))'")
            case let byte: throw fail("unexpected byte 0x\(String(byte, radix: 16, uppercase: true))")
            }
        }

        /// After an element of the container at `index`: nil when another element follows,
        /// or the finished container when it closes here.
        mutating func continueOrClose(_ index: Int) throws(JSONParseError) -> JSONValue? {
            let isObject = open[index].isObject
            guard position < bytes.count else {
                throw fail(isObject ? "unexpected end of input in an object" : "unexpected end of input in an array")
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: ",") {
                position += 1
                if isObject { open[index].key = try objectKey() }
                return nil
            }
            if isObject, byte == UInt8(ascii: "}") {
                position += 1
                let closed = open.removeLast()
                completedLevels = closed.levels
                let object = JSONValue.object(JSONObject(uniqueMembers: closed.members))
                if closed.keptFrom >= 0, let table {
                    table.keep(UnsafeBufferPointer(rebasing: bytes[closed.keptFrom..<position]), value: object, levels: closed.levels)
                }
                return object
            }
            if !isObject, byte == UInt8(ascii: "]") {
                position += 1
                let closed = open.removeLast()
                completedLevels = closed.levels
                return .array(closed.elements)
            }
            throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
        }

        /// Reads `"key":` and the whitespace around it.
        mutating func objectKey() throws(JSONParseError) -> String {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            position += 1
            return key
        }

        mutating func literal(_ word: StaticString) throws(JSONParseError) {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw fail("unexpected end of input") }
            for i in 0..<count where bytes[position + i] != word.utf8Start[i] {
                throw fail("invalid literal")
            }
            position += count
        }

        func enter() throws(JSONParseError) {
            if open.count >= maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        }

        mutating func number() throws(JSONParseError) -> JSONNumber {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if position < bytes.count, isDigit(bytes[position]) { throw fail("leading zeros are not allowed") }
            } else {
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number") }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number") }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            return JSONNumber(literal: text)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func string() throws(JSONParseError) -> String {
            position += 1
            let start = position
            var highBits: UInt8 = 0
            // Fast path: no escapes, plain UTF-8 up to the closing quote.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                    position += 1
                    // ASCII needs no validation (most schema strings are ASCII).
                    if highBits & 0x80 == 0 { return String(decoding: slice, as: UTF8.self) }
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw JSONParseError(message: "invalid UTF-8 in a string", offset: start)
                    }
                    return s
                }
                highBits |= byte
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("unescaped control character in a string") }
                position += 1
            }
            var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
            while true {
                guard position < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    guard let s = String(validating: scalars, as: UTF8.self) else {
                        throw JSONParseError(message: "invalid UTF-8 in a string", offset: start)
                    }
                    return s
                }
                if byte < 0x20 { throw fail("unescaped control character in a string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    position += 1
                    continue
                }
                position += 1
                guard position < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw fail("lone high surrogate") }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid low surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw fail("lone low surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid unicode escape") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("invalid escape")
                }
            }
        }

        mutating func hex4() throws(JSONParseError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail("truncated unicode escape") }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("invalid unicode escape")
                }
                code = code << 4 | UInt32(digit)
                position += 1
            }
            return code
        }
    }
}

extension JSONObject {
    /// Builds an object from members the caller guarantees to have distinct keys.
    package init(uniqueMembers: [Member]) {
        self.init()
        self.members = uniqueMembers
    }
}

extension JSONValue {
    /// Parses JSON text; see `JSONParser`.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.parse(text)
    }
}
