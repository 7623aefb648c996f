import ArgumentParser
import Experiments
import Foundation

extension Quantization: ExpressibleByArgument {}

/// `rlrun compress RUN_DIR --prune F --quantize int8|none`: a smaller, faster greedy policy and what it keeps.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Prune and quantise a trained policy; report size, latency and the return it keeps.",
        discussion: """
            Takes the greedy policy of the run's newest checkpoint (DQN, DRQN, PPO or recurrent PPO), \
            zeroes the fraction --prune of every weight matrix by magnitude (dense, convolution, and an \
            LSTM's input and recurrent weights, each on its own), and with --quantize int8 stores the \
            weights as int8 with one scale per output channel. Activations are quantised to int8 on the \
            fly at each layer (dynamic quantisation: no calibration set). Biases stay float32.

            Writes RUN_DIR/compressed/<name>/policy.bin (checksummed, loads without the checkpoint), \
            eval_episodes.jsonl and report.json: parameters, file size, batch-1 latency (median) of the \
            float and compressed policies, and the greedy return before and after on the same seeds. \
            Play it with `rlrun eval|watch|record RUN_DIR --policy compressed/<name>`.

            Example:
              rlrun compress runs/dqn-cartpole-20261129T170000Z --prune 0.5 --quantize int8
            """
    )

    @Argument(help: ArgumentHelp("A run folder written by `rlrun dqn`, `rlrun drqn`, `rlrun ppo` or `rlrun ppo-lstm`.", valueName: "run-dir"))
    var runFolder: String

    @Option(help: "Fraction of each weight matrix to prune by magnitude, in [0, 1).")
    var prune: Double = 0

    @Option(help: "Weight quantisation: int8 (per output channel) or none.")
    var quantize: Quantization = .int8

    @Option(help: "Folder name under compressed/ (default: prune<F>-<quantize>).")
    var name: String?

    @Option(help: "Greedy episodes evaluated before and after.")
    var episodes = 100

    @Option(help: "Seed the evaluation episodes' seeds derive from (default: the run's eval_seed).")
    var seed: UInt64?

    @Option(help: "Timed batch-1 actions per policy for the latency medians.")
    var latencyActions = 3000

    @OptionGroup var blas: BLASOptions

    func validate() throws {
        guard prune >= 0 && prune < 1 else { throw ValidationError("--prune must be in [0, 1), got \(prune).") }
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes).") }
        guard latencyActions >= 1 else { throw ValidationError("--latency-actions must be at least 1, got \(latencyActions).") }
    }

    func run() throws {
        blas.apply()
        let (report, folder) = try reportingUserErrors {
            try Compression.compress(runFolder: URL(fileURLWithPath: runFolder), pruneFraction: prune, quantization: quantize,
                                     name: name, episodes: episodes, seed: seed, latencyActions: latencyActions)
        }
        print("compressed \(report.agent) on \(report.environment): prune \(prune), quantize \(quantize.rawValue)")
        print(report.summary)
        print("  policy        \(displayPath(folder.appendingPathComponent(CompressedPolicyFile.policyFileName)))")
        print("  report        \(displayPath(folder.appendingPathComponent(CompressedPolicyFile.reportFileName)))")
    }
}
