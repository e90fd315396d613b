/// What a request does to a resource. Write implies read, as in Karapace.
public enum AccessOperation: Sendable, Hashable {
    case read
    case write
}

/// What a request touches, rendered as the text the auth file's `resource` patterns are matched against.
public enum AccessResource: Sendable, Hashable, CustomStringConvertible {
    /// A subject: `Subject:<name>`.
    case subject(String)
    /// Global config and mode: `Config:`.
    case config

    public var description: String {
        switch self {
        case .subject(let name): "Subject:\(name)"
        case .config: "Config:"
        }
    }
}

/// One entry of the auth file's `permissions`: an operation on the resources whose text starts with a match of `pattern`.
struct AccessRule: @unchecked Sendable {
    // `Regex<AnyRegexOutput>` is immutable once compiled and matching does not mutate it, so sharing it across threads is
    // safe; the standard library does not declare it Sendable because its output type may not be.
    let operation: AccessOperation
    let pattern: String
    let regex: Regex<AnyRegexOutput>

    /// Compiles `pattern`; nil when it is not a valid regular expression.
    init?(operation: AccessOperation, pattern: String) {
        guard let regex = try? Regex(pattern) else { return nil }
        self.operation = operation
        self.pattern = pattern
        // Python's `re` matches code points, not grapheme clusters.
        self.regex = regex.matchingSemantics(.unicodeScalar)
    }

    func allows(_ requested: AccessOperation, on resource: String) -> Bool {
        guard requested == .read || operation == .write else { return false }
        // Karapace uses Python's `re.match`: anchored at the start only, so `Subject:foo` also grants `Subject:foobar`.
        return (try? regex.prefixMatch(in: resource)) != nil
    }
}

/// A user whose password was verified, with the permissions the auth file gave them when they were verified.
public struct AuthenticatedUser: Sendable {
    public let name: String
    let rules: [AccessRule]

    init(name: String, rules: [AccessRule]) {
        self.name = name
        self.rules = rules
    }

    /// Whether any permission of this user allows `operation` on `resource`.
    public func may(_ operation: AccessOperation, _ resource: AccessResource) -> Bool {
        let text = resource.description
        return rules.contains { $0.allows(operation, on: text) }
    }
}
