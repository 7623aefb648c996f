/// One kind of learning agent, as `rlrun`, presets and run folders name it.
///
/// ``AgentRegistry`` is the only place that maps names to agents; the runner
/// dispatches on ``family`` and never on a name.
public struct AgentKind: @unchecked Sendable, CustomStringConvertible {
    /// How the runner trains an agent of this kind.
    public enum Family {
        /// Trained from a replay of stored transitions, one environment step at a
        /// time (DQN, DRQN).
        case offPolicy(any OffPolicyAgent.Type)
        /// Trained from rollouts of `n_envs` copies stepped together (PPO); a
        /// `recurrent` agent carries an LSTM state through each episode.
        case onPolicy(recurrent: Bool)
    }

    /// The name in commands, preset folders and `config.json` (`dqn`, `ppo-lstm`).
    public let name: String
    /// One line describing the agent.
    public let summary: String
    /// How the agent is trained.
    public let family: Family
    /// The key under which a run's `config.json` holds the hyperparameters (the
    /// name, except that both PPO kinds share `ppo`).
    public let configurationKey: String

    /// Creates a kind; register it in an ``AgentRegistry`` to make it known by name.
    public init(name: String, summary: String, family: Family, configurationKey: String? = nil) {
        self.name = name
        self.summary = summary
        self.family = family
        self.configurationKey = configurationKey ?? name
    }

    public var description: String { name }

    /// Whether the agent learns from a replay and explores ε-greedily.
    public var isOffPolicy: Bool {
        if case .offPolicy = family { return true }
        return false
    }

    /// Whether the agent carries memory across the steps of an episode.
    public var isRecurrent: Bool {
        switch family {
        case .offPolicy(let type): return type.isRecurrent
        case .onPolicy(let recurrent): return recurrent
        }
    }

    /// DQN (Mnih et al. 2015): ε-greedy Q-learning from a replay with a target network.
    public static let dqn = AgentKind(
        name: "dqn", summary: "DQN: Q-learning from a replay buffer with a target network (CNN or MLP encoder)",
        family: .offPolicy(DQNAgent.self))
    /// DRQN (Hausknecht & Stone 2015): DQN with an LSTM, trained on stored sequences.
    public static let drqn = AgentKind(
        name: "drqn", summary: "DRQN: recurrent DQN (encoder → LSTM → Q head) trained on stored episode windows",
        family: .offPolicy(DRQNAgent.self))
    /// PPO (Schulman et al. 2017) with a memoryless actor-critic.
    public static let ppo = AgentKind(
        name: "ppo", summary: "PPO: clipped policy gradient with a memoryless actor-critic",
        family: .onPolicy(recurrent: false))
    /// Recurrent PPO: actor and critic each with an LSTM.
    public static let ppoLSTM = AgentKind(
        name: "ppo-lstm", summary: "recurrent PPO: actor and critic each with an LSTM, trained on rollout sequences",
        family: .onPolicy(recurrent: true), configurationKey: "ppo")
}

/// The agent kinds known by name: what `rlrun` trains and what run folders may hold.
public struct AgentRegistry: Sendable {
    /// The kinds, in the order `rlrun list` shows them.
    public let kinds: [AgentKind]

    /// A registry of `kinds`; names must be unique.
    public init(kinds: [AgentKind]) {
        precondition(Set(kinds.map(\.name)).count == kinds.count, "agent names must be unique")
        self.kinds = kinds
    }

    /// DQN, DRQN, PPO and recurrent PPO.
    public static let standard = AgentRegistry(kinds: [.dqn, .drqn, .ppo, .ppoLSTM])

    /// The registered names, in order.
    public var names: [String] { kinds.map(\.name) }

    /// The kind named `name`.
    ///
    /// - Throws: ``UnknownAgentError`` listing the registered names.
    public func kind(named name: String) throws(UnknownAgentError) -> AgentKind {
        guard let kind = kinds.first(where: { $0.name == name }) else {
            throw UnknownAgentError(name: name, known: names)
        }
        return kind
    }
}

/// A name that no registered agent has.
public struct UnknownAgentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name asked for.
    public let name: String
    /// The registered names.
    public let known: [String]

    public var description: String { "unknown agent '\(name)'; the agents are \(known.joined(separator: ", "))" }
}
