import Agents
import ArgumentParser
import Environments
import Experiments
import Foundation
import Viewer

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

    /// `--preset`, the environment, `--steps`, `--seed` and `--set` as a preset request.
    var presetRequest: PresetRequest {
        var overrides = settings
        if let steps { overrides.append("total_steps=\(steps)") }
        if let seed { overrides.append("seed=\(seed)") }
        return PresetRequest(file: preset.map { URL(fileURLWithPath: $0) }, environment: environment, settings: overrides)
    }

    /// Trains (or resumes) a run of `kind` with a progress display, then prints the
    /// evaluation. `openLiveView` opens a window for the run's environment (name and
    /// resolved options) and `attachLiveView` shows a run's steps in it (off-policy
    /// runs); a new run opens it before its folder exists, so a window that cannot
    /// open leaves no folder behind, and a resume before it changes anything.
    func train(_ kind: AgentKind,
               openLiveView: ((_ environment: String, _ options: [String: InfoValue]) throws -> LiveView)? = nil,
               attachLiveView: (LiveView, any StepObservableRun, StopRequest) -> Void = { _, _, _ in }) throws {
        let stopRequest = StopRequest()
        var liveView: LiveView?
        let run = try reportingUserErrors { () throws -> any TrainingRun in
            if let resume {
                let run = try Training.resume(URL(fileURLWithPath: resume), expecting: kind, totalSteps: steps, stopRequest: stopRequest)
                liveView = try openLiveView?(run.environmentName, run.environmentOptions)
                return run
            }
            return try Training.start(kind, preset: presetRequest, stopRequest: stopRequest, prepare: { environment, options in
                liveView = try openLiveView?(environment, options)
            }, createFolder: {
                try createRunFolder(out: out, agent: kind.name, environment: $0)
            })
        }
        defer { liveView?.close() }
        stopRequest.installSignalHandlers()
        let copies = run.environmentCount > 1 ? ", \(run.environmentCount) environments" : ""
        print("\(kind.name) on \(run.environmentName), seed \(run.seed), \(run.totalSteps) steps\(copies)"
              + (resume != nil ? " (resumed)" : ""))
        print("  run folder    \(displayPath(run.folder.url))")
        for notice in run.resumeNotices { print("  \(notice)") }
        if let liveView, let observable = run as? any StepObservableRun {
            attachLiveView(liveView, observable, stopRequest)
        }
        let display = ProgressDisplay(totalSteps: run.totalSteps, showsEpsilon: kind.isOffPolicy)
        run.onProgress = { display.show($0) }
        let outcome = try reportingUserErrors { try run.train() }
        if let liveView {
            print("\nlive view: \(liveView.framesShown) frames drawn, costing training " + String(format: "%.3f", liveView.secondsDrawing)
                  + " CPU seconds")
        }
        display.finish()
        try reportTrainingOutcome(outcome, agent: kind.name, folder: run.folder)
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

/// Runs `body` in a new run folder (see ``createRunFolder(out:agent:environment:)``);
/// when it fails before writing config.json (the run was refused at start), what
/// was created for it is removed again.
func inNewRunFolder<Result>(out: String?, agent: String, environment: String, _ body: (RunFolder) throws -> Result) throws -> Result {
    let folder = try createRunFolder(out: out, agent: agent, environment: environment)
    do {
        return try body(folder)
    } catch {
        if !FileManager.default.fileExists(atPath: folder.configurationURL.path) { folder.removeCreated() }
        throw error
    }
}

/// A new run folder: `out` (`--out DIR`) when given, else `runs/<agent>-<env>-<UTC timestamp>/`.
func createRunFolder(out: String?, agent: String, environment: String) throws -> RunFolder {
    if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
        throw fail("--out needs a folder path, got an empty one")
    }
    return try out.map { try RunFolder.create(at: URL(fileURLWithPath: $0)) }
        ?? RunFolder.createDefault(in: URL(fileURLWithPath: "runs"), agent: agent, environment: environment)
}
