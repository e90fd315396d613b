import Foundation

/// Runs `body` on a new thread with a stack of exactly `stackSize` bytes and waits for it to finish,
/// so that a test can prove that work fits in a given stack (overflowing it crashes the test run).
public func runOnThread(stackSize: Int, _ body: @escaping @Sendable () -> Void) {
    #if canImport(Glibc)
    final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, stackSize)
    var thread = pthread_t()
    let context = Unmanaged.passRetained(Work(body)).toOpaque()
    let created = pthread_create(&thread, &attributes, { context in
        Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context)
    precondition(created == 0, "pthread_create failed: \(created)")
    pthread_join(thread, nil)
    #else
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    #endif
}
