import Dispatch
import Synchronization

/// A write waiting to be committed, type-erased so that writes with different results share a batch.
protocol QueuedWrite: AnyObject, Sendable {
    /// Whether this only brings the index up to date with a shared store (it plans no change and needs no write lock).
    var isCatchUp: Bool { get }
    /// Plans the write against `state` (the committed state plus the batch's earlier writes), keeps
    /// the outcome, and returns the changes to persist: none when the plan failed or changes nothing.
    func plan(_ state: RegistryIndex) -> [StoreChange]
    /// Replaces the planned outcome with `error`: the batch could not be stored.
    func fail(_ error: RegistryError)
    /// Hands the outcome to the waiting caller. Called once the batch is durable (or has failed).
    func finish()
    /// Blocks until `finish` or until the queue makes this write's thread the leader.
    func waitForTurn() -> WriteTurn
    /// Makes this write's thread the leader.
    func lead()
}

enum WriteTurn {
    case finished
    case leading
}

/// Group commit: writers queue here, and one of their threads at a time, the leader, takes
/// everything queued and commits it as one batch, one transaction and one sync to disk.
///
/// Invariants: at most one leader at a time; a write queued while a leader is active is taken by
/// that leader's next batch or handed the lead itself, never left waiting; a caller returns only
/// after its write's batch has been committed (or has failed). Leadership passes to the oldest
/// queued write when a batch is done, so no thread commits other writers' batches forever.
final class WriteQueue: Sendable {
    private struct State {
        var queued: [any QueuedWrite] = []
        var hasLeader = false
    }

    private let state = Mutex(State())

    /// Queues `write` and returns when it is finished. When the calling thread leads, it runs `commit`
    /// on a batch holding its write and the others queued, which must call `finish` on every write.
    func submit(_ write: any QueuedWrite, commit: ([any QueuedWrite]) -> Void) {
        let leads = state.withLock { state in
            state.queued.append(write)
            if state.hasLeader { return false }
            state.hasLeader = true
            return true
        }
        if !leads, write.waitForTurn() == .finished { return }
        let batch = state.withLock { state in
            defer { state.queued.removeAll(keepingCapacity: true) }
            return state.queued
        }
        commit(batch)
        let next = state.withLock { state -> (any QueuedWrite)? in
            guard let oldest = state.queued.first else {
                state.hasLeader = false
                return nil
            }
            return oldest
        }
        next?.lead()
    }
}

/// One caller's write and its outcome.
final class PendingWrite<Result: Sendable>: QueuedWrite {
    typealias Plan = @Sendable (RegistryIndex) throws(RegistryError) -> (Result, [StoreChange])

    private let planning: Plan
    let isCatchUp: Bool
    private let outcome = Mutex<Swift.Result<Result, RegistryError>?>(nil)
    private let turn = Mutex<WriteTurn?>(nil)
    private let wakeUp = DispatchSemaphore(value: 0)

    init(catchingUp: Bool = false, _ plan: @escaping Plan) {
        planning = plan
        isCatchUp = catchingUp
    }

    func plan(_ state: RegistryIndex) -> [StoreChange] {
        do throws(RegistryError) {
            let (result, changes) = try planning(state)
            outcome.withLock { $0 = .success(result) }
            return changes
        } catch {
            outcome.withLock { $0 = .failure(error) }
            return []
        }
    }

    func fail(_ error: RegistryError) {
        outcome.withLock { $0 = .failure(error) }
    }

    func finish() {
        turn.withLock { $0 = .finished }
        wakeUp.signal()
    }

    func lead() {
        turn.withLock { $0 = .leading }
        wakeUp.signal()
    }

    func waitForTurn() -> WriteTurn {
        wakeUp.wait()
        return turn.withLock { $0 } ?? .finished
    }

    /// The planned result, or the error that planning or storing gave.
    func result() throws(RegistryError) -> Result {
        guard let outcome = outcome.withLock({ $0 }) else { throw .storeFailure("the write was never planned") }
        return try outcome.get()
    }
}
