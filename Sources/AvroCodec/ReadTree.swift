import CAvro

/// What `avro_value_read` decodes into: libavro's value interface implemented over a flat tree of slots,
/// one per value in the data, which `ValueReader` then turns into an `AvroValue`.
///
/// libavro still does all the decoding; the tree only records what it hands over. A generic value keeps
/// its own copy of every string and is read back through a call per value; decoding through the tree
/// takes about 7% less CPU. The strings libavro allocates while reading are kept, not copied, until the
/// reader has made Swift strings of them.
///
/// A value's `self` pointer is its slot index rather than an address, so the slots can grow while libavro
/// reads. One thread at a time (the workspace's).
final class ReadTree {
    struct Slot {
        var node: Int32
        var childCount: Int32 = 0
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        /// A map entry's key: its offset in `keyBytes`, where it ends with a NUL.
        var key: Int32 = -1
        /// A number's bits, a boolean, an enum symbol's position or a union's branch; for strings, bytes and
        /// fixed, the index of their buffer. All ones until libavro sets it.
        var bits: UInt64 = .max
    }

    struct State {
        let nodes: UnsafeMutablePointer<LibavroNodeTable.Entry>
        let children: UnsafeMutablePointer<Int32>
        let rootNode: Int32
        var slots = FlatBuffer<Slot>(capacity: 64)
        /// Strings, bytes and fixed as libavro allocated them; `release()` frees them.
        var buffers = FlatBuffer<avro_wrapped_buffer_t>(capacity: 16)
        var keyBytes = FlatBuffer<UInt8>(capacity: 256)
    }

    private let interface: CallbackInterface<State>
    var state: UnsafeMutablePointer<State> { interface.state }
    /// Keeps the tables `state` points into alive.
    private let table: LibavroNodeTable

    init(table: LibavroNodeTable, root: Int) {
        self.table = table
        interface = CallbackInterface(Self.callbacks, state: State(nodes: table.entries, children: table.children, rootNode: Int32(root)))
    }

    deinit {
        release()
        state.pointee.slots.deallocate()
        state.pointee.buffers.deallocate()
        state.pointee.keyBytes.deallocate()
    }

    /// The root value: `avro_value_read` resets it, which empties the tree, then fills it.
    var root: avro_value_t {
        interface.value(nil)
    }

    /// Frees the buffers libavro allocated for the last value read.
    func release() {
        Self.releaseBuffers(state)
    }

    private static func releaseBuffers(_ state: UnsafeMutablePointer<State>) {
        for index in 0..<state.pointee.buffers.count {
            let buffer = state.pointee.buffers.base + index
            buffer.pointee.free?(buffer)
        }
        state.pointee.buffers.count = 0
    }

    // MARK: The value interface

    @inline(__always)
    private static func state(_ iface: UnsafePointer<avro_value_iface_t>?) -> UnsafeMutablePointer<State> {
        CallbackInterface<State>.state(of: iface)
    }

    @inline(__always)
    private static func slotIndex(_ pointer: UnsafeRawPointer?) -> Int { Int(bitPattern: pointer) }

    private static func set(_ iface: UnsafePointer<avro_value_iface_t>?, _ pointer: UnsafeMutableRawPointer?, _ bits: UInt64) -> Int32 {
        state(iface).pointee.slots[slotIndex(pointer)].bits = bits
        return 0
    }

    /// Takes over a buffer libavro gives a string, bytes or fixed value.
    private static func keep(_ iface: UnsafePointer<avro_value_iface_t>?, _ pointer: UnsafeMutableRawPointer?,
                             _ buffer: UnsafeMutablePointer<avro_wrapped_buffer_t>?) -> Int32 {
        guard let buffer else { return EINVAL }
        let state = state(iface)
        let index = state.pointee.buffers.append(buffer.pointee)
        buffer.pointee = avro_wrapped_buffer_t()
        state.pointee.slots[slotIndex(pointer)].bits = UInt64(index)
        return 0
    }

    /// A new slot for a value of `node` as the last child of `parent`, and the libavro value that refers to it;
    /// nil past the slots an `Int32` can number (validated data of any size that fits in memory stays far below).
    private static func addChild(_ iface: UnsafePointer<avro_value_iface_t>?, parent: Int, node: Int32,
                                 _ child: UnsafeMutablePointer<avro_value_t>?) -> Int? {
        let state = state(iface)
        guard state.pointee.slots.count < Int(Int32.max) else { return nil }
        let index = state.pointee.slots.append(Slot(node: node))
        let slots = state.pointee.slots
        if slots[parent].lastChild >= 0 {
            slots[Int(slots[parent].lastChild)].nextSibling = Int32(index)
        } else {
            slots[parent].firstChild = Int32(index)
        }
        slots[parent].lastChild = Int32(index)
        slots[parent].childCount += 1
        child?.pointee = avro_value_t(iface: UnsafeMutablePointer(mutating: iface), self: UnsafeMutableRawPointer(bitPattern: index))
        return index
    }

    private static func forgetChildren(_ slot: UnsafeMutablePointer<Slot>) {
        slot.pointee.childCount = 0
        slot.pointee.firstChild = -1
        slot.pointee.lastChild = -1
    }

    private static let callbacks: avro_value_iface_t = {
        var iface = avro_value_iface_t()
        iface.reset = { iface, pointer in
            let state = ReadTree.state(iface)
            let index = ReadTree.slotIndex(pointer)
            if index == 0 {
                // A new read: drop everything from the last one and start again from the root.
                ReadTree.releaseBuffers(state)
                state.pointee.keyBytes.count = 0
                state.pointee.slots.count = 0
                state.pointee.slots.append(Slot(node: state.pointee.rootNode))
            } else {
                ReadTree.forgetChildren(state.pointee.slots.base + index)
            }
            return 0
        }
        iface.get_type = { iface, pointer in
            let state = ReadTree.state(iface)
            return state.pointee.nodes[Int(state.pointee.slots[ReadTree.slotIndex(pointer)].node)].type
        }
        iface.get_schema = { iface, pointer in
            let state = ReadTree.state(iface)
            return state.pointee.nodes[Int(state.pointee.slots[ReadTree.slotIndex(pointer)].node)].schema
        }
        iface.set_null = { iface, pointer in ReadTree.set(iface, pointer, 0) }
        iface.set_boolean = { iface, pointer, value in ReadTree.set(iface, pointer, value == 0 ? 0 : 1) }
        iface.set_int = { iface, pointer, value in ReadTree.set(iface, pointer, UInt64(bitPattern: Int64(value))) }
        iface.set_long = { iface, pointer, value in ReadTree.set(iface, pointer, UInt64(bitPattern: value)) }
        iface.set_float = { iface, pointer, value in ReadTree.set(iface, pointer, UInt64(value.bitPattern)) }
        iface.set_double = { iface, pointer, value in ReadTree.set(iface, pointer, value.bitPattern) }
        iface.set_enum = { iface, pointer, value in ReadTree.set(iface, pointer, UInt64(bitPattern: Int64(value))) }
        iface.give_string_len = { iface, pointer, buffer in ReadTree.keep(iface, pointer, buffer) }
        iface.give_bytes = { iface, pointer, buffer in ReadTree.keep(iface, pointer, buffer) }
        iface.give_fixed = { iface, pointer, buffer in ReadTree.keep(iface, pointer, buffer) }
        iface.get_size = { iface, pointer, size in
            let state = ReadTree.state(iface)
            let slot = state.pointee.slots[ReadTree.slotIndex(pointer)]
            let node = state.pointee.nodes[Int(slot.node)]
            size?.pointee = node.type == AVRO_RECORD ? Int(node.count) : Int(slot.childCount)
            return 0
        }
        iface.get_by_index = { iface, pointer, position, child, name in
            // Only records are read by index; libavro asks for each field once, in order.
            let state = ReadTree.state(iface)
            let index = ReadTree.slotIndex(pointer)
            let slot = state.pointee.slots[index]
            let node = state.pointee.nodes[Int(slot.node)]
            guard node.type == AVRO_RECORD, position < Int(node.count) else { return EINVAL }
            name?.pointee = nil
            if position < Int(slot.childCount) {
                var found = Int(slot.firstChild)
                for _ in 0..<position { found = Int(state.pointee.slots[found].nextSibling) }
                child?.pointee = avro_value_t(iface: UnsafeMutablePointer(mutating: iface), self: UnsafeMutableRawPointer(bitPattern: found))
                return 0
            }
            guard position == Int(slot.childCount) else { return EINVAL }
            return ReadTree.addChild(iface, parent: index, node: state.pointee.children[Int(node.first) + position], child) == nil ? ENOMEM : 0
        }
        iface.append = { iface, pointer, child, newIndex in
            let state = ReadTree.state(iface)
            let index = ReadTree.slotIndex(pointer)
            let node = state.pointee.nodes[Int(state.pointee.slots[index].node)]
            guard node.type == AVRO_ARRAY else { return EINVAL }
            guard ReadTree.addChild(iface, parent: index, node: node.first, child) != nil else { return ENOMEM }
            newIndex?.pointee = Int(state.pointee.slots[index].childCount) - 1
            return 0
        }
        iface.add = { iface, pointer, key, child, newIndex, isNew in
            let state = ReadTree.state(iface)
            let index = ReadTree.slotIndex(pointer)
            let node = state.pointee.nodes[Int(state.pointee.slots[index].node)]
            guard node.type == AVRO_MAP, let key else { return EINVAL }
            // libavro frees the key when the entry has been read: keep a copy, NUL included.
            let length = strlen(key)
            guard state.pointee.keyBytes.count + length < Int(Int32.max) else { return ENOMEM }
            let offset = state.pointee.keyBytes.append(UnsafeRawBufferPointer(start: key, count: length), terminated: true)
            guard let entry = ReadTree.addChild(iface, parent: index, node: node.first, child) else { return ENOMEM }
            state.pointee.slots[entry].key = Int32(offset)
            newIndex?.pointee = Int(state.pointee.slots[index].childCount) - 1
            isNew?.pointee = 1
            return 0
        }
        iface.set_branch = { iface, pointer, discriminant, branch in
            let state = ReadTree.state(iface)
            let index = ReadTree.slotIndex(pointer)
            let node = state.pointee.nodes[Int(state.pointee.slots[index].node)]
            guard node.type == AVRO_UNION, discriminant >= 0, discriminant < node.count else { return EINVAL }
            ReadTree.forgetChildren(state.pointee.slots.base + index)
            state.pointee.slots[index].bits = UInt64(discriminant)
            return ReadTree.addChild(iface, parent: index, node: state.pointee.children[Int(node.first) + Int(discriminant)], branch) == nil
                ? ENOMEM : 0
        }
        return iface
    }()
}
