import Metrics
import RegistryCore

/// A store whose writes are timed: the registry's durable commits, for `/metrics`.
struct MeasuredStore: RegistryStore {
    let base: any RegistryStore
    private let writeDuration: Timer

    init(base: any RegistryStore, factory: any MetricsFactory) {
        self.base = base
        writeDuration = Timer(label: "schema_registry_store_write_duration_seconds", factory: factory)
    }

    func loadAll() throws(RegistryError) -> StoreContents {
        try base.loadAll()
    }

    func apply(_ changes: [StoreChange]) throws(RegistryError) {
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            writeDuration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        try base.apply(changes)
    }
}
