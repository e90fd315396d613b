import Avro

/// The writer-to-reader resolution of one schema pair compiled for the typed decoder: `AvroResolution`'s
/// steps (the same planner, so both paths resolve alike) in an array addressed by index, enum mappings as
/// tables, and each record's fields by reader name and writer position.
///
/// Steps and records hold only integers, with names, defaults and symbols in side tables, so that the
/// decoder copies them around without reference counting.
final class DecodePlan: @unchecked Sendable {
    enum Step: Sendable {
        /// Read the writer node's value; promote it to `promotions[promotion]` unless -1; apply
        /// `logicalTypes[logical]` unless -1.
        case scalar(writer: Int, promotion: Int, logical: Int)
        /// The reader's symbols for writer indices are `readerSymbols[start..<start + count]`.
        case enumeration(writer: Int, start: Int, count: Int)
        case array(items: Int)
        case map(values: Int)
        case record(Int)
        /// The writer wrote a union: read its index, then the step at `unionBranches[start + index]`.
        case writerUnion(start: Int, count: Int)
        /// The reader has a union and the writer does not: the step of the branch it resolves to.
        case readerBranch(Int)
        case fail(message: Int)
    }

    /// A record's reader fields are `fields[fieldStart..<fieldStart + fieldCount]`; its writer's field nodes
    /// `writerFields[writerStart..<writerStart + writerCount]`, to skip those the reader does not read.
    struct Record: Sendable {
        let fieldStart: Int
        let fieldCount: Int
        let writerStart: Int
        let writerCount: Int
    }

    /// A reader field: the writer's position and the step that reads it, or -1 and the index of its default.
    struct Field: Sendable {
        let writerPosition: Int
        let step: Int
    }

    // The tables read on every field are `UnsafeTable`s; the rest are read on rare paths.
    let steps: UnsafeTable<Step>
    /// The writer node each step reads, to skip a value nobody asked for.
    let writerNodes: UnsafeTable<Int>
    let root: Int
    let records: UnsafeTable<Record>
    let fields: UnsafeTable<Field>
    let fieldNames: UnsafeTable<String>
    let readerIndexes: [[String: Int]]
    let defaults: [AvroValue]
    let writerFields: UnsafeTable<Int>
    let unionBranches: UnsafeTable<Int>
    /// The reader's symbol for each writer index; nil where the reader has neither it nor a default.
    let readerSymbols: [String?]
    let promotions: [SchemaGraph.Kind]
    let logicalTypes: [LogicalType]
    let messages: [String]
    let writerGraph: SchemaGraph
    /// The writer's nodes again, for the reads.
    let writerOps: UnsafeTable<SchemaGraph.Op>
    /// Walks writer data to skip values, checking every length on the way.
    let validator: BodyValidator

    /// A plan from a resolution's planned steps; `validator` is the writer's.
    init(
        steps planned: [AvroResolution.Pair: AvroResolution.Step], root: AvroResolution.Pair, writer: SchemaGraph, reader: SchemaGraph,
        validator: BodyValidator
    ) {
        var ids: [AvroResolution.Pair: Int] = [:]
        for pair in planned.keys { ids[pair] = ids.count }
        var builder = Builder(writer: writer, reader: reader, ids: ids)
        var steps = [Step](repeating: .fail(message: 0), count: ids.count)
        var writerNodes = [Int](repeating: 0, count: ids.count)
        for (pair, step) in planned {
            let id = ids[pair]!
            writerNodes[id] = pair.writer
            steps[id] = builder.compile(step, pair)
        }
        self.steps = UnsafeTable(steps)
        self.writerNodes = UnsafeTable(writerNodes)
        self.root = ids[root]!
        records = UnsafeTable(builder.records)
        fields = UnsafeTable(builder.fields)
        fieldNames = UnsafeTable(builder.fieldNames)
        readerIndexes = builder.readerIndexes
        defaults = builder.defaults
        writerFields = UnsafeTable(builder.writerFields)
        unionBranches = UnsafeTable(builder.unionBranches)
        readerSymbols = builder.readerSymbols
        promotions = builder.promotions
        logicalTypes = builder.logicalTypes
        messages = builder.messages
        writerGraph = writer
        writerOps = UnsafeTable(writer.ops)
        self.validator = validator
    }

    deinit {
        steps.free()
        writerNodes.free()
        records.free()
        fields.free()
        fieldNames.free()
        writerFields.free()
        unionBranches.free()
        writerOps.free()
    }

    private struct Builder {
        let writer: SchemaGraph
        let reader: SchemaGraph
        let ids: [AvroResolution.Pair: Int]
        var records: [Record] = []
        var fields: [Field] = []
        var fieldNames: [String] = []
        var readerIndexes: [[String: Int]] = []
        var defaults: [AvroValue] = []
        var writerFields: [Int] = []
        var unionBranches: [Int] = []
        var readerSymbols: [String?] = []
        var promotions: [SchemaGraph.Kind] = []
        var logicalTypes: [LogicalType] = []
        var messages: [String] = ["unplanned"]

        mutating func compile(_ step: AvroResolution.Step, _ pair: AvroResolution.Pair) -> Step {
            switch step {
            case .scalar:
                var promotion = -1, logical = -1
                if !Self.sameOp(writer.ops[pair.writer], reader.ops[pair.reader]) {
                    promotion = promotions.count
                    promotions.append(reader[pair.reader].kind)
                }
                if let logicalType = reader.logicalTypes[pair.reader] {
                    logical = logicalTypes.count
                    logicalTypes.append(logicalType)
                }
                return .scalar(writer: pair.writer, promotion: promotion, logical: logical)
            case .enumeration(let mapping, let fallback):
                guard case .enumeration(let symbols, _) = writer[pair.writer].kind else { return fail("writer is not an enum") }
                let start = readerSymbols.count
                readerSymbols.append(contentsOf: symbols.map { mapping[$0] ?? fallback })
                return .enumeration(writer: pair.writer, start: start, count: symbols.count)
            case .array(let items):
                return .array(items: ids[items]!)
            case .map(let values):
                return .map(values: ids[values]!)
            case .record(_, let sources):
                guard case .record(let writerRecordFields, _) = writer[pair.writer].kind else { return fail("writer is not a record") }
                let record = Record(fieldStart: fields.count, fieldCount: sources.count, writerStart: writerFields.count, writerCount: writerRecordFields.count)
                var index: [String: Int] = [:]
                for source in sources {
                    switch source {
                    case .writerField(let name, let position, let child):
                        if index[name] == nil { index[name] = fieldNames.count - record.fieldStart }
                        fieldNames.append(name)
                        fields.append(Field(writerPosition: position, step: ids[child]!))
                    case .defaultValue(let name, let value):
                        if index[name] == nil { index[name] = fieldNames.count - record.fieldStart }
                        fieldNames.append(name)
                        fields.append(Field(writerPosition: -1, step: defaults.count))
                        defaults.append(value)
                    }
                }
                writerFields.append(contentsOf: writerRecordFields.map(\.node))
                readerIndexes.append(index)
                records.append(record)
                return .record(records.count - 1)
            case .writerUnion(let branches):
                let start = unionBranches.count
                unionBranches.append(contentsOf: branches.map { ids[$0]! })
                return .writerUnion(start: start, count: branches.count)
            case .intoReaderBranch(let child):
                return .readerBranch(ids[child]!)
            case .fail(let message):
                return fail(message)
            }
        }

        private mutating func fail(_ message: String) -> Step {
            messages.append(message)
            return .fail(message: messages.count - 1)
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
}
