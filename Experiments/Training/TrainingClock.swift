import Environments

/// Wall time and step rate of a training run, which may continue a resumed one.
///
/// Wall time adds the seconds recorded before the resume; the rate covers the
/// steps since the last progress row; live displays are updated at most five
/// times a second.
struct TrainingClock {
    private let start = monotonicSeconds()
    private let secondsBefore: Double
    private var interval: (time: Double, step: Int)
    private var lastReport: Double

    /// Starts timing at `step`, after `secondsBefore` seconds of earlier training.
    init(secondsBefore: Double, step: Int) {
        self.secondsBefore = secondsBefore
        interval = (start, step)
        lastReport = start
    }

    /// Training wall time so far, in seconds.
    var wallSeconds: Double { secondsBefore + monotonicSeconds() - start }

    /// Environment steps per second since the current interval started.
    func stepsPerSecond(at step: Int) -> Double {
        Double(step - interval.step) / max(monotonicSeconds() - interval.time, 1e-9)
    }

    /// Starts a new rate interval (after a progress row) and counts it as a report.
    mutating func startInterval(at step: Int) {
        interval = (monotonicSeconds(), step)
        lastReport = interval.time
    }

    /// Whether a live update is due (0.2 s since the last); if so, counts it as made.
    mutating func takeLiveUpdate() -> Bool {
        let now = monotonicSeconds()
        guard now - lastReport > 0.2 else { return false }
        lastReport = now
        return true
    }
}
