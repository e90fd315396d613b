import JSON

/// Fields already parsed, for parsing many versions of one schema (a history of 1,000 files): a field whose
/// JSON was seen before, in a schema parsed with the same options, is reused instead of read, parsed and
/// validated again.
///
/// What a field parses to, and whether its default is valid, depends on its JSON alone when its type holds
/// no named type; such a field is reused anywhere. A field that uses or defines named types also depends on
/// what names mean where it stands: it is reused only under the same namespace and after the same definitions
/// (the same names defined as the same types, in the same order), with no forward reference pending and no
/// enclosing record being defined a second time; the names it defined are then defined again as they were.
///
/// A kept root field also keeps the digest `PreparedForCompatibility` gives its type, which the same JSON in
/// the same context always has (`PreparedForCompatibility(parsing:cache:)`).
///
/// Not for sharing between threads: give each thread its own.
public final class SchemaParseCache {
    private(set) var options: ParseOptions?
    /// The objects of the documents read with this cache: a field seen before arrives sharing storage with
    /// its first reading, so finding it below compares no JSON.
    let json = JSONReuseTable()
    private var fields: [FieldJSON: Kept] = [:]
    /// The same entries by where their JSON object keeps its members: a field read through `json` shares that
    /// storage with the field kept, and finding one address costs a fraction of hashing the field's name.
    private var fieldsByStorage = StorageTable()
    private var fieldsInContext: [FieldInContext: Kept] = [:]
    /// Numbers for sequences of definitions: 0 is none, and each step is one more definition.
    private var contexts: [DefinitionStep: Int] = [:]

    public init() {}

    final class Kept {
        let field: Field
        /// The nesting depth the field was parsed at: it is reused no deeper, so that the depth limit holds.
        let depth: Int
        /// The names the field defined, in the order the parser defined them (inner types first) and in
        /// definition order (`AvroSchema.definedNames`, a record before what it encloses).
        let definitions: [(name: String, type: AvroType)]
        let definedNames: [String]
        /// Filled in by the first prepared schema that holds the field at its root.
        var digest: PreparedForCompatibility.TypeDigest??

        init(field: Field, depth: Int, definitions: [(name: String, type: AvroType)], definedNames: [String]) {
            self.field = field
            self.depth = depth
            self.definitions = definitions
            self.definedNames = definedNames
        }
    }

    /// Where a field stands, as far as its meaning goes: see `SchemaParser.fieldContext`.
    struct Context: Hashable {
        let namespace: String?
        let definitions: Int
    }

    private struct DefinitionStep: Hashable {
        let previous: Int
        let name: String
        let type: AvroType
    }

    /// A field's JSON, hashed by its member count and name only: a repeated field shares storage with the
    /// one kept (see `json`), which makes comparing them one pointer comparison.
    private struct FieldJSON: Hashable {
        let json: JSONValue

        func hash(into hasher: inout Hasher) {
            guard case .object(let object) = json else { return hasher.combine(json) }
            hasher.combine(object.count)
            hasher.combine(object["name"]?.stringValue)
        }
    }

    private struct FieldInContext: Hashable {
        let json: FieldJSON
        let context: Context
    }

    /// The field kept for this JSON that holds no named type.
    func field(for json: JSONValue, options: ParseOptions, depth: Int) -> Kept? {
        guard self.options == options else { return nil }
        let storage = StorageTable.address(of: json)
        if let storage, let kept = fieldsByStorage[storage] { return depth <= kept.depth ? kept : nil }
        guard let kept = fields[FieldJSON(json: json)] else { return nil }
        if let storage { fieldsByStorage.insert(kept, for: json, at: storage) }
        return depth <= kept.depth ? kept : nil
    }

    /// The field kept for this JSON in this context.
    func field(for json: JSONValue, in context: Context, options: ParseOptions, depth: Int) -> Kept? {
        guard self.options == options, let kept = fieldsInContext[FieldInContext(json: FieldJSON(json: json), context: context)],
            depth <= kept.depth
        else { return nil }
        return kept
    }

    /// Keeps a field parsed from `json` that left no forward reference, with the context it was parsed in
    /// (nil when its meaning there cannot be told by a context) and the names it defined.
    func keep(_ kept: Kept, for json: JSONValue, in context: Context?, options: ParseOptions) -> Kept? {
        if self.options == nil { self.options = options }
        guard self.options == options else { return nil }
        if Self.holdsNoNamedType(kept.field.type) {
            fields[FieldJSON(json: json)] = kept
            if let storage = StorageTable.address(of: json) { fieldsByStorage.insert(kept, for: json, at: storage) }
        } else if let context {
            fieldsInContext[FieldInContext(json: FieldJSON(json: json), context: context)] = kept
        } else {
            return nil
        }
        return kept
    }

    /// The number of the sequence of definitions `previous` followed by `name` defined as `type`.
    func definitions(after previous: Int, defining name: String, as type: AvroType) -> Int {
        let step = DefinitionStep(previous: previous, name: name, type: type)
        if let known = contexts[step] { return known }
        let number = contexts.count + 1
        contexts[step] = number
        return number
    }

    /// Open addressing by address. Each entry holds the JSON whose storage it is found by, which keeps that
    /// storage alive and unchanged (shared storage is copied before any change), so the address stays its own.
    private struct StorageTable {
        private var addresses: [UInt] = Array(repeating: 0, count: 256)
        private var entries: [(json: JSONValue, kept: Kept)?] = Array(repeating: nil, count: 256)
        private var count = 0

        static func address(of json: JSONValue) -> UInt? {
            guard case .object(let object) = json, !object.isEmpty else { return nil }
            return object.members.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        }

        subscript(address: UInt) -> Kept? {
            var slot = Self.slot(address, addresses.count)
            while addresses[slot] != 0 {
                if addresses[slot] == address { return entries[slot]?.kept }
                slot = (slot + 1) & (addresses.count - 1)
            }
            return nil
        }

        mutating func insert(_ kept: Kept, for json: JSONValue, at address: UInt) {
            if (count + 1) * 2 > addresses.count { grow() }
            var slot = Self.slot(address, addresses.count)
            while addresses[slot] != 0, addresses[slot] != address { slot = (slot + 1) & (addresses.count - 1) }
            if addresses[slot] == 0 { count += 1 }
            addresses[slot] = address
            entries[slot] = (json, kept)
        }

        private mutating func grow() {
            let old = zip(addresses, entries)
            addresses = Array(repeating: 0, count: addresses.count * 2)
            entries = Array(repeating: nil, count: addresses.count)
            count = 0
            for (address, entry) in old where address != 0 {
                if let entry { insert(entry.kept, for: entry.json, at: address) }
            }
        }

        private static func slot(_ address: UInt, _ capacity: Int) -> Int {
            Int(truncatingIfNeeded: (UInt64(address) >> 4) &* 0x9E37_79B9_7F4A_7C15 >> 32) & (capacity - 1)
        }
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
