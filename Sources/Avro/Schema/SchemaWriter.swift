extension AvroSchema {
    /// The schema as compact JSON keeping every attribute (docs, defaults, aliases, logical
    /// types, custom properties), in the key order Java's `Schema.toString()` uses.
    ///
    /// Deterministic: the same schema always gives the same bytes, and parsing the output
    /// gives back an equal schema.
    public var json: String { JSONWriter.write(jsonValue) }

    /// The schema as a JSON value; see `json`.
    public var jsonValue: JSONValue { SchemaWriter(schema: self).write(root, namespace: nil) }

    /// The Parsing Canonical Form of the Avro specification.
    public var canonicalForm: String {
        var out = ""
        CanonicalWriter(schema: self).write(root, into: &out)
        return out
    }
}

private struct SchemaWriter {
    let schema: AvroSchema

    /// The name to write for a use of `fullName` inside `namespace`: short when the namespace is the same.
    func relativeName(_ fullName: String, namespace: String?) -> String {
        let name = AvroName(fullName: fullName)
        if name.namespace != nil, name.namespace == namespace { return name.name }
        return fullName
    }

    func write(_ type: AvroType, namespace: String?) -> JSONValue {
        switch type {
        case .primitive(let primitive, let annotations):
            if annotations.properties.isEmpty { return .string(primitive.rawValue) }
            return .object(JSONObject([.init(key: "type", value: .string(primitive.rawValue))] + annotations.properties.members))
        case .reference(let fullName):
            return .string(relativeName(fullName, namespace: namespace))
        case .union(let branches):
            return .array(branches.map { write($0, namespace: namespace) })
        case .array(let items, let annotations):
            return .object(JSONObject(
                [.init(key: "type", value: "array"), .init(key: "items", value: write(items, namespace: namespace))]
                    + annotations.properties.members))
        case .map(let values, let annotations):
            return .object(JSONObject(
                [.init(key: "type", value: "map"), .init(key: "values", value: write(values, namespace: namespace))]
                    + annotations.properties.members))
        case .record(let record):
            let inner = record.name.namespace
            var members = header(record.isError ? "error" : "record", record.named, enclosing: namespace)
            let fields: [JSONValue] = record.fields.map { field in
                var m: [JSONObject.Member] = [
                    .init(key: "name", value: .string(field.name)),
                    .init(key: "type", value: write(field.type, namespace: inner)),
                ]
                if let doc = field.doc { m.append(.init(key: "doc", value: .string(doc))) }
                if let value = field.defaultValue { m.append(.init(key: "default", value: value)) }
                if let order = field.order { m.append(.init(key: "order", value: .string(order.rawValue))) }
                m += field.properties.members
                if !field.aliases.isEmpty { m.append(.init(key: "aliases", value: .array(field.aliases.map { .string($0) }))) }
                return .object(JSONObject(uniqueMembers: m))
            }
            members.append(.init(key: "fields", value: .array(fields)))
            return .object(JSONObject(uniqueMembers: members + trailer(record.named)))
        case .enumeration(let e):
            var members = header("enum", e.named, enclosing: namespace)
            members.append(.init(key: "symbols", value: .array(e.symbols.map { .string($0) })))
            if let symbol = e.defaultSymbol { members.append(.init(key: "default", value: .string(symbol))) }
            return .object(JSONObject(uniqueMembers: members + trailer(e.named)))
        case .fixed(let f):
            var members = header("fixed", f.named, enclosing: namespace)
            members.append(.init(key: "size", value: .number(JSONNumber(f.size))))
            return .object(JSONObject(uniqueMembers: members + trailer(f.named)))
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
            let aliases = named.aliases.map { JSONValue.string(relativeName($0, namespace: named.name.namespace)) }
            members.append(.init(key: "aliases", value: .array(aliases)))
        }
        return members
    }
}

/// Writes Parsing Canonical Form: full names, only the attributes that affect how data is
/// read (name, type, fields, symbols, items, values, size) in that order, no whitespace.
private struct CanonicalWriter {
    let schema: AvroSchema

    func write(_ type: AvroType, into out: inout String) {
        switch type {
        case .primitive(let primitive, _):
            out += "\"\(primitive.rawValue)\""
        case .reference(let fullName):
            JSONWriter.writeString(fullName, into: &out)
        case .union(let branches):
            out += "["
            for (i, branch) in branches.enumerated() {
                if i > 0 { out += "," }
                write(branch, into: &out)
            }
            out += "]"
        case .array(let items, _):
            out += "{\"type\":\"array\",\"items\":"
            write(items, into: &out)
            out += "}"
        case .map(let values, _):
            out += "{\"type\":\"map\",\"values\":"
            write(values, into: &out)
            out += "}"
        case .record(let record):
            out += "{\"name\":"
            JSONWriter.writeString(record.name.fullName, into: &out)
            out += ",\"type\":\"record\",\"fields\":["
            for (i, field) in record.fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":"
                JSONWriter.writeString(field.name, into: &out)
                out += ",\"type\":"
                write(field.type, into: &out)
                out += "}"
            }
            out += "]}"
        case .enumeration(let e):
            out += "{\"name\":"
            JSONWriter.writeString(e.name.fullName, into: &out)
            out += ",\"type\":\"enum\",\"symbols\":["
            for (i, symbol) in e.symbols.enumerated() {
                if i > 0 { out += "," }
                JSONWriter.writeString(symbol, into: &out)
            }
            out += "]}"
        case .fixed(let f):
            out += "{\"name\":"
            JSONWriter.writeString(f.name.fullName, into: &out)
            out += ",\"type\":\"fixed\",\"size\":\(f.size)}"
        }
    }
}
