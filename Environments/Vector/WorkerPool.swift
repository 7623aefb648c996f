import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Persistent threads that each run one fixed chunk of a job when asked, and
/// wait for the next request by spinning and then sleeping.
///
/// ``run(_:)`` offers chunk `w` to worker `w` (`1..<threadCount`), runs chunk 0
/// on the caller's thread, then takes back every chunk whose worker has not
/// started it yet and runs it too, and returns when every chunk is done: a
/// barrier (the job's writes are visible to the caller afterwards, by
/// release/acquire on the mailboxes). A worker that the operating system has
/// not scheduled (a busy machine, or fewer cores than threads) therefore never
/// holds the caller up: the vector runs at about serial speed instead of
/// waiting for a time slice.
///
/// The hand-off is meant to cost less than stepping a few dozen cart-poles, so
/// a request moves as few cache lines between cores as possible and touches no
/// reference count: each worker has a mailbox, one cache line of its own (two,
/// against the adjacent-line prefetcher), holding a word `sequence << 2 |
/// phase` that the caller writes to post a request, the worker and the caller
/// race to claim with a compare-and-exchange, and the worker writes when done;
/// the line also holds the worker's `isSleeping` flag and a payload: bytes
/// the caller copies in with each request (the vector's step buffers), so the
/// worker finds them in the line it fetches anyway instead of fetching another
/// one the caller has just written. The job closure is read once per worker,
/// and the caller runs its chunks through a non-escaping closure instead.
///
/// Waking a sleeping thread costs a system call and several microseconds, so a
/// worker first polls its mailbox after each request, ``tightSpin`` flat out,
/// then yielding the core between polls until ``yieldingSpin``, and only then
/// sleeps on its semaphore. The handshake: the worker sets `isSleeping`, then
/// re-reads the word; the caller writes the word, then reads `isSleeping` and,
/// when it is set, takes it with an exchange and signals the worker; the
/// exchange means exactly one of them acts on the flag. A request posts with
/// a release store, not a sequentially consistent one (which waits for the
/// store to reach the worker's core, a stall on every step), so the caller may
/// not yet see a flag the worker has just set, and the worker sleeps through
/// that request: harmless, because the caller then runs the unclaimed chunk
/// itself and the next request (or ``stop()``, which is sequentially
/// consistent) sees the flag and wakes the worker.
@usableFromInline
final class WorkerPool: @unchecked Sendable {
    /// Flat-out polling after a request: covers the gap between the steps of a
    /// rollout with a cheap policy (a benchmark's gap is a few microseconds).
    static let tightSpin: Duration = .microseconds(50)
    /// Polling with a yield before each poll, so a busy machine (more runnable
    /// threads than cores) runs its other threads, the caller's among them.
    /// When the caller does longer work between steps (training a network),
    /// the workers sleep instead of taking a core from it, and pay a wake-up
    /// per step.
    static let yieldingSpin: Duration = .microseconds(500)

    /// Phases of a mailbox word's two low bits.
    private enum Phase {
        static let done = 0
        static let posted = 1
        static let claimedByWorker = 2
        static let claimedByCaller = 3
    }
    /// The word that tells a worker to exit.
    private static let stopWord = -1
    /// Bytes between mailboxes: two cache lines.
    private static let mailboxStride = 128
    /// Where the payload starts in a mailbox: after the word and the flag, in the same line.
    private static let payloadOffset = 16
    /// The most bytes a request's payload may hold.
    @usableFromInline static let payloadCapacity = 48

    /// Chunks per job: the workers' plus the caller's.
    let threadCount: Int
    /// The number of the latest request; only the caller's thread touches it.
    private var sequence = 0
    /// Worker `w`'s mailbox (`w` in `0..<threadCount - 1`, for chunk `w + 1`):
    /// the word at offset 0, `isSleeping` at offset 8, the payload from ``payloadOffset``.
    private let mailboxes: UnsafeMutableRawPointer
    private let wakeUps: [DispatchSemaphore]
    /// The job the workers run, called with a chunk index and the request's
    /// payload; set once before the first run. Written before the first request
    /// is posted (release) and read after it is seen (acquire), so the workers see it.
    @usableFromInline nonisolated(unsafe) var job: ((Int, UnsafeRawPointer) -> Void)?

    /// Starts `threadCount - 1` worker threads.
    init(threadCount: Int) {
        precondition(threadCount >= 1, "WorkerPool needs at least one thread")
        self.threadCount = threadCount
        let workers = threadCount - 1
        mailboxes = UnsafeMutableRawPointer.allocate(byteCount: max(workers, 1) * Self.mailboxStride,
                                                     alignment: Self.mailboxStride)
        for worker in 0..<workers {
            (mailboxes + worker * Self.mailboxStride).bindMemory(to: Atomic<Int>.self, capacity: 1)
                .initialize(to: Atomic(Phase.done))
            (mailboxes + worker * Self.mailboxStride + 8).bindMemory(to: Atomic<Bool>.self, capacity: 1)
                .initialize(to: Atomic(false))
        }
        wakeUps = (0..<workers).map { _ in DispatchSemaphore(value: 0) }
        for worker in 0..<workers {
            let thread = Thread { [self] in self.workerLoop(worker: worker) }
            thread.name = "VectorEnvironment worker \(worker + 1)"
            thread.start()
        }
    }

    deinit {
        mailboxes.deallocate()
    }

    private func word(_ worker: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        (mailboxes + worker * Self.mailboxStride).assumingMemoryBound(to: Atomic<Int>.self)
    }

    private func isSleeping(_ worker: Int) -> UnsafeMutablePointer<Atomic<Bool>> {
        (mailboxes + worker * Self.mailboxStride + 8).assumingMemoryBound(to: Atomic<Bool>.self)
    }

    /// Stops the workers; they exit at their next poll or wake-up. The pool
    /// lives on until every worker has exited (each holds a reference).
    func stop() {
        for worker in wakeUps.indices {
            word(worker).pointee.store(Self.stopWord, ordering: .sequentiallyConsistent)
            wakeIfSleeping(worker)
        }
    }

    private func wakeIfSleeping(_ worker: Int) {
        if isSleeping(worker).pointee.load(ordering: .sequentiallyConsistent),
           isSleeping(worker).pointee.exchange(false, ordering: .sequentiallyConsistent) {
            wakeUps[worker].signal()
        }
    }

    /// Runs chunk 0 with `chunk` on the caller's thread while the workers run
    /// theirs with ``job`` and `payload`, runs with `chunk` every chunk whose
    /// worker has not started it, and returns when all are done.
    ///
    /// - Parameters:
    ///   - payload: at most ``payloadCapacity`` bytes handed to ``job``, copied
    ///     into each mailbox; the copy is valid while the job runs.
    ///   - chunk: the caller's way to run a chunk; the same work as ``job``.
    @usableFromInline func run(payload: UnsafeRawBufferPointer, _ chunk: (Int) -> Void) {
        precondition(payload.count <= Self.payloadCapacity, "payload of \(payload.count) bytes outgrew the mailbox")
        sequence += 1
        let posted = sequence << 2 | Phase.posted
        for worker in wakeUps.indices {
            if let bytes = payload.baseAddress {
                (mailboxes + worker * Self.mailboxStride + Self.payloadOffset).copyMemory(from: bytes, byteCount: payload.count)
            }
            word(worker).pointee.store(posted, ordering: .releasing)
            wakeIfSleeping(worker)
        }
        chunk(0)
        // Take back the chunks whose workers have not started yet. A load first:
        // it leaves the line shared, where a failing exchange would take it
        // from the worker, which must write it once more when done.
        for worker in wakeUps.indices where word(worker).pointee.load(ordering: .relaxed) == posted {
            let (taken, _) = word(worker).pointee.compareExchange(
                expected: posted, desired: sequence << 2 | Phase.claimedByCaller, ordering: .acquiringAndReleasing)
            if taken { chunk(worker + 1) }
        }
        let done = sequence << 2 | Phase.done
        for worker in wakeUps.indices {
            var polls = 0
            while true {
                let current = word(worker).pointee.load(ordering: .acquiring)
                if current == done || current & 3 == Phase.claimedByCaller { break }
                polls += 1
                // The worker was preempted inside its chunk: let it run.
                if polls > 4_000 { sched_yield() }
            }
        }
    }

    /// Waits for each request in worker `worker`'s mailbox, claims it and runs
    /// chunk `worker + 1`, until it reads the stop word.
    private func workerLoop(worker: Int) {
        let word = word(worker), isSleeping = isSleeping(worker)
        let clock = ContinuousClock()
        var job: ((Int, UnsafeRawPointer) -> Void)?
        let payload = UnsafeRawPointer(mailboxes + worker * Self.mailboxStride + Self.payloadOffset)
        var seen = 0
        while true {
            var current = word.pointee.load(ordering: .acquiring)
            if current >> 2 == seen && current != Self.stopWord {
                let start = clock.now
                var polls = 0
                while current >> 2 == seen && current != Self.stopWord {
                    polls += 1
                    // Read the clock now and then: it costs more than a poll.
                    if polls & 63 == 0 {
                        let waited = clock.now - start
                        if waited > Self.yieldingSpin {
                            current = sleep(word: word, isSleeping: isSleeping, worker: worker, seen: seen)
                            continue
                        }
                        if waited > Self.tightSpin { sched_yield() }
                    }
                    current = word.pointee.load(ordering: .acquiring)
                }
            }
            if current == Self.stopWord { return }
            seen = current >> 2
            guard current & 3 == Phase.posted else { continue }
            let (claimed, _) = word.pointee.compareExchange(
                expected: current, desired: seen << 2 | Phase.claimedByWorker, ordering: .acquiringAndReleasing)
            guard claimed else { continue }
            if job == nil { job = self.job }
            job?(worker + 1, payload)
            word.pointee.store(seen << 2 | Phase.done, ordering: .releasing)
        }
    }

    /// Sleeps until the caller posts a word newer than request `seen`; returns it.
    private func sleep(word: UnsafeMutablePointer<Atomic<Int>>, isSleeping: UnsafeMutablePointer<Atomic<Bool>>,
                       worker: Int, seen: Int) -> Int {
        isSleeping.pointee.store(true, ordering: .sequentiallyConsistent)
        var current = word.pointee.load(ordering: .sequentiallyConsistent)
        if current >> 2 != seen || current == Self.stopWord {
            // A request came in meanwhile: take the flag back, or, if the
            // caller took it first, absorb its signal.
            if !isSleeping.pointee.exchange(false, ordering: .sequentiallyConsistent) { wakeUps[worker].wait() }
            return current
        }
        wakeUps[worker].wait()
        current = word.pointee.load(ordering: .acquiring)
        return current
    }
}
