import Crypto

/// A schema kept in memory for many checks (the registry's stored versions, checked again at every
/// registration under a transitive level), with a digest of each root record field's type.
///
/// Two versions of a subject usually differ in a field or two: a check between two prepared schemas
/// skips every field whose type has the same digest on both sides, since a type always reads data
/// written with an identical type. Identical means the same Parsing Canonical Form (names, fields,
/// symbols, sizes, named types spelled out), which is all the reference's checker looks at there;
/// a type whose records alias a field is not skipped, as aliases can make a field lookup ambiguous.
public struct PreparedForCompatibility: Sendable {
    public let schema: AvroSchema
    /// One per field of the root record, in order; nil for a type that is never skipped. Empty when
    /// the root is not a record.
    let fieldDigests: [TypeDigest?]

    /// SHA-256 of a type's canonical form, as four words that compare in four instructions.
    typealias TypeDigest = SIMD4<UInt64>

    public init(_ schema: AvroSchema) {
        self.init(schema, rootFieldsKept: [])
    }

    /// Parses and prepares schema JSON bytes (see `AvroSchema(parsing:references:options:cache:)`). A root field
    /// that the cache holds has its digest worked out once for every schema that repeats it where it means the same.
    public init(
        parsing bytes: some Collection<UInt8>, options: ParseOptions = .init(), cache: SchemaParseCache
    ) throws(AvroSchemaError) {
        let (schema, kept) = try AvroSchema.parse(bytes, references: [], options: options, cache: cache)
        self.init(schema, rootFieldsKept: kept)
    }

    private init(_ schema: AvroSchema, rootFieldsKept: [SchemaParseCache.Kept?]) {
        self.schema = schema
        guard case .record(let record) = schema.resolve(schema.root) else {
            fieldDigests = []
            return
        }
        let kept = rootFieldsKept.count == record.fields.count ? rootFieldsKept : []
        fieldDigests = record.fields.indices.map { index in
            let entry = kept.isEmpty ? nil : kept[index]
            if let known = entry?.digest { return known }
            let digest = Self.digest(of: record.fields[index].type, in: schema)
            entry?.digest = .some(digest)
            return digest
        }
    }

    /// Nil for a type that is never skipped.
    private static func digest(of type: AvroType, in schema: AvroSchema) -> TypeDigest? {
        guard !aliasesFields(type, in: schema, visited: []) else { return nil }
        return SHA256.hash(data: Array(schema.canonicalForm(of: type).utf8)).withUnsafeBytes { bytes in
            TypeDigest((0..<4).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) })
        }
    }

    private static func aliasesFields(_ type: AvroType, in schema: AvroSchema, visited: Set<String>) -> Bool {
        switch schema.resolve(type) {
        case .record(let record):
            guard !visited.contains(record.name.fullName) else { return false }
            let visited = visited.union([record.name.fullName])
            return record.fields.contains { !$0.aliases.isEmpty || aliasesFields($0.type, in: schema, visited: visited) }
        case .array(let items, _): return aliasesFields(items, in: schema, visited: visited)
        case .map(let values, _): return aliasesFields(values, in: schema, visited: visited)
        case .union(let branches): return branches.contains { aliasesFields($0, in: schema, visited: visited) }
        default: return false
        }
    }
}
