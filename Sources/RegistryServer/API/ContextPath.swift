import RegistryModel

/// `/contexts/{context}/...`, the base URL that non-Java clients use for a context, rewritten to the plain API the
/// way Confluent's `ContextFilter` does it:
///
/// - a subject after `subjects` (anywhere) or after a root `config` or `mode` is qualified with the context,
///   unless it names its own (`:.other:s`, `:*:s`);
/// - a root `config` or `mode` without a subject becomes the context's own setting (`/config/:.ctx:`);
/// - `schemas/ids/...` gets `subject=:.ctx:` (prefixed to a given one), so the id is looked up in the context;
/// - `schemas` and `subjects` listings get `subjectPrefix=:.ctx:` (prefixed to a given one);
/// - the default context `.` adds nothing, so `/contexts/./subjects` is `/subjects`.
enum ContextPath {
    struct Rewritten: Equatable {
        var segments: [String]
        var query: [String: String]
    }

    /// A context name with a colon inside; Confluent answers 400 with this message.
    struct MalformedContext: Error, Equatable {
        let message: String
    }

    /// Nil when the path does not start with `contexts/{context}/`; the plain routes then apply as they are.
    static func rewrite(_ segments: [String], query: [String: String]) throws(MalformedContext) -> Rewritten? {
        guard segments.count >= 2, segments[0] == "contexts" else { return nil }
        let context = segments[1]
        guard let normalized = QualifiedSubject.normalizedContext(context) else {
            throw MalformedContext(message: "Context name '\(context.trimmingColons)' cannot contain a colon")
        }
        // `/contexts/{context}` itself is the context resource; `/contexts/.` is the root, as in Confluent, so the
        // default context can never be deleted (its id counter would start over and ids could be given twice).
        guard segments.count > 2 else {
            let path = normalized == QualifiedSubject.defaultContext ? [] : ["contexts", normalized]
            return Rewritten(segments: path, query: query)
        }
        let prefix = QualifiedSubject.prefix(ofContext: normalized)
        var path: [String] = []
        var subjectFollows = false
        var rootConfigOrMode = false
        for segment in segments.dropFirst(2) {
            if subjectFollows {
                path.append(Self.namesContext(segment) ? segment : prefix + segment)
                subjectFollows = false
                continue
            }
            let isRoot = path.isEmpty && (segment == "config" || segment == "mode")
            if segment == "subjects" || isRoot {
                subjectFollows = true
                rootConfigOrMode = rootConfigOrMode || isRoot
            }
            path.append(segment)
        }
        if rootConfigOrMode && subjectFollows && !prefix.isEmpty { path.append(prefix) }

        var query = query
        if path.starts(with: ["schemas", "ids"]) {
            let subject = query["subject"] ?? ""
            if !Self.namesContext(subject) { query["subject"] = prefix + subject }
        } else if path == ["schemas"] || path == ["subjects"] {
            let subjectPrefix = query["subjectPrefix"] ?? ""
            if !Self.namesContext(subjectPrefix) { query["subjectPrefix"] = prefix + subjectPrefix }
        }
        return Rewritten(segments: path, query: query)
    }

    private static func namesContext(_ text: String) -> Bool {
        text.hasPrefix(":.") || text.hasPrefix(QualifiedSubject.wildcard)
    }
}

extension String {
    /// What Confluent quotes of a bad context name: without one leading and one trailing colon.
    fileprivate var trimmingColons: String {
        var text = Substring(self)
        if text.hasPrefix(":") { text = text.dropFirst() }
        if text.hasSuffix(":") { text = text.dropLast() }
        return String(text)
    }
}
