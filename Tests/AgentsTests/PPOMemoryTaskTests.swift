import XCTest
import Environments
@testable import Agents
@testable import Neural

/// A cue-recall task: the first observation shows a cue (+1 or −1), the next
/// `delay` show nothing, and the action after them must name the cue (0 for −1,
/// 1 for +1; reward 1 if right, 0 if wrong, then the episode ends). Actions before
/// that are ignored. A memoryless policy is right half the time.
private struct CueRecall {
    let delay: Int
    var generator: Xoshiro256
    var cue: Float = 0
    var step = 0

    mutating func reset() -> [Float] {
        cue = generator.nextBool(probability: 0.5) ? 1 : -1
        step = 0
        return [cue, 0]
    }

    /// The reward, whether the episode ended, and the next observation (when it goes on).
    mutating func step(_ action: Int) -> (reward: Double, ended: Bool, observation: [Float]) {
        if step == delay {
            return ((action == 1) == (cue > 0) ? 1 : 0, true, [])
        }
        step += 1
        return (0, false, [0, 1])
    }
}

final class PPOMemoryTaskTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    private func successRate(of agent: PPOAgent, episodes: Int) -> Double {
        var task = CueRecall(delay: 3, generator: Xoshiro256(seed: 777))
        let memory = agent.makeMemory()
        var successes = 0
        for _ in 0..<episodes {
            memory.reset()
            var observation = task.reset()
            while true {
                let result = task.step(agent.greedyAction(observation, memory: memory))
                if result.ended { successes += result.reward > 0 ? 1 : 0; break }
                observation = result.observation
            }
        }
        return Double(successes) / Double(episodes)
    }

    private func train(recurrent: Bool, steps: Int) throws -> PPOAgent {
        var config = PPOConfig()
        config.environmentCount = 8
        config.rolloutSteps = 16
        config.batchSize = recurrent ? 32 : 32
        config.epochs = 4
        config.gamma = 0.9
        config.gaeLambda = 0.9
        config.learningRate = 3e-3
        config.entropyCoefficient = 0.01
        config.lstmHiddenSize = recurrent ? 16 : 0
        config.policyLayers = [16]
        config.valueLayers = [16]
        config.totalSteps = steps
        let agent = try PPOAgent(observationShape: [2], actionCount: 2, config: config, seed: 5)
        var tasks = (0..<8).map { CueRecall(delay: 3, generator: Xoshiro256(seed: UInt64(100 + $0))) }
        var observations = tasks.indices.flatMap { tasks[$0].reset() }
        agent.setObservations(observations, episodeStarts: [Bool](repeating: true, count: 8))
        while agent.environmentSteps < steps {
            let actions = agent.act()
            var rewards = [Double](repeating: 0, count: 8), starts = [Bool](repeating: false, count: 8)
            observations.removeAll(keepingCapacity: true)
            for copy in 0..<8 {
                let result = tasks[copy].step(actions[copy])
                rewards[copy] = result.reward
                starts[copy] = result.ended
                observations += result.ended ? tasks[copy].reset() : result.observation
            }
            agent.recordRewards(rewards)
            agent.setObservations(observations, episodeStarts: starts)
            if agent.buffer.isFull { try agent.update() }
        }
        return agent
    }

    /// The recurrent agent learns to recall the cue within a few thousand steps;
    /// the memoryless agent, trained the same way, stays at chance.
    func testRecurrentPPOLearnsCueRecallAndMemorylessPPOCannot() throws {
        let recurrent = try train(recurrent: true, steps: 4_096)
        XCTAssertGreaterThanOrEqual(successRate(of: recurrent, episodes: 200), 0.95)
        let memoryless = try train(recurrent: false, steps: 4_096)
        XCTAssertLessThanOrEqual(successRate(of: memoryless, episodes: 200), 0.65)
    }
}
