import Metrics
import RegistryCore

/// Stores whose writes are timed: the registry's durable commits, for `/metrics`.
enum MeasuredStore {
    /// `base` with its writes timed, shared by other nodes exactly when `base` is (the registry's rules for nodes
    /// sharing a store depend on knowing it).
    static func wrapping(_ base: any RegistryStore, factory: any MetricsFactory) -> any RegistryStore {
        let timer = WriteTimer(Timer(label: "schema_registry_store_write_duration_seconds", factory: factory))
        if let shared = base as? any SharedRegistryStore { return MeasuredSharedStore(base: shared, timer: timer) }
        return MeasuredOwnStore(base: base, timer: timer)
    }
}

private struct WriteTimer: Sendable {
    let timer: Timer

    init(_ timer: Timer) { self.timer = timer }

    func time<T>(_ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        return try body()
    }
}

private struct MeasuredOwnStore: RegistryStore {
    let base: any RegistryStore
    let timer: WriteTimer

    func loadAll() throws(RegistryError) -> StoreContents { try base.loadAll() }

    func apply(_ changes: [StoreChange]) throws(RegistryError) {
        try timer.time { () throws(RegistryError) in try base.apply(changes) }
    }
}

private struct MeasuredSharedStore: SharedRegistryStore {
    let base: any SharedRegistryStore
    let timer: WriteTimer

    func loadAll() throws(RegistryError) -> StoreContents { try base.loadAll() }

    func loadAllWithPosition() throws(RegistryError) -> (StoreContents, ChangePosition) { try base.loadAllWithPosition() }

    func changes(after position: ChangePosition) throws(RegistryError) -> ChangeFeed { try base.changes(after: position) }

    func apply(_ changes: [StoreChange]) throws(RegistryError) {
        try timer.time { () throws(RegistryError) in try base.apply(changes) }
    }

    func commit(after position: ChangePosition, _ plan: (ChangeFeed) throws(RegistryError) -> [StoreChange]) throws(RegistryError)
        -> ChangePosition
    {
        try timer.time { () throws(RegistryError) in try base.commit(after: position, plan) }
    }

    func waitForChanges(timeout: Duration) -> Bool { base.waitForChanges(timeout: timeout) }
}
