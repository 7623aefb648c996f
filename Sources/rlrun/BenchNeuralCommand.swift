import ArgumentParser
import Experiments
import Neural

/// `rlrun bench nn`: the neural backend's speed on the networks RL uses.
struct BenchNeuralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "Time sgemm and the DQN, CartPole-MLP and LSTM updates, at one and two threads.",
        discussion: """
            Cases: sgemm GFLOPS at 256 and 1024 (with the OpenBLAS kernel name); one DQN update of \
            the MinAtar network at batch 32 (online and target forward, Huber loss, backward, centred \
            RMSProp) and single-observation action selection; one update of the CartPole MLP \
            4-64-64-2 with Adam at batch 128; LSTM(64→128), sequence 16, batch 16, forward, backward \
            and Adam. Each is the median of --repetitions timed runs after a warm-up, with its \
            achieved GFLOPS and share of the 256 sgemm figure, beside PyTorch 2.13's rates \
            measured by shared/peers on the project's reference machine.

            Example:
              swift build -c release && .build/release/rlrun bench nn --threads 1
              .build/release/rlrun bench nn --threads 1 --only minatar
            """
    )

    @Option(name: .customLong("threads"), parsing: .upToNextOption, help: "Thread counts to measure.")
    var threadCounts: [Int] = [1, 2]

    @Option(help: "Timed runs per case; the median is reported.")
    var repetitions = 7

    @Option(help: "Time only the cases whose names contain this text (sgemm is always kept).")
    var only: String?

    @Flag(help: "Keep OpenBLAS's own kernel choice.")
    var noKernelSwitch = false

    func validate() throws {
        guard !threadCounts.isEmpty, threadCounts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--threads needs one or more counts of at least 1, got \(threadCounts).")
        }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions).") }
    }

    func run() throws {
        #if DEBUG
        printError("note: this is a debug build; build with `swift build -c release` for meaningful numbers")
        #endif
        if let message = configureOpenBLASKernel(allowSwitch: !noKernelSwitch).message { printError(message) }
        print(runNeuralBenchmark(threadCounts: threadCounts, repetitions: repetitions, matching: only).table)
    }
}
