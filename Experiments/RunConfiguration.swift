import Foundation
import Environments

/// Everything that determines a run, resolved: what `config.json` holds.
///
/// Options are complete (defaults filled in) and written as plain JSON values.
public struct RunConfiguration: Equatable, Sendable, Codable {
    /// The agent, such as `"random"`.
    public var agent: String
    /// The registered environment name.
    public var environment: String
    /// Every environment option, resolved.
    public var options: [String: InfoValue]
    /// The run seed.
    public var seed: UInt64
    /// The seed of the agent's generator, derived from ``seed``.
    public var agentSeed: UInt64
    /// The number of episodes the run was asked for.
    public var episodes: Int
    /// The step count at which an episode that never ends stops the run with an error
    /// (a safety cap, not a time limit: the environment's own options set truncation).
    public var maxEpisodeSteps: Int
    /// How episode and agent seeds are derived from ``seed`` (``SeedDerivation/summary``).
    public var seedDerivation: String
    /// The project version (``Environments/version``).
    public var projectVersion: String
    /// When the run started, as a UTC timestamp (``RunFolder/utcTimestamp(_:)``).
    public var startedAt: String

    /// Creates a configuration.
    public init(agent: String, environment: String, options: [String: InfoValue], seed: UInt64, agentSeed: UInt64,
                episodes: Int, maxEpisodeSteps: Int, seedDerivation: String = SeedDerivation.summary,
                projectVersion: String = Environments.version, startedAt: String) {
        self.agent = agent
        self.environment = environment
        self.options = options
        self.seed = seed
        self.agentSeed = agentSeed
        self.episodes = episodes
        self.maxEpisodeSteps = maxEpisodeSteps
        self.seedDerivation = seedDerivation
        self.projectVersion = projectVersion
        self.startedAt = startedAt
    }

    enum CodingKeys: String, CodingKey {
        case agent, environment, options, seed
        case agentSeed = "agent_seed"
        case episodes
        case maxEpisodeSteps = "episode_step_cap"
        case seedDerivation = "seed_derivation"
        case projectVersion = "project_version"
        case startedAt = "started_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        agent = try container.decode(String.self, forKey: .agent)
        environment = try container.decode(String.self, forKey: .environment)
        options = try container.decode([String: PlainInfoValue].self, forKey: .options).mapValues(\.value)
        seed = try container.decode(UInt64.self, forKey: .seed)
        agentSeed = try container.decode(UInt64.self, forKey: .agentSeed)
        episodes = try container.decode(Int.self, forKey: .episodes)
        maxEpisodeSteps = try container.decode(Int.self, forKey: .maxEpisodeSteps)
        seedDerivation = try container.decode(String.self, forKey: .seedDerivation)
        projectVersion = try container.decode(String.self, forKey: .projectVersion)
        startedAt = try container.decode(String.self, forKey: .startedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agent, forKey: .agent)
        try container.encode(environment, forKey: .environment)
        try container.encode(options.mapValues(PlainInfoValue.init), forKey: .options)
        try container.encode(seed, forKey: .seed)
        try container.encode(agentSeed, forKey: .agentSeed)
        try container.encode(episodes, forKey: .episodes)
        try container.encode(maxEpisodeSteps, forKey: .maxEpisodeSteps)
        try container.encode(seedDerivation, forKey: .seedDerivation)
        try container.encode(projectVersion, forKey: .projectVersion)
        try container.encode(startedAt, forKey: .startedAt)
    }
}

extension RunConfiguration {
    /// Resolves an episode run of `agent` on the registered `environment`: the
    /// spec's options with `overrides` applied and the seeds derived from `seed`.
    ///
    /// - Throws: ``RegistryError`` for an unknown name, ``OptionError`` for bad
    ///   options, ``RunError/invalidEpisodeCount(_:)`` for fewer than one episode.
    static func resolve(
        agent: String, environment: String, overrides: [String: InfoValue], seed: UInt64, episodes: Int,
        maxEpisodeSteps: Int, registry: EnvironmentRegistry, startedAt date: Date
    ) throws -> RunConfiguration {
        guard episodes >= 1 else { throw RunError.invalidEpisodeCount(episodes) }
        let spec = try registry.spec(named: environment)
        let options = try spec.resolveOptions(overrides)
        return RunConfiguration(
            agent: agent, environment: spec.name, options: EnvironmentFiles.absolutized(options.values), seed: seed,
            agentSeed: SeedDerivation.agentSeed(runSeed: seed), episodes: episodes,
            maxEpisodeSteps: maxEpisodeSteps, startedAt: RunFolder.utcTimestamp(date))
    }
}

extension RunFolder {
    /// Writes `configuration` to `config.json` and starts `episodes.jsonl` with its header.
    func startEpisodeLog(for configuration: RunConfiguration) throws -> EpisodeLogWriter {
        try writeConfiguration(configuration)
        return try EpisodeLogWriter(
            url: episodesURL,
            header: EpisodeLogHeader(environment: configuration.environment, options: configuration.options,
                                     agent: configuration.agent, seed: configuration.seed))
    }
}
