import Environments

/// Measures how fast environments step under random actions, on one thread.
///
/// Each case runs ``repetitions`` times and reports the fastest run: on a
/// shared, noisy machine the fastest run is the one least disturbed by other
/// work. The median is kept too, to show the spread. Meant for release builds.
public struct EnvironmentBenchmark: Sendable {
    /// One measured case.
    public struct Measurement: Equatable, Sendable {
        /// What was measured, such as an environment name.
        public var name: String
        /// Steps per repetition.
        public var steps: Int
        /// Episodes that ended within one repetition.
        public var episodes: Int
        /// The fastest repetition, in seconds.
        public var bestSeconds: Double
        /// The median repetition, in seconds.
        public var medianSeconds: Double

        /// Steps per second in the fastest repetition.
        public var stepsPerSecond: Double { Double(steps) / bestSeconds }
        /// Nanoseconds per step in the fastest repetition.
        public var nanosecondsPerStep: Double { bestSeconds * 1e9 / Double(steps) }
    }

    /// Steps per repetition, unless ``targetSeconds`` is set.
    public var steps: Int
    /// When set, a short calibration run chooses the step count so that one
    /// repetition lasts about this many seconds.
    public var targetSeconds: Double?
    /// Repetitions per case.
    public var repetitions: Int

    /// Creates a benchmark configuration.
    public init(steps: Int = 1_000_000, targetSeconds: Double? = nil, repetitions: Int = 3) {
        self.steps = max(1, steps)
        self.targetSeconds = targetSeconds
        self.repetitions = max(1, repetitions)
    }

    /// Measures `spec` with random actions through
    /// ``EnvironmentSpec/runRandomRollout(options:steps:seed:)``, which is
    /// specialised for the environment's type (observation encoding included).
    public func measure(_ spec: EnvironmentSpec, options: [String: InfoValue] = [:], seed: UInt64 = 0) throws -> Measurement {
        try measure(name: spec.name) { steps in
            try spec.runRandomRollout(options: options, steps: steps, seed: seed).episodes
        }
    }

    /// Measures every environment of `registry` with its default options, calling
    /// `onMeasurement` as each finishes. An environment that cannot be made with
    /// its default options (one that needs a file, say) is passed to `onSkip`
    /// with the ``OptionError`` instead.
    public func measureAll(_ registry: EnvironmentRegistry = .standard,
                           onMeasurement: (Measurement) -> Void = { _ in },
                           onSkip: (EnvironmentSpec, OptionError) -> Void = { _, _ in }) throws -> [Measurement] {
        var measurements: [Measurement] = []
        for spec in registry.specs {
            do {
                let measurement = try measure(spec)
                onMeasurement(measurement)
                measurements.append(measurement)
            } catch let error as OptionError {
                onSkip(spec, error)
            }
        }
        return measurements
    }

    /// Measures any workload: `run(steps)` takes `steps` steps and returns the episodes that ended.
    public func measure(name: String, run: (Int) throws -> Int) rethrows -> Measurement {
        var stepCount = steps
        if let targetSeconds {
            let calibrationSteps = 10_000
            let (_, seconds) = try timed { try run(calibrationSteps) }
            let perStep = max(seconds, 1e-9) / Double(calibrationSteps)
            stepCount = max(calibrationSteps, Int(min(targetSeconds / perStep, 1e10)))
        }
        var durations: [Double] = []
        var episodes = 0
        for _ in 0..<repetitions {
            let (ended, seconds) = try timed { try run(stepCount) }
            durations.append(max(seconds, 1e-9))
            episodes = ended
        }
        durations.sort()
        return Measurement(name: name, steps: stepCount, episodes: episodes,
                           bestSeconds: durations[0], medianSeconds: durations[durations.count / 2])
    }

    private func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = monotonicSeconds()
        let value = try body()
        return (value, monotonicSeconds() - start)
    }
}
