import Synchronization

/// Answers to reads, their bodies shared (`ResponseBody.shared`) so every hit is served without a copy, dropped
/// wholesale when a write may have changed them.
///
/// A reader records the generation before it asks the registry and stores its answer only if no
/// invalidation happened meanwhile, so an answer computed before a write can never outlive it.
final class ResponseCache<Key: Hashable & Sendable>: Sendable {
    private struct State {
        var generation = 0
        var entries: [Key: HTTPResponse] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    private let capacityBytes: Int

    /// `capacityBytes` bounds the bodies held; a full cache starts over.
    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    /// The cached answer, or the generation to pass to `store` after computing it.
    func lookUp(_ key: Key) -> (HTTPResponse?, generation: Int) {
        state.withLock { ($0.entries[key], $0.generation) }
    }

    func store(_ response: HTTPResponse, for key: Key, computedAt generation: Int) {
        state.withLock { state in
            guard state.generation == generation, state.entries[key] == nil else { return }
            // A full cache starts over rather than tracking recency: entries are cheap to rebuild.
            if state.bytes + response.body.count > capacityBytes {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.entries[key] = response
            state.bytes += response.body.count
        }
    }

    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll()
            state.bytes = 0
        }
    }
}
