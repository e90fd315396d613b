import CAvro

/// A libavro value interface implemented by Swift callbacks that share one `State`. libavro passes the
/// interface to every callback, and the callbacks cannot capture, so the state sits beside the interface
/// (`cavro_iface_with_state`) and `state(of:)` finds it from there. Both live in memory managed by hand;
/// the owner frees what `State` itself points to before this object goes.
final class CallbackInterface<State> {
    let state: UnsafeMutablePointer<State>
    private let iface: UnsafeMutablePointer<cavro_iface_with_state>

    init(_ callbacks: avro_value_iface_t, state initial: State) {
        state = .allocate(capacity: 1)
        state.initialize(to: initial)
        iface = .allocate(capacity: 1)
        iface.initialize(to: cavro_iface_with_state(iface: callbacks, state: UnsafeMutableRawPointer(state)))
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        iface.deinitialize(count: 1)
        iface.deallocate()
    }

    /// The value whose `self` handle is `handle`, to hand to libavro.
    func value(_ handle: UnsafeMutableRawPointer?) -> avro_value_t {
        avro_value_t(iface: UnsafeMutableRawPointer(iface).assumingMemoryBound(to: avro_value_iface_t.self), self: handle)
    }

    /// The state of the interface libavro passed to a callback.
    @inline(__always)
    static func state(of iface: UnsafePointer<avro_value_iface_t>?) -> UnsafeMutablePointer<State> {
        UnsafeRawPointer(iface.unsafelyUnwrapped).assumingMemoryBound(to: cavro_iface_with_state.self).pointee.state
            .unsafelyUnwrapped.assumingMemoryBound(to: State.self)
    }
}
