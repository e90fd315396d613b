import JSON

/// A JSON body member that does not have the type the Confluent API gives it.
public struct WireShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads members the way Confluent's Jackson binding does, so that every face agrees on what a body means:
/// a missing or null member is absent, a string field also takes a number or boolean as its text, and an
/// integer field also takes a string holding one.
public enum JacksonFields {
    public static func nonNull(_ value: JSONValue?) -> JSONValue? {
        if let value, value != .null { return value }
        return nil
    }

    public static func string(_ object: JSONObject, _ key: String) throws(WireShapeError) -> String? {
        switch object[key] {
        case nil, .null?: nil
        case .string(let text)?: text
        case .number(let number)?: number.text
        case .bool(let flag)?: flag ? "true" : "false"
        default: throw WireShapeError("Cannot deserialize value of type `java.lang.String` from '\(key)'")
        }
    }

    /// Confluent's ids and versions are Java `Integer`s.
    public static func int32(_ object: JSONObject, _ key: String) throws(WireShapeError) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let number)?:
            guard let value = number.int32Value else { throw WireShapeError("'\(key)' must be a 32-bit integer") }
            return Int(value)
        case .string(let text)?:
            guard let value = Int32(text) else { throw WireShapeError("'\(key)' must be a 32-bit integer") }
            return Int(value)
        default: throw WireShapeError("'\(key)' must be a 32-bit integer")
        }
    }
}
