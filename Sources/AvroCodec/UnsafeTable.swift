/// A copy of an array in memory of its own, read without reference counting: the typed codec reads its
/// tables on every field, and reading a Swift array held by a class retains and releases its storage each time.
/// The owner calls `free()` in its `deinit`; until then the table never changes.
struct UnsafeTable<Element>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = .allocate(capacity: max(count, 1))
        base.initialize(from: elements, count: count)
    }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
