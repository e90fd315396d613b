import JSON
import RegistryModel

/// The key/value records of a Confluent or Karapace `_schemas` topic, read from the files people keep of it, in the
/// topic's order. `SchemasTopicReplay` turns them into a registry.
public enum SchemasTopicRecords {
    /// The ways a `_schemas` topic ends up in a file.
    public enum Format: Sendable, Hashable {
        /// One record a line, the key's JSON, a tab, the value's JSON (`null` for a tombstone): what
        /// `kafka-console-consumer --property print.key=true` prints. Columns that `print.timestamp`,
        /// `print.partition` or `print.offset` put in front are skipped: the key and the value are the last two.
        case consoleConsumer
        /// Karapace's first backup format: one JSON array of `[key, value]` pairs, each an object, a string holding
        /// the JSON, or null (Karapace's `backup/backends/v1.py`, `backup/encoders.py`).
        case karapaceV1
        /// Karapace's second format: a `/V2` line, then per record the key's and the value's bytes in hexadecimal
        /// (Python's `base64.b16encode`), separated by a tab; `null` or nothing for a tombstone
        /// (Karapace's `backup/backends/v2.py`).
        case karapaceV2

        /// What a record's place is called in this format's error messages.
        var unit: String { self == .karapaceV1 ? "record" : "line" }
    }

    /// One record: where it is in the file (a line, or for Karapace v1 the pair's number), its key and its value,
    /// nil for a tombstone.
    public struct Record: Sendable, Hashable {
        public var position: Int
        public var key: JSONValue
        public var value: JSONValue?

        public init(position: Int, key: JSONValue, value: JSONValue?) {
            self.position = position
            self.key = key
            self.value = value
        }
    }

    /// The format `text` is in, judged from its start: nil for a registry export (`RegistryExport`), and an error
    /// for Karapace's v3 format, a folder of Avro files, which is not read here.
    public static func format(of text: String) throws(DumpError) -> Format? {
        let start = text.drop { $0.isWhitespace }
        let firstLine = String(start.prefix { !$0.isNewline }).trimmingSpaces
        if firstLine == "/V2" { return .karapaceV2 }
        if firstLine.hasPrefix("/V3") {
            throw DumpError(
                unit: "line", position: 1,
                "a Karapace v3 backup (Avro data files with a metadata file) is not read; restore it to a topic with "
                    + "Karapace first and dump the topic")
        }
        if start.hasPrefix("[") { return .karapaceV1 }
        // A registry export starts with its header, `{"format": …}`; a topic's records never have that member.
        if case .object(let header)? = try? JSONParser.parse(firstLine), header["format"] != nil { return nil }
        return .consoleConsumer
    }

    /// Every record of `text`, in order; a line that is not a record is an error naming it.
    public static func records(in text: String, format: Format) throws(DumpError) -> [Record] {
        switch format {
        case .consoleConsumer: try consoleRecords(text)
        case .karapaceV1: try karapaceV1Records(text)
        case .karapaceV2: try karapaceV2Records(text)
        }
    }

    private static func consoleRecords(_ text: String) throws(DumpError) -> [Record] {
        var records: [Record] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 2 else {
                throw DumpError(
                    unit: "line", position: number,
                    "expected the key's JSON, a tab and the value's JSON (kafka-console-consumer --property print.key=true)")
            }
            let key = try json(columns[columns.count - 2], what: "key", unit: "line", number)
            let value = try json(columns[columns.count - 1], what: "value", unit: "line", number)
            records.append(Record(position: number, key: key ?? .null, value: value))
        }
        return records
    }

    private static func karapaceV1Records(_ text: String) throws(DumpError) -> [Record] {
        let document: JSONValue
        do { document = try JSONParser.parse(text) } catch {
            throw DumpError(unit: "record", position: nil, "not a Karapace v1 backup: \(error)")
        }
        guard let pairs = document.arrayValue else { throw DumpError(unit: "record", position: nil, "a Karapace v1 backup is a JSON array") }
        var records: [Record] = []
        for (index, pair) in pairs.enumerated() {
            let number = index + 1
            guard let items = pair.arrayValue, items.count == 2 else {
                throw DumpError(unit: "record", position: number, "expected a [key, value] pair")
            }
            // Karapace sends a string as the bytes it holds and anything else as its JSON.
            func item(_ value: JSONValue, _ what: String) throws(DumpError) -> JSONValue? {
                guard case .string(let text) = value else { return JacksonFields.nonNull(value) }
                return try json(Substring(text), what: what, unit: "record", number)
            }
            records.append(Record(position: number, key: try item(items[0], "key") ?? .null, value: try item(items[1], "value")))
        }
        return records
    }

    private static func karapaceV2Records(_ text: String) throws(DumpError) -> [Record] {
        var records: [Record] = []
        var markerSeen = false
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard markerSeen else {
                markerSeen = true
                continue
            }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count == 2 else {
                throw DumpError(
                    unit: "line", position: number, "expected the key's and the value's bytes in hexadecimal, separated by a tab")
            }
            func item(_ column: Substring, _ what: String) throws(DumpError) -> JSONValue? {
                let hex = String(column).trimmingSpaces
                if hex == "null" { return nil }
                guard let bytes = bytes(hexadecimal: hex[...]) else {
                    throw DumpError(unit: "line", position: number, "the \(what) is not hexadecimal")
                }
                return try json(Substring(decoding: bytes, as: UTF8.self), what: what, unit: "line", number)
            }
            records.append(Record(position: number, key: try item(columns[0], "key") ?? .null, value: try item(columns[1], "value")))
        }
        return records
    }

    /// A key's or value's JSON; nil for `null` and for nothing at all, which Karapace reads as a tombstone too.
    private static func json(_ text: Substring, what: String, unit: String, _ number: Int) throws(DumpError) -> JSONValue? {
        let trimmed = String(text).trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        do {
            let value = try JSONParser.parse(String(trimmed))
            return JacksonFields.nonNull(value)
        } catch {
            throw DumpError(unit: unit, position: number, "the \(what) is not JSON: \(error)")
        }
    }

    private static func bytes(hexadecimal text: Substring) -> [UInt8]? {
        guard text.utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let value = high {
                bytes.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}

/// A `_schemas` dump that cannot be restored, and where.
public struct DumpError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `line`, or `record` for a Karapace v1 file.
    public let unit: String
    /// The line or record, from 1; nil when the fault is the whole file's.
    public let position: Int?
    public let message: String

    public init(unit: String, position: Int?, _ message: String) {
        self.unit = unit
        self.position = position
        self.message = message
    }

    public var description: String { position.map { "\(unit) \($0): \(message)" } ?? message }
}
