import Foundation

/// Monotonic seconds, for pacing frames (not wall-clock time).
@inline(__always)
func monotonicNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// CPU seconds the calling thread has used: its own work, not time spent
/// waiting or preempted by other threads.
func threadCPUNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Sleeps for `seconds` (nothing when it is not positive).
func sleep(seconds: Double) {
    guard seconds > 0 else { return }
    usleep(UInt32(min(seconds, 1) * 1_000_000))
}
