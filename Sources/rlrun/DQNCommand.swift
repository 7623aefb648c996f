import Agents
import ArgumentParser
import Environments
import Experiments
import Foundation
import Viewer

/// `rlrun dqn ENV`: trains a DQN agent with the bundled preset for ENV.
struct DQNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: AgentKind.dqn.name,
        abstract: "Train a DQN agent, then evaluate it greedily.",
        discussion: """
            Uses the preset Experiments/Presets/dqn/<env>.yaml (or --preset FILE), with --steps, --seed \
            and --set key=value overriding its keys (env.NAME=value sets an environment option). The run \
            folder (runs/dqn-<env>-<UTC timestamp>/ by default) gets config.json, episodes.jsonl, \
            progress.csv, checkpoints/, and after training eval.json and eval_episodes.jsonl.

            Ctrl-C (SIGINT) or SIGTERM finishes the current step, writes a checkpoint and exits with \
            130 or 143; `rlrun dqn --resume RUN` continues exactly where it stopped.

            Examples:
              rlrun dqn gridworld
              rlrun dqn cartpole --seed 2 --set learning_rate=0.001
              rlrun dqn --resume runs/dqn-cartpole-20261129T170000Z
              rlrun dqn gridworld --render

            --render shows training live in a window, drawing at most --render-fps frames a second \
            so training slows little; space pauses training, + and - change the frame-rate cap, q, Esc \
            or closing the window stop training like Ctrl-C (checkpoint written, resumable).
            """
    )

    @OptionGroup var options: OffPolicyTrainingOptions

    func validate() throws { try options.validate(agent: AgentKind.dqn.name) }

    func run() throws { try options.train(.dqn) }
}

/// The options `rlrun dqn` and `rlrun drqn` share.
struct OffPolicyTrainingOptions: ParsableArguments {
    @OptionGroup var training: TrainingArguments

    @Flag(help: "Show training live in a window (needs a display; see --render-fps).")
    var render = false

    @Option(help: "With --render: the most frames drawn per second.")
    var renderFps: Double = 30

    @OptionGroup var blas: BLASOptions

    func validate(agent: String) throws {
        try training.validateTraining(agent: agent, example: "gridworld")
        if !(renderFps > 0 && renderFps <= 240) { throw ValidationError("--render-fps must be in (0, 240], got \(renderFps).") }
    }

    /// Trains (or resumes) a run of `kind`, with the live view when `--render` is given.
    func train(_ kind: AgentKind) throws {
        blas.apply()
        guard render else { return try training.train(kind) }
        try training.train(kind, openLiveView: { environment, options in
            try openLiveView(kind: kind, environment: environment, options: options)
        }, attachLiveView: Self.show)
    }

    /// Opens the training window, sized from a frame of a fresh copy of the run's environment.
    private func openLiveView(kind: AgentKind, environment name: String, options: [String: InfoValue]) throws -> LiveView {
        if let problem = ViewerWindow.displayProblem() { throw problem }
        func firstFrame<E: Environment>(_ environment: E) throws -> Frame? {
            var environment = environment
            _ = try environment.reset(seed: 0)
            return environment.render()
        }
        let environment = try EnvironmentRegistry.standard.spec(named: name).make(options)
        guard let frame = try firstFrame(environment) else {
            throw fail("environment '\(name)' does not draw frames; train without --render")
        }
        return try LiveView(title: "rlrun \(kind.name): training on \(name)",
                            frameWidth: frame.width, frameHeight: frame.height, maximumFramesPerSecond: renderFps)
    }

    /// Shows `run`'s steps in `liveView`; closing the window stops training like Ctrl-C.
    private static func show(_ liveView: LiveView, _ run: any StepObservableRun, _ stopRequest: StopRequest) {
        let name = run.environmentName
        run.onStep = { step, render in
            let keepGoing = liveView.observe(headUp: {
                HeadUpDisplay(environment: name, episode: step.episode, step: step.episodeStep, episodeReturn: step.episodeReturn,
                              lastAction: String(step.action), note: "training step \(step.step)")
            }, frame: render)
            if !keepGoing && stopRequest.signal == nil { stopRequest.request(signal: SIGINT) }
        }
    }
}

/// Shows training progress: a bar redrawn in place on a terminal, plain lines otherwise.
final class ProgressDisplay {
    private let totalSteps: Int
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private let showsEpsilon: Bool

    /// `showsEpsilon` false shows the latest loss instead of the exploration rate (PPO).
    init(totalSteps: Int, showsEpsilon: Bool = true) {
        self.totalSteps = totalSteps
        self.showsEpsilon = showsEpsilon
    }

    func show(_ progress: TrainingProgress) {
        let fraction = Double(progress.step) / Double(max(1, totalSteps))
        let remaining = progress.stepsPerSecond > 0 ? Double(totalSteps - progress.step) / progress.stepsPerSecond : 0
        let meanReturn = progress.meanReturn.map { String(format: "%.3f", $0) } ?? "-"
        let details = "\(progress.step)/\(totalSteps) steps  \(Int(progress.stepsPerSecond)) steps/s  ETA \(Self.duration(remaining))"
            + "  return(100) \(meanReturn)"
            + (showsEpsilon ? "  ε \(String(format: "%.3f", progress.epsilon))"
                            : "  loss \(progress.loss.map { String(format: "%.4f", $0) } ?? "-")")
        if isTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            print("\r\u{1B}[2K\(bar) \(String(format: "%3.0f%%", fraction * 100)) \(details)", terminator: "")
            fflush(nil)
        } else if progress.isLogRow {
            // Off a terminal only the progress.csv rows are printed; the updates in between are for the bar.
            print(String(format: "%5.1f%% ", fraction * 100) + details + "  episodes \(progress.episodes)")
            fflush(nil)
        }
    }

    func finish() {
        if isTerminal { print("") }
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? "\(whole / 3600)h\(String(format: "%02d", whole % 3600 / 60))m" : "\(whole / 60)m\(String(format: "%02d", whole % 60))s"
    }
}
