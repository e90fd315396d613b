import CAvro

/// What `avro_value_write` encodes from: libavro's value interface implemented over a flat tape of slots
/// that `ValueWriter` fills from an `AvroValue`, one slot per value, with the bytes of strings, bytes and
/// fixed values copied into one buffer beside it.
///
/// libavro still does all the encoding; the tape only answers its questions. Unlike a reused generic
/// value, the tape starts empty for every message, so nothing of one encoding can leak into the next
/// (it costs the same CPU).
///
/// A container's children are consecutive slots, so libavro finds child `i` at once. A value's `self`
/// pointer is its slot index rather than an address, so the tape can grow while it is filled.
/// One thread at a time (the workspace's).
final class WriteTape {
    struct Slot {
        var node: Int32
        /// A container's children are the slots `first..<first + count`.
        var first = 0
        var count = 0
        /// A map entry's key: its offset in `bytes`, where it ends with a NUL.
        var key = -1
        /// A number's bits, a boolean, an enum symbol's position or a union's branch; for strings, bytes and
        /// fixed, the offset of their bytes in `bytes`.
        var bits: UInt64 = 0
        /// The length of a string (counting the NUL after it, as libavro does), bytes or fixed.
        var size: Int = 0
    }

    struct State {
        let nodes: UnsafeMutablePointer<LibavroNodeTable.Entry>
        var slots = FlatBuffer<Slot>(capacity: 64)
        var bytes = FlatBuffer<UInt8>(capacity: 1024)
    }

    /// The tape as `ValueWriter` fills it: a pointer, so passing it around costs no reference counting.
    struct Filler {
        let state: UnsafeMutablePointer<State>

        /// Empties the tape and makes slot 0 the root, a value of `node`.
        @inline(__always)
        func start(root node: Int) {
            state.pointee.slots.count = 0
            state.pointee.slots.append(Slot(node: Int32(node)))
            state.pointee.bytes.count = 0
        }

        /// Where the filling stands, to undo a failed attempt with `rewind(to:)`.
        var mark: (slots: Int, bytes: Int) { (state.pointee.slots.count, state.pointee.bytes.count) }

        func rewind(to mark: (slots: Int, bytes: Int)) {
            state.pointee.slots.count = mark.slots
            state.pointee.bytes.count = mark.bytes
        }

        @inline(__always)
        func set(_ slot: Int, bits: UInt64) {
            state.pointee.slots[slot].bits = bits
        }

        /// Gives `slot` `count` consecutive children, each a value of `node` for now, and returns the first.
        @inline(__always)
        func addChildren(_ slot: Int, count: Int, node: Int) -> Int {
            let first = state.pointee.slots.append(repeating: Slot(node: Int32(node)), times: count)
            state.pointee.slots[slot].first = first
            state.pointee.slots[slot].count = count
            return first
        }

        @inline(__always)
        func setNode(_ slot: Int, _ node: Int) {
            state.pointee.slots[slot].node = Int32(node)
        }

        /// Copies a string's UTF-8 with a NUL after it, as libavro expects strings.
        @inline(__always)
        func setString(_ slot: Int, _ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                let offset = state.pointee.bytes.append(UnsafeRawBufferPointer(utf8), terminated: true)
                state.pointee.slots[slot].bits = UInt64(offset)
                state.pointee.slots[slot].size = utf8.count + 1
            }
        }

        /// Copies bytes or a fixed value.
        func setBytes(_ slot: Int, _ bytes: UnsafeRawBufferPointer) {
            let offset = state.pointee.bytes.append(bytes, terminated: false)
            state.pointee.slots[slot].bits = UInt64(offset)
            state.pointee.slots[slot].size = bytes.count
        }

        /// Sets a map entry's key.
        func setKey(_ slot: Int, _ key: String) {
            var key = key
            key.withUTF8 { utf8 in
                state.pointee.slots[slot].key = state.pointee.bytes.append(UnsafeRawBufferPointer(utf8), terminated: true)
            }
        }
    }

    private let interface: CallbackInterface<State>
    var state: UnsafeMutablePointer<State> { interface.state }
    /// Keeps the tables `state` points into alive.
    private let table: LibavroNodeTable

    init(table: LibavroNodeTable) {
        self.table = table
        interface = CallbackInterface(Self.callbacks, state: State(nodes: table.entries))
    }

    deinit {
        state.pointee.slots.deallocate()
        state.pointee.bytes.deallocate()
    }

    var filler: Filler { Filler(state: state) }

    /// The root value, slot 0, to hand to `avro_value_write`.
    var root: avro_value_t {
        interface.value(nil)
    }

    // MARK: The value interface

    @inline(__always)
    private static func state(_ iface: UnsafePointer<avro_value_iface_t>?) -> UnsafeMutablePointer<State> {
        CallbackInterface<State>.state(of: iface)
    }

    @inline(__always)
    private static func slot(_ iface: UnsafePointer<avro_value_iface_t>?, _ pointer: UnsafeRawPointer?) -> Slot {
        state(iface).pointee.slots[Int(bitPattern: pointer)]
    }

    private static func value(_ iface: UnsafePointer<avro_value_iface_t>?, slot: Int) -> avro_value_t {
        avro_value_t(iface: UnsafeMutablePointer(mutating: iface), self: UnsafeMutableRawPointer(bitPattern: slot))
    }

    /// Hands out an int, an enum symbol's position or a union's branch.
    private static func int32(_ iface: UnsafePointer<avro_value_iface_t>?, _ pointer: UnsafeRawPointer?,
                              _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
        out?.pointee = Int32(truncatingIfNeeded: slot(iface, pointer).bits)
        return 0
    }

    /// Hands out a string, bytes or fixed value's bytes.
    private static func bytes(_ iface: UnsafePointer<avro_value_iface_t>?, _ pointer: UnsafeRawPointer?,
                              _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?, _ size: UnsafeMutablePointer<Int>?) -> Int32 {
        let state = state(iface)
        let slot = state.pointee.slots[Int(bitPattern: pointer)]
        buffer?.pointee = UnsafeRawPointer(state.pointee.bytes.base + Int(slot.bits))
        size?.pointee = slot.size
        return 0
    }

    private static let callbacks: avro_value_iface_t = {
        var iface = avro_value_iface_t()
        iface.reset = { _, _ in 0 }
        iface.get_type = { iface, pointer in
            let state = WriteTape.state(iface)
            return state.pointee.nodes[Int(state.pointee.slots[Int(bitPattern: pointer)].node)].type
        }
        iface.get_schema = { iface, pointer in
            let state = WriteTape.state(iface)
            return state.pointee.nodes[Int(state.pointee.slots[Int(bitPattern: pointer)].node)].schema
        }
        iface.get_null = { _, _ in 0 }
        iface.get_boolean = { iface, pointer, out in
            out?.pointee = WriteTape.slot(iface, pointer).bits == 0 ? 0 : 1
            return 0
        }
        iface.get_int = { iface, pointer, out in WriteTape.int32(iface, pointer, out) }
        iface.get_long = { iface, pointer, out in
            out?.pointee = Int64(bitPattern: WriteTape.slot(iface, pointer).bits)
            return 0
        }
        iface.get_float = { iface, pointer, out in
            out?.pointee = Float(bitPattern: UInt32(truncatingIfNeeded: WriteTape.slot(iface, pointer).bits))
            return 0
        }
        iface.get_double = { iface, pointer, out in
            out?.pointee = Double(bitPattern: WriteTape.slot(iface, pointer).bits)
            return 0
        }
        iface.get_enum = { iface, pointer, out in WriteTape.int32(iface, pointer, out) }
        iface.get_string = { iface, pointer, text, size in
            let state = WriteTape.state(iface)
            let slot = state.pointee.slots[Int(bitPattern: pointer)]
            text?.pointee = UnsafeRawPointer(state.pointee.bytes.base + Int(slot.bits)).assumingMemoryBound(to: CChar.self)
            size?.pointee = slot.size
            return 0
        }
        iface.get_bytes = { iface, pointer, buffer, size in WriteTape.bytes(iface, pointer, buffer, size) }
        iface.get_fixed = { iface, pointer, buffer, size in WriteTape.bytes(iface, pointer, buffer, size) }
        iface.get_size = { iface, pointer, size in
            let state = WriteTape.state(iface)
            let slot = state.pointee.slots[Int(bitPattern: pointer)]
            size?.pointee = slot.count
            return 0
        }
        iface.get_by_index = { iface, pointer, position, child, name in
            let state = WriteTape.state(iface)
            let slot = state.pointee.slots[Int(bitPattern: pointer)]
            guard position < slot.count else { return EINVAL }
            let index = slot.first + position
            child?.pointee = WriteTape.value(iface, slot: index)
            if let name {
                let key = state.pointee.slots[index].key
                name.pointee = key < 0 ? nil : UnsafeRawPointer(state.pointee.bytes.base + key).assumingMemoryBound(to: CChar.self)
            }
            return 0
        }
        iface.get_discriminant = { iface, pointer, out in WriteTape.int32(iface, pointer, out) }
        iface.get_current_branch = { iface, pointer, branch in
            let slot = WriteTape.slot(iface, pointer)
            guard slot.count == 1 else { return EINVAL }
            branch?.pointee = WriteTape.value(iface, slot: slot.first)
            return 0
        }
        return iface
    }()
}
