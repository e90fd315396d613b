import Avro

/// A schema flattened into an array of nodes with references resolved to indices, so the
/// encoder, decoder and projection walk it without name lookups. Recursive types become cycles.
struct SchemaGraph: Sendable {
    struct RecordField: Sendable {
        let name: String
        let node: Int
    }

    enum Kind: Sendable {
        case null, boolean, int, long, float, double, bytes, string
        case fixed(size: Int)
        case enumeration(symbols: [String], indexBySymbol: [String: Int])
        case array(items: Int)
        case map(values: Int)
        case union(branches: [Int])
        case record(fields: [RecordField], indexByName: [String: Int])
    }

    /// A class so that visiting a node on the hot path costs one retain rather than a copy of every field.
    /// Written only while the graph is built, then never again, hence `@unchecked Sendable`.
    final class Node: @unchecked Sendable {
        fileprivate(set) var kind: Kind
        let logicalType: LogicalType?
        /// The full name of a record, enum or fixed.
        let name: String?
        /// The definition, for defaults, aliases and enum defaults.
        let type: AvroType

        init(kind: Kind, logicalType: LogicalType?, name: String?, type: AvroType) {
            self.kind = kind
            self.logicalType = logicalType
            self.name = name
            self.type = type
        }
    }

    /// The node kinds again, flattened so that the encoder and decoder walk them without reference counting:
    /// children, field names and enum symbols live in the side tables below, addressed by index.
    enum Op: Sendable {
        case null, boolean, int, long, float, double, bytes, string
        case fixed(size: Int)
        /// Symbols are `symbols[start..<start + count]`.
        case enumeration(start: Int, count: Int)
        case array(items: Int)
        case map(values: Int)
        /// Branches are `children[start..<start + count]`.
        case union(start: Int, count: Int)
        /// Fields are `children[start..<start + count]`, named by `childNames` at the same positions.
        case record(start: Int, count: Int)
    }

    private(set) var nodes: [Node] = []
    let root: Int
    private(set) var ops: [Op] = []
    private(set) var logicalTypes: [LogicalType?] = []
    /// `nodes[i].name` again, so that naming a decoded record costs no retain of its node.
    private(set) var names: [String?] = []
    private(set) var children: [Int] = []
    private(set) var childNames: [String] = []
    private(set) var symbols: [String] = []

    init(_ schema: AvroSchema) {
        var builder = Builder(schema: schema)
        root = builder.add(schema.root)
        nodes = builder.nodes
        for node in nodes {
            logicalTypes.append(node.logicalType)
            names.append(node.name)
            switch node.kind {
            case .null: ops.append(.null)
            case .boolean: ops.append(.boolean)
            case .int: ops.append(.int)
            case .long: ops.append(.long)
            case .float: ops.append(.float)
            case .double: ops.append(.double)
            case .bytes: ops.append(.bytes)
            case .string: ops.append(.string)
            case .fixed(let size): ops.append(.fixed(size: size))
            case .enumeration(let names, _):
                ops.append(.enumeration(start: symbols.count, count: names.count))
                symbols.append(contentsOf: names)
            case .array(let items): ops.append(.array(items: items))
            case .map(let values): ops.append(.map(values: values))
            case .union(let branches):
                ops.append(.union(start: children.count, count: branches.count))
                children.append(contentsOf: branches)
                childNames.append(contentsOf: repeatElement("", count: branches.count))
            case .record(let fields, _):
                ops.append(.record(start: children.count, count: fields.count))
                children.append(contentsOf: fields.map(\.node))
                childNames.append(contentsOf: fields.map(\.name))
            }
        }
    }

    subscript(index: Int) -> Node { nodes[index] }

    private struct Builder {
        let schema: AvroSchema
        var nodes: [Node] = []
        var namedIndex: [String: Int] = [:]

        mutating func add(_ type: AvroType) -> Int {
            let type = schema.resolve(type)
            if let name = type.named?.name.fullName, let existing = namedIndex[name] { return existing }
            let index = nodes.count
            nodes.append(Node(kind: .null, logicalType: type.logicalType, name: type.named?.name.fullName, type: type))
            if let name = type.named?.name.fullName { namedIndex[name] = index }
            let kind: Kind
            switch type {
            case .primitive(let primitive, _):
                switch primitive {
                case .null: kind = .null
                case .boolean: kind = .boolean
                case .int: kind = .int
                case .long: kind = .long
                case .float: kind = .float
                case .double: kind = .double
                case .bytes: kind = .bytes
                case .string: kind = .string
                }
            case .fixed(let fixed):
                kind = .fixed(size: fixed.size)
            case .enumeration(let enumeration):
                var bySymbol: [String: Int] = [:]
                for (i, symbol) in enumeration.symbols.enumerated() { bySymbol[symbol] = i }
                kind = .enumeration(symbols: enumeration.symbols, indexBySymbol: bySymbol)
            case .array(let items, _):
                kind = .array(items: add(items))
            case .map(let values, _):
                kind = .map(values: add(values))
            case .union(let branches):
                kind = .union(branches: branches.map { add($0) })
            case .record(let record):
                var fields: [RecordField] = []
                var byName: [String: Int] = [:]
                for (i, field) in record.fields.enumerated() {
                    fields.append(RecordField(name: field.name, node: add(field.type)))
                    byName[field.name] = i
                }
                kind = .record(fields: fields, indexByName: byName)
            case .reference(let name):
                // An unresolvable reference cannot come out of the parser; treat it as null so nothing traps.
                assertionFailure("unresolved reference \(name)")
                kind = .null
            }
            nodes[index].kind = kind
            return index
        }
    }
}
