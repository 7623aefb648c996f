import XCTest
import Environments
@testable import Agents
@testable import Neural

final class PPOTests: XCTestCase {
    private func config(recurrent: Bool, _ edit: (inout PPOConfig) -> Void = { _ in }) -> PPOConfig {
        var config = PPOConfig()
        config.environmentCount = 3
        config.rolloutSteps = 6
        config.batchSize = recurrent ? 12 : 6
        config.epochs = 2
        config.lstmHiddenSize = recurrent ? 5 : 0
        config.policyLayers = [7]
        config.valueLayers = [6]
        config.totalSteps = 1000
        edit(&config)
        return config
    }

    /// Fills a rollout from a deterministic fake environment whose episodes end at
    /// fixed steps; returns the agent with a full buffer.
    private func filledAgent(_ config: PPOConfig, observationSize: Int = 2, seed: UInt64 = 3,
                             endings: Set<[Int]> = [[0, 2], [1, 4], [2, 0]]) throws -> PPOAgent {
        let agent = try PPOAgent(observationShape: [observationSize], actionCount: 3, config: config, seed: seed)
        var generator = Xoshiro256(seed: 99)
        func observations() -> [Float] { (0..<(config.environmentCount * observationSize)).map { _ in generator.nextUnitFloat() * 2 - 1 } }
        agent.setObservations(observations(), episodeStarts: [Bool](repeating: true, count: config.environmentCount))
        for step in 0..<config.rolloutSteps {
            _ = agent.act()
            let starts = (0..<config.environmentCount).map { endings.contains([$0, step]) }
            agent.recordRewards((0..<config.environmentCount).map { Double($0) * 0.5 + 0.1 })
            agent.setObservations(observations(), episodeStarts: starts)
        }
        return agent
    }

    func testMemorylessAndRecurrentUpdatesGiveFiniteLosses() throws {
        for recurrent in [false, true] {
            let agent = try filledAgent(config(recurrent: recurrent))
            XCTAssertTrue(agent.buffer.isFull)
            let statistics = try agent.update()
            XCTAssertTrue(statistics.loss.isFinite)
            XCTAssertGreaterThan(statistics.entropy, 0)
            XCTAssertFalse(agent.buffer.isFull)
            XCTAssertEqual(agent.updates, 1)
        }
    }
}
