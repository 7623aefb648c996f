import Foundation
import Environments
import Agents
import Neural

/// A PPO training run (`ppo` or `ppo-lstm`) in a run folder: `n_envs`
/// environment copies stepped together, with episode log, progress.csv,
/// checkpoints, exact resume and a final greedy evaluation.
///
/// The run folder holds what a ``DQNRun`` folder holds: `config.json`,
/// `episodes.jsonl`, `progress.csv` (one row after each update that crosses a
/// multiple of `log_interval` steps), `checkpoints/`, and after training
/// `eval.json` and `eval_episodes.jsonl`.
///
/// Episodes (see ``episodeScheme``): every episode of every copy is reset with
/// its own seed, taken in the order episodes *start*: copies 0..<n take seed
/// indices 0..<n, and each later episode the next index, copies in order within
/// a step. Log lines are numbered in the order episodes *end* (copies in order
/// within a step), each with its seed, so `rlrun replay` re-simulates any one.
///
/// Checkpoints and stops happen between rollouts (after an update), where the
/// rollout buffer is empty: a signal stops the run at the next rollout boundary,
/// at most `n_envs · n_steps` steps later. A checkpoint holds the networks, the
/// optimiser, the copies' LSTM states, the observation statistics, the
/// generator, and each copy's running episode (seed, actions, rewards); a
/// resume restores the copies by replaying those actions from their seeds.
///
/// Determinism: with one BLAS thread, the same configuration writes the same
/// `episodes.jsonl`, and a run stopped and resumed writes the same lines as one
/// never stopped.
public final class PPORun {
    /// The run folder.
    public let folder: RunFolder
    /// The resolved configuration (config.json).
    public let configuration: PPORunConfiguration
    /// Set by signals to stop at the next rollout boundary.
    public let stopRequest: StopRequest
    /// Called after every update (with `isLogRow` for progress.csv rows) and a few times a second in between.
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Stops the run with a checkpoint (as if a signal arrived) at the first rollout boundary at or after this step; for tests.
    public var stopAfterSteps: Int?

    private let registry: EnvironmentRegistry
    private let resumeState: (state: PPOTrainingState, checkpoint: URL)?
    private let store: CheckpointStore

    /// The file names in the run folder.
    public static let progressFile = "progress.csv"
    public static let evaluationFile = "eval.json"
    public static let evaluationEpisodesFile = "eval_episodes.jsonl"
    static let episodeStepCap = 1_000_000
    /// The columns of progress.csv.
    public static let progressHeader =
        "env_steps,episodes,mean_return_100,loss,policy_loss,value_loss,entropy,approx_kl,clip_fraction,learning_rate,clip_range,steps_per_second,wall_seconds"

    /// How copies' episodes get seeds and log indices, in words (written into config.json).
    public static let episodeScheme =
        "every episode of every copy is reset with episode seed(k) of the seed derivation, k counting episode starts "
        + "(copies 0..<n_envs take k = 0..<n_envs; each later start takes the next k, copies in order within a step); "
        + "episodes.jsonl numbers episodes in the order they end (copies in order within a step) and records each seed"

    /// Starts a new run of `preset` for `agent` (`ppo` or `ppo-lstm`) in `folder`, writing its config.json.
    public init(preset: PPOPreset, agent: String, folder: RunFolder, registry: EnvironmentRegistry = .standard,
                stopRequest: StopRequest = StopRequest(), startedAt: Date = Date()) throws {
        let configuration = try PPORunConfiguration(preset: preset, agent: agent, registry: registry,
                                                    startedAt: RunFolder.utcTimestamp(startedAt))
        try folder.writeConfiguration(configuration)
        self.folder = folder
        self.configuration = configuration
        self.registry = registry
        self.stopRequest = stopRequest
        resumeState = nil
        store = CheckpointStore(runFolder: folder.url)
    }

    /// Reopens the run in `url` to continue from its newest checkpoint.
    ///
    /// - Parameter totalSteps: a new step budget; the linear schedules follow it from the resume point on.
    public init(resuming url: URL, totalSteps: Int? = nil, registry: EnvironmentRegistry = .standard,
                stopRequest: StopRequest = StopRequest()) throws {
        let folder = RunFolder(url: url)
        var configuration = try folder.readConfiguration(as: PPORunConfiguration.self)
        if let totalSteps, totalSteps != configuration.ppo.totalSteps {
            configuration.ppo.totalSteps = totalSteps
            try folder.writeConfiguration(configuration)
        }
        let store = CheckpointStore(runFolder: url)
        let latest = try store.latestState(as: PPOTrainingState.self, runPath: url.path)
        self.folder = folder
        self.configuration = configuration
        self.registry = registry
        self.stopRequest = stopRequest
        resumeState = latest
        self.store = store
    }

    /// Makes one copy of the configured environment, with `[Float]` observations and `Int` actions.
    func makeEnvironment() throws -> any Environment<[Float], Int> {
        let environment = try registry.spec(named: configuration.environment).make(configuration.options)
        guard let typed = environment as? any Environment<[Float], Int> else {
            throw unsupported(environment)
        }
        return typed
    }

    private func unsupported(_ environment: any Environment) -> TrainingError {
        .unsupportedSpaces(environment: configuration.environment,
                           observation: "\(environment.observationSpace)", action: "\(environment.actionSpace)")
    }

    /// Makes an agent with the run's networks and seed (weights as initialised).
    func makeAgent<E: Environment>(for environment: E) throws -> (agent: PPOAgent, actionOffset: Int) {
        guard let box = environment.observationSpace as? Box, let discrete = environment.actionSpace as? Discrete else {
            throw unsupported(environment)
        }
        let agent = try PPOAgent(observationShape: box.shape, actionCount: discrete.n, config: configuration.ppo,
                                 seed: configuration.agentSeed)
        return (agent, discrete.start)
    }

    /// Trains until the step budget is spent (whole rollouts) or a stop is requested,
    /// then (when completed) evaluates greedily and writes eval.json.
    public func train() throws -> TrainingOutcome {
        var first = try makeEnvironment()
        return try train(first: &first)
    }

    // MARK: - Algorithm

    private func train<E: Environment>(first: inout E) throws -> TrainingOutcome where E.Observation == [Float], E.Action == Int {
        let settings = configuration.run
        let totalSteps = configuration.ppo.totalSteps
        let copies = configuration.ppo.environmentCount
        var environments = [first]
        for _ in 1..<copies {
            guard let copy = try makeEnvironment() as? E else { preconditionFailure("the environment factory returned another type") }
            environments.append(copy)
        }
        let (agent, actionOffset) = try makeAgent(for: first)
        var state = PPOTrainingState(step: 0, episodesFinished: 0, nextSeedIndex: 0, running: [], progressRows: 0,
                                     recentReturns: [], wallSeconds: 0, agent: agent.state)
        let log: EpisodeLogWriter
        let progressLog: ProgressLog
        let progressURL = folder.url.appendingPathComponent(Self.progressFile)
        if let resume = resumeState {
            state = resume.state
            try agent.restoreTensors(from: resume.checkpoint.appendingPathComponent("model.ckpt"))
            agent.restore(state.agent)
            log = try EpisodeLogWriter(resuming: folder.episodesURL, keepingEpisodes: state.episodesFinished)
            progressLog = try ProgressLog(url: progressURL, header: Self.progressHeader, keepingRows: state.progressRows)
            // Bring every copy to where the checkpoint left its running episode.
            for copy in 0..<copies {
                let episode = state.running[copy]
                _ = try environments[copy].reset(seed: episode.seed)
                for (index, action) in episode.actions.enumerated() {
                    let step = try environments[copy].step(action + actionOffset)
                    guard step.reward == episode.rewards[index] else {
                        throw TrainingError.resumeMismatch(episode: state.episodesFinished, step: index)
                    }
                }
            }
        } else {
            log = try EpisodeLogWriter(url: folder.episodesURL, header: EpisodeLogHeader(
                environment: configuration.environment, options: configuration.options, agent: configuration.agent, seed: settings.seed))
            progressLog = try ProgressLog(url: progressURL, header: Self.progressHeader)
            var observations: [Float] = []
            for copy in 0..<copies {
                let seed = SeedDerivation.episodeSeed(runSeed: settings.seed, index: state.nextSeedIndex)
                state.nextSeedIndex += 1
                state.running.append(RunningEpisode(seed: seed, actions: [], rewards: []))
                observations += try environments[copy].reset(seed: seed).observation
            }
            agent.setObservations(observations, episodeStarts: [Bool](repeating: true, count: copies))
        }

        var clock = TrainingClock(secondsBefore: state.wallSeconds, step: state.step)
        var lastCheckpointStep = store.latest()?.step
        func currentProgress() -> TrainingProgress {
            let rate = clock.stepsPerSecond(at: state.step)
            return TrainingProgress(step: state.step, totalSteps: totalSteps, episodes: state.episodesFinished,
                                    meanReturn: state.recentReturns.isEmpty ? nil : state.recentReturns.reduce(0, +) / Double(state.recentReturns.count),
                                    epsilon: 0, loss: agent.lastStatistics.map { Double($0.loss) }, stepsPerSecond: rate,
                                    wallSeconds: clock.wallSeconds)
        }
        func writeCheckpoint() throws {
            var snapshot = state
            snapshot.agent = agent.state
            snapshot.wallSeconds = clock.wallSeconds
            snapshot.progressRows = progressLog.rowCount
            try store.write(step: state.step, model: agent.checkpoint(), state: snapshot, keep: settings.keepCheckpoints)
            lastCheckpointStep = state.step
        }

        var observations = [Float](), rewards = [Double](repeating: 0, count: copies)
        var starts = [Bool](repeating: false, count: copies)
        var bootstrap: [(environment: Int, observation: [Float])] = []
        while state.step < totalSteps || agent.buffer.stepsStored > 0 {
            if agent.buffer.stepsStored == 0 {
                if let stopAfterSteps, state.step >= stopAfterSteps { stopRequest.request(signal: SIGINT) }
                if let signal = stopRequest.signal {
                    try writeCheckpoint()
                    return .stopped(signal: signal, step: state.step)
                }
            }
            let actions = agent.act()
            observations.removeAll(keepingCapacity: true)
            bootstrap.removeAll(keepingCapacity: true)
            for copy in 0..<copies {
                let step = try environments[copy].step(actions[copy] + actionOffset)
                guard step.reward.isFinite else {
                    throw TrainingError.nonFiniteReward(environment: configuration.environment, episode: state.episodesFinished,
                                                        step: state.running[copy].actions.count, reward: step.reward)
                }
                rewards[copy] = step.reward
                state.running[copy].actions.append(actions[copy])
                state.running[copy].rewards.append(step.reward)
                starts[copy] = step.terminated || step.truncated
                guard starts[copy] else {
                    observations += step.observation
                    continue
                }
                if step.truncated && !step.terminated { bootstrap.append((copy, step.observation)) }
                let episode = state.running[copy]
                let record = EpisodeRecord(index: state.episodesFinished, seed: episode.seed,
                                           actions: episode.actions.map { .integer($0 + actionOffset) },
                                           rewards: episode.rewards, terminated: step.terminated, truncated: step.truncated)
                try log.append(record)
                state.recentReturns.append(record.episodeReturn)
                if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
                state.episodesFinished += 1
                let seed = SeedDerivation.episodeSeed(runSeed: settings.seed, index: state.nextSeedIndex)
                state.nextSeedIndex += 1
                state.running[copy] = RunningEpisode(seed: seed, actions: [], rewards: [])
                observations += try environments[copy].reset(seed: seed).observation
            }
            agent.recordRewards(rewards, bootstrapObservations: bootstrap)
            agent.setObservations(observations, episodeStarts: starts)
            let stepBefore = state.step
            state.step += copies

            if agent.buffer.isFull {
                do {
                    try agent.update()
                } catch let error as PPOError {
                    throw TrainingError.ppoDiverged(error, lastCheckpointStep: lastCheckpointStep)
                }
                if state.step / settings.logInterval > (state.step - configuration.ppo.rolloutSize) / settings.logInterval {
                    var progress = currentProgress()
                    progress.isLogRow = true
                    try progressLog.append(line: progressLine(progress, agent.lastStatistics))
                    onProgress?(progress)
                    clock.startInterval(at: state.step)
                }
                let crossedInterval = state.step / settings.checkpointInterval > (lastCheckpointStep ?? 0) / settings.checkpointInterval
                if crossedInterval || state.step >= totalSteps {
                    try writeCheckpoint()
                }
            } else if stepBefore / 128 != state.step / 128, let onProgress, clock.takeLiveUpdate() {
                onProgress(currentProgress())
            }
        }

        guard settings.evaluationEpisodes > 0 else { return .completed(nil) }
        let result = try evaluate(agent: agent, actionOffset: actionOffset, episodes: settings.evaluationEpisodes,
                                  seed: settings.evaluationSeed, logURL: folder.url.appendingPathComponent(Self.evaluationEpisodesFile))
        try result.write(to: folder.url.appendingPathComponent(Self.evaluationFile))
        return .completed(result)
    }

    private func progressLine(_ progress: TrainingProgress, _ statistics: PPOUpdateStatistics?) -> String {
        func format(_ value: Double?, _ digits: Int) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "" }
        let s = statistics
        return [String(progress.step), String(progress.episodes), format(progress.meanReturn, 4),
                format(s.map { Double($0.loss) }, 6), format(s?.policyLoss, 6), format(s?.valueLoss, 6), format(s?.entropy, 6),
                format(s?.approximateKL, 6), format(s?.clipFraction, 4), format(s?.learningRate, 8), format(s?.clipRange, 6),
                format(progress.stepsPerSecond, 1), format(progress.wallSeconds, 2)].joined(separator: ",")
    }

    // MARK: - Evaluation

    /// Greedy episodes (argmax of the policy; the LSTM state carried through each
    /// episode and cleared between them; observation statistics frozen).
    private func evaluate(agent: PPOAgent, actionOffset: Int, episodes: Int, seed: UInt64, logURL: URL) throws -> EvaluationResult {
        var environment = try makeEnvironment()
        try? FileManager.default.removeItem(at: logURL)
        let log = try EpisodeLogWriter(url: logURL, header: EpisodeLogHeader(
            environment: configuration.environment, options: configuration.options, agent: configuration.agent + "-greedy", seed: seed))
        let memory = agent.makeMemory()
        return try Evaluation.run(&environment, episodes: episodes, seed: seed, episodeStepCap: Self.episodeStepCap, log: log,
                                  onEpisodeStart: { memory.reset() }) {
            agent.greedyAction($0, memory: memory) + actionOffset
        }
    }

    /// An agent with the newest checkpoint's weights and statistics, its action
    /// offset, and the checkpoint's step (for a run opened with `resuming:`).
    func restoredAgent() throws -> (agent: PPOAgent, actionOffset: Int, step: Int) {
        guard let (state, checkpoint) = resumeState else {
            throw TrainingError.nothingToResume(path: folder.url.path, reason: "no complete checkpoint")
        }
        let environment = try makeEnvironment()
        let (agent, offset) = try makeAgent(for: environment)
        try agent.restoreTensors(from: checkpoint.appendingPathComponent("model.ckpt"))
        agent.restore(state.agent)
        return (agent, offset, state.step)
    }

    /// Evaluates the newest checkpoint of the run in `url` greedily and writes the
    /// episodes to `evaluations/eval-seed<S>-<timestamp>.jsonl` with a `.json` summary beside it.
    public static func evaluate(runFolder url: URL, episodes: Int, seed: UInt64?, registry: EnvironmentRegistry = .standard,
                                date: Date = Date()) throws -> (result: EvaluationResult, log: URL) {
        let run = try PPORun(resuming: url, registry: registry)
        let (agent, offset, _) = try run.restoredAgent()
        let evaluationSeed = seed ?? run.configuration.run.evaluationSeed
        return try Evaluation.writeStandalone(runFolder: url, seed: evaluationSeed, date: date) { logURL in
            try run.evaluate(agent: agent, actionOffset: offset, episodes: episodes, seed: evaluationSeed, logURL: logURL)
        }
    }
}

/// One copy's episode in progress: its seed and what happened so far.
struct RunningEpisode: Codable, Equatable {
    var seed: UInt64
    var actions: [Int]
    var rewards: [Double]
}

/// What a PPO checkpoint's `state.json` holds besides tensors.
struct PPOTrainingState: Codable {
    /// Environment steps taken, over all copies.
    var step: Int
    /// Episodes finished (and logged).
    var episodesFinished: Int
    /// The seed index the next episode to start takes.
    var nextSeedIndex: Int
    /// Each copy's running episode.
    var running: [RunningEpisode]
    /// Rows of progress.csv written.
    var progressRows: Int
    /// Returns of the most recent episodes (at most 100).
    var recentReturns: [Double]
    /// Training wall time before this checkpoint, in seconds.
    var wallSeconds: Double
    /// The agent's counters, generator, statistics and current observations.
    var agent: PPOAgent.State
}
