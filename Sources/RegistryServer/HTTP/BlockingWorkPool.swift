import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads for work that may block, such as a write waiting for its commit to reach
/// the disk. Work is started in the order it was submitted.
///
/// libdispatch's global queues start about one thread per CPU and do not add threads while those
/// block, which would let only that many writes wait at once; these threads are dedicated instead.
final class BlockingWorkPool: Sendable {
    private struct State {
        var queued: [@Sendable () -> Void] = []
        var head = 0
        /// Submitted and not yet finished.
        var unfinished = 0
        var stopping = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let idle = DispatchSemaphore(value: 0)
    private let threadCount: Int

    init(threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in work() }
            thread.name = "blocking-\(index)"
            thread.start()
        }
    }

    /// Queues `job`, or returns false once `shutDown` has begun; the caller then runs it itself.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLock { state in
            guard !state.stopping else { return false }
            state.queued.append(job)
            state.unfinished += 1
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Refuses new work, waits until everything submitted has finished, then lets the threads exit.
    func shutDown() {
        let wait = state.withLock { state in
            state.stopping = true
            return state.unfinished > 0
        }
        if wait { idle.wait() }
        for _ in 0..<threadCount { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void)? in
                guard state.head < state.queued.count else { return nil }
                let job = state.queued[state.head]
                state.head += 1
                if state.head == state.queued.count {
                    state.queued.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return job
            }
            guard let job else { return }
            job()
            let lastWhileStopping = state.withLock { state in
                state.unfinished -= 1
                return state.unfinished == 0 && state.stopping
            }
            if lastWhileStopping { idle.signal() }
        }
    }
}
