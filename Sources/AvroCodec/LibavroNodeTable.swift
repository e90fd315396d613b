import CAvro

/// The schema graph again as flat C-layout tables, for the value interfaces that libavro calls back while
/// it reads or writes a value. Those callbacks run with no Swift context, so they reach everything through
/// pointers and touch no reference counts. Built once per codec, never written afterwards, shared by threads.
final class LibavroNodeTable: @unchecked Sendable {
    struct Entry {
        var type: avro_type_t
        /// Records and unions: their fields or branches are the nodes `children[first..<first + count]`.
        /// Arrays and maps: `first` is the node of their items or values.
        var first: Int32
        var count: Int32
        /// libavro's own schema for the node (a link's target, never the link), which `avro_value_read`
        /// asks records and fixed values for.
        var schema: avro_schema_t?
    }

    let entries: UnsafeMutablePointer<Entry>
    let children: UnsafeMutablePointer<Int32>
    private let nodeCount: Int
    private let childCount: Int

    /// `schema` is libavro's parse of the graph's canonical form, so both have the same fields and branches in the same order.
    init(graph: SchemaGraph, schema: avro_schema_t) {
        nodeCount = graph.ops.count
        childCount = max(graph.children.count, 1)
        entries = .allocate(capacity: nodeCount)
        children = .allocate(capacity: childCount)
        children.initialize(repeating: 0, count: childCount)
        for (position, child) in graph.children.enumerated() { children[position] = Int32(child) }
        for (index, op) in graph.ops.enumerated() {
            let entry: Entry
            switch op {
            case .null: entry = Entry(type: AVRO_NULL, first: 0, count: 0)
            case .boolean: entry = Entry(type: AVRO_BOOLEAN, first: 0, count: 0)
            case .int: entry = Entry(type: AVRO_INT32, first: 0, count: 0)
            case .long: entry = Entry(type: AVRO_INT64, first: 0, count: 0)
            case .float: entry = Entry(type: AVRO_FLOAT, first: 0, count: 0)
            case .double: entry = Entry(type: AVRO_DOUBLE, first: 0, count: 0)
            case .bytes: entry = Entry(type: AVRO_BYTES, first: 0, count: 0)
            case .string: entry = Entry(type: AVRO_STRING, first: 0, count: 0)
            case .fixed(let size): entry = Entry(type: AVRO_FIXED, first: 0, count: Int32(clamping: size))
            case .enumeration(_, let count): entry = Entry(type: AVRO_ENUM, first: 0, count: Int32(count))
            case .array(let items): entry = Entry(type: AVRO_ARRAY, first: Int32(items), count: 1)
            case .map(let values): entry = Entry(type: AVRO_MAP, first: Int32(values), count: 1)
            case .union(let start, let count): entry = Entry(type: AVRO_UNION, first: Int32(start), count: Int32(count))
            case .record(let start, let count): entry = Entry(type: AVRO_RECORD, first: Int32(start), count: Int32(count))
            }
            (entries + index).initialize(to: entry)
        }
        var pending = [(graph.root, schema)]
        while let (node, given) = pending.popLast() {
            guard entries[node].schema == nil else { continue }
            let own = given.pointee.type == AVRO_LINK ? avro_schema_link_target(given) : given
            entries[node].schema = own
            switch graph.ops[node] {
            case .record(let start, let count):
                for position in 0..<count {
                    if let field = avro_schema_record_field_get_by_index(own, Int32(position)) {
                        pending.append((graph.children[start + position], field))
                    }
                }
            case .union(let start, let count):
                for position in 0..<count {
                    if let branch = avro_schema_union_branch(own, Int32(position)) {
                        pending.append((graph.children[start + position], branch))
                    }
                }
            case .array(let items):
                if let itemSchema = avro_schema_array_items(own) { pending.append((items, itemSchema)) }
            case .map(let values):
                if let valueSchema = avro_schema_map_values(own) { pending.append((values, valueSchema)) }
            default:
                break
            }
        }
    }

    deinit {
        entries.deinitialize(count: nodeCount)
        entries.deallocate()
        children.deallocate()
    }
}
