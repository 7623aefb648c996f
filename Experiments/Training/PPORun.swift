import Foundation
import Environments
import Agents
import Neural

/// A PPO training run (`ppo` or `ppo-lstm`) in a run folder: `n_envs`
/// environment copies stepped together as one `VectorEnvironment` (same-step
/// autoreset, each new episode's seed from the run's seed derivation), with
/// episode log, progress.csv, checkpoints, exact resume and a final greedy
/// evaluation, on a ``TrainingSession``.
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
/// resume restores the copies by replaying those actions from their seeds
/// (`VectorEnvironment.restoreCopy`).
///
/// Actions: a `Discrete` space gets a categorical policy, a `Box` a diagonal
/// Gaussian one (``PPOActionSpace``). Box actions are logged as the copies took
/// them (clipped to the box), each `Float` widened exactly to a JSON number, so
/// replay and resume step the environment with the very same floats.
///
/// Determinism: with one BLAS thread, the same configuration writes the same
/// `episodes.jsonl`, and a run stopped and resumed writes the same lines as one
/// never stopped.
public final class PPORun {
    /// The run folder.
    public let folder: RunFolder
    /// The kind of agent trained (``AgentKind/ppo`` or ``AgentKind/ppoLSTM``).
    public let kind: AgentKind
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
    /// The folder's lock, and what a resume still owes the folder when training starts.
    private var hold = FolderHold()
    /// What a resume found worth telling: a corrupt checkpoint skipped, a restart from step 0.
    public private(set) var resumeNotices: [String] = []

    /// The columns of progress.csv.
    public static let progressHeader =
        "env_steps,episodes,mean_return_100,loss,policy_loss,value_loss,entropy,approx_kl,clip_fraction,learning_rate,clip_range,steps_per_second,wall_seconds"

    /// How copies' episodes get seeds and log indices, in words (written into config.json).
    public static let episodeScheme =
        "every episode of every copy is reset with episode seed(k) of the seed derivation, k counting episode starts "
        + "(copies 0..<n_envs take k = 0..<n_envs; each later start takes the next k, copies in order within a step); "
        + "episodes.jsonl numbers episodes in the order they end (copies in order within a step) and records each seed"

    /// Starts a new run of `preset` for `agent` (`ppo` or `ppo-lstm`) in `folder`, writing its config.json.
    public convenience init(preset: PPOPreset, agent: String, folder: RunFolder, registry: EnvironmentRegistry = .standard,
                            stopRequest: StopRequest = StopRequest(), startedAt: Date = Date()) throws {
        try self.init(configuration: Self.configuration(of: preset, agent: agent, registry: registry, startedAt: startedAt),
                      folder: folder, registry: registry, stopRequest: stopRequest)
    }

    /// Resolves and checks `preset` for `agent`: everything that can refuse a new
    /// run, done before its folder exists so a refused run leaves none behind.
    static func configuration(of preset: PPOPreset, agent: String, registry: EnvironmentRegistry,
                              startedAt: Date) throws -> PPORunConfiguration {
        let configuration = try PPORunConfiguration(preset: preset, agent: agent, registry: registry,
                                                    startedAt: RunFolder.utcTimestamp(startedAt))
        try configuration.checkAgentFits(registry: registry)
        return configuration
    }

    /// Starts a new run of the checked `configuration` in `folder`, writing its config.json.
    init(configuration: PPORunConfiguration, folder: RunFolder, registry: EnvironmentRegistry, stopRequest: StopRequest) throws {
        hold.lock = try RunFolderLock(folder: folder)
        try folder.writeConfiguration(configuration)
        self.folder = folder
        kind = try AgentRegistry.standard.kind(named: configuration.agent)
        self.configuration = configuration
        self.registry = registry
        self.stopRequest = stopRequest
        resumeState = nil
    }

    /// Reopens the run in `url` to continue from its newest checkpoint.
    ///
    /// - Parameter totalSteps: a new step budget; the linear schedules follow it from the resume point on.
    public init(resuming url: URL, totalSteps: Int? = nil, registry: EnvironmentRegistry = .standard,
                stopRequest: StopRequest = StopRequest()) throws {
        folder = RunFolder(url: url)
        kind = try Training.kind(ofRun: url)
        let point = try folder.resumePoint(as: PPOTrainingState.self)
        let lock: RunFolderLock?
        (configuration, lock) = try PPORunConfiguration.reopen(url, stepsDone: point.resume?.state.step ?? 0, totalSteps: totalSteps)
        hold = FolderHold(lock: lock, budgetChanged: lock != nil, restartsFromScratch: point.resume == nil)
        resumeState = point.resume
        resumeNotices = point.notices
        self.registry = registry
        self.stopRequest = stopRequest
    }

    /// Makes one copy of the configured environment, with `[Float]` observations and `Int` actions.
    func makeEnvironment() throws -> AnyEnvironment<[Float], Int> {
        try configuration.makeEnvironment(registry: registry)
    }

    /// Makes one copy of the configured environment, with `[Float]` observations and `[Float]` (`Box`) actions.
    func makeContinuousEnvironment() throws -> AnyEnvironment<[Float], [Float]> {
        try configuration.makeEnvironment(registry: registry, actions: [Float].self)
    }

    /// Makes an agent with the run's networks and seed (weights as initialised),
    /// and the offset of the environment's `Discrete` actions (0 for a `Box`).
    func makeAgent() throws -> (agent: PPOAgent, actionOffset: Int) {
        let (box, actions, offset) = try configuration.onPolicySpaces(
            of: registry.spec(named: configuration.environment).make(configuration.options))
        let agent = try PPOAgent(observationShape: box.shape, actionSpace: actions, config: configuration.ppo,
                                 seed: configuration.agentSeed)
        return (agent, offset)
    }

    /// Trains until the step budget is spent (whole rollouts) or a stop is requested,
    /// then (when completed) evaluates greedily and writes eval.json.
    public func train() throws -> TrainingOutcome {
        try hold.settle(folder: folder, configuration: configuration)
        let (agent, actionOffset) = try makeAgent()
        if agent.actionSpace.isContinuous {
            return try train(agent, actions: .continuous, makeEnvironment: makeContinuousEnvironment)
        }
        return try train(agent, actions: .discrete(offset: actionOffset), makeEnvironment: makeEnvironment)
    }

    /// The training loop for either kind of action (see ``PPOActionCoding``).
    private func train<Action: LoggableAction>(
        _ agent: PPOAgent, actions coding: PPOActionCoding<Action>, makeEnvironment: @escaping () throws -> AnyEnvironment<[Float], Action>
    ) throws -> TrainingOutcome {
        let settings = configuration.run
        let copies = configuration.ppo.environmentCount
        let session = try TrainingSession(
            folder: folder, settings: settings, totalSteps: configuration.ppo.totalSteps,
            logHeader: EpisodeLogHeader(environment: configuration.environment, options: configuration.options,
                                        agent: configuration.agent, seed: settings.seed),
            progressHeader: Self.progressHeader,
            initial: PPOTrainingState(step: 0, episodesFinished: 0, nextSeedIndex: 0, running: [], progressRows: 0,
                                      recentReturns: [], wallSeconds: 0, agent: agent.state),
            resume: resumeState, stopRequest: stopRequest, stopAfterSteps: stopAfterSteps, onProgress: onProgress)
        // Every episode of every copy takes the next seed index, in the order episodes start (see episodeScheme).
        let environments = try VectorEnvironment(count: copies, autoresetMode: .sameStep, nextEpisodeSeed: { _ in
            defer { session.state.nextSeedIndex += 1 }
            return SeedDerivation.episodeSeed(runSeed: settings.seed, index: session.state.nextSeedIndex)
        }) { _ in try makeEnvironment() }
        /// The episode copy `copy` has just started: its seed and what it carried in.
        func newEpisode(of copy: Int) -> RunningEpisode {
            RunningEpisode(seed: environments.episodeSeed(ofCopy: copy)!, actions: [], rewards: [],
                           resetOptions: environments.environment(at: copy).carriedResetOptions.nonEmpty)
        }
        if try session.restore(agent) != nil {
            // Bring every copy to where the checkpoint left its running episode.
            for (copy, episode) in session.state.running.enumerated() {
                var taken: [Action] = []
                for (step, kept) in episode.actions.enumerated() {
                    guard let action = coding.take(kept) else {
                        throw TrainingError.resumeMismatch(episode: session.state.episodesFinished, step: step)
                    }
                    taken.append(action)
                }
                let rewards = try environments.restoreCopy(copy, seed: episode.seed, actions: taken,
                                                           options: episode.resetOptions ?? [:])
                if let step = episode.rewards.indices.first(where: { $0 >= rewards.count || rewards[$0] != episode.rewards[$0] }) {
                    throw TrainingError.resumeMismatch(episode: session.state.episodesFinished, step: step)
                }
            }
        } else {
            let reset = try environments.reset()
            session.state.running = (0..<copies).map { newEpisode(of: $0) }
            agent.setObservations(reset.observations, episodeStarts: [Bool](repeating: true, count: copies))
        }
        func latestLoss() -> Double? { agent.lastStatistics.map { Double($0.loss) } }

        var starts = [Bool](repeating: false, count: copies)
        var bootstrap: [(environment: Int, observation: [Float])] = []
        while session.state.step < session.totalSteps || agent.buffer.stepsStored > 0 {
            if agent.buffer.stepsStored == 0, let stopped = try session.stopIfRequested(agent) { return stopped }
            let actions = coding.act(agent)
            let step = try environments.step(actions)
            bootstrap.removeAll(keepingCapacity: true)
            for copy in 0..<copies {
                let reward = step.rewards[copy]
                guard reward.isFinite else {
                    throw TrainingError.nonFiniteReward(environment: configuration.environment, episode: session.state.episodesFinished,
                                                        step: session.state.running[copy].actions.count, reward: reward)
                }
                session.state.running[copy].actions.append(coding.keep(actions[copy]))
                session.state.running[copy].rewards.append(reward)
                let terminated = step.terminated[copy], truncated = step.truncated[copy]
                starts[copy] = terminated || truncated
                guard starts[copy] else { continue }
                if truncated && !terminated, let final = step.finalObservation(ofCopy: copy) { bootstrap.append((copy, final)) }
                let episode = session.state.running[copy]
                try session.endEpisode(EpisodeRecord(
                    index: session.state.episodesFinished, seed: episode.seed, actions: episode.actions.map(coding.log),
                    rewards: episode.rewards, terminated: terminated, truncated: truncated, resetOptions: episode.resetOptions ?? [:]))
                session.state.running[copy] = newEpisode(of: copy)
            }
            agent.recordRewards(step.rewards, bootstrapObservations: bootstrap)
            agent.setObservations(step.observations, episodeStarts: starts)
            let stepBefore = session.state.step
            session.state.step += copies

            if agent.buffer.isFull {
                do {
                    try agent.update()
                } catch let error as PPOError {
                    throw TrainingError.ppoDiverged(error, lastCheckpointStep: session.lastCheckpointStep)
                }
                let step = session.state.step
                if step / settings.logInterval > (step - configuration.ppo.rolloutSize) / settings.logInterval {
                    try session.writeProgressRow(epsilon: 0, loss: latestLoss(), scalars: Self.scalars(agent.lastStatistics)) {
                        self.progressLine($0, agent.lastStatistics)
                    }
                }
                let crossedInterval = step / settings.checkpointInterval > (session.lastCheckpointStep ?? 0) / settings.checkpointInterval
                if crossedInterval || step >= session.totalSteps {
                    try session.writeCheckpoint(agent)
                }
            } else if stepBefore / 128 != session.state.step / 128 {
                session.reportLiveProgress(epsilon: 0, loss: latestLoss())
            }
        }
        let policy = coding.greedyPolicy(agent)
        return try session.finish(beginEpisode: policy.beginEpisode, act: policy.action, agentName: configuration.agent,
                                  environment: configuration.environment, options: configuration.options,
                                  makeEnvironment: makeEnvironment)
    }

    /// An update's statistics as TensorBoard scalars (`train/...`).
    private static func scalars(_ statistics: PPOUpdateStatistics?) -> [(tag: String, value: Double)] {
        guard let s = statistics else { return [] }
        return [("train/policy_loss", s.policyLoss), ("train/value_loss", s.valueLoss), ("train/entropy", s.entropy),
                ("train/approx_kl", s.approximateKL), ("train/clip_fraction", s.clipFraction),
                ("train/learning_rate", s.learningRate), ("train/clip_range", s.clipRange)]
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

    /// An agent with the newest checkpoint's weights and statistics, its action
    /// offset, and the checkpoint's step (for a run opened with `resuming:`).
    func restoredAgent() throws -> (agent: PPOAgent, actionOffset: Int, step: Int) {
        guard let (state, checkpoint) = resumeState else {
            throw TrainingError.nothingToResume(path: folder.url.path, reason: "no complete checkpoint")
        }
        let (agent, offset) = try makeAgent()
        try agent.restoreTensors(checkpointFolder: checkpoint)
        agent.restore(state.agent)
        return (agent, offset, state.step)
    }
}

/// How a PPO run's actions travel: sampled by the agent as the copies take them,
/// kept in each copy's running episode (state.json), taken again on resume, and
/// written to the episode log; and the greedy policy that evaluation plays.
///
/// Discrete actions are kept as the agent numbers them (from 0, as checkpoints
/// always have) and logged with the `Discrete` space's start added; `Box` actions
/// are kept and logged as the copies took them (clipped), `Float`s widened exactly.
struct PPOActionCoding<Action: LoggableAction> {
    /// One action per copy, as the copies take them; the rollout stores the step.
    var act: (PPOAgent) -> [Action]
    /// A taken action as a running episode keeps it.
    var keep: (Action) -> LoggedAction
    /// A kept action as the environment takes it; nil when it has the wrong shape.
    var take: (LoggedAction) -> Action?
    /// A kept action as episodes.jsonl holds it.
    var log: (LoggedAction) -> LoggedAction
    /// The greedy policy, choosing actions as the environment takes them.
    var greedyPolicy: (PPOAgent) -> PPOGreedyPlay<Action>
}

extension PPOActionCoding where Action == Int {
    /// `Discrete` actions starting at `offset`: a categorical policy.
    static func discrete(offset: Int) -> PPOActionCoding {
        PPOActionCoding(
            act: { $0.act().map { $0 + offset } },
            keep: { .integer($0 - offset) },
            take: { Int(loggedAction: $0).map { $0 + offset } },
            log: { logged in Int(loggedAction: logged).map { .integer($0 + offset) } ?? logged },
            greedyPolicy: { agent in
                let policy = agent.makePolicy()
                return PPOGreedyPlay(beginEpisode: policy.beginEpisode, action: { policy.action(for: $0) + offset })
            })
    }
}

extension PPOActionCoding where Action == [Float] {
    /// `Box` actions: a diagonal Gaussian policy, samples clipped to the box.
    static var continuous: PPOActionCoding {
        PPOActionCoding(
            act: { $0.actContinuous() },
            keep: { $0.loggedAction },
            take: { [Float](loggedAction: $0) },
            log: { $0 },
            greedyPolicy: { agent in
                let policy = agent.makeContinuousPolicy()
                return PPOGreedyPlay(beginEpisode: policy.beginEpisode, action: policy.action(for:))
            })
    }
}

/// A greedy policy as evaluation plays it: actions as the environment takes them.
struct PPOGreedyPlay<Action> {
    /// Clears a recurrent policy's memory before an episode.
    var beginEpisode: () -> Void
    /// The greedy action for an observation.
    var action: ([Float]) -> Action
}

/// One copy's episode in progress: its seed and what happened so far.
struct RunningEpisode: Codable, Equatable {
    var seed: UInt64
    /// The actions so far, as ``PPOActionCoding/keep`` keeps them (in JSON, a
    /// discrete action is a bare integer, as before `Box` actions existed).
    var actions: [LoggedAction]
    var rewards: [Double]
    /// What the environment carried into the episode besides its seed; `nil` when nothing.
    var resetOptions: [String: InfoValue]?
}

/// What a PPO checkpoint's `state.json` holds besides tensors.
struct PPOTrainingState: SessionState {
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

extension PPORun: TrainingRun {
    public var environmentName: String { configuration.environment }
    public var environmentOptions: [String: InfoValue] { configuration.options }
    public var seed: UInt64 { configuration.run.seed }
    public var totalSteps: Int { configuration.ppo.totalSteps }
    public var environmentCount: Int { configuration.ppo.environmentCount }
}
