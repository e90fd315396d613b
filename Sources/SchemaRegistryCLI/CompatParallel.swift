import Foundation

/// Work of the compat command spread over every core: `count` items cut into chunks of `chunkSize`
/// (one task per item would cost more in scheduling than a small schema takes), results in chunk order.
enum CompatParallel {
    static func mapChunks<Result: Sendable>(
        count: Int, chunkSize: Int, _ body: @Sendable (Range<Int>) -> Result
    ) -> [Result] {
        let chunks = (count + chunkSize - 1) / chunkSize
        let slots = Slots<Result>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            slots.set(chunk, body(chunk * chunkSize..<min(count, (chunk + 1) * chunkSize)))
        }
        return slots.take()
    }

    /// One slot per chunk, each written by exactly one task of `concurrentPerform` and read after it returns.
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
