import Foundation
import Neural

extension PPOAgent: Learner {
    public typealias Config = PPOConfig

    /// The agent's tensors (see ``checkpoint(metadata:)``).
    public func checkpoint() -> Checkpoint { checkpoint(metadata: Data()) }

    /// The most probable discrete action, with a recurrent memory of the policy's
    /// own (cleared by ``Policy/beginEpisode()``).
    ///
    /// - Precondition: the actions are discrete (see ``makeContinuousPolicy()`` for a `Box`).
    public func makePolicy() -> any Policy<Int> {
        PPOGreedyPolicy(agent: self) { $0.greedyAction($1, memory: $2) }
    }

    /// The Gaussian policy's mean clipped to the `Box`, with a recurrent memory of
    /// the policy's own (cleared by ``Policy/beginEpisode()``).
    ///
    /// - Precondition: the actions are a `Box`.
    public func makeContinuousPolicy() -> any Policy<[Float]> {
        PPOGreedyPolicy(agent: self) { $0.greedyContinuousAction($1, memory: $2) }
    }
}

/// A PPO agent's greedy policy: the most probable discrete action or the
/// Gaussian's clipped mean, observations normalised with frozen statistics, and
/// (recurrent) a memory carried through the episode.
final class PPOGreedyPolicy<Action>: Policy {
    private let agent: PPOAgent
    private let memory: PPOMemory
    private let choose: (PPOAgent, [Float], PPOMemory) -> Action

    init(agent: PPOAgent, choose: @escaping (PPOAgent, [Float], PPOMemory) -> Action) {
        self.agent = agent
        self.choose = choose
        memory = agent.makeMemory()
    }

    func beginEpisode() { memory.reset() }

    func action(for observation: [Float]) -> Action { choose(agent, observation, memory) }
}
