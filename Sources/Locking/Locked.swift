import Synchronization

/// A value shared between threads behind a lock: the one lock box of the package.
///
/// A futex-based `Mutex`: on the serializers' warm path every message takes such a lock, and uncontended it costs
/// a fraction of an `NSLock`. Unlike a `Mutex` holding the value, it keeps and returns values that are not
/// `Sendable` (libcurl handles, codecs), which its users keep to themselves.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only reached inside `withLock`, under `mutex`, which also makes each access exclusive:
    // the run-time exclusivity check would only add work on every call.
    @usableFromInline let mutex = Mutex(())
    @exclusivity(unchecked) @usableFromInline var value: Value

    public init(_ value: Value) { self.value = value }

    @inlinable
    public func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        // `Mutex.withLock` hands out only `sending` results, which a value taken from `value` is not.
        nonisolated(unsafe) var result: Result?
        mutex.withLock { _ in result = body(&value) }
        return result!
    }
}
