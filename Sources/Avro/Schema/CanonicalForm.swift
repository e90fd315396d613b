import JSON

extension AvroSchema {
    /// The Parsing Canonical Form of the Avro specification: the schema with only what affects how
    /// data is read, full names, a fixed key order and no whitespace. Fingerprints hash this text.
    public var canonicalForm: String {
        var out = ""
        var writer = CanonicalWriter(schema: self)
        writer.write(root, into: &out)
        return out
    }

    /// The Parsing Canonical Form of one node of this schema, as if it were a schema of its own: named
    /// types it uses are written out at their first use within it.
    func canonicalForm(of type: AvroType) -> String {
        var out = ""
        var writer = CanonicalWriter(schema: self)
        writer.write(type, into: &out)
        return out
    }
}

/// Writes Parsing Canonical Form: full names, only the attributes that affect how data is
/// read (name, type, fields, symbols, items, values, size) in that order, no whitespace.
///
/// A named type is written out in full at its first occurrence and by full name after that,
/// as the specification's [FULLNAMES] rule reads for a self-contained schema. Types that come
/// from `references:` are never defined in the schema's own tree, so their first use is
/// expanded here; that makes the canonical form (and the fingerprints) the same as those of
/// the equivalent schema with the referenced types spelled out inline.
private struct CanonicalWriter {
    let schema: AvroSchema
    private var written: Set<String> = []

    init(schema: AvroSchema) {
        self.schema = schema
    }

    /// Dispatches only; one function per kind keeps each nesting level's stack frames small.
    mutating func write(_ type: AvroType, into out: inout String) {
        switch type {
        case .primitive(let primitive, _): out += "\"\(primitive.rawValue)\""
        case .reference(let fullName): reference(fullName, into: &out)
        case .union: union(type, into: &out)
        case .array, .map: container(type, into: &out)
        case .record: record(type, into: &out)
        case .enumeration, .fixed: enumerationOrFixed(type, into: &out)
        }
    }

    private mutating func reference(_ fullName: String, into out: inout String) {
        if !written.contains(fullName), let definition = schema.namedTypes[fullName], definition.named != nil {
            write(definition, into: &out)
        } else {
            JSONWriter.writeString(fullName, into: &out)
        }
    }

    private mutating func union(_ type: AvroType, into out: inout String) {
        guard case .union(let branches) = type else { return }
        out += "["
        for (i, branch) in branches.enumerated() {
            if i > 0 { out += "," }
            write(branch, into: &out)
        }
        out += "]"
    }

    private mutating func container(_ type: AvroType, into out: inout String) {
        switch type {
        case .array(let items, _):
            out += "{\"type\":\"array\",\"items\":"
            write(items, into: &out)
        case .map(let values, _):
            out += "{\"type\":\"map\",\"values\":"
            write(values, into: &out)
        default:
            return
        }
        out += "}"
    }

    private mutating func record(_ type: AvroType, into out: inout String) {
        guard case .record(let record) = type, firstOccurrence(of: record.name, into: &out) else { return }
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
    }

    private mutating func enumerationOrFixed(_ type: AvroType, into out: inout String) {
        switch type {
        case .enumeration(let e):
            guard firstOccurrence(of: e.name, into: &out) else { return }
            out += ",\"type\":\"enum\",\"symbols\":["
            for (i, symbol) in e.symbols.enumerated() {
                if i > 0 { out += "," }
                JSONWriter.writeString(symbol, into: &out)
            }
            out += "]}"
        case .fixed(let f):
            guard firstOccurrence(of: f.name, into: &out) else { return }
            out += ",\"type\":\"fixed\",\"size\":\(f.size)}"
        default:
            return
        }
    }

    /// Opens a definition (`{"name":"full.Name"`) and returns true, or writes just the
    /// full name and returns false when the type was written out already.
    private mutating func firstOccurrence(of name: AvroName, into out: inout String) -> Bool {
        guard written.insert(name.fullName).inserted else {
            JSONWriter.writeString(name.fullName, into: &out)
            return false
        }
        out += "{\"name\":"
        JSONWriter.writeString(name.fullName, into: &out)
        return true
    }
}
