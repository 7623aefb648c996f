import Foundation
import Environments
import Agents

/// Everything that determines a training run, resolved: what its `config.json`
/// holds. `rlrun <agent> --resume RUN` reads the file back, so a resumed run
/// continues with exactly the configuration it started with.
///
/// The hyperparameters are written under the kind's ``AgentKind/configurationKey``
/// (`"dqn": {...}`, `"drqn": {...}`, `"ppo": {...}` for both PPO kinds).
public struct TrainingConfiguration<Config: AgentConfiguration>: Codable, Sendable, Equatable {
    /// The agent kind's name, such as `"dqn"`.
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
    /// On-policy runs: how the environment copies' episodes get their seeds and
    /// log indices (``PPORun/episodeScheme``); `nil` for off-policy runs.
    public var episodeScheme: String?
    /// The project version.
    public var projectVersion = Environments.version
    /// When the run started (UTC).
    public var startedAt: String

    /// Resolves `preset` for `kind` against the registry: unknown environments and options are errors.
    public init(kind: AgentKind, preset: Preset<Config>, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        let spec = try registry.spec(named: preset.environment)
        agent = kind.name
        environment = spec.name
        options = EnvironmentFiles.absolutized(try preset.resolvedTrainingOptions(spec))
        presetFile = preset.file
        run = preset.run
        agentConfig = preset.agentConfig
        agentSeed = SeedDerivation.agentSeed(runSeed: preset.run.seed)
        episodeScheme = kind.isOffPolicy ? nil : PPORun.episodeScheme
        self.startedAt = startedAt
    }

    /// Reads the configuration of the run in `url` for reopening it from a
    /// checkpoint `stepsDone` steps in; with `totalSteps` (a new step budget) the
    /// returned configuration has it, and the folder's lock is taken so that the
    /// run can write it to config.json when it starts training (not before: a
    /// resume refused later changes nothing in the folder).
    ///
    /// - Throws: ``TrainingError/nothingToResume(path:reason:)`` for a budget below
    ///   `stepsDone`; ``RunFolderError/locked(path:owner:)`` for a folder in use.
    /// - Returns: the configuration, and the folder's lock when the budget changed.
    static func reopen(_ url: URL, stepsDone: Int, totalSteps: Int?) throws -> (TrainingConfiguration, RunFolderLock?) {
        if let totalSteps, totalSteps < stepsDone {
            throw TrainingError.nothingToResume(
                path: url.path, reason: "--steps \(totalSteps) is below the \(stepsDone) steps its newest checkpoint has already taken")
        }
        let folder = RunFolder(url: url)
        var configuration = try folder.readConfiguration(as: TrainingConfiguration.self)
        var lock: RunFolderLock?
        if let totalSteps, totalSteps != configuration.agentConfig.totalSteps {
            lock = try RunFolderLock(folder: folder)
            configuration.agentConfig.totalSteps = totalSteps
        }
        return (configuration, lock)
    }

    /// Makes the configured environment as one with `[Float]` observations and `Int` actions.
    func makeEnvironment(registry: EnvironmentRegistry) throws -> AnyEnvironment<[Float], Int> {
        try makeEnvironment(registry: registry, actions: Int.self)
    }

    /// Makes the configured environment as one with `[Float]` observations and
    /// actions of type `Action` (`Int` for `Discrete`, `[Float]` for `Box`).
    func makeEnvironment<Action>(registry: EnvironmentRegistry, actions: Action.Type) throws -> AnyEnvironment<[Float], Action> {
        do {
            return try registry.make(environment, as: [Float].self, Action.self, options: options)
        } catch RegistryError.typeMismatch {
            let made = try registry.spec(named: environment).make(options)
            throw TrainingError.unsupportedSpaces(environment: environment, observation: "\(made.observationSpace)",
                                                  action: "\(made.actionSpace)")
        }
    }

    /// The `Box` observation space and `Discrete` action space the agents need, or
    /// ``TrainingError/unsupportedSpaces(environment:observation:action:)``.
    func agentSpaces<E: Environment>(of made: E) throws -> (observation: Box, action: Discrete) {
        guard let box = made.observationSpace.lookingThroughAnySpace(as: Box.self),
              let discrete = made.actionSpace.lookingThroughAnySpace(as: Discrete.self) else {
            throw TrainingError.unsupportedSpaces(environment: environment, observation: "\(made.observationSpace)",
                                                  action: "\(made.actionSpace)")
        }
        return (box, discrete)
    }

    /// The `Box` observation space and the action space PPO needs: `Discrete`
    /// (with its start, which the agent's actions are offset by) or `Box`; or
    /// ``TrainingError/unsupportedSpaces(environment:observation:action:)``.
    func onPolicySpaces<E: Environment>(of made: E) throws -> (observation: Box, action: PPOActionSpace, actionOffset: Int) {
        if let box = made.observationSpace.lookingThroughAnySpace(as: Box.self) {
            if let discrete = made.actionSpace.lookingThroughAnySpace(as: Discrete.self) {
                return (box, .discrete(count: discrete.n), discrete.start)
            }
            if let actions = made.actionSpace.lookingThroughAnySpace(as: Box.self) {
                return (box, .box(low: actions.low, high: actions.high), 0)
            }
        }
        throw TrainingError.unsupportedSpaces(environment: environment, observation: "\(made.observationSpace)",
                                              action: "\(made.actionSpace)")
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The key of the hyperparameters for the kind named `agent`.
    private static func configurationKey(agent: String) -> Key {
        Key((try? AgentRegistry.standard.kind(named: agent))?.configurationKey ?? agent)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        agent = try container.decode(String.self, forKey: Key("agent"))
        environment = try container.decode(String.self, forKey: Key("environment"))
        options = try container.decode([String: InfoValue].self, forKey: Key("options"))
        presetFile = try container.decode(String.self, forKey: Key("preset_file"))
        run = try container.decode(RunSettings.self, forKey: Key("run"))
        agentConfig = try container.decode(Config.self, forKey: Self.configurationKey(agent: agent))
        agentSeed = try container.decode(UInt64.self, forKey: Key("agent_seed"))
        seedDerivation = try container.decode(String.self, forKey: Key("seed_derivation"))
        episodeScheme = try container.decodeIfPresent(String.self, forKey: Key("episode_scheme"))
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
        try container.encode(agentConfig, forKey: Self.configurationKey(agent: agent))
        try container.encode(agentSeed, forKey: Key("agent_seed"))
        try container.encode(seedDerivation, forKey: Key("seed_derivation"))
        try container.encodeIfPresent(episodeScheme, forKey: Key("episode_scheme"))
        try container.encode(projectVersion, forKey: Key("project_version"))
        try container.encode(startedAt, forKey: Key("started_at"))
    }
}

/// An off-policy (DQN, DRQN) run's configuration.
public typealias OffPolicyRunConfiguration<Config: AgentConfiguration> = TrainingConfiguration<Config>
/// A DQN run's configuration.
public typealias DQNRunConfiguration = TrainingConfiguration<DQNConfig>
/// A DRQN run's configuration.
public typealias DRQNRunConfiguration = TrainingConfiguration<DRQNConfig>
/// A PPO run's configuration (`ppo` or `ppo-lstm`).
public typealias PPORunConfiguration = TrainingConfiguration<PPOConfig>
/// A preset of ``PPOConfig`` hyperparameters (`Presets/ppo/*.yaml`, `Presets/ppo-lstm/*.yaml`).
public typealias PPOPreset = Preset<PPOConfig>

extension TrainingConfiguration where Config == DQNConfig {
    /// Resolves a DQN preset against the registry.
    public init(preset: Preset<DQNConfig>, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        try self.init(kind: .dqn, preset: preset, registry: registry, startedAt: startedAt)
    }

    /// The DQN hyperparameters.
    public var dqn: DQNConfig {
        get { agentConfig }
        set { agentConfig = newValue }
    }
}

extension TrainingConfiguration where Config == DRQNConfig {
    /// The DRQN hyperparameters.
    public var drqn: DRQNConfig {
        get { agentConfig }
        set { agentConfig = newValue }
    }
}

extension TrainingConfiguration where Config == PPOConfig {
    /// Resolves `preset` for the on-policy kind named `agent`, whose memory must
    /// match the LSTM setting (`ppo-lstm` needs `lstm_hidden_size` > 0, `ppo` needs 0).
    public init(preset: PPOPreset, agent: String, registry: EnvironmentRegistry = .standard, startedAt: String) throws {
        let onPolicy = AgentRegistry.standard.kinds.filter { !$0.isOffPolicy }
        guard let kind = onPolicy.first(where: { $0.name == agent }) else {
            throw PresetError.badValue(file: preset.file, key: "agent", value: agent,
                                       expected: "one of \(onPolicy.map(\.name).joined(separator: ", "))")
        }
        guard preset.agentConfig.isRecurrent == kind.isRecurrent else {
            throw PresetError.badValue(file: preset.file, key: "lstm_hidden_size", value: "\(preset.agentConfig.lstmHiddenSize)",
                                       expected: kind.isRecurrent ? "a positive size for ppo-lstm" : "0 for ppo (use ppo-lstm for an LSTM)")
        }
        try self.init(kind: kind, preset: preset, registry: registry, startedAt: startedAt)
    }

    /// The PPO hyperparameters.
    public var ppo: PPOConfig {
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
