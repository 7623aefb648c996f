import Agents
import ArgumentParser
import Environments
import Experiments
import Foundation

/// The arguments every training command takes (`dqn`, `drqn`, `ppo`, `ppo-lstm`), and
/// what they have in common to do with them.
struct TrainingArguments: ParsableArguments {
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
}

extension TrainingArguments {
    /// Checks the combinations: something to train, and nothing but `--steps` beside `--resume`.
    func validateTraining(agent: String, example: String) throws {
        if resume == nil && environment == nil && preset == nil {
            throw ValidationError("Name an environment (for example `rlrun \(agent) \(example)`), or pass --preset FILE or --resume RUN_DIR.")
        }
        if resume != nil && (environment != nil || preset != nil || seed != nil || out != nil || !settings.isEmpty) {
            throw ValidationError("--resume continues a run with its own configuration; only --steps and --threads may be given with it.")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps).") }
    }

    /// The preset (bundled for the environment, or `--preset FILE`) with `--steps`,
    /// `--seed` and `--set` applied, naming a registered environment.
    func resolvePreset<Config: AgentConfiguration>(agent: String) throws -> Preset<Config> {
        var preset = try preset.map { try Preset<Config>.load(from: URL(fileURLWithPath: $0), agent: agent) }
            ?? Preset<Config>.bundled(agent: agent, environment: environment!)
        if let environment { preset.environment = environment }
        var overrides = settings
        if let steps { overrides.append("total_steps=\(steps)") }
        if let seed { overrides.append("seed=\(seed)") }
        try preset.apply(settings: overrides)
        _ = try EnvironmentRegistry.standard.spec(named: preset.environment)
        return preset
    }

    /// Creates the run folder (`--out DIR`, or a new `runs/<agent>-<env>-<timestamp>/`)
    /// and starts a run in it with `start`; when `start` refuses the configuration,
    /// the folder it left empty is removed again, so a typo leaves nothing behind.
    func startRun<Run>(agent: String, environment: String, _ start: (RunFolder) throws -> Run) throws -> Run {
        let folder = try createRunFolder(out: out, agent: agent, environment: environment)
        do {
            return try start(folder)
        } catch {
            if (try? FileManager.default.contentsOfDirectory(atPath: folder.url.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: folder.url)
            }
            throw error
        }
    }
}

/// Prints how training ended; a stop by signal exits with 128 + the signal number.
func reportTrainingOutcome(_ outcome: TrainingOutcome, agent: String, folder: RunFolder) throws {
    switch outcome {
    case .stopped(let signal, let step):
        print("stopped by signal \(signal) at step \(step); checkpoint written. Continue with:")
        print("  rlrun \(agent) --resume \(displayPath(folder.url))")
        throw ExitCode(StopRequest.exitStatus(for: signal))
    case .completed(let evaluation):
        if let evaluation {
            print("evaluation: \(evaluation.summary)")
        }
        print("  run folder    \(displayPath(folder.url))")
    }
}

/// A new run folder: `out` (`--out DIR`) when given, else `runs/<agent>-<env>-<UTC timestamp>/`.
func createRunFolder(out: String?, agent: String, environment: String) throws -> RunFolder {
    try out.map { try RunFolder.create(at: URL(fileURLWithPath: $0)) }
        ?? RunFolder.createDefault(in: URL(fileURLWithPath: "runs"), agent: agent, environment: environment)
}
