import ArgumentParser
import Environments
import Experiments
import Foundation

/// `rlrun bench`: performance measurements, meant for release builds.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance (build with -c release first).",
        discussion: """
            Examples:
              swift build -c release && .build/release/rlrun bench envs
              .build/release/rlrun bench nn
            """,
        subcommands: [BenchEnvironmentsCommand.self, BenchNeuralCommand.self]
    )
}

/// `rlrun bench envs`: steps per second of every registered environment.
struct BenchEnvironmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "Steps per second of every registered environment under random actions, on one thread.",
        discussion: """
            Each environment is made with its default options and stepped with uniformly random \
            actions (resetting at episode ends) in a loop specialised for its type, observation \
            encoding included. Then a wrapper-cost section compares the bare CartPole, \
            TimeLimit<RecordEpisodeStatistics<CartPole>> in a specialised loop, and the same \
            composition stepped through `any Environment<[Float], Int>` and in an AnyEnvironment, and a wrapper turned on by \
            a registry option against the same wrapper built by hand. Last, a vector of cart-poles \
            (--vector-copies) on one thread against --vector-threads threads. Each case runs several times and the fastest run is reported, \
            since other work on the machine only ever slows a run down; the median is shown too.

            Examples:
              swift build -c release && .build/release/rlrun bench envs
              .build/release/rlrun bench envs --seconds 2
            """
    )

    @Option(help: "Steps per run of each environment.")
    var steps = 1_000_000

    @Option(help: "Instead of --steps, size each run to last about this many seconds.")
    var seconds: Double?

    @Option(help: "Runs per environment; the fastest is reported.")
    var repetitions = 3

    @Option(help: "Copies in the vector-environment section.")
    var vectorCopies = 64

    @Option(help: "Threads the vector-environment section compares with one thread.")
    var vectorThreads = 2

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps).") }
        if let seconds, !(seconds > 0 && seconds.isFinite) {
            throw ValidationError("--seconds must be a positive number, got \(seconds).")
        }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions).") }
        guard vectorCopies >= 1 else { throw ValidationError("--vector-copies must be at least 1, got \(vectorCopies).") }
        guard vectorThreads >= 2 else { throw ValidationError("--vector-threads must be at least 2, got \(vectorThreads).") }
    }

    func run() throws {
        #if DEBUG
        printError("note: this is a debug build; build with `swift build -c release` for meaningful numbers")
        #endif
        let benchmark = EnvironmentBenchmark(steps: steps, targetSeconds: seconds, repetitions: repetitions)
        let registry = EnvironmentRegistry.standard
        let nameWidth = max(12, registry.names.map(\.count).max() ?? 0)
        print(pad("environment", nameWidth) + padLeft("steps/s", 14) + padLeft("ns/step", 10)
              + padLeft("median ns", 11) + padLeft("steps", 12) + padLeft("episodes", 10))
        _ = try reportingUserErrors {
            try benchmark.measureAll(registry, onMeasurement: { measurement in
                print(pad(measurement.name, nameWidth)
                      + padLeft(grouped(measurement.stepsPerSecond), 14)
                      + padLeft(String(format: "%.1f", measurement.nanosecondsPerStep), 10)
                      + padLeft(String(format: "%.1f", measurement.medianSeconds * 1e9 / Double(measurement.steps)), 11)
                      + padLeft(String(measurement.steps), 12)
                      + padLeft(String(measurement.episodes), 10))
                fflush(nil)  // every stream; shows each row as soon as it is measured
            }, onSkip: { spec, error in
                print(pad(spec.name, nameWidth) + "  skipped: cannot be made with its default options (\(error))")
            })
        }
        print("(best of \(repetitions) runs per environment; one thread)")

        print("")
        print("wrapper cost: cart-pole with random actions")
        let cases = try benchmark.measureWrapperCost()
        let caseWidth = cases.map(\.name.count).max() ?? 0
        print(pad("case", caseWidth) + padLeft("steps/s", 14) + padLeft("ns/step", 10) + padLeft("vs bare", 9))
        for measurement in cases {
            print(pad(measurement.name, caseWidth)
                  + padLeft(grouped(measurement.stepsPerSecond), 14)
                  + padLeft(String(format: "%.1f", measurement.nanosecondsPerStep), 10)
                  + padLeft(String(format: "%.2fx", measurement.nanosecondsPerStep / cases[0].nanosecondsPerStep), 9))
        }

        print("")
        print("wrappers by registry option: cart-pole with clip_reward=1")
        let optionCases = try benchmark.measureWrapperOptionsCost()
        printComparison(optionCases, header: "vs by hand")

        print("")
        print("parallel control: what \(vectorThreads) threads give on this machine right now (no environment)")
        printComparison(benchmark.measureParallelControl(threads: vectorThreads), header: "speed-up")

        print("")
        print("vector environment: \(vectorCopies) cart-poles (next-step autoreset), steps counted per copy")
        let vectorCases = try benchmark.measureVector(copies: vectorCopies, threads: vectorThreads)
        printComparison(vectorCases, header: "speed-up")
        print("")
        print("the same with acrobot (about 8x the work per step, so synchronisation matters less)")
        let heavierCases = try benchmark.measureVector(label: "acrobot", copies: vectorCopies, threads: vectorThreads) { _ in
            TimeLimit(Acrobot(), maxEpisodeSteps: Acrobot.maxEpisodeSteps)
        }
        printComparison(heavierCases, header: "speed-up")
    }

    /// Rows of steps/s with each case's speed relative to the first.
    private func printComparison(_ cases: [EnvironmentBenchmark.Measurement], header: String) {
        let caseWidth = max(4, cases.map(\.name.count).max() ?? 0)
        print(pad("case", caseWidth) + padLeft("steps/s", 14) + padLeft("ns/step", 10) + padLeft(header, 12))
        for measurement in cases {
            print(pad(measurement.name, caseWidth)
                  + padLeft(grouped(measurement.stepsPerSecond), 14)
                  + padLeft(String(format: "%.1f", measurement.nanosecondsPerStep), 10)
                  + padLeft(String(format: "%.2fx", measurement.stepsPerSecond / cases[0].stepsPerSecond), 12))
            fflush(nil)
        }
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(1, width - text.count)) + text
}

/// A rate as a whole number with thousands separators, such as `12,345,678`.
private func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var result = ""
    for (offset, character) in digits.reversed().enumerated() {
        if offset > 0 && offset % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return String(result.reversed())
}
