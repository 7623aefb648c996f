import Neural

/// Plays greedily, one episode at a time: what evaluation, `rlrun watch` and
/// `rlrun record` drive. Every learner can hand one out (``Learner/makePolicy()``).
///
/// A recurrent policy keeps its memory between calls of ``action(for:)`` and
/// forgets it in ``beginEpisode()``; a memoryless one ignores ``beginEpisode()``.
///
/// `Action` is `Int` for discrete actions (counted from 0: the runner adds the
/// `Discrete` space's start) and `[Float]` for `Box` actions (already within the box).
public protocol Policy<Action>: AnyObject {
    /// What the policy chooses.
    associatedtype Action
    /// Forgets what belongs to the previous episode; the next observation is an episode's first.
    func beginEpisode()
    /// The greedy action for `observation`.
    func action(for observation: [Float]) -> Action
}

/// An agent that learns: it exposes what a checkpoint must hold to continue
/// training exactly, and a greedy ``Policy`` that shares its weights.
///
/// The runner owns the loop (off-policy: ``OffPolicyAgent``; on-policy:
/// ``PPOAgent``) and all files; a learner only hands over its tensors as a
/// ``Checkpoint`` value and its scalar ``state`` as a `Codable` value.
public protocol Learner: AnyObject {
    /// The hyperparameters, as a preset file holds them.
    associatedtype Config: AgentConfiguration
    /// Counters, generator and any acting state, for checkpoints.
    associatedtype State: Codable, Sendable, Equatable

    /// The tensors that, with ``state`` (and an off-policy agent's replay), fix
    /// the agent's future: networks, optimiser state, running statistics.
    func checkpoint() -> Checkpoint
    /// Restores the tensors of ``checkpoint()`` from a decoded checkpoint; names
    /// and shapes are checked before anything changes.
    func restoreTensors(from checkpoint: Checkpoint) throws
    /// The agent's state besides tensors (and replay).
    var state: State { get }
    /// Restores what ``state`` returned.
    func restore(_ state: State)
    /// A greedy policy on the agent's current weights (with memory of its own),
    /// for discrete actions.
    func makePolicy() -> any Policy<Int>
}
