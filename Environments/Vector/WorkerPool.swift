import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Persistent threads that run one job, split into chunks, when asked, and
/// wait for the next request by spinning and then sleeping.
///
/// ``run()`` runs chunk 0 on the caller's thread and offers chunk `w` to
/// worker `w`; it returns when every chunk is done, so it acts as a barrier
/// (the job's writes are visible to the caller afterwards, by release/acquire
/// on the counters). Each worker chunk has a `claimed` flag that the worker
/// and the caller race for with an atomic exchange: after its own chunk the
/// caller takes any chunk whose worker has not started it yet. A worker that
/// the operating system has not scheduled (the machine is busy, or has fewer
/// cores than threads) therefore never holds the caller up: the caller does
/// its work, and the vector runs at about serial speed instead of waiting for
/// a time slice.
///
/// Waking a sleeping thread costs a system call and several microseconds,
/// more than stepping 64 cart-poles, so a worker first polls for
/// ``spinLimit`` rounds after each request (the first ``tightPolls`` flat
/// out, the rest yielding the core between polls), and only then sleeps on
/// its semaphore. The handshake that lets it sleep without
/// missing a request: the worker sets its `isSleeping` flag, then re-reads the
/// request number; the requester bumps the number, then takes each flag with
/// an exchange and signals the workers whose flag it took. Sequentially
/// consistent ordering on both sides means at least one of them sees the
/// other's write, and the exchange means exactly one of them acts on it.
@usableFromInline
final class WorkerPool: @unchecked Sendable {
    /// Idle polls before a worker sleeps: a few microseconds flat out, then a
    /// few hundred yielding. Steps that follow each other closely (a benchmark,
    /// a rollout with a cheap policy) keep the workers awake; when the caller
    /// does longer work between steps (training a network), the workers sleep
    /// instead of taking a core from it, and pay a wake-up per step.
    static let spinLimit = 2_300
    /// Polls that spin flat out; later ones yield the core first, so a busy
    /// machine (more runnable threads than cores) runs its other threads, the
    /// caller's among them, instead of this poll loop.
    static let tightPolls = 2_000

    private final class Slot: Sendable {
        let isSleeping = Atomic<Bool>(false)
        let wakeUp = DispatchSemaphore(value: 0)
        /// Whether this worker's chunk of the current request was taken (by the
        /// worker or by the caller); `true` between requests.
        let isClaimed = Atomic<Bool>(true)
    }

    /// Chunks per job: the workers' plus the caller's.
    let threadCount: Int
    private let request = Atomic<Int>(0)
    private let outstanding = Atomic<Int>(0)
    private let isStopping = Atomic<Bool>(false)
    private let slots: [Slot]
    /// The job, called with a chunk index; set once before the first run.
    /// Written before `request` is bumped (release) and read after it is seen
    /// (acquire), so the workers see it.
    @usableFromInline nonisolated(unsafe) var job: ((Int) -> Void)?

    /// Starts `threadCount - 1` worker threads.
    init(threadCount: Int) {
        precondition(threadCount >= 1, "WorkerPool needs at least one thread")
        self.threadCount = threadCount
        slots = (1..<max(threadCount, 1)).map { _ in Slot() }
        for (index, slot) in slots.enumerated() {
            let thread = Thread { [self] in self.workerLoop(chunk: index + 1, slot: slot) }
            thread.name = "VectorEnvironment worker \(index + 1)"
            thread.start()
        }
    }

    /// Stops the workers; they exit at their next poll or wake-up.
    func stop() {
        isStopping.store(true, ordering: .sequentiallyConsistent)
        request.add(1, ordering: .sequentiallyConsistent)
        for slot in slots where slot.isSleeping.exchange(false, ordering: .sequentiallyConsistent) {
            slot.wakeUp.signal()
        }
    }

    /// Runs every chunk of ``job`` and returns when all are done.
    @usableFromInline func run() {
        guard let job else { return }
        outstanding.store(slots.count, ordering: .relaxed)
        for slot in slots { slot.isClaimed.store(false, ordering: .releasing) }
        request.add(1, ordering: .sequentiallyConsistent)
        for slot in slots where slot.isSleeping.exchange(false, ordering: .sequentiallyConsistent) {
            slot.wakeUp.signal()
        }
        job(0)
        // Take the chunks whose workers have not started yet.
        for (index, slot) in slots.enumerated() where !slot.isClaimed.exchange(true, ordering: .acquiringAndReleasing) {
            job(index + 1)
            outstanding.subtract(1, ordering: .releasing)
        }
        var polls = 0
        while outstanding.load(ordering: .acquiring) > 0 {
            polls += 1
            if polls > Self.tightPolls { sched_yield() }
        }
    }

    /// - Parameter chunk: this worker's chunk. It starts from request number 0
    ///   (not the number it first reads): a thread can start after the first
    ///   request was made, and must still answer it.
    private func workerLoop(chunk: Int, slot: Slot) {
        var seen = 0
        while true {
            var polls = 0
            var current = request.load(ordering: .acquiring)
            while current == seen {
                polls += 1
                if polls < Self.spinLimit {
                    if polls > Self.tightPolls { sched_yield() }
                    current = request.load(ordering: .acquiring)
                    continue
                }
                slot.isSleeping.store(true, ordering: .sequentiallyConsistent)
                current = request.load(ordering: .sequentiallyConsistent)
                if current != seen {
                    // A request came in meanwhile: take the flag back, or, if the
                    // requester took it first, absorb its signal.
                    if !slot.isSleeping.exchange(false, ordering: .sequentiallyConsistent) { slot.wakeUp.wait() }
                } else {
                    slot.wakeUp.wait()
                    current = request.load(ordering: .acquiring)
                }
                polls = 0
            }
            seen = current
            if isStopping.load(ordering: .acquiring) { return }
            if !slot.isClaimed.exchange(true, ordering: .acquiringAndReleasing) {
                job?(chunk)
                outstanding.subtract(1, ordering: .releasing)
            }
        }
    }
}
