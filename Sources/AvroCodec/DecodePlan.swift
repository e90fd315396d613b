import Avro

/// The writer-to-reader resolution of one schema pair compiled for the typed decoder: `AvroResolution`'s
/// steps (the same planner, so both paths resolve alike) in an array addressed by index, with enum
/// mappings as tables and each record's fields by reader name and writer position.
final class DecodePlan: Sendable {
    enum Step: Sendable {
        /// Read the writer node's value; promote it to the reader's kind if given; apply the reader's logical type.
        case scalar(writer: Int, promoteTo: SchemaGraph.Kind?, logicalType: LogicalType?)
        /// The reader's symbol for each writer index; nil where the reader has neither the symbol nor a default.
        case enumeration(writerSymbols: [String], readerSymbols: [String?])
        case array(items: Int)
        case map(values: Int)
        case record(RecordPlan)
        /// The writer wrote a union: read its index, then the step of that branch.
        case writerUnion(branches: [Int])
        /// The reader has a union and the writer does not: the step of the branch it resolves to.
        case readerBranch(Int)
        case fail(String)
    }

    final class RecordPlan: Sendable {
        enum Source: Sendable {
            case writer(position: Int, step: Int)
            case defaultValue(AvroValue)
        }

        let readerNames: [String]
        let readerIndex: [String: Int]
        /// Where each reader field comes from, in reader order.
        let sources: [Source]
        /// The writer's field nodes in writer order, to skip those the reader does not read.
        let writerFields: [Int]

        init(readerNames: [String], sources: [Source], writerFields: [Int]) {
            self.readerNames = readerNames
            var index: [String: Int] = [:]
            for (position, name) in readerNames.enumerated() where index[name] == nil { index[name] = position }
            readerIndex = index
            self.sources = sources
            self.writerFields = writerFields
        }
    }

    let steps: [Step]
    /// The writer node each step reads, to skip a value nobody asked for.
    let writerNodes: [Int]
    let root: Int
    let writerGraph: SchemaGraph
    /// Walks writer data to skip values, checking every length on the way.
    let validator: BodyValidator

    /// A plan from a resolution's planned steps; `validator` is the writer's.
    init(
        steps planned: [AvroResolution.Pair: AvroResolution.Step], root: AvroResolution.Pair, writer: SchemaGraph, reader: SchemaGraph,
        validator: BodyValidator
    ) {
        var ids: [AvroResolution.Pair: Int] = [:]
        for pair in planned.keys { ids[pair] = ids.count }
        var steps = [Step](repeating: .fail("unplanned"), count: ids.count)
        var writerNodes = [Int](repeating: 0, count: ids.count)
        for (pair, step) in planned {
            let id = ids[pair]!
            writerNodes[id] = pair.writer
            steps[id] = Self.compile(step, pair, writer: writer, reader: reader, ids: ids)
        }
        self.steps = steps
        self.writerNodes = writerNodes
        self.root = ids[root]!
        writerGraph = writer
        self.validator = validator
    }

    private static func compile(
        _ step: AvroResolution.Step, _ pair: AvroResolution.Pair, writer: SchemaGraph, reader: SchemaGraph, ids: [AvroResolution.Pair: Int]
    ) -> Step {
        switch step {
        case .scalar:
            let readerOp = reader.ops[pair.reader], writerOp = writer.ops[pair.writer]
            let promote = Self.sameOp(writerOp, readerOp) ? nil : reader[pair.reader].kind
            return .scalar(writer: pair.writer, promoteTo: promote, logicalType: reader.logicalTypes[pair.reader])
        case .enumeration(let mapping, let fallback):
            guard case .enumeration(let symbols, _) = writer[pair.writer].kind else { return .fail("writer is not an enum") }
            return .enumeration(writerSymbols: symbols, readerSymbols: symbols.map { mapping[$0] ?? fallback })
        case .array(let items):
            return .array(items: ids[items]!)
        case .map(let values):
            return .map(values: ids[values]!)
        case .record(_, let sources):
            guard case .record(let writerFields, _) = writer[pair.writer].kind else { return .fail("writer is not a record") }
            var names: [String] = []
            var compiled: [RecordPlan.Source] = []
            for source in sources {
                switch source {
                case .writerField(let name, let position, let child):
                    names.append(name)
                    compiled.append(.writer(position: position, step: ids[child]!))
                case .defaultValue(let name, let value):
                    names.append(name)
                    compiled.append(.defaultValue(value))
                }
            }
            return .record(RecordPlan(readerNames: names, sources: compiled, writerFields: writerFields.map(\.node)))
        case .writerUnion(let branches):
            return .writerUnion(branches: branches.map { ids[$0]! })
        case .intoReaderBranch(let child):
            return .readerBranch(ids[child]!)
        case .fail(let message):
            return .fail(message)
        }
    }

    private static func sameOp(_ a: SchemaGraph.Op, _ b: SchemaGraph.Op) -> Bool {
        switch (a, b) {
        case (.null, .null), (.boolean, .boolean), (.int, .int), (.long, .long), (.float, .float), (.double, .double),
            (.bytes, .bytes), (.string, .string), (.fixed, .fixed):
            return true
        default:
            return false
        }
    }
}
