import Agents
import Environments
import Foundation

/// A run of ``RandomAgent`` on a registered environment, logged to a run folder.
///
/// The agent's generator is seeded with ``SeedDerivation/agentSeed(runSeed:)``
/// and episode `i` is reset with ``SeedDerivation/episodeSeed(runSeed:index:)``,
/// so the run seed fixes every action and every episode.
public struct RandomRun {
    /// The name the agent is logged under.
    public static let agentName = "random"

    /// The registered environment name.
    public var environment: String
    /// Option overrides, as given by the user (unknown keys are rejected when the run starts).
    public var optionOverrides: [String: InfoValue]
    /// The run seed.
    public var seed: UInt64
    /// The number of episodes to run.
    public var episodes: Int
    /// An episode that reaches this many steps without ending stops the run with
    /// ``RunError/episodeNeverEnded(environment:episode:maxSteps:)``, instead of looping forever.
    public var maxEpisodeSteps: Int
    /// Where the environment name is looked up.
    public var registry: EnvironmentRegistry

    /// Describes a run; nothing is resolved or written until ``run(in:startedAt:onEpisode:)``.
    public init(environment: String, options: [String: InfoValue] = [:], seed: UInt64, episodes: Int,
                maxEpisodeSteps: Int = 1_000_000, registry: EnvironmentRegistry = .standard) {
        self.environment = environment
        self.optionOverrides = options
        self.seed = seed
        self.episodes = episodes
        self.maxEpisodeSteps = maxEpisodeSteps
        self.registry = registry
    }

    /// Resolves the environment and its options, without writing anything.
    ///
    /// - Throws: ``RegistryError`` for an unknown name, ``OptionError`` for bad
    ///   options, ``RunError/invalidEpisodeCount(_:)`` for fewer than one episode.
    public func configuration(startedAt date: Date = Date()) throws -> RunConfiguration {
        try RunConfiguration.resolve(
            agent: RandomRun.agentName, environment: environment, overrides: optionOverrides, seed: seed, episodes: episodes,
            maxEpisodeSteps: maxEpisodeSteps, registry: registry, startedAt: date)
    }

    /// Runs every episode, writing `config.json` first and then one log line per
    /// episode as it ends; `onEpisode` sees each record after it is written.
    public func run(in folder: RunFolder, startedAt date: Date = Date(),
                    onEpisode: (EpisodeRecord) -> Void = { _ in }) throws -> RunSummary {
        let configuration = try configuration(startedAt: date)
        var environmentInstance = try registry.spec(named: environment).make(configuration.options)
        let writer = try folder.startEpisodeLog(for: configuration)
        var summary = RunSummary(folder: folder, returns: [], lengths: [])
        try runEpisodes(&environmentInstance, configuration: configuration) { record in
            try writer.append(record)
            summary.returns.append(record.episodeReturn)
            summary.lengths.append(record.length)
            onEpisode(record)
        }
        return summary
    }

    /// The episode loop, specialised for the concrete environment type.
    private func runEpisodes<E: Environment>(_ environment: inout E, configuration: RunConfiguration,
                                             record: (EpisodeRecord) throws -> Void) throws {
        guard E.Action.self is any LoggableAction.Type else {
            throw RunError.unloggableActionType(environment: configuration.environment,
                                                actionType: String(describing: E.Action.self))
        }
        var agent = RandomAgent(actionSpace: environment.actionSpace, seed: configuration.agentSeed,
                                observing: E.Observation.self)
        for index in 0..<configuration.episodes {
            let episodeSeed = SeedDerivation.episodeSeed(runSeed: configuration.seed, index: index)
            var observation = try environment.reset(seed: episodeSeed).observation
            let carried = environment.carriedResetOptions
            var actions: [LoggedAction] = []
            var rewards: [Double] = []
            while true {
                guard actions.count < configuration.maxEpisodeSteps else {
                    throw RunError.episodeNeverEnded(environment: configuration.environment, episode: index,
                                                     maxSteps: configuration.maxEpisodeSteps)
                }
                let action = agent.act(observation, explore: true)
                guard let loggedAction = (action as? any LoggableAction)?.loggedAction else {
                    throw RunError.unloggableActionType(environment: configuration.environment,
                                                        actionType: String(describing: E.Action.self))
                }
                let step = try environment.step(action)
                actions.append(loggedAction)
                rewards.append(step.reward)
                observation = step.observation
                if step.terminated || step.truncated {
                    try record(EpisodeRecord(index: index, seed: episodeSeed, actions: actions, rewards: rewards,
                                             terminated: step.terminated, truncated: step.truncated, resetOptions: carried))
                    break
                }
            }
        }
    }
}
