import Foundation
import Neural

extension PPOAgent: Learner {
    public typealias Config = PPOConfig

    /// The agent's tensors (see ``checkpoint(metadata:)``).
    public func checkpoint() -> Checkpoint { checkpoint(metadata: Data()) }

    /// The most probable action, with a recurrent memory of the policy's own
    /// (cleared by ``Policy/beginEpisode()``).
    public func makePolicy() -> any Policy { PPOGreedyPolicy(agent: self) }
}

/// A PPO agent's greedy policy: the most probable action, observations normalised
/// with frozen statistics, and (recurrent) a memory carried through the episode.
final class PPOGreedyPolicy: Policy {
    private let agent: PPOAgent
    private let memory: PPOMemory

    init(agent: PPOAgent) {
        self.agent = agent
        memory = agent.makeMemory()
    }

    func beginEpisode() { memory.reset() }

    func action(for observation: [Float]) -> Int { agent.greedyAction(observation, memory: memory) }
}
