/// A growable run of plain values in memory managed by hand: the storage of `WriteTape` and `ReadTree`,
/// which libavro's callbacks reach through a pointer, where a Swift `Array` would cost reference counting
/// and exclusivity checks on every access. Elements must be trivial (no references); the owner calls
/// `deallocate()`. Growing moves the elements, so hold indices into it, not addresses.
struct FlatBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    /// The elements in use; lowering it drops the ones past it.
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    func deallocate() { base.deallocate() }

    @inline(__always)
    subscript(index: Int) -> Element {
        unsafeAddress { UnsafePointer(base + index) }
        nonmutating unsafeMutableAddress { base + index }
    }

    /// Makes room for `needed` elements in all, at least doubling the capacity when it grows.
    @inline(__always)
    mutating func reserve(_ needed: Int) {
        if needed > capacity { grow(to: needed) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: max(needed, capacity * 2))
        grown.moveInitialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = max(needed, capacity * 2)
    }

    /// Appends `element` and returns its index.
    @inline(__always)
    @discardableResult
    mutating func append(_ element: Element) -> Int {
        reserve(count + 1)
        (base + count).initialize(to: element)
        count += 1
        return count - 1
    }

    /// Appends `element` `times` times and returns the index of the first.
    @inline(__always)
    mutating func append(repeating element: Element, times: Int) -> Int {
        reserve(count + times)
        (base + count).initialize(repeating: element, count: times)
        count += times
        return count - times
    }
}

extension FlatBuffer where Element == UInt8 {
    /// Appends a copy of `bytes`, with a NUL after them if `terminated`, and returns the offset of the first.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer, terminated: Bool) -> Int {
        let offset = count
        let needed = offset + bytes.count + (terminated ? 1 : 0)
        reserve(needed)
        if let source = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(base + offset).copyMemory(from: source, byteCount: bytes.count)
        }
        if terminated { base[offset + bytes.count] = 0 }
        count = needed
        return offset
    }
}
