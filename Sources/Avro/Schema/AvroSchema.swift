import JSON

/// A parsed, validated Avro schema: the root type plus every named type it can use.
///
/// Values are immutable and cheap to share between threads; parse once and reuse
/// (canonical form and fingerprints are computed on first use by the caller, not stored).
public struct AvroSchema: Sendable, Hashable {
    /// The top-level type.
    public let root: AvroType
    /// Named type definitions by full name: this schema's own and those of the schemas it references.
    public let namedTypes: [String: AvroType]
    /// Full names defined by this schema itself, in definition order.
    public let definedNames: [String]

    init(root: AvroType, namedTypes: [String: AvroType], definedNames: [String]) {
        self.root = root
        self.namedTypes = namedTypes
        self.definedNames = definedNames
    }

    /// Parses and validates schema JSON text.
    ///
    /// - Parameters:
    ///   - text: the schema as JSON.
    ///   - references: schemas whose named types this one may use by name (Confluent schema references).
    ///   - options: how strict to be; the defaults are those the registry applies to a new schema.
    public init(parsing text: String, references: [AvroSchema] = [], options: ParseOptions = .init()) throws(AvroSchemaError) {
        guard text.utf8.count <= options.maxSchemaBytes else {
            throw AvroSchemaError(
                path: "", message: "schema is \(text.utf8.count) bytes; the limit is \(options.maxSchemaBytes)")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(text, maxDepth: options.maxNestingDepth, allowComments: true)
        } catch {
            throw AvroSchemaError(path: "", message: "schema is not valid JSON: \(error.message) (byte \(error.offset))")
        }
        try self.init(json: json, references: references, options: options)
    }

    /// Parses schema JSON bytes, rejecting invalid UTF-8. With a `cache`, fields seen in schemas parsed before
    /// with it are not parsed again (see `SchemaParseCache`).
    public init(
        parsing bytes: some Collection<UInt8>, references: [AvroSchema] = [], options: ParseOptions = .init(),
        cache: SchemaParseCache? = nil
    ) throws(AvroSchemaError) {
        self = try Self.parse(bytes, references: references, options: options, cache: cache).schema
    }

    /// The schema, and for each field of its root record the cache's entry that holds it (see `SchemaParseCache`).
    static func parse(
        _ bytes: some Collection<UInt8>, references: [AvroSchema], options: ParseOptions, cache: SchemaParseCache?
    ) throws(AvroSchemaError) -> (schema: AvroSchema, rootFieldsKept: [SchemaParseCache.Kept?]) {
        guard bytes.count <= options.maxSchemaBytes else {
            throw AvroSchemaError(path: "", message: "schema is \(bytes.count) bytes; the limit is \(options.maxSchemaBytes)")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes, maxDepth: options.maxNestingDepth, allowComments: true, reusing: cache?.json)
        } catch {
            throw AvroSchemaError(path: "", message: "schema is not valid JSON: \(error.message) (byte \(error.offset))")
        }
        return try parse(json, references: references, options: options, cache: cache)
    }

    /// Builds a schema from an already parsed JSON value.
    public init(
        json: JSONValue, references: [AvroSchema] = [], options: ParseOptions = .init(), cache: SchemaParseCache? = nil
    ) throws(AvroSchemaError) {
        self = try Self.parse(json, references: references, options: options, cache: cache).schema
    }

    private static func parse(
        _ json: JSONValue, references: [AvroSchema], options: ParseOptions, cache: SchemaParseCache?
    ) throws(AvroSchemaError) -> (schema: AvroSchema, rootFieldsKept: [SchemaParseCache.Kept?]) {
        var inherited: [String: AvroType] = [:]
        for reference in references {
            inherited.merge(reference.namedTypes) { first, _ in first }
        }
        var parser = SchemaParser(names: inherited, options: options, cache: cache)
        let root = try parser.finish(parser.parse(json, namespace: nil))
        return (AvroSchema(root: root, namedTypes: parser.names, definedNames: parser.definedNames), parser.rootFieldsKept)
    }

    /// Follows a reference to its definition; any other node is returned as it is.
    public func resolve(_ type: AvroType) -> AvroType {
        if case .reference(let name) = type, let definition = namedTypes[name] { return definition }
        return type
    }
}

/// How strictly to parse.
public struct ParseOptions: Sendable, Hashable {
    /// Reject field and enum defaults that do not match their type (the registry does for new schemas).
    public var validateDefaults: Bool
    /// Require names, namespaces and symbols to match `[A-Za-z_][A-Za-z0-9_]*`.
    public var validateNames: Bool
    /// Deepest JSON nesting accepted. Parsing, writing, comparing and checking a schema recurse once
    /// per level, so this bounds the thread stack they need: at the default, the deepest schema needs
    /// about 210 KiB in a debug build (well within the 512 KiB of a Swift concurrency thread) and far
    /// less in a release build. The deepest schema in the compatibility corpus has 10 levels.
    public var maxNestingDepth: Int
    /// Largest schema text accepted, in bytes.
    public var maxSchemaBytes: Int

    public init(validateDefaults: Bool = true, validateNames: Bool = true, maxNestingDepth: Int = ParseOptions.defaultMaxNestingDepth, maxSchemaBytes: Int = 4 << 20) {
        self.validateDefaults = validateDefaults
        self.validateNames = validateNames
        self.maxNestingDepth = maxNestingDepth
        self.maxSchemaBytes = maxSchemaBytes
    }

    public static let defaultMaxNestingDepth = 64

    /// For schemas that were accepted once already (stored versions): structure is still checked, defaults and names are not.
    public static let lenient = ParseOptions(validateDefaults: false, validateNames: false)
}

/// Why a schema was rejected, and where: `path` is a JSON pointer into the schema document.
public struct AvroSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
