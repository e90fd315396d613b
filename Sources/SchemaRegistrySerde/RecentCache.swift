/// A dictionary that remembers its most recently used entry: a producer or consumer usually
/// works one topic and one schema, and an equality check on the key is much cheaper than hashing it.
struct RecentCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var entries: [Key: Value] = [:]
    private var recent: (key: Key, value: Value)?

    mutating func value(for key: Key) -> Value? {
        if let recent, recent.key == key { return recent.value }
        guard let found = entries[key] else { return nil }
        recent = (key, found)
        return found
    }

    mutating func set(_ value: Value, for key: Key) {
        entries[key] = value
        recent = (key, value)
    }
}
