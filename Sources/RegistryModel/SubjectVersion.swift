/// One version of one subject: the pair Confluent's `SubjectVersion` entity names, and the key under which
/// every layer finds a version.
public struct SubjectVersion: Sendable, Hashable {
    public var subject: String
    public var version: Int

    public init(subject: String, version: Int) {
        self.subject = subject
        self.version = version
    }
}

/// The `{version}` of a request: a version number or the latest live version.
public enum VersionSelector: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    case latest
    case number(Int)

    public init(integerLiteral value: Int) { self = .number(value) }

    /// The path segment that selects this version.
    public var description: String {
        switch self {
        case .latest: "latest"
        case .number(let number): String(number)
        }
    }
}
