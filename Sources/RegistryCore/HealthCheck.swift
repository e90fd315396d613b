/// A cheap probe of the storage under a registry, for a health endpoint.
///
/// The registry answers reads from memory, so only the store can tell whether the database still works.
public struct StoreHealthProbe: Sendable {
    private let store: any RegistryStore

    public init(store: any RegistryStore) { self.store = store }

    /// Commits an empty transaction, which needs the database's write lock: throws (50001) when the store
    /// cannot be written, is locked by another process past its busy timeout, or is gone.
    public func check() throws(RegistryError) {
        try store.apply([])
    }
}
