import Avro
import JSON

/// A compatibility configuration, global, of a context or of one subject. Nil members are not set at that level.
public struct CompatibilityConfig: Sendable, Hashable {
    public var compatibilityLevel: CompatibilityLevel?
    /// Normalize schemas on registration and lookup even when the request does not ask to.
    public var normalize: Bool?

    public init(compatibilityLevel: CompatibilityLevel? = nil, normalize: Bool? = nil) {
        self.compatibilityLevel = compatibilityLevel
        self.normalize = normalize
    }

    /// The two spellings of the level: `GET /config` answers `compatibilityLevel`; `PUT /config` takes
    /// (and echoes) `compatibility`.
    public enum Shape: Sendable {
        case read, update
        var levelKey: String { self == .read ? "compatibilityLevel" : "compatibility" }
    }

    public func json(_ shape: Shape) -> JSONValue {
        var object = JSONObject()
        if let level = compatibilityLevel { object[shape.levelKey] = .string(level.rawValue) }
        if let normalize { object["normalize"] = .bool(normalize) }
        return .object(object)
    }

    /// Reads either shape; the level name is returned as given, for the caller to judge.
    public static func members(json: JSONValue) throws(WireShapeError) -> (level: String?, normalize: Bool?) {
        guard case .object(let object) = json else { throw WireShapeError("expected a config object") }
        var level = try JacksonFields.string(object, Shape.update.levelKey)
        if level == nil { level = try JacksonFields.string(object, Shape.read.levelKey) }
        var normalize: Bool?
        if let value = JacksonFields.nonNull(object["normalize"]) {
            guard case .bool(let flag) = value else { throw WireShapeError("'normalize' must be a boolean") }
            normalize = flag
        }
        return (level, normalize)
    }
}

/// The answer of a compatibility test.
public struct CompatibilityResult: Sendable, Hashable {
    public var isCompatible: Bool
    /// Why the schema is incompatible; filled only when the test was asked to be verbose.
    public var messages: [String]

    public init(isCompatible: Bool, messages: [String] = []) {
        self.isCompatible = isCompatible
        self.messages = messages
    }

    /// With `verbose` the list is always there, empty for a compatible schema, as Confluent sends it.
    public func json(verbose: Bool) -> JSONValue {
        var object = JSONObject()
        object["is_compatible"] = .bool(isCompatible)
        if verbose { object["messages"] = .array(messages.map(JSONValue.string)) }
        return .object(object)
    }

    public init(json: JSONValue) throws(WireShapeError) {
        guard let isCompatible = json["is_compatible"]?.boolValue else { throw WireShapeError("no 'is_compatible'") }
        let messages = (json["messages"]?.arrayValue ?? []).map { $0.stringValue ?? JSONWriter.write($0) }
        self.init(isCompatible: isCompatible, messages: messages)
    }
}
