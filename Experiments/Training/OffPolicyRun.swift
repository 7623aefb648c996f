import Foundation
import Environments
import Agents
import Neural

/// Where a training run stands, for progress bars and periodic lines.
public struct TrainingProgress: Sendable {
    /// Environment steps so far.
    public var step: Int
    /// Steps the run will take.
    public var totalSteps: Int
    /// Episodes finished.
    public var episodes: Int
    /// Mean return of the last (at most) 100 episodes.
    public var meanReturn: Double?
    /// The exploration rate.
    public var epsilon: Double
    /// The latest training loss.
    public var loss: Double?
    /// Recent environment steps per second.
    public var stepsPerSecond: Double
    /// Training wall time so far, in seconds.
    public var wallSeconds: Double
    /// Whether this update is a progress.csv row (the others are in-between updates for a live display).
    public var isLogRow = false
}

/// One environment step of a training run, as ``OffPolicyRun/onStep`` sees it.
public struct TrainingStep: Sendable, Equatable {
    /// Environment steps taken by the run so far, this one included.
    public var step: Int
    /// The index of the episode this step belongs to.
    public var episode: Int
    /// Steps of this episode so far, this one included.
    public var episodeStep: Int
    /// The sum of this episode's rewards so far, this step's included.
    public var episodeReturn: Double
    /// The action taken, as the environment received it.
    public var action: Int
    /// The reward this step gave.
    public var reward: Double
    /// Whether this step ended the episode in a terminal state.
    public var terminated: Bool
    /// Whether this step cut the episode short (time limit).
    public var truncated: Bool
}

/// How a call to ``OffPolicyRun/train()`` ended.
public enum TrainingOutcome: Sendable {
    /// Every step was taken; the evaluation after training, if any was asked for.
    case completed(EvaluationResult?)
    /// A signal stopped the run after `step` steps; a checkpoint at that step was written.
    case stopped(signal: Int32, step: Int)
}

/// A failure of a training run that is not a programming error.
public enum TrainingError: Error, CustomStringConvertible {
    /// The environment's spaces do not suit a Q-learning agent.
    case unsupportedSpaces(environment: String, observation: String, action: String)
    /// The loss became NaN or infinite; the last good checkpoint is kept.
    case diverged(DQNError, lastCheckpointStep: Int?)
    /// The PPO loss became NaN or infinite; the last good checkpoint is kept.
    case ppoDiverged(PPOError, lastCheckpointStep: Int?)
    /// `--resume` on a folder that has no complete checkpoint or no config.json.
    case nothingToResume(path: String, reason: String)
    /// Replaying the running episode's actions after a resume gave other rewards.
    case resumeMismatch(episode: Int, step: Int)
    /// The environment returned a NaN or infinite reward.
    case nonFiniteReward(environment: String, episode: Int, step: Int, reward: Double)

    public var description: String {
        switch self {
        case .unsupportedSpaces(let environment, let observation, let action):
            return "dqn and drqn need a Box observation space and Discrete actions; '\(environment)' has \(observation) and \(action)"
        case .diverged(let error, let step):
            let kept = step.map { "the last good checkpoint (step \($0)) is kept" } ?? "no checkpoint was written before it"
            return "training stopped: \(error); \(kept)"
        case .ppoDiverged(let error, let step):
            let kept = step.map { "the last good checkpoint (step \($0)) is kept" } ?? "no checkpoint was written before it"
            return "training stopped: \(error); \(kept)"
        case .nothingToResume(let path, let reason):
            return "cannot resume \(path): \(reason)"
        case .nonFiniteReward(let environment, let episode, let step, let reward):
            return "environment '\(environment)' returned reward \(reward) at step \(step) of episode \(episode); rewards must be finite"
        case .resumeMismatch(let episode, let step):
            return "cannot resume: replaying episode \(episode) from its seed gave a different reward at step \(step); the environment is not deterministic"
        }
    }
}

/// An off-policy training run (DQN, DRQN) in a run folder: the loop between
/// environment and agent, with episode log, progress.csv, checkpoints, exact
/// resume and a final evaluation. ``DQNRun`` and ``DRQNRun`` name its two uses.
///
/// The run folder holds `config.json`, `episodes.jsonl` (every training episode),
/// `progress.csv` (one row per `log_interval` steps), `checkpoints/` (every
/// `checkpoint_interval` steps and at the end), and after training `eval.json`
/// and `eval_episodes.jsonl`.
///
/// Determinism: with the same configuration and one BLAS thread, a run writes
/// the same `episodes.jsonl`, and a run stopped at any step and resumed writes
/// the same lines as one never stopped (a checkpoint holds the networks, the
/// optimiser, the replay and the agent's state, a recurrent acting state included).
///
/// Evaluation plays greedy episodes, calling ``OffPolicyAgent/beginEpisode()``
/// before each, so a recurrent agent carries its state across each episode.
public final class OffPolicyRun<Agent: OffPolicyAgent> {
    /// The run folder.
    public let folder: RunFolder
    /// The resolved configuration (config.json).
    public let configuration: OffPolicyRunConfiguration<Agent.Config>
    /// Set by signals to stop after the current step.
    public let stopRequest: StopRequest
    /// Called at every progress row and a few times a second in between.
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Called after every environment step, before an ended episode is reset, with
    /// the step and a function that draws the environment as it is now (call it
    /// only when a picture is wanted: drawing costs far more than a step). Keep it
    /// cheap: it runs inside the training loop. `nil` (the default) costs nothing.
    public var onStep: ((TrainingStep, _ render: () -> Frame?) -> Void)?
    /// Stops the run with a checkpoint (as if a signal arrived) once this many steps are done; for tests.
    public var stopAfterSteps: Int?

    private let registry: EnvironmentRegistry
    private let resumeState: (state: OffPolicyTrainingState<Agent.State>, checkpoint: URL)?
    private let store: CheckpointStore

    /// The file names inside a run folder.
    public static var progressFile: String { "progress.csv" }
    public static var evaluationFile: String { "eval.json" }
    public static var evaluationEpisodesFile: String { "eval_episodes.jsonl" }
    static var episodeStepCap: Int { 1_000_000 }

    /// Starts a new run of `preset` in `folder`, writing its config.json.
    public init(preset: Preset<Agent.Config>, folder: RunFolder, registry: EnvironmentRegistry = .standard,
                stopRequest: StopRequest = StopRequest(), startedAt: Date = Date()) throws {
        let configuration = try OffPolicyRunConfiguration(agent: Agent.algorithmName, preset: preset, registry: registry,
                                                          startedAt: RunFolder.utcTimestamp(startedAt))
        try folder.writeConfiguration(configuration)
        self.folder = folder
        self.configuration = configuration
        self.registry = registry
        self.stopRequest = stopRequest
        self.resumeState = nil
        self.store = CheckpointStore(runFolder: folder.url)
    }

    /// Reopens the run in `url` to continue from its newest checkpoint.
    ///
    /// - Parameter totalSteps: a new step budget (the configuration's otherwise);
    ///   changing it changes the ε schedule from the resume point on.
    public init(resuming url: URL, totalSteps: Int? = nil, registry: EnvironmentRegistry = .standard,
                stopRequest: StopRequest = StopRequest()) throws {
        let folder = RunFolder(url: url)
        var configuration = try folder.readConfiguration(as: OffPolicyRunConfiguration<Agent.Config>.self)
        guard configuration.agent == Agent.algorithmName else {
            throw TrainingError.nothingToResume(path: url.path, reason: "it is a \(configuration.agent) run, not a \(Agent.algorithmName) run")
        }
        if let totalSteps, totalSteps != configuration.agentConfig.totalSteps {
            configuration.agentConfig.totalSteps = totalSteps
            try folder.writeConfiguration(configuration)
        }
        let store = CheckpointStore(runFolder: url)
        let latest = try store.latestState(as: OffPolicyTrainingState<Agent.State>.self, runPath: url.path)
        self.folder = folder
        self.configuration = configuration
        self.registry = registry
        self.stopRequest = stopRequest
        self.resumeState = latest
        self.store = store
    }

    /// The newest complete checkpoint folder of a reopened run and the step it was written at.
    var resumedCheckpoint: (url: URL, step: Int)? {
        resumeState.map { ($0.checkpoint, $0.state.step) }
    }

    /// Makes the configured environment as one with `[Float]` observations and `Int` actions.
    func makeEnvironment() throws -> any Environment<[Float], Int> {
        let environment = try registry.spec(named: configuration.environment).make(configuration.options)
        guard let typed = environment as? any Environment<[Float], Int> else {
            throw TrainingError.unsupportedSpaces(environment: configuration.environment,
                                                  observation: "\(environment.observationSpace)", action: "\(environment.actionSpace)")
        }
        return typed
    }

    /// Makes an agent with the run's networks and seed (weights as initialised).
    func makeAgent<E: Environment>(for environment: E) throws -> (agent: Agent, actionOffset: Int) {
        guard let box = environment.observationSpace as? Box, let discrete = environment.actionSpace as? Discrete else {
            throw TrainingError.unsupportedSpaces(environment: configuration.environment,
                                                  observation: "\(environment.observationSpace)", action: "\(environment.actionSpace)")
        }
        let agent = try Agent(observationSpace: box, actionCount: discrete.n, config: configuration.agentConfig, seed: configuration.agentSeed)
        return (agent, discrete.start)
    }

    /// Trains until the step budget is spent or a stop is requested, then (when
    /// completed) evaluates greedily and writes eval.json.
    public func train() throws -> TrainingOutcome {
        var environment = try makeEnvironment()
        return try train(&environment)
    }

    // MARK: - Algorithm

    private func train<E: Environment>(_ environment: inout E) throws -> TrainingOutcome where E.Observation == [Float], E.Action == Int {
        let settings = configuration.run
        let totalSteps = configuration.agentConfig.totalSteps
        let (agent, actionOffset) = try makeAgent(for: environment)
        var state = OffPolicyTrainingState(step: 0, episodesFinished: 0, episodeSeed: 0, episodeActions: [], episodeRewards: [],
                                     progressRows: 0, recentReturns: [], recentLoss: nil, wallSeconds: 0, agent: agent.state)
        let log: EpisodeLogWriter
        let progressLog: ProgressLog
        if let resume = resumeState {
            state = resume.state
            try agent.restoreTensors(from: resume.checkpoint.appendingPathComponent("model.ckpt"))
            try agent.restoreReplay(from: [UInt8](Data(contentsOf: resume.checkpoint.appendingPathComponent("replay.bin"))))
            agent.restore(state.agent)
            log = try EpisodeLogWriter(resuming: folder.episodesURL, keepingEpisodes: state.episodesFinished)
            progressLog = try ProgressLog(url: folder.url.appendingPathComponent(Self.progressFile), keepingRows: state.progressRows)
        } else {
            state.episodeSeed = SeedDerivation.episodeSeed(runSeed: settings.seed, index: 0)
            log = try EpisodeLogWriter(url: folder.episodesURL, header: EpisodeLogHeader(
                environment: configuration.environment, options: configuration.options, agent: Agent.algorithmName, seed: settings.seed))
            progressLog = try ProgressLog(url: folder.url.appendingPathComponent(Self.progressFile))
        }

        // Bring the environment to where the checkpoint left the running episode.
        var observation = try environment.reset(seed: state.episodeSeed).observation
        for (index, action) in state.episodeActions.enumerated() {
            let step = try environment.step(action + actionOffset)
            guard step.reward == state.episodeRewards[index] else {
                throw TrainingError.resumeMismatch(episode: state.episodesFinished, step: index)
            }
            observation = step.observation
        }

        var episodeReturn = EpisodeRecord.sum(state.episodeRewards)
        var clock = TrainingClock(secondsBefore: state.wallSeconds, step: state.step)
        var lastCheckpointStep = store.latest()?.step
        func currentProgress() -> TrainingProgress {
            let rate = clock.stepsPerSecond(at: state.step)
            return TrainingProgress(step: state.step, totalSteps: totalSteps, episodes: state.episodesFinished,
                                    meanReturn: state.recentReturns.isEmpty ? nil : state.recentReturns.reduce(0, +) / Double(state.recentReturns.count),
                                    epsilon: agent.epsilon, loss: state.recentLoss, stepsPerSecond: rate, wallSeconds: clock.wallSeconds)
        }
        func writeCheckpoint() throws {
            var snapshot = state
            snapshot.agent = agent.state
            snapshot.wallSeconds = clock.wallSeconds
            snapshot.progressRows = progressLog.rowCount
            try store.write(step: state.step, model: agent.checkpoint(), replay: agent.serializedReplay(),
                            state: snapshot, keep: settings.keepCheckpoints)
            lastCheckpointStep = state.step
        }

        while state.step < totalSteps {
            if let stopAfterSteps, state.step >= stopAfterSteps { stopRequest.request(signal: SIGINT) }
            if let signal = stopRequest.signal {
                try writeCheckpoint()
                return .stopped(signal: signal, step: state.step)
            }
            let action = agent.act(observation, explore: true)
            let step = try environment.step(action + actionOffset)
            guard step.reward.isFinite else {
                throw TrainingError.nonFiniteReward(environment: configuration.environment, episode: state.episodesFinished,
                                                    step: state.episodeActions.count, reward: step.reward)
            }
            state.step += 1
            state.episodeActions.append(action)
            state.episodeRewards.append(step.reward)
            do {
                if let loss = try agent.observe(Transition(observation: observation, action: action, reward: step.reward,
                                                           nextObservation: step.observation,
                                                           terminated: step.terminated, truncated: step.truncated)) {
                    state.recentLoss = Double(loss)
                }
            } catch let error as DQNError {
                throw TrainingError.diverged(error, lastCheckpointStep: lastCheckpointStep)
            }
            observation = step.observation
            if let onStep {
                episodeReturn += step.reward
                onStep(TrainingStep(step: state.step, episode: state.episodesFinished, episodeStep: state.episodeActions.count,
                                    episodeReturn: episodeReturn, action: action + actionOffset, reward: step.reward,
                                    terminated: step.terminated, truncated: step.truncated),
                       { environment.render() })
            }

            if step.terminated || step.truncated {
                let record = EpisodeRecord(index: state.episodesFinished, seed: state.episodeSeed,
                                           actions: state.episodeActions.map { .integer($0 + actionOffset) },
                                           rewards: state.episodeRewards, terminated: step.terminated, truncated: step.truncated)
                try log.append(record)
                state.recentReturns.append(record.episodeReturn)
                if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
                state.episodesFinished += 1
                state.episodeSeed = SeedDerivation.episodeSeed(runSeed: settings.seed, index: state.episodesFinished)
                state.episodeActions.removeAll(keepingCapacity: true)
                state.episodeRewards.removeAll(keepingCapacity: true)
                episodeReturn = 0
                observation = try environment.reset(seed: state.episodeSeed).observation
            }

            if state.step % settings.logInterval == 0 {
                var progress = currentProgress()
                progress.isLogRow = true
                try progressLog.append(ProgressRow(steps: progress.step, episodes: progress.episodes, meanReturn: progress.meanReturn,
                                                   loss: progress.loss, epsilon: progress.epsilon,
                                                   stepsPerSecond: progress.stepsPerSecond, wallSeconds: progress.wallSeconds))
                onProgress?(progress)
                clock.startInterval(at: state.step)
            } else if state.step & 127 == 0, let onProgress, clock.takeLiveUpdate() {
                onProgress(currentProgress())
            }
            if state.step % settings.checkpointInterval == 0 || state.step == totalSteps {
                try writeCheckpoint()
            }
        }

        guard settings.evaluationEpisodes > 0 else { return .completed(nil) }
        let result = try evaluate(agent: agent, actionOffset: actionOffset, episodes: settings.evaluationEpisodes,
                                  seed: settings.evaluationSeed, logURL: folder.url.appendingPathComponent(Self.evaluationEpisodesFile))
        try result.write(to: folder.url.appendingPathComponent(Self.evaluationFile))
        return .completed(result)
    }

    // MARK: - Evaluation

    private func evaluate(agent: Agent, actionOffset: Int, episodes: Int, seed: UInt64, logURL: URL) throws -> EvaluationResult {
        var environment = try makeEnvironment()
        try? FileManager.default.removeItem(at: logURL)
        let log = try EpisodeLogWriter(url: logURL, header: EpisodeLogHeader(
            environment: configuration.environment, options: configuration.options, agent: Agent.algorithmName + "-greedy", seed: seed))
        return try Evaluation.run(&environment, episodes: episodes, seed: seed, episodeStepCap: Self.episodeStepCap, log: log,
                                  onEpisodeStart: { agent.beginEpisode() }) {
            agent.act($0, explore: false) + actionOffset
        }
    }

    /// Evaluates the newest checkpoint of the run in `url` greedily and writes the
    /// episodes to `evaluations/eval-seed<S>-<timestamp>.jsonl` with a `.json` summary beside it.
    public static func evaluate(runFolder url: URL, episodes: Int, seed: UInt64?, registry: EnvironmentRegistry = .standard,
                                date: Date = Date()) throws -> (result: EvaluationResult, log: URL) {
        let run = try OffPolicyRun(resuming: url, registry: registry)
        guard let checkpoint = run.resumeState?.checkpoint else {
            throw TrainingError.nothingToResume(path: url.path, reason: "no complete checkpoint")
        }
        let environment = try run.makeEnvironment()
        let (agent, offset) = try run.makeAgent(for: environment)
        try agent.restoreTensors(from: checkpoint.appendingPathComponent("model.ckpt"))
        let evaluationSeed = seed ?? run.configuration.run.evaluationSeed
        return try Evaluation.writeStandalone(runFolder: url, seed: evaluationSeed, date: date) { logURL in
            try run.evaluate(agent: agent, actionOffset: offset, episodes: episodes, seed: evaluationSeed, logURL: logURL)
        }
    }
}

/// A DQN training run.
public typealias DQNRun = OffPolicyRun<DQNAgent>
/// A DRQN training run.
public typealias DRQNRun = OffPolicyRun<DRQNAgent>
