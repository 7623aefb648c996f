import Environments
import Agents

/// Everything that determines a DQN run, resolved: what its `config.json` holds.
///
/// `rlrun dqn --resume RUN` reads it back, so a resumed run continues with exactly
/// the configuration it started with.
public struct DQNRunConfiguration: Codable, Sendable, Equatable {
    /// Always `"dqn"`.
    public var agent = "dqn"
    /// The registered environment name.
    public var environment: String
    /// Every environment option, resolved (defaults included).
    public var options: [String: InfoValue]
    /// The preset file the run started from.
    public var presetFile: String
    /// The runner's settings (seeds, intervals, evaluation).
    public var run: RunSettings
    /// The agent's hyperparameters.
    public var dqn: DQNConfig
    /// The seed of the agent's generator, derived from the run seed.
    public var agentSeed: UInt64
    /// How episode and agent seeds derive from the run seed.
    public var seedDerivation = SeedDerivation.summary
    /// The project version.
    public var projectVersion = Environments.version
    /// When the run started (UTC).
    public var startedAt: String

    enum CodingKeys: String, CodingKey {
        case agent, environment, options, run, dqn
        case presetFile = "preset_file"
        case agentSeed = "agent_seed"
        case seedDerivation = "seed_derivation"
        case projectVersion = "project_version"
        case startedAt = "started_at"
    }

    /// Resolves `preset` against the registry: unknown environments and options are errors.
    public init(preset: Preset<DQNConfig>, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        let spec = try registry.spec(named: preset.environment)
        environment = spec.name
        options = try spec.resolveOptions(preset.environmentOptions).values
        presetFile = preset.file
        run = preset.run
        dqn = preset.dqn
        agentSeed = SeedDerivation.agentSeed(runSeed: preset.run.seed)
        self.startedAt = startedAt
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
