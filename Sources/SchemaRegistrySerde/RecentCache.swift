/// A dictionary that remembers its most recently used entry: a producer or consumer usually
/// works one topic and one schema, and an equality check on the key is much cheaper than hashing it.
struct RecentCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var entries: [Key: Value] = [:]
    // Key and value apart rather than as one optional pair: checking the key then costs no copy of the pair.
    private var recentKey: Key?
    private var recentValue: Value?

    mutating func value(for key: Key) -> Value? {
        if recentKey == key { return recentValue }
        guard let found = entries[key] else { return nil }
        recentKey = key
        recentValue = found
        return found
    }

    mutating func set(_ value: Value, for key: Key) {
        entries[key] = value
        recentKey = key
        recentValue = value
    }
}
