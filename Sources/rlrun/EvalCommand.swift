import ArgumentParser
import Experiments
import Foundation

/// `rlrun eval RUN_DIR`: greedy evaluation of a run's newest checkpoint.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate the newest checkpoint of a training run greedily.",
        discussion: """
            Plays --episodes greedy episodes on seeds derived from --seed (the run's eval_seed by \
            default) and writes their episode log and a summary under RUN_DIR/evaluations/.

            Example:
              rlrun eval runs/dqn-gridworld-20261129T170000Z --episodes 50 --seed 7
            """
    )

    @Argument(help: ArgumentHelp("A run folder written by `rlrun dqn`, `rlrun drqn`, `rlrun ppo` or `rlrun ppo-lstm`.", valueName: "run-dir"))
    var runFolder: String

    @Option(help: ArgumentHelp("Play a compressed policy of the run (`compressed/<name>`, written by `rlrun compress`) instead of its newest checkpoint.", valueName: "dir"))
    var policy: String?

    @Option(help: "Number of greedy episodes.")
    var episodes = 100

    @Option(help: "Seed the evaluation episodes' seeds derive from (default: the run's eval_seed).")
    var seed: UInt64?

    @OptionGroup var blas: BLASOptions

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes).") }
    }

    func run() throws {
        blas.apply()
        let (result, log) = try reportingUserErrors {
            let run = URL(fileURLWithPath: runFolder)
            let compressed = policy.map { CompressedPolicyFile.folder(named: $0, runFolder: run) }
            return try Training.evaluate(runFolder: run, compressedPolicy: compressed, episodes: episodes, seed: seed)
        }
        print("evaluation: \(result.summary)")
        print("  episode log   \(displayPath(log))")
    }
}
