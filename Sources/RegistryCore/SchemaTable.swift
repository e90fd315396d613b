import Synchronization

/// Schemas by id, readable from any thread without a lock.
///
/// Ids are dense small integers, so the table is a two-level array of write-once slots
/// (`AtomicLazyReference`). A slot, once filled, always holds the same content: a hard delete only
/// marks it retired, and the registry never gives an id that held one schema to another.
final class SchemaTable: @unchecked Sendable {
    // @unchecked: the pointers are allocated once in init, freed in deinit, and every access goes
    // through the atomics they point to.
    private static let leafBits = 16
    private static let leafSize = 1 << leafBits
    private static let topSize = (Int(Int32.max) >> leafBits) + 1

    private final class Leaf: @unchecked Sendable {
        let slots: UnsafeMutablePointer<AtomicLazyReference<Entry>>

        init() {
            slots = .allocate(capacity: SchemaTable.leafSize)
            for index in 0..<SchemaTable.leafSize { (slots + index).initialize(to: AtomicLazyReference()) }
        }

        deinit {
            slots.deinitialize(count: SchemaTable.leafSize)
            slots.deallocate()
        }
    }

    final class Entry: Sendable {
        let schema: StoredSchema
        let isRetired: Atomic<Bool>

        init(_ schema: StoredSchema) {
            self.schema = schema
            self.isRetired = Atomic(false)
        }
    }

    private let top: UnsafeMutablePointer<AtomicLazyReference<Leaf>>

    init() {
        top = .allocate(capacity: Self.topSize)
        for index in 0..<Self.topSize { (top + index).initialize(to: AtomicLazyReference()) }
    }

    deinit {
        top.deinitialize(count: Self.topSize)
        top.deallocate()
    }

    /// The live schema with this id.
    func schema(id: Int) -> StoredSchema? {
        guard let entry = entry(id: id), !entry.isRetired.load(ordering: .acquiring) else { return nil }
        return entry.schema
    }

    /// The entry for this id, live or retired: a retired id may only come back with the same content.
    func entry(id: Int) -> Entry? {
        guard id > 0, id <= Int(Int32.max) else { return nil }
        guard let leaf = (top + (id >> Self.leafBits)).pointee.load() else { return nil }
        return (leaf.slots + (id & (Self.leafSize - 1))).pointee.load()
    }

    /// Makes `schema` readable under its id. The caller has checked that a retired entry has the same content.
    func publish(_ schema: StoredSchema) {
        let id = schema.id
        guard id > 0, id <= Int(Int32.max) else { return }
        let leafSlot = top + (id >> Self.leafBits)
        let leaf = leafSlot.pointee.load() ?? leafSlot.pointee.storeIfNil(Leaf())
        let slot = leaf.slots + (id & (Self.leafSize - 1))
        let entry = slot.pointee.load() ?? slot.pointee.storeIfNil(Entry(schema))
        entry.isRetired.store(false, ordering: .releasing)
    }

    /// Hides the schema with this id after a hard delete.
    func retire(id: Int) {
        entry(id: id)?.isRetired.store(true, ordering: .releasing)
    }
}
