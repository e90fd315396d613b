import Avro

/// Reads values written with one schema as values of another, by the Avro specification's
/// resolution rules (the rules the compatibility checker enforces): reader fields missing in
/// the writer take their defaults, fields match by name or alias, enum symbols map by name
/// (falling back to the reader's enum default), numbers promote (int → long → float → double),
/// strings and bytes interchange, and unions resolve branch by branch.
///
/// Build one per (writer, reader) pair and keep it; `project` does no schema work.
public final class AvroResolution: Sendable {
    public let writer: AvroSchema
    public let reader: AvroSchema
    let writerGraph: SchemaGraph
    let readerGraph: SchemaGraph
    let steps: [Pair: Step]
    let root: Pair
    /// True when both schemas are the same, so values pass through untouched.
    public let isIdentity: Bool
    /// The resolution compiled for the typed decoder.
    let decodePlan: DecodePlan

    /// Fails with `.incompatibleSchemas` when the compatibility checker finds that `reader` cannot read `writer` data.
    public init(writer: AvroSchema, reader: AvroSchema) throws(AvroCodecError) {
        self.writer = writer
        self.reader = reader
        isIdentity = writer.canonicalForm == reader.canonicalForm && writer == reader
        let problems = SchemaCompatibility.incompatibilities(reader: reader, writer: writer)
        if let first = problems.first {
            throw .incompatibleSchemas("\(first.message) at \(first.location)")
        }
        writerGraph = SchemaGraph(writer)
        readerGraph = SchemaGraph(reader)
        root = Pair(writer: writerGraph.root, reader: readerGraph.root)
        var planner = Planner(writer: writerGraph, reader: readerGraph, defaults: DefaultValues(graph: readerGraph))
        planner.plan(root)
        steps = planner.steps
        decodePlan = DecodePlan(steps: steps, root: root, writer: writerGraph, reader: readerGraph, validator: BodyValidator(graph: writerGraph))
    }

    /// Data of `schema` read as itself, for a codec's typed decoder: no compatibility check to make.
    init(identity schema: AvroSchema, graph: SchemaGraph, defaults: DefaultValues, validator: BodyValidator) {
        writer = schema
        reader = schema
        isIdentity = true
        writerGraph = graph
        readerGraph = graph
        root = Pair(writer: graph.root, reader: graph.root)
        var planner = Planner(writer: graph, reader: graph, defaults: defaults)
        planner.plan(root)
        steps = planner.steps
        decodePlan = DecodePlan(steps: steps, root: root, writer: graph, reader: graph, validator: validator)
    }

    /// The writer-schema value `value` as a value of the reader schema.
    public func project(_ value: AvroValue) throws(AvroCodecError) -> AvroValue {
        if isIdentity { return value }
        return try project(value, root)
    }

    private func project(_ value: AvroValue, _ pair: Pair) throws(AvroCodecError) -> AvroValue {
        guard let step = steps[pair] else { throw .incompatibleSchemas("no plan for \(pair)") }
        switch step {
        case .fail(let message):
            throw .incompatibleSchemas(message)
        case .scalar:
            let writerNode = writerGraph[pair.writer], readerNode = readerGraph[pair.reader]
            let fixedSize: Int? = if case .fixed(let size) = writerNode.kind { size } else { nil }
            let raw = LogicalConversions.underlyingValue(value, writerNode.logicalType, fixedSize: fixedSize)
            let promoted = try Self.promote(raw, to: readerNode.kind)
            return LogicalConversions.logicalValue(promoted, readerNode.logicalType)
        case .enumeration(let mapping, let fallback):
            guard case .enumSymbol(let symbol) = value else { throw Self.unexpected(value) }
            if let mapped = mapping[symbol] { return .enumSymbol(mapped) }
            if let fallback { return .enumSymbol(fallback) }
            throw .incompatibleSchemas("symbol \"\(symbol)\" is not in the reader's enum, which has no default")
        case .array(let items):
            guard case .array(let elements) = value else { throw Self.unexpected(value) }
            var out: [AvroValue] = []
            out.reserveCapacity(elements.count)
            for (position, element) in elements.enumerated() {
                do { out.append(try project(element, items)) } catch { throw error.inside("[\(position)]") }
            }
            return .array(out)
        case .map(let values):
            guard case .map(let entries) = value else { throw Self.unexpected(value) }
            var out: [String: AvroValue] = [:]
            out.reserveCapacity(entries.count)
            for (key, element) in entries {
                do { out[key] = try project(element, values) } catch { throw error.inside("[\"\(key)\"]") }
            }
            return .map(out)
        case .record(let name, let sources):
            guard case .record(let record) = value else { throw Self.unexpected(value) }
            var out = AvroRecord(name: name, fields: [])
            out.fields.reserveCapacity(sources.count)
            for source in sources {
                switch source {
                case .writerField(let name, let position, let child):
                    guard position < record.fields.count else { throw Self.unexpected(value) }
                    do { out.fields.append(.init(name, try project(record.fields[position].value, child))) } catch { throw error.inside(".\(name)") }
                case .defaultValue(let name, let fallback):
                    out.fields.append(.init(name, fallback))
                }
            }
            return .record(out)
        case .writerUnion(let branches):
            guard let branch = branches.first(where: { ValueWriter.fitsExactly(value, writerGraph[$0.writer]) }) else {
                throw Self.unexpected(value)
            }
            return try project(value, branch)
        case .intoReaderBranch(let branch):
            return try project(value, branch)
        }
    }

    static func promote(_ value: AvroValue, to kind: SchemaGraph.Kind) throws(AvroCodecError) -> AvroValue {
        switch (value, kind) {
        case (.int(let x), .long): .long(Int64(x))
        case (.int(let x), .float): .float(Float(x))
        case (.int(let x), .double): .double(Double(x))
        case (.long(let x), .float): .float(Float(x))
        case (.long(let x), .double): .double(Double(x))
        case (.float(let x), .double): .double(Double(x))
        case (.string(let text), .bytes): .bytes(Array(text.utf8))
        case (.bytes(let bytes), .string): .string(String(decoding: bytes, as: UTF8.self))
        default: value
        }
    }

    private static func unexpected(_ value: AvroValue) -> AvroCodecError {
        .invalidData(path: "$", message: "\(value.kindName) value does not have the writer schema's shape")
    }

    // MARK: Planning

    struct Pair: Hashable, Sendable, CustomStringConvertible {
        let writer: Int
        let reader: Int
        var description: String { "(\(writer), \(reader))" }
    }

    enum FieldSource: Sendable {
        case writerField(name: String, position: Int, Pair)
        case defaultValue(name: String, AvroValue)
    }

    enum Step: Sendable {
        case scalar
        case enumeration(mapping: [String: String], fallback: String?)
        case array(Pair)
        case map(Pair)
        case record(name: String?, [FieldSource])
        case writerUnion([Pair])
        case intoReaderBranch(Pair)
        case fail(String)
    }

    private struct Planner {
        let writer: SchemaGraph
        let reader: SchemaGraph
        let defaults: DefaultValues
        var steps: [Pair: Step] = [:]

        mutating func plan(_ pair: Pair) {
            guard steps[pair] == nil else { return }
            steps[pair] = .fail("recursive plan")  // placeholder while children are planned
            steps[pair] = makeStep(pair)
        }

        private mutating func makeStep(_ pair: Pair) -> Step {
            let w = writer[pair.writer], r = reader[pair.reader]
            if case .union(let branches) = w.kind {
                // Unions of the same shape map branch to branch, as in Avro Java (`Resolver.WriterUnion`): two records
                // of one short name then keep their positions even when their namespaces changed.
                var seen: [Pair: Bool] = [:]
                let readerBranches: [Int]? = if case .union(let same) = r.kind, Self.equivalent(pair, writer, reader, &seen) { same } else { nil }
                let children = branches.enumerated().map { Pair(writer: $1, reader: readerBranches?[$0] ?? pair.reader) }
                children.forEach { plan($0) }
                return .writerUnion(children)
            }
            if case .union(let branches) = r.kind {
                guard let chosen = readerBranch(for: pair.writer, among: branches) else {
                    return .fail("\(w.type.typeName) matches no branch of the reader's union")
                }
                let child = Pair(writer: pair.writer, reader: chosen)
                plan(child)
                return .intoReaderBranch(child)
            }
            guard matches(w, r) else { return .fail("writer \(w.type.typeName) cannot be read as \(r.type.typeName)") }
            switch (w.kind, r.kind) {
            case (.enumeration(let writerSymbols, _), .enumeration(_, let readerIndex)):
                var mapping: [String: String] = [:]
                for symbol in writerSymbols where readerIndex[symbol] != nil { mapping[symbol] = symbol }
                let fallback: String? = if case .enumeration(let definition) = r.type { definition.defaultSymbol } else { nil }
                return .enumeration(mapping: mapping, fallback: fallback)
            case (.array(let wi), .array(let ri)):
                let child = Pair(writer: wi, reader: ri)
                plan(child)
                return .array(child)
            case (.map(let wv), .map(let rv)):
                let child = Pair(writer: wv, reader: rv)
                plan(child)
                return .map(child)
            case (.record(let writerFields, let writerIndex), .record(let readerFields, _)):
                guard case .record(let readerDefinition) = r.type else { return .fail("reader record has no definition") }
                var sources: [FieldSource] = []
                for (position, field) in readerFields.enumerated() {
                    let declared = readerDefinition.fields[position]
                    let writerPosition = writerIndex[field.name] ?? declared.aliases.lazy.compactMap { writerIndex[$0] }.first
                    if let writerPosition {
                        let child = Pair(writer: writerFields[writerPosition].node, reader: field.node)
                        plan(child)
                        sources.append(.writerField(name: field.name, position: writerPosition, child))
                    } else if let fallback = defaults.fieldDefault(record: pair.reader, field: position) {
                        sources.append(.defaultValue(name: field.name, fallback))
                    } else {
                        return .fail("reader field '\(field.name)' is not in the writer's data and has no default")
                    }
                }
                return .record(name: r.name, sources)
            default:
                return .scalar
            }
        }

        /// The reader union's branch for a writer type, in Avro Java's order (`Resolver.ReaderUnion`): the same
        /// unnamed type, or a named type of the same full name; else a record whose fields resolve, preferring one
        /// of the same short name (two namespaces may each hold one); else a named type by short name or alias;
        /// else a promotion.
        private mutating func readerBranch(for writerNode: Int, among branches: [Int]) -> Int? {
            let w = writer[writerNode]
            if let exact = branches.first(where: { Self.sameKind(w, reader[$0]) && (w.name == nil || w.name == reader[$0].name) }) {
                return exact
            }
            if case .record = w.kind {
                var structureMatch: Int?
                for branch in branches where Self.sameKind(w, reader[branch]) && resolvesWithoutFailure(Pair(writer: writerNode, reader: branch)) {
                    let sameShortName = AvroName(fullName: w.name ?? "").name == AvroName(fullName: reader[branch].name ?? "").name
                    if structureMatch == nil || sameShortName { structureMatch = branch }
                }
                if let structureMatch { return structureMatch }
            }
            return branches.first { Self.sameType(w, reader[$0]) } ?? branches.first { matches(w, reader[$0]) }
        }

        /// Avro Java's `unionEquiv`: the same structure, named types by short name, records field by field in order.
        private static func equivalent(_ pair: Pair, _ writer: SchemaGraph, _ reader: SchemaGraph, _ seen: inout [Pair: Bool]) -> Bool {
            let w = writer[pair.writer], r = reader[pair.reader]
            guard sameKind(w, r) else { return false }
            if let writerName = w.name, AvroName(fullName: writerName).name != AvroName(fullName: r.name ?? "").name { return false }
            switch (w.kind, r.kind) {
            case (.array(let wi), .array(let ri)): return equivalent(Pair(writer: wi, reader: ri), writer, reader, &seen)
            case (.map(let wv), .map(let rv)): return equivalent(Pair(writer: wv, reader: rv), writer, reader, &seen)
            case (.fixed(let ws), .fixed(let rs)): return ws == rs
            case (.enumeration(let ws, _), .enumeration(let rs, _)): return ws == rs
            case (.union(let wb), .union(let rb)):
                return wb.count == rb.count && zip(wb, rb).allSatisfy { equivalent(Pair(writer: $0, reader: $1), writer, reader, &seen) }
            case (.record(let wf, _), .record(let rf, _)):
                if let known = seen[pair] { return known }
                seen[pair] = true  // optimistic while the fields are compared, for recursive records
                let same = wf.count == rf.count
                    && zip(wf, rf).allSatisfy { $0.name == $1.name && equivalent(Pair(writer: $0.node, reader: $1.node), writer, reader, &seen) }
                seen[pair] = same
                return same
            default:
                return true
            }
        }

        /// Whether a record pair's plan and its fields' plans all succeed, as Java's `hasMatchError` looks one level down.
        private mutating func resolvesWithoutFailure(_ pair: Pair) -> Bool {
            plan(pair)
            guard case .record(_, let sources) = steps[pair] else { return false }
            return sources.allSatisfy { source in
                guard case .writerField(_, _, let child) = source, case .fail = steps[child] else { return true }
                return false
            }
        }

        private static func sameKind(_ w: SchemaGraph.Node, _ r: SchemaGraph.Node) -> Bool {
            switch (w.kind, r.kind) {
            case (.null, .null), (.boolean, .boolean), (.int, .int), (.long, .long), (.float, .float), (.double, .double),
                (.bytes, .bytes), (.string, .string), (.array, .array), (.map, .map), (.record, .record), (.enumeration, .enumeration),
                (.fixed, .fixed), (.union, .union):
                return true
            default:
                return false
            }
        }

        /// Same kind and, for named types, same short name or a reader alias.
        private static func sameType(_ w: SchemaGraph.Node, _ r: SchemaGraph.Node) -> Bool {
            sameKind(w, r) && (w.name == nil || namesMatch(w, r))
        }

        private func matches(_ w: SchemaGraph.Node, _ r: SchemaGraph.Node) -> Bool {
            switch (w.kind, r.kind) {
            case (.int, .long), (.int, .float), (.int, .double), (.long, .float), (.long, .double), (.float, .double),
                (.string, .bytes), (.bytes, .string):
                return true
            case (.fixed(let ws), .fixed(let rs)):
                return ws == rs && Self.namesMatch(w, r)
            default:
                return Self.sameType(w, r)
            }
        }

        /// Unqualified names match, or a reader alias names the writer, as Avro's checker decides.
        private static func namesMatch(_ w: SchemaGraph.Node, _ r: SchemaGraph.Node) -> Bool {
            guard let writerName = w.name, let readerName = r.name else { return false }
            if AvroName(fullName: writerName).name == AvroName(fullName: readerName).name { return true }
            return r.type.named?.aliases.contains(writerName) ?? false
        }
    }
}
