import Foundation
import Environments
import Agents
import Neural

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
    /// The folder's lock, and what a resume still owes the folder when training starts.
    private var hold = FolderHold()
    /// What a resume found worth telling: a corrupt checkpoint skipped, a restart from step 0.
    public private(set) var resumeNotices: [String] = []

    /// Starts a new run of `preset` in `folder`, writing its config.json.
    public convenience init(preset: Preset<Agent.Config>, folder: RunFolder, registry: EnvironmentRegistry = .standard,
                            stopRequest: StopRequest = StopRequest(), startedAt: Date = Date()) throws {
        try self.init(configuration: Self.configuration(of: preset, registry: registry, startedAt: startedAt), folder: folder,
                      registry: registry, stopRequest: stopRequest)
    }

    /// Resolves and checks `preset`: everything that can refuse a new run, done
    /// before its folder exists so a refused run leaves none behind.
    static func configuration(of preset: Preset<Agent.Config>, registry: EnvironmentRegistry,
                              startedAt: Date) throws -> OffPolicyRunConfiguration<Agent.Config> {
        let configuration = try OffPolicyRunConfiguration(kind: Agent.kind, preset: preset, registry: registry,
                                                          startedAt: RunFolder.utcTimestamp(startedAt))
        try configuration.checkAgentFits(registry: registry)
        if configuration.usesHindsightReplay { _ = try configuration.hindsightGoals(of: configuration.makeEnvironment(registry: registry)) }
        return configuration
    }

    /// Starts a new run of the checked `configuration` in `folder`, writing its config.json.
    init(configuration: OffPolicyRunConfiguration<Agent.Config>, folder: RunFolder, registry: EnvironmentRegistry,
         stopRequest: StopRequest) throws {
        hold.lock = try RunFolderLock(folder: folder)
        try folder.writeConfiguration(configuration)
        self.folder = folder
        self.configuration = configuration
        self.registry = registry
        self.stopRequest = stopRequest
        self.resumeState = nil
    }

    /// Reopens the run in `url` to continue from its newest checkpoint.
    ///
    /// - Parameter totalSteps: a new step budget (the configuration's otherwise);
    ///   changing it changes the ε schedule from the resume point on.
    public init(resuming url: URL, totalSteps: Int? = nil, registry: EnvironmentRegistry = .standard,
                stopRequest: StopRequest = StopRequest()) throws {
        folder = RunFolder(url: url)
        let kindOfRun = try Training.kind(ofRun: url)
        guard kindOfRun.name == Agent.kind.name else {
            throw TrainingError.nothingToResume(path: url.path, reason: "it is a \(kindOfRun.name) run, not a \(Agent.kind.name) run")
        }
        let point = try folder.resumePoint(as: OffPolicyTrainingState<Agent.State>.self)
        let lock: RunFolderLock?
        (configuration, lock) = try OffPolicyRunConfiguration.reopen(url, stepsDone: point.resume?.state.step ?? 0, totalSteps: totalSteps)
        hold = FolderHold(lock: lock, budgetChanged: lock != nil, restartsFromScratch: point.resume == nil)
        resumeState = point.resume
        resumeNotices = point.notices
        self.registry = registry
        self.stopRequest = stopRequest
    }

    /// Makes the configured environment as one with `[Float]` observations and `Int` actions.
    func makeEnvironment() throws -> AnyEnvironment<[Float], Int> {
        try configuration.makeEnvironment(registry: registry)
    }

    /// Makes an agent with the run's networks and seed (weights as initialised).
    func makeAgent<E: Environment>(for environment: E) throws -> (agent: Agent, actionOffset: Int) {
        let (box, discrete) = try configuration.agentSpaces(of: environment)
        let agent = try Agent(observationSpace: box, actionCount: discrete.n, config: configuration.agentConfig, seed: configuration.agentSeed)
        if let agent = agent as? DQNAgent { agent.hindsightGoals = try configuration.hindsightGoals(of: environment) }
        return (agent, discrete.start)
    }

    /// Trains until the step budget is spent or a stop is requested, then (when
    /// completed) evaluates greedily and writes eval.json.
    public func train() throws -> TrainingOutcome {
        try hold.settle(folder: folder, configuration: configuration)
        var environment = try makeEnvironment()
        let settings = configuration.run
        let (agent, actionOffset) = try makeAgent(for: environment)
        let session = try TrainingSession(
            folder: folder, settings: settings, totalSteps: configuration.agentConfig.totalSteps,
            logHeader: EpisodeLogHeader(environment: configuration.environment, options: configuration.options,
                                        agent: Agent.kind.name, seed: settings.seed),
            progressHeader: ProgressRow.header,
            initial: OffPolicyTrainingState(step: 0, episodesFinished: 0,
                                            episodeSeed: SeedDerivation.episodeSeed(runSeed: settings.seed, index: 0),
                                            episodeActions: [], episodeRewards: [], episodeResetOptions: nil,
                                            progressRows: 0, recentReturns: [],
                                            recentLoss: nil, wallSeconds: 0, agent: agent.state),
            resume: resumeState, stopRequest: stopRequest, stopAfterSteps: stopAfterSteps, onProgress: onProgress)
        if let checkpoint = try session.restore(agent) {
            try agent.restoreReplay(from: [UInt8](Data(contentsOf: checkpoint.appendingPathComponent("replay.bin"))))
        }

        // Bring the environment to where the checkpoint left the running episode.
        var observation = try environment.reset(seed: session.state.episodeSeed, options: session.state.episodeResetOptions ?? [:])
            .observation
        session.state.episodeResetOptions = environment.carriedResetOptions.nonEmpty
        for (index, action) in session.state.episodeActions.enumerated() {
            let step = try environment.step(action + actionOffset)
            guard step.reward == session.state.episodeRewards[index] else {
                throw TrainingError.resumeMismatch(episode: session.state.episodesFinished, step: index)
            }
            observation = step.observation
        }
        var episodeReturn = EpisodeRecord.sum(session.state.episodeRewards)
        // Hindsight replay keeps the goal each state achieves; read only when it is on.
        let readsAchievedGoals = configuration.usesHindsightReplay
        func achievedGoal() -> Int? {
            readsAchievedGoals ? (environment.base as? any HindsightGoalProviding)?.achievedGoal : nil
        }
        var achieved = achievedGoal()

        while session.state.step < session.totalSteps {
            if let stopped = try session.stopIfRequested(agent, replay: { agent.serializedReplay() }) { return stopped }
            let action = agent.act(observation, explore: true)
            let step = try environment.step(action + actionOffset)
            guard step.reward.isFinite else {
                throw TrainingError.nonFiniteReward(environment: configuration.environment, episode: session.state.episodesFinished,
                                                    step: session.state.episodeActions.count, reward: step.reward)
            }
            session.state.step += 1
            session.state.episodeActions.append(action)
            session.state.episodeRewards.append(step.reward)
            let nextAchieved = achievedGoal()
            do {
                if let loss = try agent.observe(Transition(observation: observation, action: action, reward: step.reward,
                                                           nextObservation: step.observation,
                                                           terminated: step.terminated, truncated: step.truncated),
                                                achievedGoals: (achieved, nextAchieved)) {
                    session.state.recentLoss = Double(loss)
                }
            } catch let error as DQNError {
                throw TrainingError.diverged(error, lastCheckpointStep: session.lastCheckpointStep)
            }
            observation = step.observation
            achieved = nextAchieved
            if let onStep {
                episodeReturn += step.reward
                onStep(TrainingStep(step: session.state.step, episode: session.state.episodesFinished,
                                    episodeStep: session.state.episodeActions.count, episodeReturn: episodeReturn,
                                    action: action + actionOffset, reward: step.reward,
                                    terminated: step.terminated, truncated: step.truncated),
                       { environment.render() })
            }

            if step.terminated || step.truncated {
                try session.endEpisode(EpisodeRecord(
                    index: session.state.episodesFinished, seed: session.state.episodeSeed,
                    actions: session.state.episodeActions.map { .integer($0 + actionOffset) },
                    rewards: session.state.episodeRewards, terminated: step.terminated, truncated: step.truncated,
                    resetOptions: session.state.episodeResetOptions ?? [:]))
                session.state.episodeSeed = SeedDerivation.episodeSeed(runSeed: settings.seed, index: session.state.episodesFinished)
                session.state.episodeActions.removeAll(keepingCapacity: true)
                session.state.episodeRewards.removeAll(keepingCapacity: true)
                episodeReturn = 0
                observation = try environment.reset(seed: session.state.episodeSeed).observation
                achieved = achievedGoal()
                session.state.episodeResetOptions = environment.carriedResetOptions.nonEmpty
            }

            if session.state.step % settings.logInterval == 0 {
                try session.writeProgressRow(epsilon: agent.epsilon, loss: session.state.recentLoss,
                                             scalars: [("train/epsilon", agent.epsilon),
                                                       ("train/learning_rate", Double(agent.optimizer.learningRate))])
            } else if session.state.step & 127 == 0 {
                session.reportLiveProgress(epsilon: agent.epsilon, loss: session.state.recentLoss)
            }
            if session.state.step % settings.checkpointInterval == 0 || session.state.step == session.totalSteps {
                try session.writeCheckpoint(agent, replay: agent.serializedReplay())
            }
        }
        return try session.finish(evaluating: agent, agentName: Agent.kind.name, environment: configuration.environment,
                                  options: configuration.options, makeEnvironment: makeEnvironment, actionOffset: actionOffset)
    }

    // MARK: - Evaluation

    /// A learner with the newest checkpoint's weights, its action offset, and the
    /// checkpoint's step (for a run opened with `resuming:`).
    func restoredAgent() throws -> (agent: Agent, actionOffset: Int, step: Int) {
        guard let (state, checkpoint) = resumeState else {
            throw TrainingError.nothingToResume(path: folder.url.path, reason: "no complete checkpoint")
        }
        let (agent, offset) = try makeAgent(for: try makeEnvironment())
        try agent.restoreTensors(checkpointFolder: checkpoint)
        return (agent, offset, state.step)
    }
}

extension OffPolicyRunConfiguration {
    /// Whether the agent replays in hindsight (a DQN with `n_sampled_goal` > 0).
    var usesHindsightReplay: Bool { ((agentConfig as? DQNConfig)?.nSampledGoal ?? 0) > 0 }

    /// What hindsight replay needs of `environment` when the agent is configured
    /// for it (``usesHindsightReplay``), else `nil`.
    ///
    /// - Throws: ``TrainingError/noHindsightGoals(environment:)`` when it is needed
    ///   and the environment (as configured, wrappers included) offers none.
    func hindsightGoals<E: Environment>(of environment: E) throws -> (any HindsightGoals)? {
        guard usesHindsightReplay else { return nil }
        let bare: any Environment = (environment as? AnyEnvironment<[Float], Int>)?.base ?? environment
        guard let goals = (bare as? any HindsightGoalProviding)?.hindsightGoals else {
            throw TrainingError.noHindsightGoals(environment: self.environment)
        }
        return goals
    }
}

/// A DQN training run.
public typealias DQNRun = OffPolicyRun<DQNAgent>
/// A DRQN training run.
public typealias DRQNRun = OffPolicyRun<DRQNAgent>

extension OffPolicyRun: StepObservableRun {
    public var kind: AgentKind { Agent.kind }
    public var environmentName: String { configuration.environment }
    public var environmentOptions: [String: InfoValue] { configuration.options }
    public var seed: UInt64 { configuration.run.seed }
    public var totalSteps: Int { configuration.agentConfig.totalSteps }
    public var environmentCount: Int { 1 }
}

extension Dictionary {
    /// The dictionary, or `nil` when it is empty.
    var nonEmpty: Self? { isEmpty ? nil : self }
}
