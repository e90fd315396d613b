import JSON

/// Turns schema JSON into `AvroType`s, validating as the reference Java parser does with
/// strict names and default validation switched on (what Confluent applies to new schemas).
struct SchemaParser {
    var names: [String: AvroType]
    var definedNames: [String] = []
    let options: ParseOptions
    /// JSON pointer segments of the node being parsed; joined only when an error is thrown.
    private var path: [String] = []
    /// Schema nodes currently being parsed; bounds recursion for JSON values built in code,
    /// which never went through `JSONParser`'s depth check.
    private var depth = 0
    /// Records whose fields are still being parsed. Java puts a record among the known names only
    /// once its fields are parsed, so a use inside them is a forward reference; and when it resolves
    /// forward references it re-checks each default while the enclosing records still lack their
    /// fields, so a default that needs those fields is invalid.
    private var recordsInProgress: Set<String> = []
    /// Names used before their definition, as Java 1.12 reads them: qualified by the namespace in
    /// force where they were written and resolved only once the whole schema is read.
    private var forwardReferences: [ForwardReference] = []
    private var forwardNames: Set<String> = []
    /// Field defaults to check again against resolved types when the schema used forward references.
    private var deferredDefaults: [DeferredDefault] = []
    /// Record defaults filled in from field defaults may cycle through recursive types; Java overflows
    /// its stack there and rejects the schema, this stops at a depth instead.
    private var defaultFillDepth = 0

    private struct ForwardReference {
        let fullName: String
        let written: String
        let pointer: String
    }

    private struct DeferredDefault {
        let field: Field
        /// The field's `path`, joined into a pointer only for an error.
        let path: [String]
        let enclosingRecords: Set<String>
    }

    /// Fields parsed before from the same JSON (see `SchemaParseCache`).
    let cache: SchemaParseCache?
    /// The definitions made so far, numbered by the cache as of `undigestedDefinitions`; nil when fields that
    /// use named types are not reused (no cache, or names inherited from references, which no number covers).
    private var definitionsContext: Int?
    /// Names defined since `definitionsContext` was last brought up to date (done only when a field needs it).
    private var undigestedDefinitions: [String] = []
    /// Records being defined under a name that is defined already: a field inside may reach the first
    /// definition, which Java then sees as a record in progress; no context number tells that.
    private var redefinitionsInProgress = 0
    /// Every name defined, in the order `define` was called (inner types first), while caching.
    private var definitionOrder: [String] = []
    /// For each field of the root record, the cache's entry it came from or went into, if any.
    private(set) var rootFieldsKept: [SchemaParseCache.Kept?] = []

    init(names: [String: AvroType], options: ParseOptions, cache: SchemaParseCache? = nil) {
        self.names = names
        self.options = options
        self.cache = cache
        definitionsContext = cache != nil && names.isEmpty ? 0 : nil
    }

    // Attribute names are looked up in short arrays: comparing a few short strings costs less than hashing one.
    private static let recordKeys: [String] = ["type", "name", "namespace", "doc", "fields", "aliases"]
    private static let enumKeys: [String] = ["type", "name", "namespace", "doc", "symbols", "aliases", "default"]
    private static let fixedKeys: [String] = ["type", "name", "namespace", "doc", "size", "aliases"]
    private static let fieldKeys: [String] = ["name", "type", "default", "doc", "aliases", "order"]

    var pointer: String { Self.pointer(path) }

    static func pointer(_ path: [String]) -> String {
        path.isEmpty ? "/" : "/" + path.map(escapePointer).joined(separator: "/")
    }

    static func escapePointer(_ segment: String) -> String {
        guard segment.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return segment }
        return segment.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    func fail(_ message: String) -> AvroSchemaError {
        AvroSchemaError(path: pointer, message: "at \(pointer): \(message)")
    }

    /// An error located at a child of the current node.
    func fail(at segment: String, _ message: String) -> AvroSchemaError {
        let at = pointer == "/" ? "/" + Self.escapePointer(segment) : pointer + "/" + Self.escapePointer(segment)
        return AvroSchemaError(path: at, message: "at \(at): \(message)")
    }

    private mutating func descend<T>(_ segment: String, _ body: (inout SchemaParser) throws(AvroSchemaError) -> T) throws(AvroSchemaError) -> T {
        path.append(segment)
        defer { path.removeLast() }
        return try body(&self)
    }

    // MARK: - Types
    //
    // The functions on the recursive path (parse, complex, union, array, map, record, fields, field) keep
    // their frames small: each does one thing and leaves messages and checks to leaf functions. In a debug
    // build every local of every branch gets its own stack slot, and the frames of one nesting level add
    // up to what a deep schema needs; `UntrustedInputTests` measures that the worst case fits.

    mutating func parse(_ json: JSONValue, namespace: String?) throws(AvroSchemaError) -> AvroType {
        switch json {
        case .string(let name): try typeNamed(name, namespace: namespace)
        case .array(let branches): try union(branches, namespace: namespace)
        case .object(let object): try complex(object, namespace: namespace)
        default: throw notASchema(json)
        }
    }

    /// Counted like JSON nesting, so that any text `JSONParser` accepts is within the limit.
    /// Unions and complex types call this first, and `leaveNode()` when done (not on errors, which end the parse).
    private mutating func enterNode() throws(AvroSchemaError) {
        depth += 1
        guard depth <= options.maxNestingDepth else {
            throw fail("schema is nested deeper than \(options.maxNestingDepth) levels")
        }
    }

    private mutating func leaveNode() { depth -= 1 }

    private func notASchema(_ json: JSONValue) -> AvroSchemaError {
        fail("a schema must be a string, an object or an array, not \(json.kindName)")
    }

    private mutating func typeNamed(_ name: String, namespace: String?) throws(AvroSchemaError) -> AvroType {
        if let primitive = Primitive(rawValue: name) { return .primitive(primitive, .none) }
        if let fullName = lookUp(name, namespace: namespace) { return .reference(fullName) }
        return forwardReference(name, namespace: namespace, pointer: pointer)
    }

    /// Java's `ParseContext.find` for a name not known yet: the current namespace qualifies it (there is
    /// no fallback to the null namespace once the schema is read), and it must be defined by the end.
    private mutating func forwardReference(_ name: String, namespace: String?, pointer: String) -> AvroType {
        let fullName = namespace.map { Self.isDotted(name) ? name : "\($0).\(name)" } ?? name
        forwardReferences.append(ForwardReference(fullName: fullName, written: name, pointer: pointer))
        forwardNames.insert(fullName)
        return .reference(fullName)
    }

    /// Called once the whole schema is read: every forward reference must name a type by then, and
    /// defaults are checked again against the types they resolve to, as Java's resolution does.
    /// Returns the root, with references rewritten where a stored schema needs it (see `storedSchemaFallbacks`).
    mutating func finish(_ root: AvroType) throws(AvroSchemaError) -> AvroType {
        guard !forwardReferences.isEmpty else { return root }
        // Root fields may be rewritten below; their kept digests would not follow.
        rootFieldsKept = []
        let fallbacks = try storedSchemaFallbacks()
        let root = fallbacks.isEmpty ? root : rewrite(root, fallbacks)
        forwardNames = []
        for deferred in deferredDefaults {
            recordsInProgress = deferred.enclosingRecords
            if let problem = fieldDefaultProblem(deferred.field) {
                throw defaultError(deferred.field, problem, at: Self.pointer(deferred.path))
            }
        }
        recordsInProgress = []
        return root
    }

    /// Forward references must be defined by the end. Before Avro 1.12's rules were followed here, a record
    /// was known by name while its fields were read, so an inner type could use an enclosing null-namespace
    /// record by its short name from another namespace; Java rejects that (the name is qualified by the inner
    /// namespace), and so does a strict parse. A schema accepted once already (names not validated) still
    /// parses: such a name falls back to the null namespace, as the earlier parse resolved it.
    private func storedSchemaFallbacks() throws(AvroSchemaError) -> [String: String] {
        var fallbacks: [String: String] = [:]
        for use in forwardReferences where names[use.fullName] == nil {
            guard !options.validateNames, !Self.isDotted(use.written), names[use.written] != nil else {
                throw AvroSchemaError(path: use.pointer, message: "at \(use.pointer): undefined name '\(use.written)'")
            }
            fallbacks[use.fullName] = use.written
        }
        return fallbacks
    }

    /// `type` with the references named in `fallbacks` renamed, in it and in every definition of this schema.
    private mutating func rewrite(_ root: AvroType, _ fallbacks: [String: String]) -> AvroType {
        func renamed(_ type: AvroType) -> AvroType {
            switch type {
            case .reference(let name): return .reference(fallbacks[name] ?? name)
            case .array(let items, let annotations): return .array(items: renamed(items), annotations)
            case .map(let values, let annotations): return .map(values: renamed(values), annotations)
            case .union(let branches): return .union(branches.map(renamed))
            case .record(var record):
                for index in record.fields.indices { record.fields[index].type = renamed(record.fields[index].type) }
                return .record(record)
            case .primitive, .enumeration, .fixed: return type
            }
        }
        for name in definedNames { names[name] = names[name].map(renamed) }
        return renamed(root)
    }

    /// Resolves a type name as Java's `Names.get` does: qualified by the current namespace first, then as given.
    func lookUp(_ name: String, namespace: String?) -> String? {
        if !Self.isDotted(name), let namespace {
            let qualified = "\(namespace).\(name)"
            if names[qualified] != nil { return qualified }
        }
        return names[name] != nil ? name : nil
    }

    private mutating func union(_ branches: [JSONValue], namespace: String?) throws(AvroSchemaError) -> AvroType {
        try enterNode()
        var types: [AvroType] = []
        // Unions are short: a list beats a set.
        var seen: [String] = []
        for index in branches.indices {
            path.append(String(index))
            let type = try parse(branches[index], namespace: namespace)
            path.removeLast()
            try checkBranch(type, index: index, seen: &seen)
            types.append(type)
        }
        leaveNode()
        return .union(types)
    }

    private func checkBranch(_ type: AvroType, index: Int, seen: inout [String]) throws(AvroSchemaError) {
        if case .union = type {
            throw fail("a union may not directly contain another union (branch \(index))")
        }
        let key = type.typeName
        guard !seen.contains(key) else {
            throw fail("union has more than one branch of type '\(key)'")
        }
        seen.append(key)
    }

    private enum ComplexKind {
        case record, error, enumeration, fixed, array, map
    }

    private static let complexKinds: [String: ComplexKind] = [
        "record": .record, "error": .error, "enum": .enumeration, "fixed": .fixed, "array": .array, "map": .map,
    ]

    private mutating func complex(_ object: JSONObject, namespace: String?) throws(AvroSchemaError) -> AvroType {
        try enterNode()
        let type = try typeAttribute(of: object)
        let result: AvroType
        switch Self.complexKinds[type] {
        case .record?: result = try record(object, namespace: namespace, isError: false)
        case .error?: result = try record(object, namespace: namespace, isError: true)
        case .enumeration?: result = try enumeration(object, namespace: namespace)
        case .fixed?: result = try fixed(object, namespace: namespace)
        case .array?: result = try array(object, namespace: namespace)
        case .map?: result = try map(object, namespace: namespace)
        case nil: result = try primitiveOrReference(object, type: type, namespace: namespace)
        }
        leaveNode()
        return result
    }

    private func typeAttribute(of object: JSONObject) throws(AvroSchemaError) -> String {
        guard let typeValue = object["type"] else { throw fail("missing 'type'") }
        guard case .string(let type) = typeValue else {
            throw fail(at: "type", "'type' must be a string naming a type, not \(typeValue.kindName)")
        }
        return type
    }

    private mutating func array(_ object: JSONObject, namespace: String?) throws(AvroSchemaError) -> AvroType {
        guard let items = object["items"] else { throw fail("array schema is missing 'items'") }
        path.append("items")
        let itemType = try parse(items, namespace: namespace)
        path.removeLast()
        return .array(items: itemType, Annotations(properties: Self.properties(of: object, excluding: ["type", "items"])))
    }

    private mutating func map(_ object: JSONObject, namespace: String?) throws(AvroSchemaError) -> AvroType {
        guard let values = object["values"] else { throw fail("map schema is missing 'values'") }
        path.append("values")
        let valueType = try parse(values, namespace: namespace)
        path.removeLast()
        return .map(values: valueType, Annotations(properties: Self.properties(of: object, excluding: ["type", "values"])))
    }

    private mutating func primitiveOrReference(_ object: JSONObject, type: String, namespace: String?) throws(AvroSchemaError) -> AvroType {
        if let primitive = Primitive(rawValue: type) {
            let properties = Self.properties(of: object, excluding: ["type"])
            return .primitive(primitive, Annotations(properties: properties, logicalType: Self.logicalType(of: primitive, properties)))
        }
        // `{"type": "com.acme.Name"}` is a use of a named type.
        if let fullName = lookUp(type, namespace: namespace) { return .reference(fullName) }
        let at = pointer == "/" ? "/type" : pointer + "/type"
        return forwardReference(type, namespace: namespace, pointer: at)
    }

    /// A schema's custom properties: its attributes, in input order, except `reserved` and every attribute
    /// Java reserves on any schema (`Schema.SCHEMA_RESERVED`), which its `toString()`, and so Confluent's stored
    /// text, drops: `{"type": "int", "name": "foo"}` is `"int"`, and a `doc` that is not a string is gone.
    static func properties(of object: JSONObject, excluding reserved: [String]) -> JSONObject {
        JSONObject(uniqueMembers: object.members.filter { !reserved.contains($0.key) && !schemaReserved.contains($0.key) })
    }

    /// A field's custom properties: Java reserves fewer names on a field (`Schema.FIELD_RESERVED`).
    static func fieldProperties(of object: JSONObject) -> JSONObject {
        JSONObject(uniqueMembers: object.members.filter { !fieldKeys.contains($0.key) })
    }

    /// Apache Avro Java 1.12's `Schema.SCHEMA_RESERVED`.
    private static let schemaReserved: Set<String> = [
        "doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases",
    ]

    // MARK: - Named types

    private mutating func namedAttributes(_ object: JSONObject, enclosing namespace: String?, reserved: [String]) throws(AvroSchemaError) -> NamedAttributes {
        guard case .string(let rawName)? = object["name"] else {
            throw fail(object["name"] == nil ? "named type is missing 'name'" : "'name' must be a string")
        }
        let name: AvroName
        if Self.isDotted(rawName) {
            name = AvroName(fullName: rawName)
        } else if let explicit = object["namespace"] {
            // A non-string namespace is ignored, as the reference parser does.
            name = AvroName(name: rawName, namespace: explicit.stringValue ?? namespace)
        } else {
            name = AvroName(name: rawName, namespace: namespace)
        }
        if options.validateNames {
            try descend("name") { (p: inout SchemaParser) throws(AvroSchemaError) in
                try p.validateName(name.name, what: "name")
            }
            if let space = name.namespace {
                try descend(object["namespace"] != nil && !Self.isDotted(rawName) ? "namespace" : "name") { (p: inout SchemaParser) throws(AvroSchemaError) in
                    for part in space.split(separator: ".", omittingEmptySubsequences: false) where !Self.isValidName(String(part)) {
                        throw p.fail("invalid namespace '\(space)': part '\(part)' \(Self.nameRule)")
                    }
                }
            }
        }
        if name.namespace == nil, Primitive(rawValue: name.name) != nil {
            throw fail("a named type may not be called '\(name.name)', which is a primitive type")
        }
        let aliases = try descend("aliases") { (p: inout SchemaParser) throws(AvroSchemaError) in
            // A dotted alias is a full name (".A" is A in the null namespace); any other is relative.
            var resolved: [String] = []
            for alias in try p.aliases(object["aliases"]) {
                let aliasName = Self.isDotted(alias) ? AvroName(fullName: alias) : AvroName(name: alias, namespace: name.namespace)
                // Java checks an alias's own name, not its namespace.
                if p.options.validateNames { try p.validateName(aliasName.name, what: "alias") }
                resolved.append(aliasName.fullName)
            }
            return resolved
        }
        return NamedAttributes(
            name: name, aliases: aliases, doc: object["doc"]?.stringValue,
            properties: Self.properties(of: object, excluding: reserved))
    }

    private mutating func aliases(_ value: JSONValue?) throws(AvroSchemaError) -> [String] {
        guard let value else { return [] }
        guard case .array(let elements) = value else { throw fail("'aliases' must be an array of strings") }
        var result: [String] = []
        for element in elements {
            guard case .string(let alias) = element else { throw fail("'aliases' must be an array of strings") }
            result.append(alias)
        }
        return result
    }

    func validateName(_ name: String, what: String) throws(AvroSchemaError) {
        guard Self.isValidName(name) else {
            throw fail("invalid \(what) '\(name)': \(Self.nameRule)")
        }
    }

    static func isDotted(_ name: String) -> Bool { name.utf8.contains(UInt8(ascii: ".")) }

    static let nameRule = "must start with [A-Za-z_] and contain only [A-Za-z0-9_]"

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        guard isLetter(first) else { return false }
        return name.utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }

    /// Records a definition once the type is complete, as Java's `ParseContext.put` does: a second
    /// definition of a name is accepted when Java's `Schema.equals` holds (docs and aliases aside), and
    /// becomes a use of the first.
    /// `slot` keeps `definedNames` in document order for a record, which completes after what it encloses.
    private mutating func define(_ type: AvroType, _ fullName: String, slot: Int? = nil) throws(AvroSchemaError) -> AvroType {
        if let existing = names[fullName] {
            var equality = JavaSchemaEquality(names: names)
            guard equality.equal(existing, type) else {
                throw fail("name '\(fullName)' is already defined")
            }
            return .reference(fullName)
        }
        names[fullName] = type
        definedNames.insert(fullName, at: slot ?? definedNames.count)
        if definitionsContext != nil {
            undigestedDefinitions.append(fullName)
            definitionOrder.append(fullName)
        }
        return type
    }

    private mutating func record(_ object: JSONObject, namespace: String?, isError: Bool) throws(AvroSchemaError) -> AvroType {
        let named = try namedAttributes(object, enclosing: namespace, reserved: Self.recordKeys)
        let fullName = named.name.fullName
        guard case .array(let fieldValues)? = object["fields"] else { throw missingFields(fullName) }
        let enclosing = recordsInProgress
        let slot = definedNames.count
        recordsInProgress.insert(fullName)
        let redefining = names[fullName] != nil
        if redefining { redefinitionsInProgress += 1 }
        path.append("fields")
        let fields = try self.fields(fieldValues, of: named.name)
        path.removeLast()
        if redefining { redefinitionsInProgress -= 1 }
        recordsInProgress = enclosing
        return try define(.record(RecordType(named: named, fields: fields, isError: isError)), fullName, slot: slot)
    }

    private func missingFields(_ fullName: String) -> AvroSchemaError {
        fail("record '\(fullName)' must have a 'fields' array")
    }

    private mutating func fields(_ values: [JSONValue], of record: AvroName) throws(AvroSchemaError) -> [Field] {
        var fields: [Field] = []
        fields.reserveCapacity(values.count)
        var seen: Set<String> = []
        seen.reserveCapacity(values.count)
        for index in values.indices {
            path.append(String(index))
            let field = try self.field(values[index], namespace: record.namespace)
            path.removeLast()
            guard seen.insert(field.name).inserted else { throw duplicateField(field.name, at: index, of: record) }
            fields.append(field)
        }
        return fields
    }

    private func duplicateField(_ name: String, at index: Int, of record: AvroName) -> AvroSchemaError {
        fail(at: String(index), "record '\(record)' has more than one field named '\(name)'")
    }

    private mutating func field(_ value: JSONValue, namespace: String?) throws(AvroSchemaError) -> Field {
        guard let cache else { return try parsedField(value, namespace: namespace) }
        // Returned apart, so that a kept field is copied once: copying a field retains each of its parts.
        var notKept: Field?
        let kept = try cachedField(value, namespace: namespace, cache: cache, notKept: &notKept)
        // The root record's fields are those at the first level of nesting.
        if depth == 1 { rootFieldsKept.append(kept) }
        return kept?.field ?? notKept!
    }

    /// The cache's entry for the field, found or made; nil, and the field in `notKept`, when it cannot be kept.
    private mutating func cachedField(
        _ value: JSONValue, namespace: String?, cache: SchemaParseCache, notKept: inout Field?
    ) throws(AvroSchemaError) -> SchemaParseCache.Kept? {
        if let kept = cache.field(for: value, options: options, depth: depth) { return kept }
        let context = fieldContext(namespace: namespace)
        if let context, let kept = cache.field(for: value, in: context, options: options, depth: depth) {
            redefine(kept)
            return kept
        }
        let definedBefore = definedNames.count, orderBefore = definitionOrder.count
        let field = try parsedField(value, namespace: namespace)
        // A use of a name before its definition makes the rest of the schema depend on what follows.
        guard forwardReferences.isEmpty else {
            notKept = field
            return nil
        }
        let definitions = definitionOrder[orderBefore...].map { (name: $0, type: names[$0]!) }
        let kept = SchemaParseCache.Kept(
            field: field, depth: depth, definitions: definitions, definedNames: Array(definedNames[definedBefore...]))
        guard let kept = cache.keep(kept, for: value, in: context, options: options) else {
            notKept = field
            return nil
        }
        return kept
    }

    /// Defines again the names a kept field defined when it was parsed in the same context, where they were new.
    private mutating func redefine(_ kept: SchemaParseCache.Kept) {
        for definition in kept.definitions {
            names[definition.name] = definition.type
            undigestedDefinitions.append(definition.name)
            definitionOrder.append(definition.name)
        }
        definedNames += kept.definedNames
    }

    /// What, besides its JSON, decides what a field parses to here: the namespace it resolves names in and the
    /// named types defined so far. Nil when more does (see `SchemaParseCache`): a forward reference pending (its
    /// default is checked again at the end), an enclosing record redefined, or names inherited from references.
    private mutating func fieldContext(namespace: String?) -> SchemaParseCache.Context? {
        guard let cache, var definitions = definitionsContext, forwardReferences.isEmpty, redefinitionsInProgress == 0 else {
            return nil
        }
        for name in undigestedDefinitions {
            guard let type = names[name] else { return nil }
            definitions = cache.definitions(after: definitions, defining: name, as: type)
        }
        undigestedDefinitions = []
        definitionsContext = definitions
        return SchemaParseCache.Context(namespace: namespace, definitions: definitions)
    }

    private mutating func parsedField(_ value: JSONValue, namespace: String?) throws(AvroSchemaError) -> Field {
        let (object, name, typeValue) = try fieldHeader(value)
        path.append("type")
        let type = try parse(typeValue, namespace: namespace)
        path.removeLast()
        let field = try fieldAttributes(object, name: name, type: type)
        if options.validateDefaults, field.defaultValue != nil { try checkDefault(of: field) }
        return field
    }

    /// Java checks a default as soon as its field is parsed, when forward references are still
    /// placeholders, and again after resolving them (`finish()`).
    private mutating func checkDefault(of field: Field) throws(AvroSchemaError) {
        if let problem = fieldDefaultProblem(field) { throw defaultError(field, problem, at: pointer) }
        // Without a forward reference so far, this default's type holds no placeholder and reaches no record
        // in progress (a use of one is a forward reference): the second check would say the same.
        if !forwardReferences.isEmpty {
            deferredDefaults.append(DeferredDefault(field: field, path: path, enclosingRecords: recordsInProgress))
        }
    }

    private func defaultError(_ field: Field, _ problem: DefaultProblem, at pointer: String) -> AvroSchemaError {
        AvroSchemaError(path: pointer, message: "field '\(field.name)' at \(pointer): default \(field.defaultValue ?? .null) \(problem.message)")
    }

    /// The field's object, its name (validated) and its type attribute.
    private mutating func fieldHeader(_ value: JSONValue) throws(AvroSchemaError) -> (JSONObject, String, JSONValue) {
        guard case .object(let object) = value else { throw fail("a field must be an object") }
        guard case .string(let name)? = object["name"] else { throw fail("field is missing a string 'name'") }
        if options.validateNames {
            try descend("name") { (p: inout SchemaParser) throws(AvroSchemaError) in
                try p.validateName(name, what: "field name")
            }
        }
        guard let typeValue = object["type"] else { throw fail("field '\(name)' is missing 'type'") }
        return (object, name, typeValue)
    }

    private mutating func fieldAttributes(_ object: JSONObject, name: String, type: AvroType) throws(AvroSchemaError) -> Field {
        var order: Field.Order?
        if let orderValue = object["order"] {
            guard let text = orderValue.stringValue, let parsed = Field.Order(rawValue: text.lowercased()) else {
                throw fail(at: "order", "field '\(name)': order must be ascending, descending or ignore, not \(orderValue)")
            }
            order = parsed
        }
        let aliases = try descend("aliases") { (p: inout SchemaParser) throws(AvroSchemaError) in
            try p.aliases(object["aliases"])
        }
        return Field(
            name: name, type: type, defaultValue: object["default"], doc: object["doc"]?.stringValue, aliases: aliases,
            order: order, properties: Self.fieldProperties(of: object))
    }

    private mutating func enumeration(_ object: JSONObject, namespace: String?) throws(AvroSchemaError) -> AvroType {
        // Java binds no default from a default that is not a string, and accepts the schema; it is kept
        // as a property here so that the stored schema loses nothing.
        let defaultIsSymbol = object["default"]?.stringValue != nil
        let reserved = defaultIsSymbol ? Self.enumKeys : Self.enumKeys.filter { $0 != "default" }
        let named = try namedAttributes(object, enclosing: namespace, reserved: reserved)
        guard case .array(let symbolValues)? = object["symbols"] else {
            throw fail("enum '\(named.name)' must have a 'symbols' array")
        }
        var symbols: [String] = []
        var seen: Set<String> = []
        try descend("symbols") { (p: inout SchemaParser) throws(AvroSchemaError) in
            for (index, value) in symbolValues.enumerated() {
                try p.descend(String(index)) { (p: inout SchemaParser) throws(AvroSchemaError) in
                    guard case .string(let symbol) = value else { throw p.fail("enum symbols must be strings") }
                    if p.options.validateNames { try p.validateName(symbol, what: "enum symbol") }
                    guard seen.insert(symbol).inserted else {
                        throw p.fail("enum '\(named.name)' has the symbol '\(symbol)' more than once")
                    }
                    symbols.append(symbol)
                }
            }
        }
        var defaultSymbol: String?
        if case .string(let symbol)? = object["default"] {
            guard seen.contains(symbol) else {
                throw fail(at: "default", "enum '\(named.name)': default \"\(symbol)\" is not one of its symbols")
            }
            defaultSymbol = symbol
        }
        return try define(.enumeration(EnumType(named: named, symbols: symbols, defaultSymbol: defaultSymbol)), named.name.fullName)
    }

    private mutating func fixed(_ object: JSONObject, namespace: String?) throws(AvroSchemaError) -> AvroType {
        let named = try namedAttributes(object, enclosing: namespace, reserved: Self.fixedKeys)
        guard let sizeValue = object["size"], let size = sizeValue.numberValue?.int32Value, size >= 0 else {
            throw fail("fixed '\(named.name)' must have a non-negative integer 'size'")
        }
        guard size <= Self.maxFixedSize else {
            throw fail(at: "size", "fixed '\(named.name)': size \(size) is more than Java's largest array, \(Self.maxFixedSize)")
        }
        let logical = Self.fixedLogicalType(size: Int(size), named.properties)
        return try define(.fixed(FixedType(named: named, size: Int(size), logicalType: logical)), named.name.fullName)
    }

    /// Java's `SystemLimitException.MAX_ARRAY_VM_LIMIT`, which its fixed schemas are checked against.
    static let maxFixedSize: Int32 = .max - 8

    // MARK: - Logical types

    /// The logical type the attributes name, or nil when it is unknown or invalid for
    /// the underlying type (the specification says such a schema falls back to that type).
    static func logicalType(of primitive: Primitive, _ properties: JSONObject) -> LogicalType? {
        guard let name = properties["logicalType"]?.stringValue else { return nil }
        switch (name, primitive) {
        case ("decimal", .bytes): return decimal(properties, maxPrecision: Int.max)
        case ("uuid", .string): return .uuid
        case ("date", .int): return .date
        case ("time-millis", .int): return .timeMillis
        case ("time-micros", .long): return .timeMicros
        case ("timestamp-millis", .long): return .timestampMillis
        case ("timestamp-micros", .long): return .timestampMicros
        case ("timestamp-nanos", .long): return .timestampNanos
        case ("local-timestamp-millis", .long): return .localTimestampMillis
        case ("local-timestamp-micros", .long): return .localTimestampMicros
        case ("local-timestamp-nanos", .long): return .localTimestampNanos
        default: return nil
        }
    }

    static func fixedLogicalType(size: Int, _ properties: JSONObject) -> LogicalType? {
        guard let name = properties["logicalType"]?.stringValue else { return nil }
        switch name {
        case "decimal": return decimal(properties, maxPrecision: maxDecimalPrecision(fixedSize: size))
        case "duration": return size == 12 ? .duration : nil
        case "uuid": return size == 16 ? .uuid : nil
        default: return nil
        }
    }

    private static func decimal(_ properties: JSONObject, maxPrecision: Int) -> LogicalType? {
        guard let precision = properties["precision"]?.numberValue?.int32Value, precision > 0,
            Int(precision) <= maxPrecision
        else { return nil }
        var scale: Int32 = 0
        if let value = properties["scale"] {
            guard let s = value.numberValue?.int32Value else { return nil }
            scale = s
        }
        guard scale >= 0, scale <= precision else { return nil }
        return .decimal(precision: Int(precision), scale: Int(scale))
    }

    /// The most decimal digits a two's-complement number of `fixedSize` bytes can hold.
    static func maxDecimalPrecision(fixedSize: Int) -> Int {
        guard fixedSize > 0 else { return 0 }
        // floor(log10(2^(8n-1) - 1)), computed without overflow for any size.
        return Int((Double(8 * fixedSize - 1) * 0.30102999566398120).rounded(.down))
    }

    // MARK: - Defaults
    //
    // Java's `Schema.isValidDefault`, which is looser than the specification: a string is a valid
    // default of any string, bytes, enum or fixed type, whatever its characters or length; float and
    // double take any JSON number, and a field of type float or double also a string that Java's
    // `Double.parseDouble` reads (`parseField` converts it first), but not inside a union or a container.

    /// Why a default does not fit; `isFatal` marks Java's exception for a record whose fields are not
    /// set yet, which ends the check rather than letting a later union branch match.
    struct DefaultProblem {
        let message: String
        var isFatal = false
    }

    func fieldDefaultProblem(_ field: Field) -> DefaultProblem? {
        guard let value = field.defaultValue else { return nil }
        if case .string(let text) = value, Self.takesNumericString(field.type) {
            // Java's own message here is a NumberFormatException's.
            return JavaDouble.parses(text) ? nil : DefaultProblem(message: "is not a \(field.type.typeName)")
        }
        return defaultProblem(value, for: field.type)
    }

    private static func takesNumericString(_ type: AvroType) -> Bool {
        if case .primitive(let primitive, _) = type { return primitive == .float || primitive == .double }
        return false
    }

    /// Why `value` is not a valid default for `type`, or nil when it is.
    ///
    /// This only dispatches: the checks live in one function per kind of type, so that the frames
    /// of each level of a deeply nested default stay small (see the note on the recursive parser path).
    func defaultProblem(_ value: JSONValue, for type: AvroType) -> DefaultProblem? {
        switch type {
        case .reference: referenceDefaultProblem(value, type)
        case .union: unionDefaultProblem(value, type)
        case .primitive: Self.primitiveDefaultProblem(value, type)
        case .fixed, .enumeration: Self.namedDefaultProblem(value, type)
        case .array: arrayDefaultProblem(value, type)
        case .map: mapDefaultProblem(value, type)
        case .record: recordDefaultProblem(value, type)
        }
    }

    /// A name not defined yet (or used before its definition) is, until the schema is read, Java's
    /// placeholder: a record without fields, which any object fits.
    private func referenceDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard case .reference(let name) = type else { return nil }
        guard !forwardNames.contains(name), let definition = names[name] else {
            return value.objectValue != nil ? nil : DefaultProblem(message: "is not an object (type '\(name)' is not defined yet)")
        }
        return defaultProblem(value, for: definition)
    }

    private func unionDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard case .union(let branches) = type else { return nil }
        for branch in branches {
            guard let problem = defaultProblem(value, for: branch) else { return nil }
            if problem.isFatal { return problem }
        }
        return DefaultProblem(message: "does not match any branch of the union [\(branches.map(\.typeName).joined(separator: ", "))]")
    }

    private static func primitiveDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard case .primitive(let primitive, _) = type else { return nil }
        let fits: Bool =
            switch primitive {
            case .null: value.isNull
            case .boolean: value.boolValue != nil
            case .int: value.numberValue?.int32Value != nil
            case .long: value.numberValue?.int64Value != nil
            case .float, .double: value.numberValue != nil
            case .string, .bytes: value.stringValue != nil
            }
        let article = primitive == .null ? "" : primitive == .int ? "an " : "a "
        return fits ? nil : DefaultProblem(message: "is not \(article)\(primitive.rawValue)")
    }

    private static func namedDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard value.stringValue == nil else { return nil }
        let kind = if case .fixed = type { "fixed" } else { "enum" }
        return DefaultProblem(message: "is not a string (\(kind) '\(type.typeName)')")
    }

    private func arrayDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard case .array(let items, _) = type else { return nil }
        guard case .array(let elements) = value else { return DefaultProblem(message: "is not an array") }
        for element in elements {
            if let problem = defaultProblem(element, for: items) {
                return DefaultProblem(message: "has an element \(element) that \(problem.message)", isFatal: problem.isFatal)
            }
        }
        return nil
    }

    private func mapDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard case .map(let values, _) = type else { return nil }
        guard case .object(let object) = value else { return DefaultProblem(message: "is not an object (map)") }
        for member in object {
            if let problem = defaultProblem(member.value, for: values) {
                return DefaultProblem(message: "has a value at key '\(member.key)' that \(problem.message)", isFatal: problem.isFatal)
            }
        }
        return nil
    }

    private func recordDefaultProblem(_ value: JSONValue, _ type: AvroType) -> DefaultProblem? {
        guard case .record(let record) = type else { return nil }
        guard case .object(let object) = value else { return DefaultProblem(message: "is not an object (record '\(record.name)')") }
        if recordsInProgress.contains(record.name.fullName) {
            return DefaultProblem(
                message: "is a value of record '\(record.name)', which is not complete where the default is given", isFatal: true)
        }
        for field in record.fields {
            let problem: DefaultProblem?
            if let fieldValue = object[field.name] {
                problem = defaultProblem(fieldValue, for: field.type)
            } else if field.defaultValue != nil {
                problem = filledDefaultProblem(field)
            } else {
                return DefaultProblem(message: "has no value for field '\(field.name)' of record '\(record.name)'")
            }
            if let problem {
                return DefaultProblem(message: "has a value for field '\(field.name)' that \(problem.message)", isFatal: problem.isFatal)
            }
        }
        return nil
    }

    /// A field missing from a record default takes the field's own default, as Java converted it.
    private func filledDefaultProblem(_ field: Field) -> DefaultProblem? {
        guard defaultFillDepth < options.maxNestingDepth else {
            return DefaultProblem(message: "fills in field defaults more than \(options.maxNestingDepth) levels deep", isFatal: true)
        }
        var nested = self
        nested.defaultFillDepth += 1
        return nested.fieldDefaultProblem(field)
    }
}
