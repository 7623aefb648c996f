import Foundation
import Synchronization

/// A request from outside to stop training (SIGINT or SIGTERM).
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
        return value == 0 ? nil : value
    }

    /// Asks to stop, as if `signal` had arrived.
    public func request(signal: Int32) {
        signalNumber.store(signal, ordering: .relaxed)
    }

    /// Routes SIGINT and SIGTERM to this request instead of ending the process.
    public func installSignalHandlers() {
        sources.withLock { sources in
            for number in [SIGINT, SIGTERM] {
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
