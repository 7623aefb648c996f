import Agents
import ArgumentParser
import Environments
import Experiments
import Foundation

/// `rlrun ppo-lstm ENV`: trains a recurrent PPO agent with the bundled preset for ENV.
struct PPOLSTMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: AgentKind.ppoLSTM.name,
        abstract: "Train a recurrent (LSTM) PPO agent, then evaluate it greedily.",
        discussion: PPOTraining.discussion(.ppoLSTM, example: "cartpole-novel")
    )

    @OptionGroup var options: TrainingArguments
    @OptionGroup var blas: BLASOptions

    func validate() throws { try options.validateTraining(agent: AgentKind.ppoLSTM.name, example: "cartpole-novel") }

    func run() throws {
        blas.apply()
        try options.train(.ppoLSTM)
    }
}

/// `rlrun ppo ENV`: trains a memoryless PPO agent with the bundled preset for ENV.
struct PPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: AgentKind.ppo.name,
        abstract: "Train a memoryless PPO agent, then evaluate it greedily.",
        discussion: PPOTraining.discussion(.ppo, example: "cartpole-novel")
    )

    @OptionGroup var options: TrainingArguments
    @OptionGroup var blas: BLASOptions

    func validate() throws { try options.validateTraining(agent: AgentKind.ppo.name, example: "cartpole-novel") }

    func run() throws {
        blas.apply()
        try options.train(.ppo)
    }
}

enum PPOTraining {
    static func discussion(_ kind: AgentKind, example: String) -> String {
        let agent = kind.name
        return """
        Uses the preset Experiments/Presets/\(agent)/<env>.yaml (or --preset FILE), with --steps, --seed \
        and --set key=value overriding its keys (env.NAME=value sets an environment option). The run \
        folder (runs/\(agent)-<env>-<UTC timestamp>/ by default) gets config.json, episodes.jsonl, \
        progress.csv, checkpoints/, and after training eval.json and eval_episodes.jsonl.

        Ctrl-C (SIGINT) or SIGTERM stops at the end of the current rollout, writes a checkpoint and \
        exits with 130 or 143; `rlrun \(agent) --resume RUN` continues exactly where it stopped.

        Examples:
          rlrun \(agent) \(example)
          rlrun \(agent) \(example) --seed 2 --set learning_rate=0.0005
          rlrun \(agent) --resume runs/\(agent)-\(example)-20261129T170000Z
        """
    }
}
