import Synchronization

/// A value behind a lock, for the serializers' caches. A futex-based `Mutex`: on the warm path
/// every message takes this lock, and uncontended it costs a fraction of an `NSLock`.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T {
        mutex.withLock { body(&$0) }
    }
}
