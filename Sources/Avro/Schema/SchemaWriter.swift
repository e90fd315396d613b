import JSON

extension AvroSchema {
    /// The schema as compact JSON keeping every attribute (docs, defaults, aliases, logical
    /// types, custom properties), in the key order Java's `Schema.toString()` uses.
    ///
    /// Deterministic: the same schema always gives the same bytes, and parsing the output
    /// gives back an equal schema.
    public var json: String { JSONWriter.write(jsonValue) }

    /// The schema as a JSON value; see `json`.
    public var jsonValue: JSONValue { SchemaWriter(schema: self, inlined: nil).write(root, namespace: nil) }

    /// The schema with the named types it takes from its references written out where first used, as Java's
    /// `Schema.toString()` writes a schema parsed with its references (Confluent's `format=resolved`). Without
    /// references it is `json`.
    public var resolvedJSON: String {
        JSONWriter.write(SchemaWriter(schema: self, inlined: SchemaWriter.Inlined()).write(root, namespace: nil))
    }
}

private struct SchemaWriter {
    let schema: AvroSchema
    /// When set, references to types defined elsewhere are written out once, at first use.
    let inlined: Inlined?

    final class Inlined {
        var names: Set<String> = []
    }

    /// The name to write for a use of `fullName` inside `namespace`: short when the namespace is the same.
    func relativeName(_ fullName: String, namespace: String?) -> String {
        let name = AvroName(fullName: fullName)
        if name.namespace != nil, name.namespace == namespace { return name.name }
        return fullName
    }

    /// Dispatches only; one function per kind keeps each nesting level's stack frames small.
    func write(_ type: AvroType, namespace: String?) -> JSONValue {
        switch type {
        case .primitive: primitive(type)
        case .reference(let fullName): reference(fullName, namespace: namespace)
        case .union: union(type, namespace: namespace)
        case .array, .map: container(type, namespace: namespace)
        case .record: record(type, namespace: namespace)
        case .enumeration, .fixed: enumerationOrFixed(type, namespace: namespace)
        }
    }

    private func reference(_ fullName: String, namespace: String?) -> JSONValue {
        guard let inlined, !schema.definedNames.contains(fullName), !inlined.names.contains(fullName),
            let definition = schema.namedTypes[fullName]
        else { return .string(relativeName(fullName, namespace: namespace)) }
        inlined.names.insert(fullName)
        return write(definition, namespace: namespace)
    }

    private func primitive(_ type: AvroType) -> JSONValue {
        guard case .primitive(let primitive, let annotations) = type else { return .null }
        if annotations.properties.isEmpty { return .string(primitive.rawValue) }
        return .object(JSONObject(uniqueMembers: [.init(key: "type", value: .string(primitive.rawValue))] + annotations.properties.members))
    }

    private func union(_ type: AvroType, namespace: String?) -> JSONValue {
        guard case .union(let branches) = type else { return .null }
        var written: [JSONValue] = []
        written.reserveCapacity(branches.count)
        for branch in branches { written.append(write(branch, namespace: namespace)) }
        return .array(written)
    }

    private func container(_ type: AvroType, namespace: String?) -> JSONValue {
        let members: [JSONObject.Member]
        switch type {
        case .array(let items, let annotations):
            members = [.init(key: "type", value: "array"), .init(key: "items", value: write(items, namespace: namespace))]
                + annotations.properties.members
        case .map(let values, let annotations):
            members = [.init(key: "type", value: "map"), .init(key: "values", value: write(values, namespace: namespace))]
                + annotations.properties.members
        default:
            return .null
        }
        return .object(JSONObject(uniqueMembers: members))
    }

    private func record(_ type: AvroType, namespace: String?) -> JSONValue {
        guard case .record(let record) = type else { return .null }
        var members = header(record.isError ? "error" : "record", record.named, enclosing: namespace)
        var fields: [JSONValue] = []
        fields.reserveCapacity(record.fields.count)
        for field in record.fields { fields.append(self.field(field, namespace: record.name.namespace)) }
        members.append(.init(key: "fields", value: .array(fields)))
        return .object(JSONObject(uniqueMembers: members + trailer(record.named)))
    }

    private func field(_ field: Field, namespace: String?) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "name", value: .string(field.name)),
            .init(key: "type", value: write(field.type, namespace: namespace)),
        ]
        if let doc = field.doc { members.append(.init(key: "doc", value: .string(doc))) }
        if let value = field.defaultValue { members.append(.init(key: "default", value: value)) }
        if let order = field.order { members.append(.init(key: "order", value: .string(order.rawValue))) }
        // Java writes a field's aliases before its custom properties (a named type's after them).
        if !field.aliases.isEmpty { members.append(.init(key: "aliases", value: .array(field.aliases.map { .string($0) }))) }
        members += field.properties.members
        return .object(JSONObject(uniqueMembers: members))
    }

    private func enumerationOrFixed(_ type: AvroType, namespace: String?) -> JSONValue {
        switch type {
        case .enumeration(let e):
            var members = header("enum", e.named, enclosing: namespace)
            members.append(.init(key: "symbols", value: .array(e.symbols.map { .string($0) })))
            if let symbol = e.defaultSymbol { members.append(.init(key: "default", value: .string(symbol))) }
            return .object(JSONObject(uniqueMembers: members + trailer(e.named)))
        case .fixed(let f):
            var members = header("fixed", f.named, enclosing: namespace)
            members.append(.init(key: "size", value: .number(JSONNumber(f.size))))
            return .object(JSONObject(uniqueMembers: members + trailer(f.named)))
        default:
            return .null
        }
    }

    private func header(_ kind: String, _ named: NamedAttributes, enclosing namespace: String?) -> [JSONObject.Member] {
        var members: [JSONObject.Member] = [.init(key: "type", value: .string(kind)), .init(key: "name", value: .string(named.name.name))]
        if named.name.namespace != namespace {
            members.append(.init(key: "namespace", value: .string(named.name.namespace ?? "")))
        }
        if let doc = named.doc { members.append(.init(key: "doc", value: .string(doc))) }
        return members
    }

    private func trailer(_ named: NamedAttributes) -> [JSONObject.Member] {
        var members = named.properties.members
        if !named.aliases.isEmpty {
            let aliases = named.aliases.map { alias in
                let name = AvroName(fullName: alias)
                // A bare name would be read in the type's namespace; ".A" keeps A in the null namespace.
                if name.namespace == nil, named.name.namespace != nil { return JSONValue.string("." + alias) }
                return JSONValue.string(relativeName(alias, namespace: named.name.namespace))
            }
            members.append(.init(key: "aliases", value: .array(aliases)))
        }
        return members
    }
}
