/// Why a value could not be encoded or decoded. Paths are written like `.items[2].price`
/// (a leading dot per record field, `[i]` per array item, `["key"]` per map entry); the root is `$`.
public enum AvroCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value given to the encoder does not fit the schema at `path`.
    case valueDoesNotMatchSchema(path: String, message: String)
    /// The data ends before the value at `path` does.
    case truncated(path: String)
    /// The data holds a complete value followed by `count` more bytes.
    case trailingBytes(count: Int)
    /// The data is not valid for its schema at `path` (bad union or enum index, negative length, bad varint, invalid UTF-8).
    case invalidData(path: String, message: String)
    /// The data declares more than the decoder accepts (nesting depth, element count).
    case limitExceeded(path: String, message: String)
    /// Data written with one schema cannot be read with the other.
    case incompatibleSchemas(String)
    /// libavro refused the schema.
    case unsupportedSchema(String)
    /// libavro failed with an errno-style code during `operation`.
    case libavro(operation: String, code: Int32)

    public var description: String {
        switch self {
        case .valueDoesNotMatchSchema(let path, let message): "value does not match the schema at \(path): \(message)"
        case .truncated(let path): "data ends in the middle of the value at \(path)"
        case .trailingBytes(let count): "\(count) unexpected bytes after the end of the value"
        case .invalidData(let path, let message): "invalid data at \(path): \(message)"
        case .limitExceeded(let path, let message): "data exceeds a decoding limit at \(path): \(message)"
        case .incompatibleSchemas(let message): "the reader schema cannot read data of the writer schema: \(message)"
        case .unsupportedSchema(let message): "libavro cannot use the schema: \(message)"
        case .libavro(let operation, let code): "libavro failed to \(operation) (error \(code))"
        }
    }

    /// The same error with `component` prepended to its path, as the error travels up the value tree.
    func inside(_ component: String) -> AvroCodecError {
        switch self {
        case .valueDoesNotMatchSchema(let path, let message): .valueDoesNotMatchSchema(path: Self.join(component, path), message: message)
        case .truncated(let path): .truncated(path: Self.join(component, path))
        case .invalidData(let path, let message): .invalidData(path: Self.join(component, path), message: message)
        case .limitExceeded(let path, let message): .limitExceeded(path: Self.join(component, path), message: message)
        default: self
        }
    }

    private static func join(_ component: String, _ path: String) -> String {
        path == "$" ? "$" + component : "$" + component + path.dropFirst()
    }
}
