import Foundation
import Environments
import Neural

/// A value-based agent trained off-policy from a replay, with an online and a
/// target network: what the Experiments module's off-policy loop drives.
/// ``DQNAgent`` and ``DRQNAgent`` conform.
///
/// The loop calls ``act(_:explore:)`` before every environment step and
/// ``observe(_:)`` after it; ``Policy/beginEpisode()`` before each evaluation episode
/// (during training the agent sees episode ends in the transitions it observes).
/// Networks, optimiser, replay and ``Learner/state`` together fix the agent's future
/// exactly, which is what a checkpoint stores.
public protocol OffPolicyAgent: Learner, Policy where Action == Int {
    /// The registered kind (``AgentKind/dqn``, ``AgentKind/drqn``).
    static var kind: AgentKind { get }
    /// Whether the agent carries memory across the steps of an episode.
    static var isRecurrent: Bool { get }

    /// Builds the networks from `seed` and allocates the replay.
    init(observationSpace: Box, actionCount: Int, config: Config, seed: UInt64) throws

    /// The exploration rate at the current step.
    var epsilon: Double { get }
    /// The online network's parameters, in a stable order.
    var onlineParameters: [Parameter] { get }
    /// The target network's parameters, in the order of ``onlineParameters``.
    var targetParameters: [Parameter] { get }
    /// The optimiser of the online network.
    var optimizer: any Optimizer { get }

    /// Chooses an action, ε-greedy when `explore` is true, greedy when false.
    func act(_ observation: [Float], explore: Bool) -> Int
    /// Stores a transition and trains when due; returns the mean loss of the
    /// gradient steps taken, or `nil` when none was due.
    func observe(_ transition: Transition<[Float], Int>) throws -> Float?
    /// ``observe(_:)`` with the goals the transition's two states achieve, for
    /// agents that replay in hindsight (the default ignores them).
    func observe(_ transition: Transition<[Float], Int>, achievedGoals: (before: Int?, after: Int?)) throws -> Float?

    /// The replay as bytes.
    func serializedReplay() -> [UInt8]
    /// Restores the replay from ``serializedReplay()``'s bytes.
    func restoreReplay(from bytes: [UInt8]) throws
}

extension OffPolicyAgent {
    /// Both networks (`online.*`, `target.*`) and the optimiser's state.
    public func checkpoint() -> Checkpoint {
        Checkpoint(
            parameters: onlineParameters.map { Checkpoint.Entry(name: "online." + $0.name, tensor: $0.value) }
                + targetParameters.map { Checkpoint.Entry(name: "target." + $0.name, tensor: $0.value) },
            optimizerState: optimizer.stateTensors.enumerated().map { Checkpoint.Entry(name: "optimizer.\($0.offset)", tensor: $0.element) },
            optimizerStep: optimizer.stepCount)
    }

    /// Restores networks and optimiser state from a decoded `checkpoint` (every
    /// name and shape is checked first; on error nothing changes).
    public func restoreTensors(from checkpoint: Checkpoint) throws {
        let (step, _) = try checkpoint.restore(into: self.checkpoint())
        optimizer.stepCount = step
    }

    /// Ignores the achieved goals: ``observe(_:)``.
    public func observe(_ transition: Transition<[Float], Int>, achievedGoals: (before: Int?, after: Int?)) throws -> Float? {
        try observe(transition)
    }

    /// The greedy action, as ``act(_:explore:)`` with `explore` false.
    public func action(for observation: [Float]) -> Int { act(observation, explore: false) }

    /// The agent itself: its greedy acting shares the weights and (DRQN) the acting state.
    public func makePolicy() -> any Policy<Int> { self }
}

extension DQNAgent: OffPolicyAgent {
    public typealias Config = DQNConfig
    public static var kind: AgentKind { .dqn }
    public static var isRecurrent: Bool { false }
    public var onlineParameters: [Parameter] { online.parameters }
    public var targetParameters: [Parameter] { target.parameters }
    /// Nothing to forget: a DQN agent has no memory across steps.
    public func beginEpisode() {}
    public func serializedReplay() -> [UInt8] { replayBuffer.serialized() }
    public func restoreReplay(from bytes: [UInt8]) throws { try replayBuffer.restore(from: bytes) }
}

extension DRQNAgent: OffPolicyAgent {
    public typealias Config = DRQNConfig
    public static var kind: AgentKind { .drqn }
    public static var isRecurrent: Bool { true }
    public var onlineParameters: [Parameter] { online.parameters }
    public var targetParameters: [Parameter] { target.parameters }
    public func serializedReplay() -> [UInt8] { replayBuffer.serialized() }
    public func restoreReplay(from bytes: [UInt8]) throws { try replayBuffer.restore(from: bytes) }
}
