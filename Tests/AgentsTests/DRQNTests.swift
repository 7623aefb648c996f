import XCTest
import Environments
import Neural
@testable import Agents

final class DRQNTests: XCTestCase {
    private func smallConfig() -> DRQNConfig {
        var config = DRQNConfig()
        config.dqn.bufferSize = 100
        config.dqn.hiddenSizes = [8]
        config.dqn.learningStarts = 1000
        config.dqn.trainFrequency = 1000
        config.dqn.batchSize = 2
        config.dqn.gamma = 0.9
        config.lstmHiddenSize = 8
        config.burnIn = 2
        config.sequenceLength = 3
        return config
    }

    private func observation(_ value: Int) -> [Float] { [Float(value) / 10, Float(value % 3) - 1] }

    /// Plays `length` steps from `first`, ending by termination or truncation.
    private func observeEpisode(_ agent: DRQNAgent, first: Int, length: Int, terminated: Bool) throws {
        for step in 0..<length {
            let last = step == length - 1
            try agent.observe(Transition(observation: observation(first + step), action: step % 3, reward: Double(step + 1),
                                         nextObservation: observation(first + step + 1),
                                         terminated: last && terminated, truncated: last && !terminated))
        }
    }

    /// The value of the state after `observations` (fed one at a time from zero),
    /// as the given network sees it.
    private func qValues(_ network: RecurrentQNetwork, after observations: [[Float]]) -> [Float] {
        let hidden = Tensor(shape: [1, network.hiddenSize]), cell = Tensor(shape: [1, network.hiddenSize])
        var values: [Float] = []
        for observation in observations { values = network.step(observation, hidden: hidden, cell: cell).scalars }
        return values
    }

    /// A terminated last step's target is its reward; a truncated one bootstraps from
    /// the final observation with the state that has seen the whole episode (both
    /// networks), which the test computes step by step through the acting path.
    func testTerminationStopsBootstrappingAndTruncationBootstrapsFromTheEpisodesState() throws {
        let agent = try DRQNAgent(observationSpace: Box(low: -2, high: 2, shape: [2]), actionCount: 3, config: smallConfig(), seed: 4)
        try observeEpisode(agent, first: 0, length: 3, terminated: true)
        try observeEpisode(agent, first: 10, length: 3, terminated: false)
        let batch = SequenceBatch()
        agent.replayBuffer.gather(starts: [2, 5], into: batch)
        agent.computeTargets(for: batch)
        // Each window trains one step (position 2, the episode's last); the rest is padding.
        XCTAssertEqual(agent.lastTargets.count, 2)
        XCTAssertEqual(agent.lastTargets[0], 3, "terminated: the reward alone")
        let history = (10...13).map(observation)
        let onlineNext = qValues(agent.online, after: history)
        let chosen = onlineNext.indices.max { onlineNext[$0] < onlineNext[$1] }!
        let targetNext = qValues(agent.target, after: history)
        XCTAssertEqual(agent.lastTargets[1], 3 + 0.9 * targetNext[chosen], accuracy: 1e-5, "truncated: reward plus discounted value")
    }

    /// Mid-episode targets bootstrap from the next step of the same episode, with the
    /// burn-in steps in the state's history; the burn-in steps themselves get no target.
    func testMidEpisodeTargetsSeeTheBurnInHistory() throws {
        var config = smallConfig()
        config.dqn.doubleDQN = false
        let agent = try DRQNAgent(observationSpace: Box(low: -2, high: 2, shape: [2]), actionCount: 3, config: config, seed: 5)
        try observeEpisode(agent, first: 0, length: 6, terminated: true)
        let batch = SequenceBatch()
        agent.replayBuffer.gather(starts: [2], into: batch)
        agent.computeTargets(for: batch)
        // Burn-in steps 0, 1; trained steps 2, 3, 4.
        XCTAssertEqual(agent.lastTargets.count, 3)
        for (index, step) in (2...4).enumerated() {
            let next = qValues(agent.target, after: (0...(step + 1)).map(observation))
            XCTAssertEqual(agent.lastTargets[index], Float(step + 1) + 0.9 * next.max()!, accuracy: 1e-5, "step \(step)")
        }
    }

    func testActingCarriesTheStateAndResetsItAtEpisodeEnds() throws {
        var config = smallConfig()
        config.dqn.learningStarts = 0
        config.dqn.explorationInitialEpsilon = 0
        config.dqn.explorationFinalEpsilon = 0
        let agent = try DRQNAgent(observationSpace: Box(low: -2, high: 2, shape: [2]), actionCount: 3, config: config, seed: 6)
        _ = agent.act(observation(1), explore: true)
        XCTAssertNotEqual(agent.hidden.scalars, [Float](repeating: 0, count: 8))
        let afterOne = agent.hidden.scalars
        _ = agent.act(observation(2), explore: true)
        XCTAssertNotEqual(agent.hidden.scalars, afterOne, "the state advances with every observation")
        try agent.observe(Transition(observation: observation(2), action: 0, reward: 0, nextObservation: observation(3),
                                     terminated: false, truncated: true))
        XCTAssertEqual(agent.hidden.scalars, [Float](repeating: 0, count: 8), "an episode end resets the state")
        XCTAssertTrue(agent.atEpisodeStart)
    }

    func testConfigurationRejectsNStepAndNamesTheKey() {
        var config = DRQNConfig()
        config.dqn.nStep = 3
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertEqual((error as? AgentConfigError)?.key, "n_step")
        }
        config = DRQNConfig()
        config.sequenceLength = 0
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertEqual((error as? AgentConfigError)?.key, "sequence_length")
        }
        XCTAssertFalse(DRQNConfig.keys.contains("n_step"))
        XCTAssertTrue(DRQNConfig.keys.contains("burn_in"))
    }

    func testConfigurationCodesAsOneFlatMapping() throws {
        var config = DRQNConfig()
        config.burnIn = 7
        config.dqn.learningRate = 0.01
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any]
        XCTAssertEqual(object?["burn_in"] as? Int, 7)
        XCTAssertEqual(object?["learning_rate"] as? Double, 0.01)
        XCTAssertEqual(try JSONDecoder().decode(DRQNConfig.self, from: JSONEncoder().encode(config)), config)
    }
}

/// A cue shown at the first step, `delay` blank steps, then a decision step where
/// the action must name the cue (reward 1) — a memoryless agent gets half right.
private struct CueRecall {
    let delay: Int
    var generator: Xoshiro256
    var cue = 0
    var stepIndex = 0

    var observation: [Float] {
        if stepIndex == 0 { return cue == 0 ? [1, 0, 0, 0] : [0, 1, 0, 0] }
        return stepIndex <= delay ? [0, 0, 1, 0] : [0, 0, 0, 1]
    }

    mutating func reset() -> [Float] {
        cue = generator.nextInt(upperBound: 2)
        stepIndex = 0
        return observation
    }

    mutating func step(_ action: Int) -> (observation: [Float], reward: Double, terminated: Bool) {
        if stepIndex == delay + 1 { return (observation, action == cue ? 1 : 0, true) }
        stepIndex += 1
        return (observation, 0, false)
    }
}

final class DRQNLearningTests: XCTestCase {
    /// DRQN learns to recall a cue across two blank steps within 2000 environment steps.
    func testLearnsToRecallACueAcrossADelay() throws {
        setBLASThreads(1)
        var config = DRQNConfig()
        config.dqn.totalSteps = 2000
        config.dqn.bufferSize = 2000
        config.dqn.learningStarts = 100
        config.dqn.batchSize = 16
        config.dqn.trainFrequency = 2
        config.dqn.targetUpdateInterval = 100
        config.dqn.learningRate = 5e-3
        config.dqn.gamma = 0.9
        config.dqn.explorationFraction = 0.3
        config.dqn.hiddenSizes = [16]
        config.lstmHiddenSize = 16
        config.sequenceLength = 4
        config.burnIn = 0
        let agent = try DRQNAgent(observationSpace: Box(low: 0, high: 1, shape: [4]), actionCount: 2, config: config, seed: 1)
        var environment = CueRecall(delay: 2, generator: Xoshiro256(seed: 2))
        var observation = environment.reset()
        for _ in 0..<config.totalSteps {
            let action = agent.act(observation, explore: true)
            let step = environment.step(action)
            try agent.observe(Transition(observation: observation, action: action, reward: step.reward,
                                         nextObservation: step.observation, terminated: step.terminated, truncated: false))
            observation = step.terminated ? environment.reset() : step.observation
        }
        var successes = 0
        var evaluation = CueRecall(delay: 2, generator: Xoshiro256(seed: 99))
        for _ in 0..<100 {
            agent.beginEpisode()
            var observation = evaluation.reset()
            while true {
                let step = evaluation.step(agent.act(observation, explore: false))
                if step.terminated {
                    if step.reward == 1 { successes += 1 }
                    break
                }
                observation = step.observation
            }
        }
        XCTAssertGreaterThanOrEqual(successes, 95, "greedy recall successes out of 100")
    }
}
