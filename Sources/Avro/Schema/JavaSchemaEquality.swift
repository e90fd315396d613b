import JSON

/// Java's `Schema.equals`, which decides whether a second definition of a name is the same type
/// (`ParseContext.put` accepts it then): names, sizes, symbols, fields (name, type, default, order) and
/// custom properties count; docs and aliases do not. References are followed through `names`.
struct JavaSchemaEquality {
    let names: [String: AvroType]
    /// Pairs of records being compared, so that recursive types compare equal instead of looping,
    /// as Java's `SEEN_EQUALS` does.
    private var comparing: Set<[String]> = []

    init(names: [String: AvroType]) {
        self.names = names
    }

    mutating func equal(_ a: AvroType, _ b: AvroType) -> Bool {
        switch (resolve(a), resolve(b)) {
        case (.primitive(let x, let xa), .primitive(let y, let ya)):
            return x == y && Self.sameProperties(xa.properties, ya.properties)
        case (.array(let x, let xa), .array(let y, let ya)), (.map(let x, let xa), .map(let y, let ya)):
            return Self.sameProperties(xa.properties, ya.properties) && equal(x, y)
        case (.union(let xs), .union(let ys)):
            guard xs.count == ys.count else { return false }
            for (x, y) in zip(xs, ys) where !equal(x, y) { return false }
            return true
        case (.enumeration(let x), .enumeration(let y)):
            return sameNamed(x.named, y.named) && x.symbols == y.symbols
        case (.fixed(let x), .fixed(let y)):
            return sameNamed(x.named, y.named) && x.size == y.size
        case (.record(let x), .record(let y)):
            return equalRecords(x, y)
        default:
            return false
        }
    }

    private mutating func equalRecords(_ x: RecordType, _ y: RecordType) -> Bool {
        guard sameNamed(x.named, y.named), x.fields.count == y.fields.count else { return false }
        let pair = [x.name.fullName, y.name.fullName]
        guard comparing.insert(pair).inserted else { return true }
        defer { comparing.remove(pair) }
        for (f, g) in zip(x.fields, y.fields) {
            guard f.name == g.name, f.defaultValue == g.defaultValue, (f.order ?? .ascending) == (g.order ?? .ascending),
                Self.sameProperties(f.properties, g.properties), equal(f.type, g.type)
            else { return false }
        }
        return true
    }

    private func resolve(_ type: AvroType) -> AvroType {
        if case .reference(let name) = type, let definition = names[name] { return definition }
        return type
    }

    private func sameNamed(_ x: NamedAttributes, _ y: NamedAttributes) -> Bool {
        x.name == y.name && Self.sameProperties(x.properties, y.properties)
    }

    /// Java keeps properties in a map, so their order does not count.
    private static func sameProperties(_ x: JSONObject, _ y: JSONObject) -> Bool {
        x.count == y.count && x.allSatisfy { y[$0.key] == $0.value }
    }
}
