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

    @OptionGroup var options: PPOTrainingOptions
    @OptionGroup var blas: BLASOptions

    func validate() throws { try options.validate(agent: "ppo-lstm") }

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

    @OptionGroup var options: PPOTrainingOptions
    @OptionGroup var blas: BLASOptions

    func validate() throws { try options.validate(agent: "ppo") }

    func run() throws {
        blas.apply()
        try PPOTraining.run(agent: "ppo", options: options)
    }
}

/// The options `rlrun ppo` and `rlrun ppo-lstm` share with `rlrun dqn`.
struct PPOTrainingOptions: ParsableArguments, TrainingArguments {
    @Argument(help: ArgumentHelp("The environment (a preset must exist for it unless --preset is given).", valueName: "env"))
    var environment: String?

    @Option(help: ArgumentHelp("A preset file to use instead of the bundled one.", valueName: "file"))
    var preset: String?

    @Option(help: "Environment steps to train for (overrides total_steps).")
    var steps: Int?

    @Option(help: "Run seed (overrides the preset's seed).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Run folder to create.", valueName: "dir"))
    var out: String?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a preset key, or env.NAME for an environment option; repeat for several.", valueName: "key=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("Continue the run in this folder from its newest checkpoint.", valueName: "run-dir"))
    var resume: String?

    func validate(agent: String) throws {
        try validateTraining(agent: agent, example: "cartpole-novel")
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

    static func run(agent: String, options: PPOTrainingOptions) throws {
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
