import JSON

/// Walks a reader and a writer schema together the way Apache Avro's Java
/// `SchemaCompatibility.ReaderWriterCompatibilityChecker` does, so that verdicts, messages and
/// locations agree with it, including its quirks:
///
/// - results are memoized per (reader, writer) pair of named types, and a pair met again while it is
///   still being checked counts as compatible, which is what makes recursive types terminate;
/// - a memoized result keeps the locations of the walk that first computed it;
/// - union branches are tried in a fresh walk rooted at the branch, whose findings are only used
///   for their verdict (but are memoized like any other);
/// - a reader field that two writer fields match (by name and alias) aborts the whole check.
struct CompatibilityChecker {
    private let reader: AvroSchema
    private let writer: AvroSchema
    /// Findings so far, in the reference's order; a sub-check's findings are a suffix of it.
    private var found: [Incompatibility] = []
    /// JSON pointer tokens from the root of the outermost walk.
    private var location: [Token] = []
    /// Where the current walk's root is in `location` (fresh walks start deeper).
    private var walkRoot = 0
    private var memo = PairMemo()
    /// Digests of the root records' field types, when both schemas were prepared (`PreparedForCompatibility`).
    private var readerFieldDigests: [PreparedForCompatibility.TypeDigest?] = []
    private var writerFieldDigests: [PreparedForCompatibility.TypeDigest?] = []

    /// One step of a location; rendered only when something is reported.
    private enum Token {
        case key(StaticString)
        case index(Int)
    }

    /// Full names of a reader and a writer named type: the reference's memo key, since each name has one definition.
    private struct NamedPair: Hashable {
        let reader: String
        let writer: String
    }

    private enum Memo {
        case inProgress
        case done([Incompatibility])
    }

    /// The memo: a short list while few named pairs have been met (the usual case, and cheaper
    /// than hashing names), a dictionary beyond that.
    private struct PairMemo {
        private var few: [(pair: NamedPair, memo: Memo)] = []
        private var many: [NamedPair: Memo] = [:]
        private static let listLimit = 16

        subscript(pair: NamedPair) -> Memo? {
            get {
                if few.count < Self.listLimit { return few.first { $0.pair == pair }?.memo }
                return many[pair]
            }
            set {
                guard let newValue else { return }
                if few.count < Self.listLimit {
                    if let index = few.firstIndex(where: { $0.pair == pair }) {
                        few[index].memo = newValue
                        return
                    }
                    few.append((pair, newValue))
                    if few.count == Self.listLimit { many = Dictionary(few, uniquingKeysWith: { $1 }) }
                } else {
                    many[pair] = newValue
                }
            }
        }
    }

    /// Thrown where the reference throws `AvroRuntimeException`, which the registry reports as incompatible.
    private struct AmbiguousField: Error {
        let incompatibility: Incompatibility
    }

    init(reader: AvroSchema, writer: AvroSchema) {
        self.reader = reader
        self.writer = writer
    }

    init(reader: PreparedForCompatibility, writer: PreparedForCompatibility) {
        self.init(reader: reader.schema, writer: writer.schema)
        if !reader.fieldDigests.isEmpty, !writer.fieldDigests.isEmpty {
            readerFieldDigests = reader.fieldDigests
            writerFieldDigests = writer.fieldDigests
        }
    }

    /// Whether a root field is where it was, under its name (without aliases, so no other writer field can
    /// match it) and with an identical type: the usual field of two versions, passed over without a walk.
    private func isUnchangedRootField(_ position: Int, _ readerFields: [Field], _ writerFields: [Field]) -> Bool {
        guard !readerFieldDigests.isEmpty, walkRoot == 0, location.count == 1, position < writerFields.endIndex,
            readerFields[position].aliases.isEmpty, readerFields[position].name == writerFields[position].name,
            let readerDigest = readerFieldDigests[position], let writerDigest = writerFieldDigests[position]
        else { return false }
        return readerDigest == writerDigest
    }

    /// Whether a field of the root records has the same type on both sides (digests are only set when both
    /// roots are records, and only the roots' fields are checked at depth one of the outermost walk).
    private func isIdenticalRootField(_ readerPosition: Int, _ writerPosition: Int) -> Bool {
        guard !readerFieldDigests.isEmpty, walkRoot == 0, location.count == 2,
            let readerDigest = readerFieldDigests[readerPosition], let writerDigest = writerFieldDigests[writerPosition]
        else { return false }
        return readerDigest == writerDigest
    }

    mutating func check() -> [Incompatibility] {
        do {
            try compare(reader.root, writer.root)
            return found
        } catch {
            return [error.incompatibility]
        }
    }

    // MARK: - Traversal

    /// Compares a pair below the current location, under `token`.
    private mutating func compare(_ token: Token, _ readerType: AvroType, _ writerType: AvroType) throws(AmbiguousField) {
        location.append(token)
        try compare(readerType, writerType)
        location.removeLast()
    }

    /// Compares a pair at the current location, consulting the memo for named types.
    private mutating func compare(_ readerType: AvroType, _ writerType: AvroType) throws(AmbiguousField) {
        // The memo is consulted by name before resolving: a reference already names its definition.
        guard let readerName = readerType.namedTypeFullName, let writerName = writerType.namedTypeFullName else {
            try calculate(reader.resolve(readerType), writer.resolve(writerType))
            return
        }
        let pair = NamedPair(reader: readerName, writer: writerName)
        switch memo[pair] {
        case .inProgress:
            return
        case .done(let earlier):
            found.append(contentsOf: earlier)
        case nil:
            memo[pair] = .inProgress
            let start = found.endIndex
            try calculate(reader.resolve(readerType), writer.resolve(writerType))
            memo[pair] = .done(Array(found[start...]))
        }
    }

    /// Whether the pair is compatible, judged in a fresh walk rooted at it (the reference's
    /// two-argument `getCompatibility`); its findings are dropped but stay memoized.
    private mutating func isCompatibleInFreshWalk(_ readerType: AvroType, _ writerType: AvroType) throws(AmbiguousField) -> Bool {
        let readerType = reader.resolve(readerType), writerType = writer.resolve(writerType)
        // Two named types always go through the memo, as the reference memoizes every pair it meets.
        if !readerType.isNamed || !writerType.isNamed,
           let verdict = Self.immediateVerdict(readerType.schemaKind, writerType.schemaKind) {
            return verdict
        }
        let savedRoot = walkRoot, start = found.endIndex
        walkRoot = location.endIndex
        defer {
            walkRoot = savedRoot
            if found.endIndex > start { found.removeSubrange(start...) }
        }
        try compare(readerType, writerType)
        return found.endIndex == start
    }

    /// Whether a reader union reads a writer union's branch. A primitive branch is decided by kinds
    /// alone, since comparing it with any reader branch neither looks inside nor touches the memo.
    private mutating func isReadable(
        _ writerBranch: AvroType, byUnion readerUnion: AvroType, _ readerBranches: [AvroType]
    ) throws(AmbiguousField) -> Bool {
        guard case .primitive = writerBranch else { return try isCompatibleInFreshWalk(readerUnion, writerBranch) }
        let writerKind = writerBranch.schemaKind
        return readerBranches.contains { Self.immediateVerdict($0.schemaKind, writerKind) == true }
    }

    /// The verdict for kinds that decide a pair on their own, without looking inside either side
    /// (and so without touching the memo); nil when the walk has to look inside.
    private static func immediateVerdict(_ readerKind: SchemaKind, _ writerKind: SchemaKind) -> Bool? {
        if readerKind == writerKind { return readerKind.isPrimitive ? true : nil }
        if readerKind == .union || writerKind == .union { return nil }
        return isPromotion(from: writerKind, to: readerKind)
    }

    private static func isPromotion(from writerKind: SchemaKind, to readerKind: SchemaKind) -> Bool {
        switch (readerKind, writerKind) {
        case (.long, .int), (.float, .int), (.float, .long), (.double, .int), (.double, .long), (.double, .float),
             (.bytes, .string), (.string, .bytes):
            true
        default:
            false
        }
    }

    private mutating func calculate(_ readerType: AvroType, _ writerType: AvroType) throws(AmbiguousField) {
        let readerKind = readerType.schemaKind
        let writerKind = writerType.schemaKind
        if readerKind == writerKind {
            // Matched one side at a time: a tuple of both would copy them.
            switch readerType {
            case .array(let readerItems, _):
                guard case .array(let writerItems, _) = writerType else { return }
                try compare(.key("items"), readerItems, writerItems)
            case .map(let readerValues, _):
                guard case .map(let writerValues, _) = writerType else { return }
                try compare(.key("values"), readerValues, writerValues)
            case .fixed(let readerFixed):
                guard case .fixed(let writerFixed) = writerType else { return }
                checkName(readerFixed.named, writerFixed.named)
                checkSize(readerFixed, writerFixed)
            case .enumeration(let readerEnum):
                guard case .enumeration(let writerEnum) = writerType else { return }
                checkName(readerEnum.named, writerEnum.named)
                checkSymbols(readerEnum, writerEnum)
            case .record(let readerRecord):
                guard case .record(let writerRecord) = writerType else { return }
                checkName(readerRecord.named, writerRecord.named)
                try checkFields(readerRecord, writerRecord)
            case .union(let readerBranches):
                guard case .union(let writerBranches) = writerType else { return }
                for index in writerBranches.indices {
                    location.append(.index(index))
                    if try !isReadable(writerBranches[index], byUnion: readerType, readerBranches) {
                        let writerBranch = writer.resolve(writerBranches[index])
                        report(.missingUnionBranch, "reader union lacking writer type: \(writerBranch.schemaKind)",
                               detail: writerBranch.typeName)
                    }
                    location.removeLast()
                }
            case .primitive, .reference:
                break  // the same primitive type
            }
            return
        }
        if case .union(let writerBranches) = writerType {
            for index in writerBranches.indices {
                try compare(.index(index), readerType, writerBranches[index])
            }
            return
        }
        if case .union(let readerBranches) = readerType {
            for readerBranch in readerBranches {
                if try isCompatibleInFreshWalk(readerBranch, writerType) { return }
            }
            report(.missingUnionBranch, "reader union lacking writer type: \(writerKind)", detail: writerType.typeName)
        } else if !Self.isPromotion(from: writerKind, to: readerKind) {
            report(.typeMismatch, "reader type: \(readerKind) not compatible with writer type: \(writerKind)",
                   detail: writerType.typeName)
        }
    }

    // MARK: - Rules

    private mutating func checkFields(_ readerRecord: RecordType, _ writerRecord: RecordType) throws(AmbiguousField) {
        location.append(.key("fields"))
        // Fields are read in place, never copied: copying one retains each of its members.
        let readerFields = readerRecord.fields, writerFields = writerRecord.fields
        for position in readerFields.indices {
            if isUnchangedRootField(position, readerFields, writerFields) { continue }
            location.append(.index(position))
            let writerPosition = try writerFieldPosition(
                name: readerFields[position].name, aliases: readerFields[position].aliases, position: position, in: writerRecord)
            if let writerPosition {
                // Most fields of two versions have the same primitive type: nothing to walk or memoize.
                if !Self.isSamePrimitive(readerFields[position].type, writerFields[writerPosition].type),
                    !isIdenticalRootField(position, writerPosition)
                {
                    try compare(.key("type"), readerFields[position].type, writerFields[writerPosition].type)
                }
            } else if readerFields[position].defaultValue == nil {
                // The reference then compares the enum with the writer *record*, which reports a type mismatch.
                if case .enumeration(let readerEnum) = reader.resolve(readerFields[position].type), readerEnum.defaultSymbol != nil {
                    try compare(.key("type"), readerFields[position].type, .record(writerRecord))
                } else {
                    let name = readerFields[position].name
                    report(.readerFieldMissingDefaultValue, name, detail: name)
                }
            }
            location.removeLast()
        }
        location.removeLast()
    }

    private static func isSamePrimitive(_ readerType: AvroType, _ writerType: AvroType) -> Bool {
        if case .primitive(let readerPrimitive, _) = readerType, case .primitive(let writerPrimitive, _) = writerType {
            return readerPrimitive == writerPrimitive
        }
        return false
    }

    /// Where the writer field a reader field reads is: the one with its name or one of its aliases.
    private func writerFieldPosition(name: String, aliases: [String], position: Int, in writerRecord: RecordType) throws(AmbiguousField) -> Int? {
        let fields = writerRecord.fields
        // Fields usually keep their position between versions: try it before scanning.
        var match =
            if position < fields.endIndex, fields[position].name == name { position }
            else { fields.indices.first { fields[$0].name == name } }
        for alias in aliases {
            guard let aliased = fields.indices.first(where: { fields[$0].name == alias }) else { continue }
            if match != nil {
                let message = "Reader record field \(name) matches multiple fields in writer record schema \(writerRecord.name)"
                throw AmbiguousField(incompatibility: Incompatibility(
                    type: .typeMismatch, location: pointer, message: message, detail: name))
            }
            match = aliased
        }
        return match
    }

    private mutating func checkSymbols(_ readerEnum: EnumType, _ writerEnum: EnumType) {
        // The common case, an unchanged or grown enum, needs no sets.
        if writerEnum.symbols.count <= readerEnum.symbols.count,
           writerEnum.symbols.elementsEqual(readerEnum.symbols.prefix(writerEnum.symbols.count)) {
            return
        }
        let readerSymbols = Set(readerEnum.symbols)
        let missing = Set(writerEnum.symbols.filter { !readerSymbols.contains($0) })
        guard !missing.isEmpty else { return }
        if let symbol = readerEnum.defaultSymbol, readerSymbols.contains(symbol) { return }
        // Java's TreeSet orders strings by UTF-16 code unit.
        let sorted = missing.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }.joined(separator: ", ")
        location.append(.key("symbols"))
        report(.missingEnumSymbols, "[\(sorted)]", detail: sorted)
        location.removeLast()
    }

    private mutating func checkSize(_ readerFixed: FixedType, _ writerFixed: FixedType) {
        guard readerFixed.size != writerFixed.size else { return }
        location.append(.key("size"))
        report(.fixedSizeMismatch, "expected: \(writerFixed.size), found: \(readerFixed.size)", detail: String(readerFixed.size))
        location.removeLast()
    }

    /// Names match by their unqualified part, or by a reader alias naming the writer's full name.
    private mutating func checkName(_ readerNamed: NamedAttributes, _ writerNamed: NamedAttributes) {
        guard readerNamed.name.name != writerNamed.name.name else { return }
        let writerFullName = writerNamed.name.fullName
        guard !readerNamed.aliases.contains(writerFullName) else { return }
        location.append(.key("name"))
        report(.nameMismatch, "expected: \(writerFullName)", detail: writerFullName)
        location.removeLast()
    }

    private mutating func report(_ type: IncompatibilityType, _ message: String, detail: String?) {
        found.append(Incompatibility(type: type, location: pointer, message: message, detail: detail))
    }

    /// The current location in the current walk as a JSON pointer (RFC 6901 escaping).
    private var pointer: String {
        "/" + location[walkRoot...].map { token in
            switch token {
            case .key(let key): key.description
            case .index(let index): String(index)
            }
        }.joined(separator: "/")
    }
}

/// The reference's `Schema.Type`, whose upper-case names appear in its messages.
enum SchemaKind: String, CustomStringConvertible {
    case null = "NULL", boolean = "BOOLEAN", int = "INT", long = "LONG", float = "FLOAT", double = "DOUBLE"
    case bytes = "BYTES", string = "STRING", array = "ARRAY", map = "MAP", fixed = "FIXED", enumeration = "ENUM"
    case record = "RECORD", union = "UNION"

    var description: String { rawValue }

    var isPrimitive: Bool {
        switch self {
        case .null, .boolean, .int, .long, .float, .double, .bytes, .string: true
        case .array, .map, .fixed, .enumeration, .record, .union: false
        }
    }
}

extension AvroType {
    /// The kind of a node. A reference counts as a record: callers resolve first where its real kind matters.
    var schemaKind: SchemaKind {
        switch self {
        case .primitive(let primitive, _):
            switch primitive {
            case .null: .null
            case .boolean: .boolean
            case .int: .int
            case .long: .long
            case .float: .float
            case .double: .double
            case .bytes: .bytes
            case .string: .string
            }
        case .array: .array
        case .map: .map
        case .fixed: .fixed
        case .enumeration: .enumeration
        case .record, .reference: .record
        case .union: .union
        }
    }

    /// The full name of a named type, whether this is its definition or a reference to it.
    fileprivate var namedTypeFullName: String? {
        switch self {
        case .reference(let fullName): fullName
        case .record(let record): record.named.name.fullName
        case .enumeration(let enumeration): enumeration.named.name.fullName
        case .fixed(let fixed): fixed.named.name.fullName
        default: nil
        }
    }

    fileprivate var isNamed: Bool {
        switch self {
        case .reference, .record, .enumeration, .fixed: true
        default: false
        }
    }
}
