import Avro
import Crypto
import JSON
import RegistryModel

/// A whole registry in one file, as `schema-registry export` writes it and `restore` reads it: JSON lines, UTF-8.
///
/// - Line 1, the header: `{"format":"schema-registry-export","version":1}`.
/// - Then one record a line, `kind` first: `schema` (context, id, guid, schemaType, schema, references, metadata,
///   ruleSet), `version` (subject, version, id, deleted), `config` (subject, null for the top level;
///   compatibilityLevel, normalize), `mode` (subject or null; mode) and `context` (context, maxId: the highest id
///   ever issued there, deleted ones included).
/// - Last, `{"kind":"end","records":N,"sha256":"…"}`: the count of records and the SHA-256 of every line before it,
///   newlines included, so a cut or edited file is refused rather than half restored.
///
/// Everything is in it, soft-deleted versions and the ids of hard-deleted schemas included, so a restore gives the
/// same ids, versions and settings.
public enum RegistryExport {
    public static let format = "schema-registry-export"
    public static let version = 1

    /// The file's text for `contents`.
    public static func text(of contents: StoreContents) -> String {
        var lines = [JSONWriter.write(["format": .string(format), "version": .number(JSONNumber(version))])]
        lines += contents.schemas.sorted(by: { $0.key < $1.key }).map { JSONWriter.write(.object(record(of: $0))) }
        lines += contents.versions.sorted(by: { ($0.subject, $0.version) < ($1.subject, $1.version) })
            .map { JSONWriter.write(.object(record(of: $0))) }
        lines += contents.configs.sorted(by: { ($0.key ?? "") < ($1.key ?? "") })
            .map { JSONWriter.write(.object(configRecord(subject: $0.key, $0.value))) }
        lines += contents.modes.sorted(by: { ($0.key ?? "") < ($1.key ?? "") })
            .map { JSONWriter.write(.object(modeRecord(subject: $0.key, $0.value))) }
        for (context, maxId) in contents.maxSchemaIds.sorted(by: { $0.key < $1.key }) {
            lines.append(JSONWriter.write(["kind": "context", "context": .string(context), "maxId": .number(JSONNumber(maxId))]))
        }
        let body = lines.map { $0 + "\n" }.joined()
        let end = JSONWriter.write([
            "kind": "end", "records": .number(JSONNumber(lines.count - 1)), "sha256": .string(sha256(body)),
        ])
        return body + end + "\n"
    }

    /// Reads a file `text(of:)` wrote; any damage, a checksum or count that does not match, or an unknown
    /// version is an error that says which line.
    public static func contents(parsing text: String) throws(ExportError) -> StoreContents {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        guard let header = lines.first, let last = lines.last, lines.count >= 2 else {
            throw ExportError("not a registry export: it has no header and end line")
        }
        let head = try parse(header, line: 1)
        guard head["format"]?.stringValue == format else { throw ExportError("line 1: not a registry export") }
        guard head["version"]?.numberValue?.int64Value == Int64(version) else {
            throw ExportError("line 1: export version \(head["version"].map(JSONWriter.write) ?? "none"); this build reads version \(version)")
        }
        let end = try parse(last, line: lines.count)
        let body = lines.dropLast().map { $0 + "\n" }.joined()
        guard end["kind"]?.stringValue == "end", end["sha256"]?.stringValue == sha256(body),
            end["records"]?.numberValue?.int64Value == Int64(lines.count - 2)
        else { throw ExportError("line \(lines.count): the end line does not match the file: it is cut short or was changed") }

        var contents = StoreContents()
        for (offset, line) in lines.dropFirst().dropLast().enumerated() {
            let number = offset + 2
            let record = try parse(line, line: number)
            do throws(WireShapeError) {
                try read(record, into: &contents)
            } catch {
                throw ExportError("line \(number): \(error.message)")
            }
        }
        return contents
    }

    private static func read(_ record: JSONValue, into contents: inout StoreContents) throws(WireShapeError) {
        let fields = try Fields(record)
        switch fields.object["kind"]?.stringValue {
        case "schema": contents.schemas.append(try schema(from: fields))
        case "version": contents.versions.append(try version(from: fields))
        case "config": contents.configs[try fields.optionalSubject()] = try config(from: fields)
        case "mode": contents.modes[try fields.optionalSubject()] = try mode(from: fields)
        case "context": contents.maxSchemaIds[try fields.string("context")] = try fields.int("maxId")
        default:
            throw WireShapeError("unknown record kind \(fields.object["kind"].map(JSONWriter.write) ?? "none")")
        }
    }

    // MARK: Records, shared with the change log of a shared store (`StoreChange.json`)

    static func record(of schema: StoredSchema) -> JSONObject {
        var record = JSONObject([
            "kind": "schema", "context": .string(schema.context), "id": .number(JSONNumber(schema.id)),
            "guid": .string(schema.guid), "schemaType": .string(schema.schemaType), "schema": .string(schema.schema),
            "references": SchemaReference.json(schema.references),
        ])
        if let metadata = schema.metadata { record["metadata"] = metadata }
        if let ruleSet = schema.ruleSet { record["ruleSet"] = ruleSet }
        return record
    }

    static func record(of version: StoredVersion) -> JSONObject {
        JSONObject([
            "kind": "version", "subject": .string(version.subject), "version": .number(JSONNumber(version.version)),
            "id": .number(JSONNumber(version.schemaId)), "deleted": .bool(version.deleted),
        ])
    }

    static func configRecord(subject: String?, _ config: CompatibilityConfig) -> JSONObject {
        var record = JSONObject(["kind": "config", "subject": subject.map(JSONValue.string) ?? .null])
        for member in config.json(.read).objectValue ?? JSONObject() { record[member.key] = member.value }
        return record
    }

    static func modeRecord(subject: String?, _ mode: RegistryMode) -> JSONObject {
        JSONObject(["kind": "mode", "subject": subject.map(JSONValue.string) ?? .null, "mode": .string(mode.rawValue)])
    }

    static func schema(from fields: Fields) throws(WireShapeError) -> StoredSchema {
        StoredSchema(
            id: try fields.int("id"), context: try fields.string("context"), guid: try fields.string("guid"),
            schemaType: try fields.string("schemaType"), schema: try fields.string("schema"),
            references: try SchemaReference.list(json: fields.object["references"]),
            metadata: JacksonFields.nonNull(fields.object["metadata"]), ruleSet: JacksonFields.nonNull(fields.object["ruleSet"]))
    }

    static func version(from fields: Fields) throws(WireShapeError) -> StoredVersion {
        guard let deleted = fields.object["deleted"]?.boolValue else { throw WireShapeError("'deleted' must be a boolean") }
        return StoredVersion(
            subject: try fields.string("subject"), version: try fields.int("version"), schemaId: try fields.int("id"), deleted: deleted)
    }

    static func config(from fields: Fields) throws(WireShapeError) -> CompatibilityConfig {
        let members = try CompatibilityConfig.members(json: .object(fields.object))
        var config = CompatibilityConfig(normalize: members.normalize)
        if let level = members.level {
            guard let parsed = CompatibilityLevel(rawValue: level) else { throw WireShapeError("unknown level '\(level)'") }
            config.compatibilityLevel = parsed
        }
        return config
    }

    static func mode(from fields: Fields) throws(WireShapeError) -> RegistryMode {
        guard let mode = RegistryMode(rawValue: try fields.string("mode")) else { throw WireShapeError("unknown mode") }
        return mode
    }

    /// A record's members, read with the errors every kind gives.
    struct Fields {
        let object: JSONObject

        init(_ record: JSONValue) throws(WireShapeError) {
            guard case .object(let object) = record else { throw WireShapeError("a record must be an object") }
            self.object = object
        }

        func string(_ key: String) throws(WireShapeError) -> String {
            guard let value = object[key]?.stringValue else { throw WireShapeError("'\(key)' must be a string") }
            return value
        }

        func int(_ key: String) throws(WireShapeError) -> Int {
            guard let value = object[key]?.numberValue?.int64Value else { throw WireShapeError("'\(key)' must be an integer") }
            return Int(value)
        }

        func bool(_ key: String) throws(WireShapeError) -> Bool {
            guard let value = object[key]?.boolValue else { throw WireShapeError("'\(key)' must be a boolean") }
            return value
        }

        func optionalSubject() throws(WireShapeError) -> String? {
            object["subject"] == .null ? nil : try string("subject")
        }
    }

    private static func parse(_ line: Substring, line number: Int) throws(ExportError) -> JSONValue {
        do {
            return try JSONParser.parse(String(line))
        } catch {
            throw ExportError("line \(number): \(error)")
        }
    }

    private static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

/// A registry export that cannot be read.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StoreContents {
    /// Nothing stored: no schema, version, config or mode.
    public var isEmpty: Bool { schemas.isEmpty && versions.isEmpty && configs.isEmpty && modes.isEmpty }

    /// The changes that store these contents in an empty store, in an order every store accepts.
    public var changes: [StoreChange] {
        var changes: [StoreChange] = schemas.sorted { $0.key < $1.key }.map { .insertSchema($0) }
        changes += versions.sorted { ($0.subject, $0.version) < ($1.subject, $1.version) }.map { .insertVersion($0) }
        changes += configs.sorted { ($0.key ?? "") < ($1.key ?? "") }.map { .setConfig(subject: $0.key, $0.value) }
        changes += modes.sorted { ($0.key ?? "") < ($1.key ?? "") }.map { .setMode(subject: $0.key, $0.value) }
        changes += maxSchemaIds.sorted { $0.key < $1.key }.map { .raiseMaxSchemaId(context: $0.key, id: $0.value) }
        return changes
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
