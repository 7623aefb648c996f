import Environments
import Agents

/// Everything that determines an off-policy training run (DQN, DRQN), resolved:
/// what its `config.json` holds.
///
/// The hyperparameters are written under the agent's name (`"dqn": {...}`,
/// `"drqn": {...}`). `rlrun <agent> --resume RUN` reads the file back, so a
/// resumed run continues with exactly the configuration it started with.
public struct OffPolicyRunConfiguration<Config: AgentConfiguration>: Codable, Sendable, Equatable {
    /// The algorithm, such as `"dqn"`; also the key of the hyperparameters.
    public var agent: String
    /// The registered environment name.
    public var environment: String
    /// Every environment option, resolved (defaults included).
    public var options: [String: InfoValue]
    /// The preset file the run started from.
    public var presetFile: String
    /// The runner's settings (seeds, intervals, evaluation).
    public var run: RunSettings
    /// The agent's hyperparameters.
    public var agentConfig: Config
    /// The seed of the agent's generator, derived from the run seed.
    public var agentSeed: UInt64
    /// How episode and agent seeds derive from the run seed.
    public var seedDerivation = SeedDerivation.summary
    /// The project version.
    public var projectVersion = Environments.version
    /// When the run started (UTC).
    public var startedAt: String

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Resolves `preset` for `agent` against the registry: unknown environments and options are errors.
    public init(agent: String, preset: Preset<Config>, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        let spec = try registry.spec(named: preset.environment)
        self.agent = agent
        environment = spec.name
        options = try preset.resolvedTrainingOptions(spec)
        presetFile = preset.file
        run = preset.run
        agentConfig = preset.agentConfig
        agentSeed = SeedDerivation.agentSeed(runSeed: preset.run.seed)
        self.startedAt = startedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        agent = try container.decode(String.self, forKey: Key("agent"))
        environment = try container.decode(String.self, forKey: Key("environment"))
        options = try container.decode([String: InfoValue].self, forKey: Key("options"))
        presetFile = try container.decode(String.self, forKey: Key("preset_file"))
        run = try container.decode(RunSettings.self, forKey: Key("run"))
        agentConfig = try container.decode(Config.self, forKey: Key(agent))
        agentSeed = try container.decode(UInt64.self, forKey: Key("agent_seed"))
        seedDerivation = try container.decode(String.self, forKey: Key("seed_derivation"))
        projectVersion = try container.decode(String.self, forKey: Key("project_version"))
        startedAt = try container.decode(String.self, forKey: Key("started_at"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(agent, forKey: Key("agent"))
        try container.encode(environment, forKey: Key("environment"))
        try container.encode(options, forKey: Key("options"))
        try container.encode(presetFile, forKey: Key("preset_file"))
        try container.encode(run, forKey: Key("run"))
        try container.encode(agentConfig, forKey: Key(agent))
        try container.encode(agentSeed, forKey: Key("agent_seed"))
        try container.encode(seedDerivation, forKey: Key("seed_derivation"))
        try container.encode(projectVersion, forKey: Key("project_version"))
        try container.encode(startedAt, forKey: Key("started_at"))
    }
}

/// A DQN run's configuration.
public typealias DQNRunConfiguration = OffPolicyRunConfiguration<DQNConfig>
/// A DRQN run's configuration.
public typealias DRQNRunConfiguration = OffPolicyRunConfiguration<DRQNConfig>

extension OffPolicyRunConfiguration where Config == DQNConfig {
    /// Resolves a DQN preset against the registry.
    public init(preset: Preset<DQNConfig>, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        try self.init(agent: DQNAgent.kind.name, preset: preset, registry: registry, startedAt: startedAt)
    }

    /// The DQN hyperparameters.
    public var dqn: DQNConfig {
        get { agentConfig }
        set { agentConfig = newValue }
    }
}

extension OffPolicyRunConfiguration where Config == DRQNConfig {
    /// The DRQN hyperparameters.
    public var drqn: DRQNConfig {
        get { agentConfig }
        set { agentConfig = newValue }
    }
}

extension RunSettings {
    enum CodingKeys: String, CodingKey {
        case seed
        case evaluationEpisodes = "eval_episodes"
        case evaluationSeed = "eval_seed"
        case logInterval = "log_interval"
        case checkpointInterval = "checkpoint_interval"
        case keepCheckpoints = "keep_checkpoints"
    }
}
