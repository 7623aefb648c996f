import Foundation
import Synchronization

/// Set by the SIGPIPE handler (a plain C handler, so only a lock-free store).
private let brokenPipe = Atomic<Bool>(false)

/// A request from outside to stop training (SIGINT, SIGTERM, SIGHUP or SIGPIPE).
///
/// The signal only sets a flag; the training loop finishes the current step,
/// writes a checkpoint, flushes its logs and returns, and the command exits with
/// the conventional status (130 for SIGINT, 143 for SIGTERM).
public final class StopRequest: Sendable {
    private let signalNumber = Atomic<Int32>(0)
    private let sources: Mutex<[any DispatchSourceSignal]> = Mutex([])

    /// A request nobody has made yet.
    public init() {}

    /// The signal that asked to stop, or `nil`.
    public var signal: Int32? {
        let value = signalNumber.load(ordering: .relaxed)
        if value != 0 { return value }
        return brokenPipe.load(ordering: .relaxed) ? SIGPIPE : nil
    }

    /// Asks to stop, as if `signal` had arrived.
    public func request(signal: Int32) {
        signalNumber.store(signal, ordering: .relaxed)
    }

    /// The signals ``installSignalHandlers()`` routes to a stop: Ctrl-C, kill, a
    /// closed terminal, and a closed pipe (`rlrun dqn cartpole | head`), each of
    /// which would otherwise end the process with nothing saved.
    public static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGPIPE]

    /// Routes ``handledSignals`` to this request instead of ending the process.
    public func installSignalHandlers() {
        // SIGPIPE is raised in the thread whose write failed, so a dispatch source
        // (which only sees signals sent to the process) never hears it: a plain
        // handler records it instead.
        Foundation.signal(SIGPIPE) { _ in brokenPipe.store(true, ordering: .relaxed) }
        sources.withLock { sources in
            for number in Self.handledSignals where number != SIGPIPE {
                Foundation.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.request(signal: number) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// The exit status for a stop by `signal`: 128 + the signal number.
    public static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }
}
