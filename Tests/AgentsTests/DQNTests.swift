import XCTest
import Environments
import Neural
@testable import Agents

final class DQNTests: XCTestCase {
    private func smallConfig() -> DQNConfig {
        var config = DQNConfig()
        config.bufferSize = 100
        config.hiddenSizes = [8]
        config.learningStarts = 0
        config.batchSize = 2
        config.gamma = 0.9
        return config
    }

    /// The same transition stored once as terminated and once as truncated: only
    /// the truncated one bootstraps from the next observation's value.
    func testTruncationBootstrapsAndTerminationDoesNot() throws {
        let agent = try DQNAgent(observationSpace: Box(low: -1, high: 1, shape: [2]), actionCount: 3, config: smallConfig(), seed: 0)
        let observation: [Float] = [0.1, -0.2], next: [Float] = [0.5, 0.3]
        try agent.replayBuffer.add(observation: observation, action: 1, reward: 2, nextObservation: next, terminated: true, truncated: false, discount: 0.9)
        try agent.replayBuffer.add(observation: observation, action: 1, reward: 2, nextObservation: next, terminated: false, truncated: true, discount: 0.9)
        let batch = ReplayBatch()
        agent.replayBuffer.gather(rows: [0, 1], into: batch)
        agent.computeTargets(for: batch)
        let onlineNext = agent.qValues(next)
        let chosen = onlineNext.indices.max { onlineNext[$0] < onlineNext[$1] }!
        let targetInput = Tensor(shape: [1, 2], scalars: next)
        let targetNext = agent.target.forward(targetInput).scalars
        XCTAssertEqual(agent.lastTargets[0], 2, "terminated: the reward alone")
        XCTAssertEqual(agent.lastTargets[1], 2 + 0.9 * targetNext[chosen], accuracy: 1e-6, "truncated: reward plus discounted value")
        XCTAssertNotEqual(agent.lastTargets[0], agent.lastTargets[1])
    }

    func testObserveStoresTruncatedTransitionsAsNotTerminated() throws {
        let agent = try DQNAgent(observationSpace: Box(low: -1, high: 1, shape: [1]), actionCount: 2, config: smallConfig(), seed: 0)
        try agent.observe(Transition(observation: [0], action: 0, reward: 1, nextObservation: [0.5], terminated: false, truncated: true))
        try agent.observe(Transition(observation: [0.5], action: 1, reward: 1, nextObservation: [1], terminated: true, truncated: false))
        let batch = ReplayBatch()
        agent.replayBuffer.gather(rows: [0, 1], into: batch)
        XCTAssertEqual(batch.terminated.scalars, [0, 1])
        XCTAssertTrue(agent.replayBuffer.wasTruncated(row: 0))
    }

    func testNStepReturnsSumDiscountedRewardsAndFlushAtEpisodeEnd() throws {
        var config = smallConfig()
        config.nStep = 3
        config.trainFrequency = 1000
        let agent = try DQNAgent(observationSpace: Box(low: -10, high: 10, shape: [1]), actionCount: 2, config: config, seed: 0)
        let rewards: [Double] = [1, 2, 4, 8]
        for (step, reward) in rewards.enumerated() {
            try agent.observe(Transition(observation: [Float(step)], action: 0, reward: reward, nextObservation: [Float(step + 1)],
                                         terminated: step == 3, truncated: false))
        }
        XCTAssertEqual(agent.replayBuffer.count, 4)
        let batch = ReplayBatch()
        agent.replayBuffer.gather(rows: [0, 1, 2, 3], into: batch)
        XCTAssertEqual(batch.rewards[0], Float(1 + 0.9 * 2 + 0.81 * 4), accuracy: 1e-5)
        XCTAssertEqual(batch.discounts[0], Float(0.729), accuracy: 1e-6)
        XCTAssertEqual(batch.nextObservations[0], 3)
        // Flushed at termination: shorter returns, all terminated, all bootstrapping from the final observation.
        XCTAssertEqual(batch.rewards[1], Float(2 + 0.9 * 4 + 0.81 * 8), accuracy: 1e-5)
        XCTAssertEqual(batch.rewards[3], 8, accuracy: 1e-6)
        XCTAssertEqual(batch.terminated.scalars, [0, 1, 1, 1])
        XCTAssertEqual(batch.nextObservations.scalars, [3, 4, 4, 4])
    }

    func testEpsilonScheduleIsLinearThenConstant() {
        var config = DQNConfig()
        config.totalSteps = 1000
        config.explorationFraction = 0.1
        config.explorationInitialEpsilon = 1
        config.explorationFinalEpsilon = 0.1
        XCTAssertEqual(config.epsilon(atStep: 0), 1)
        XCTAssertEqual(config.epsilon(atStep: 50), 0.55, accuracy: 1e-12)
        XCTAssertEqual(config.epsilon(atStep: 100), 0.1, accuracy: 1e-12)
        XCTAssertEqual(config.epsilon(atStep: 900), 0.1, accuracy: 1e-12)
    }

    func testInvalidConfigurationNamesTheKey() {
        var config = DQNConfig()
        config.gamma = 1.5
        XCTAssertThrowsError(try DQNAgent(observationSpace: Box(low: 0, high: 1, shape: [1]), actionCount: 2, config: config, seed: 0)) { error in
            XCTAssertEqual("\(error)", "gamma = 1.5 is invalid: expected a number in [0, 1]")
        }
    }

    /// max_grad_norm 0 turns clipping off (the MinAtar presets); a negative bound is refused.
    func testZeroGradientNormBoundMeansNoClipping() throws {
        var config = smallConfig()
        config.maxGradNorm = 0
        XCTAssertNoThrow(try config.validate())
        config.maxGradNorm = -1
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertEqual("\(error)", "max_grad_norm = -1.0 is invalid: expected a positive number, or 0 for no clipping")
        }
    }

    func testDuelingHeadGradientMatchesFiniteDifferences() {
        var generator = Xoshiro256(seed: 3)
        let head = DuelingHead(inputSize: 3, actionCount: 4, generator: &generator)
        let input = Tensor(shape: [2, 3], scalars: [0.3, -0.7, 0.2, 0.9, 0.1, -0.4])
        let weights = Tensor(shape: [2, 4], scalars: [0.5, -1, 2, 0.25, -0.3, 0.8, 0.1, -1.5])
        func loss() -> Double {
            let output = head.forward(input)
            return (0..<output.count).reduce(0.0) { $0 + Double(output[$1] * weights[$1]) }
        }
        _ = loss()
        let inputGradient = head.backward(weights).scalars
        let parameterGradients = head.parameters.map(\.gradient.scalars)
        let epsilon: Float = 1e-2
        for index in 0..<input.count {
            let saved = input[index]
            input[index] = saved + epsilon; let plus = loss()
            input[index] = saved - epsilon; let minus = loss()
            input[index] = saved
            XCTAssertEqual(inputGradient[index], Float((plus - minus) / Double(2 * epsilon)), accuracy: 1e-3)
        }
        for (parameter, gradient) in zip(head.parameters, parameterGradients) {
            for index in 0..<parameter.value.count {
                let saved = parameter.value[index]
                parameter.value[index] = saved + epsilon; let plus = loss()
                parameter.value[index] = saved - epsilon; let minus = loss()
                parameter.value[index] = saved
                XCTAssertEqual(gradient[index], Float((plus - minus) / Double(2 * epsilon)), accuracy: 1e-3, parameter.name)
            }
        }
    }

    func testDQNLearnsToReachTheGoalOfASmallRoom() throws {
        var config = DQNConfig()
        config.totalSteps = 3000
        config.learningRate = 1e-3
        config.bufferSize = 3000
        config.learningStarts = 200
        config.batchSize = 32
        config.targetUpdateInterval = 100
        config.explorationFraction = 0.4
        config.hiddenSizes = [32]
        // With γ = 0.99 a wall bump is worth almost as much as a step forward and
        // small errors make the greedy policy loop; 0.9 separates them clearly.
        config.gamma = 0.9
        var environment = GridWorld(layout: .room(size: 5), actionMode: .absolute, viewSize: nil, maxSteps: 50, seed: 0)
        let agent = try DQNAgent(observationSpace: environment.observationSpace, actionCount: 4, config: config, seed: 7)
        var observation = try environment.reset(seed: 0).observation
        for _ in 0..<config.totalSteps {
            let action = agent.act(observation, explore: true)
            let step = try environment.step(action)
            try agent.observe(Transition(observation: observation, action: action, reward: step.reward, nextObservation: step.observation,
                                         terminated: step.terminated, truncated: step.truncated))
            observation = step.isEpisodeOver ? try environment.reset().observation : step.observation
        }
        // Greedy: the 3×3 floor's opposite corner is 4 steps away.
        observation = try environment.reset(seed: 99).observation
        var steps = 0, reachedGoal = false
        while steps < 20 {
            let step = try environment.step(agent.act(observation, explore: false))
            steps += 1
            if step.isEpisodeOver { reachedGoal = step.terminated && step.reward > 0; break }
            observation = step.observation
        }
        XCTAssertTrue(reachedGoal, "greedy policy did not reach the goal within 20 steps")
        XCTAssertEqual(steps, 4, "greedy path should be the shortest")
        XCTAssertTrue(agent.lastLoss?.isFinite ?? false)
    }

    /// The off-policy checkpoint goes through bytes and back into a fresh agent
    /// without any file; a checkpoint of another shape is refused and changes nothing.
    func testRestoringTensorsFromADecodedCheckpoint() throws {
        let space = Box(low: -1, high: 1, shape: [2])
        let original = try DQNAgent(observationSpace: space, actionCount: 3, config: smallConfig(), seed: 1)
        let restored = try DQNAgent(observationSpace: space, actionCount: 3, config: smallConfig(), seed: 2)
        let bytes = try original.checkpoint().encoded()
        try restored.restoreTensors(from: Checkpoint.decode(bytes, path: "memory"))
        for (a, b) in zip(original.onlineParameters + original.targetParameters, restored.onlineParameters + restored.targetParameters) {
            XCTAssertEqual(a.value.scalars, b.value.scalars, a.name)
        }
        var wider = smallConfig()
        wider.hiddenSizes = [9]
        let other = try DQNAgent(observationSpace: space, actionCount: 3, config: wider, seed: 2)
        let before = other.onlineParameters.map(\.value.scalars)
        XCTAssertThrowsError(try other.restoreTensors(from: Checkpoint.decode(bytes, path: "memory")))
        XCTAssertEqual(other.onlineParameters.map(\.value.scalars), before)
    }
}
