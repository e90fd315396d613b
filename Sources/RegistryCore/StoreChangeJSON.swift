import JSON
import RegistryModel

/// A change as one JSON object, the form a shared store's change log keeps it in: the records of an export
/// (`RegistryExport`) for what is added, and `kind` plus the key for what is removed or flagged.
extension StoreChange {
    public var json: JSONValue {
        var record: JSONObject
        switch self {
        case .insertSchema(let schema): record = RegistryExport.record(of: schema)
        case .deleteSchema(let key):
            record = JSONObject(["kind": "deleteSchema", "context": .string(key.context), "id": .number(JSONNumber(key.id))])
        case .insertVersion(let version): record = RegistryExport.record(of: version)
        case .setVersionDeleted(let subject, let version, let deleted):
            record = JSONObject([
                "kind": "setVersionDeleted", "subject": .string(subject), "version": .number(JSONNumber(version)), "deleted": .bool(deleted),
            ])
        case .deleteVersion(let subject, let version):
            record = JSONObject(["kind": "deleteVersion", "subject": .string(subject), "version": .number(JSONNumber(version))])
        case .setConfig(let subject, let config):
            record = config.map { RegistryExport.configRecord(subject: subject, $0) }
                ?? JSONObject(["kind": "deleteConfig", "subject": subject.map(JSONValue.string) ?? .null])
        case .setMode(let subject, let mode):
            record = mode.map { RegistryExport.modeRecord(subject: subject, $0) }
                ?? JSONObject(["kind": "deleteMode", "subject": subject.map(JSONValue.string) ?? .null])
        case .deleteContext(let context): record = JSONObject(["kind": "deleteContext", "context": .string(context)])
        case .raiseMaxSchemaId(let context, let id):
            record = JSONObject(["kind": "context", "context": .string(context), "maxId": .number(JSONNumber(id))])
        }
        return .object(record)
    }

    public init(json: JSONValue) throws(WireShapeError) {
        let fields = try RegistryExport.Fields(json)
        switch fields.object["kind"]?.stringValue {
        case "schema": self = .insertSchema(try RegistryExport.schema(from: fields))
        case "deleteSchema": self = .deleteSchema(ContextId(context: try fields.string("context"), id: try fields.int("id")))
        case "version": self = .insertVersion(try RegistryExport.version(from: fields))
        case "setVersionDeleted":
            self = .setVersionDeleted(subject: try fields.string("subject"), version: try fields.int("version"), deleted: try fields.bool("deleted"))
        case "deleteVersion": self = .deleteVersion(subject: try fields.string("subject"), version: try fields.int("version"))
        case "config": self = .setConfig(subject: try fields.optionalSubject(), try RegistryExport.config(from: fields))
        case "deleteConfig": self = .setConfig(subject: try fields.optionalSubject(), nil)
        case "mode": self = .setMode(subject: try fields.optionalSubject(), try RegistryExport.mode(from: fields))
        case "deleteMode": self = .setMode(subject: try fields.optionalSubject(), nil)
        case "deleteContext": self = .deleteContext(try fields.string("context"))
        case "context": self = .raiseMaxSchemaId(context: try fields.string("context"), id: try fields.int("maxId"))
        default: throw WireShapeError("unknown change kind \(fields.object["kind"].map(JSONWriter.write) ?? "none")")
        }
    }

    /// A commit's changes as the text of one log entry.
    public static func logText(of changes: [StoreChange]) -> String {
        JSONWriter.write(.array(changes.map(\.json)))
    }

    /// The changes of one log entry.
    public static func changes(logText text: String) throws(WireShapeError) -> [StoreChange] {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch { throw WireShapeError("not JSON: \(error.message)") }
        guard case .array(let items) = json else { throw WireShapeError("a change log entry must be an array") }
        var changes: [StoreChange] = []
        for item in items { changes.append(try StoreChange(json: item)) }
        return changes
    }
}
