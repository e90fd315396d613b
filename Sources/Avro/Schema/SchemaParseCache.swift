import JSON

/// Fields already parsed, for parsing many versions of one schema (a history of 1,000 files): a field whose
/// JSON was seen before, in a schema parsed with the same options, is reused instead of parsed and validated
/// again. Only fields whose type holds no named type (no definition, no reference) are kept, since nothing but
/// their JSON decides what they parse to and whether their default is valid.
///
/// Not for sharing between threads: give each thread its own.
public final class SchemaParseCache {
    private(set) var options: ParseOptions?
    /// With the nesting depth it was parsed at: a field is reused no deeper, so that the depth limit holds.
    private var fields: [JSONValue: (field: Field, depth: Int)] = [:]

    public init() {}

    func field(for json: JSONValue, options: ParseOptions, depth: Int) -> Field? {
        guard self.options == options, let kept = fields[json], depth <= kept.depth else { return nil }
        return kept.field
    }

    func keep(_ field: Field, for json: JSONValue, options: ParseOptions, depth: Int) {
        if self.options == nil { self.options = options }
        guard self.options == options, Self.holdsNoNamedType(field.type) else { return }
        fields[json] = (field, depth)
    }

    private static func holdsNoNamedType(_ type: AvroType) -> Bool {
        switch type {
        case .primitive: true
        case .array(let items, _): holdsNoNamedType(items)
        case .map(let values, _): holdsNoNamedType(values)
        case .union(let branches): branches.allSatisfy(holdsNoNamedType)
        case .record, .enumeration, .fixed, .reference: false
        }
    }
}
