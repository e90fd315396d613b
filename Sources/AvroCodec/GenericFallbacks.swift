import Synchronization

/// The Swift types (per decode plan) whose shape the typed codec cannot stream, such as properties coded out of
/// schema order, remembered so that their later messages go straight to the generic `AvroValue` path.
final class GenericFallbacks: Sendable {
    private struct Key: Hashable {
        let type: ObjectIdentifier
        let plan: ObjectIdentifier?
    }

    /// Set with the first entry: until then, the usual case, a check costs one atomic load and no lock.
    private let hasEntries = Atomic<Bool>(false)
    private let keys = Mutex<Set<Key>>([])

    func contains(_ type: Any.Type, plan: AnyObject? = nil) -> Bool {
        guard hasEntries.load(ordering: .acquiring) else { return false }
        let key = Key(type: ObjectIdentifier(type), plan: plan.map(ObjectIdentifier.init))
        return keys.withLock { $0.contains(key) }
    }

    func insert(_ type: Any.Type, plan: AnyObject? = nil) {
        let key = Key(type: ObjectIdentifier(type), plan: plan.map(ObjectIdentifier.init))
        keys.withLock { _ = $0.insert(key) }
        hasEntries.store(true, ordering: .releasing)
    }
}
