/// A subject with its context, as Confluent's `QualifiedSubject` reads it: `:.ctx:name` is `name` in context
/// `.ctx`, a plain `name` is in the default context `.`, and `:*:name` is the wildcard over every context.
///
/// Contexts are independent scopes of subjects and schema ids (Schema Linking, multi-team registries). Every
/// layer keeps a subject as its qualified text (`qualified`), which is the plain name in the default context, so
/// that `:.:orders` and `orders` are one subject.
public struct QualifiedSubject: Sendable, Hashable, CustomStringConvertible {
    public static let defaultContext = "."
    /// Where global config and mode live: `:.__GLOBAL:`.
    public static let globalContext = ".__GLOBAL"
    public static let wildcardContext = "*"
    /// The prefix that lists every context's subjects.
    public static let wildcard = ":*:"

    /// `.` (default), `.name`, or `*` for the wildcard.
    public let context: String
    /// The subject's name within its context; empty for a context itself (`:.ctx:`).
    public let name: String

    public init(context: String, name: String) {
        self.context = context
        self.name = name
    }

    /// Reads `:.ctx:name`, `:.ctx:` (a context), `:*:name` or a plain name, exactly as Confluent splits them.
    public init(parsing text: String) {
        if text.hasPrefix(":.") {
            let rest = text.dropFirst(2)
            if let colon = rest.firstIndex(of: ":") {
                context = String(text[text.index(after: text.startIndex)..<colon])
                name = String(rest[rest.index(after: colon)...])
            } else {
                context = String(text.dropFirst())
                name = ""
            }
        } else if text.hasPrefix(Self.wildcard) {
            context = Self.wildcardContext
            name = String(text.dropFirst(Self.wildcard.count))
        } else {
            context = Self.defaultContext
            name = text
        }
    }

    public var isDefaultContext: Bool { context == Self.defaultContext }

    /// `:.ctx:`, or empty for the default context.
    public var qualifiedContext: String { Self.prefix(ofContext: context) }

    /// The subject as every layer keeps it: `:.ctx:name`, or `name` in the default context.
    public var qualified: String { qualifiedContext + name }

    public var description: String { qualified }

    /// The context a subject is in, without building the whole value: the hot paths ask this of every subject.
    public static func context(of subject: String) -> String {
        guard subject.hasPrefix(":.") else { return defaultContext }
        return QualifiedSubject(parsing: subject).context
    }

    public static func prefix(ofContext context: String) -> String {
        context == defaultContext ? "" : ":\(context):"
    }

    /// A context name as `/contexts/{context}` and `GET /contexts` spell it, normalised as Confluent's
    /// `normalizeContext`: one leading and one trailing colon are dropped, a missing leading dot is added.
    /// Nil for a name with a colon inside, which Confluent refuses.
    public static func normalizedContext(_ text: String) -> String? {
        var context = Substring(text)
        if context.hasPrefix(":") { context = context.dropFirst() }
        if context.hasSuffix(":") { context = context.dropLast() }
        guard !context.contains(":") else { return nil }
        return context.hasPrefix(".") ? String(context) : "." + context
    }
}

/// A schema id within its context, Confluent's `ContextId` (`{"context": ".", "id": 1}`): ids are per context,
/// so the same number may name different schemas in two contexts.
public struct ContextId: Sendable, Hashable, Comparable {
    public var context: String
    public var id: Int

    public init(context: String = QualifiedSubject.defaultContext, id: Int) {
        self.context = context
        self.id = id
    }

    public static func < (left: ContextId, right: ContextId) -> Bool { (left.context, left.id) < (right.context, right.id) }
}
