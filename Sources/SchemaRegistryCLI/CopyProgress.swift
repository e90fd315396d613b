import Foundation
import Synchronization

/// A count of versions done, shown on standard error when it is a terminal, at most a few times a second.
final class CopyProgress: Sendable {
    private let label: String
    private let total: Int
    private let shown: Bool
    private let state = Mutex<(done: Int, lastShown: ContinuousClock.Instant?)>((0, nil))

    init(_ label: String, total: Int = 0) {
        self.label = label
        self.total = total
        shown = isatty(STDERR_FILENO) != 0
    }

    /// How many versions were counted.
    var done: Int { state.withLock { $0.done } }

    /// Counts one more version; returns the new count.
    @discardableResult
    func advance() -> Int {
        let now = ContinuousClock.now
        let (done, show) = state.withLock { state -> (Int, Bool) in
            state.done += 1
            guard shown, state.lastShown.map({ now - $0 > .milliseconds(200) }) ?? true else { return (state.done, false) }
            state.lastShown = now
            return (state.done, true)
        }
        if show { write(done) }
        return done
    }

    /// Ends the progress line.
    func finish() {
        guard shown else { return }
        write(done)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func write(_ done: Int) {
        let count = total > 0 ? "\(done)/\(total)" : "\(done)"
        FileHandle.standardError.write(Data("\r\(label): \(count) versions".utf8))
    }
}
