import Environments
import Agents

/// A preset of ``PPOConfig`` hyperparameters (`Presets/ppo/*.yaml`, `Presets/ppo-lstm/*.yaml`).
public typealias PPOPreset = Preset<PPOConfig>

/// Everything that determines a PPO run, resolved: what its `config.json` holds.
public struct PPORunConfiguration: Codable, Sendable, Equatable {
    /// `"ppo"` (no LSTM) or `"ppo-lstm"`.
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
    public var ppo: PPOConfig
    /// The seed of the agent's generator, derived from the run seed.
    public var agentSeed: UInt64
    /// How episode and agent seeds derive from the run seed.
    public var seedDerivation = SeedDerivation.summary
    /// How the environment copies' episodes get their seeds and log indices.
    public var episodeScheme = PPORun.episodeScheme
    /// The project version.
    public var projectVersion = Environments.version
    /// When the run started (UTC).
    public var startedAt: String

    enum CodingKeys: String, CodingKey {
        case agent, environment, options, run, ppo
        case presetFile = "preset_file"
        case agentSeed = "agent_seed"
        case seedDerivation = "seed_derivation"
        case episodeScheme = "episode_scheme"
        case projectVersion = "project_version"
        case startedAt = "started_at"
    }

    /// Resolves `preset` against the registry: unknown environments and options are
    /// errors, and `agent` must name an on-policy kind whose memory matches the
    /// LSTM setting (`ppo-lstm` needs `lstm_hidden_size` > 0, `ppo` needs 0).
    public init(preset: PPOPreset, agent: String, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        let onPolicy = AgentRegistry.standard.kinds.filter { !$0.isOffPolicy }
        guard let kind = onPolicy.first(where: { $0.name == agent }) else {
            throw PresetError.badValue(file: preset.file, key: "agent", value: agent,
                                       expected: "one of \(onPolicy.map(\.name).joined(separator: ", "))")
        }
        let recurrent = kind.isRecurrent
        guard preset.agentConfig.isRecurrent == recurrent else {
            throw PresetError.badValue(file: preset.file, key: "lstm_hidden_size", value: "\(preset.agentConfig.lstmHiddenSize)",
                                       expected: recurrent ? "a positive size for ppo-lstm" : "0 for ppo (use ppo-lstm for an LSTM)")
        }
        let spec = try registry.spec(named: preset.environment)
        self.agent = agent
        environment = spec.name
        options = try preset.resolvedTrainingOptions(spec)
        presetFile = preset.file
        run = preset.run
        ppo = preset.agentConfig
        agentSeed = SeedDerivation.agentSeed(runSeed: preset.run.seed)
        self.startedAt = startedAt
    }
}
