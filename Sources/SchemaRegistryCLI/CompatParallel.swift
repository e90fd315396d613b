import Foundation
import Synchronization

/// Work of the compat command spread over every core: `count` items cut into chunks of `chunkSize`
/// (one task per item would cost more in scheduling than a small schema takes), results in chunk order.
enum CompatParallel {
    static func mapChunks<Result: Sendable>(
        count: Int, chunkSize: Int, _ body: @Sendable (Range<Int>) -> Result
    ) -> [Result] {
        mapChunks(count: count, chunkSize: chunkSize, state: {}) { _, range in body(range) }
    }

    /// The same with a `State` per worker thread, made by `makeState` and handed to each chunk the worker
    /// takes: what one chunk learns (parsed fields) serves the next. Workers take the next chunk as they
    /// finish one, so a core that another process holds takes fewer.
    static func mapChunks<State, Result: Sendable>(
        count: Int, chunkSize: Int, state makeState: @Sendable () -> State,
        _ body: @Sendable (inout State, Range<Int>) -> Result
    ) -> [Result] {
        let chunks = (count + chunkSize - 1) / chunkSize
        let slots = Slots<Result>(count: chunks)
        let next = Atomic<Int>(0)
        let workers = min(chunks, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var state = makeState()
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { return }
                slots.set(chunk, body(&state, chunk * chunkSize..<min(count, (chunk + 1) * chunkSize)))
            }
        }
        return slots.take()
    }

    /// One slot per chunk, each written by exactly one worker and read after `concurrentPerform` returns.
    private final class Slots<Value>: @unchecked Sendable {
        private let values: UnsafeMutablePointer<Value?>
        private let count: Int

        init(count: Int) {
            self.count = count
            values = .allocate(capacity: count)
            values.initialize(repeating: nil, count: count)
        }

        func set(_ index: Int, _ value: Value) { values[index] = value }

        func take() -> [Value] {
            defer {
                values.deinitialize(count: count)
                values.deallocate()
            }
            return (0..<count).map { values[$0]! }
        }
    }
}
