import ArgumentParser
import Environments
import Experiments
import Foundation

/// `rlrun ppo-lstm ENV`: trains a recurrent PPO agent with the bundled preset for ENV.
struct PPOLSTMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo-lstm",
        abstract: "Train a recurrent (LSTM) PPO agent, then evaluate it greedily.",
        discussion: PPOTraining.discussion(agent: "ppo-lstm", example: "cartpole-novel")
    )

    @OptionGroup var options: TrainingArguments
    @OptionGroup var blas: BLASOptions

    func validate() throws { try options.validateTraining(agent: "ppo-lstm", example: "cartpole-novel") }

    func run() throws {
        blas.apply()
        try PPOTraining.run(agent: "ppo-lstm", options: options)
    }
}

/// `rlrun ppo ENV`: trains a memoryless PPO agent with the bundled preset for ENV.
struct PPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo",
        abstract: "Train a memoryless PPO agent, then evaluate it greedily.",
        discussion: PPOTraining.discussion(agent: "ppo", example: "cartpole-novel")
    )

    @OptionGroup var options: TrainingArguments
    @OptionGroup var blas: BLASOptions

    func validate() throws { try options.validateTraining(agent: "ppo", example: "cartpole-novel") }

    func run() throws {
        blas.apply()
        try PPOTraining.run(agent: "ppo", options: options)
    }
}

enum PPOTraining {
    static func discussion(agent: String, example: String) -> String {
        """
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

    static func run(agent: String, options: TrainingArguments) throws {
        let stopRequest = StopRequest()
        let run = try reportingUserErrors { () throws -> PPORun in
            if let resume = options.resume {
                return try PPORun(resuming: URL(fileURLWithPath: resume), totalSteps: options.steps, stopRequest: stopRequest)
            }
            let preset: PPOPreset = try options.resolvePreset(agent: agent)
            return try options.startRun(agent: agent, environment: preset.environment) {
                try PPORun(preset: preset, agent: agent, folder: $0, stopRequest: stopRequest)
            }
        }
        stopRequest.installSignalHandlers()
        let configuration = run.configuration
        print("\(agent) on \(configuration.environment), seed \(configuration.run.seed), \(configuration.ppo.totalSteps) steps, "
              + "\(configuration.ppo.environmentCount) environments" + (options.resume != nil ? " (resumed)" : ""))
        print("  run folder    \(displayPath(run.folder.url))")
        let display = ProgressDisplay(totalSteps: configuration.ppo.totalSteps, showsEpsilon: false)
        run.onProgress = { display.show($0) }
        let outcome = try reportingUserErrors { try run.train() }
        display.finish()
        try reportTrainingOutcome(outcome, agent: agent, folder: run.folder)
    }
}
