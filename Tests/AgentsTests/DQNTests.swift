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

    // MARK: - Hindsight experience replay

    /// Observations `[position, goal]` on a line, positions achieving themselves;
    /// reaching the goal on step t pays 100 + t.
    private struct LineGoals: HindsightGoals {
        func relabel(_ observation: inout [Float], achieved: Int, goal: Int) {
            precondition(Int(observation[0]) == achieved)
            observation[1] = Float(goal)
        }
        func rewardForReachingGoal(atStep stepCount: Int) -> Double { Double(100 + stepCount) }
    }

    private func hindsightAgent(nStep: Int) throws -> DQNAgent {
        var config = smallConfig()
        config.nSampledGoal = 3
        config.nStep = nStep
        config.gamma = 0.5
        config.trainFrequency = 1000
        let agent = try DQNAgent(observationSpace: Box(low: -10, high: 10, shape: [2]), actionCount: 2, config: config, seed: 4)
        agent.hindsightGoals = LineGoals()
        return agent
    }

    /// Walks `positions` (the first is the reset's), the goal at 9, action i on step i;
    /// a negative position is a pit, which ends an episode whatever the goal.
    private func walk(_ agent: DQNAgent, _ positions: [Int], terminated: Bool, steps: ClosedRange<Int>? = nil) throws {
        func achieved(_ position: Int) -> Int? { position < 0 ? nil : position }
        for step in steps ?? 1...(positions.count - 1) {
            let last = step == positions.count - 1
            try agent.observe(Transition(observation: [Float(positions[step - 1]), 9], action: step - 1, reward: 0,
                                         nextObservation: [Float(positions[step]), 9],
                                         terminated: last && terminated, truncated: last && !terminated),
                              achievedGoals: (achieved(positions[step - 1]), achieved(positions[step])))
        }
    }

    /// After an episode that never reached its goal, every step is stored again k
    /// times with a goal reached later, its n-step return and ending recomputed,
    /// the reward's step count counted from the copy's first state.
    func testHindsightCopiesCarryAGoalReachedLaterWithTheirOwnReturns() throws {
        let agent = try hindsightAgent(nStep: 2)
        try walk(agent, [0, 1, 2, 3, 4], terminated: false)
        XCTAssertEqual(agent.replayBuffer.count, 4 + 4 * 3, "4 real transitions, 3 copies of each")
        let batch = ReplayBatch()
        agent.replayBuffer.gather(rows: Array(0..<agent.replayBuffer.count), into: batch)
        var goalsFromTheLastStep: [Int] = []
        for row in 4..<agent.replayBuffer.count {
            let observation = Array(batch.observations.scalars[(2 * row)..<(2 * row + 2)])
            let next = Array(batch.nextObservations.scalars[(2 * row)..<(2 * row + 2)])
            let position = Int(observation[0]), goal = Int(observation[1])
            if position == 3 { goalsFromTheLastStep.append(goal) }
            XCTAssertEqual(next[1], observation[1], "row \(row): both observations show the new goal")
            XCTAssertTrue((position + 1)...4 ~= goal, "row \(row): goal \(goal) is reached after position \(position)")
            XCTAssertEqual(batch.actions[row], position)
            if goal - position <= 2 {
                XCTAssertEqual(Int(next[0]), goal)
                XCTAssertEqual(batch.terminated[row], 1)
                XCTAssertEqual(batch.rewards[row], Float(pow(0.5, Double(goal - position - 1)) * Double(100 + goal - position)), "row \(row)")
                XCTAssertEqual(batch.discounts[row], Float(pow(0.5, Double(goal - position))))
            } else {
                XCTAssertEqual(Int(next[0]), position + 2, "row \(row): the goal lies beyond the 2-step window")
                XCTAssertEqual(batch.terminated[row], 0)
                XCTAssertEqual(batch.rewards[row], 0)
                XCTAssertEqual(batch.discounts[row], 0.25)
            }
        }
        XCTAssertEqual(goalsFromTheLastStep, [4, 4, 4], "only 4 lies after 3")
    }

    /// A state that ends every episode (a pit) is never a goal, nor is the state
    /// a step starts from (it would have ended the episode before the step).
    func testHindsightSkipsPitsAndTheStartingState() throws {
        let agent = try hindsightAgent(nStep: 1)
        try walk(agent, [0, 1, 0, -1], terminated: true)
        let batch = ReplayBatch()
        agent.replayBuffer.gather(rows: Array(0..<agent.replayBuffer.count), into: batch)
        var copies: [[Float]] = []
        for row in 3..<agent.replayBuffer.count {
            copies.append([batch.observations.scalars[2 * row], batch.observations.scalars[2 * row + 1]])
        }
        // From 0 (step 1) the later states are 1, 0 (itself) and the pit; from 1, 0 and the
        // pit; from 0 (step 3) only the pit: goal 1 from 0 and goal 0 from 1 remain.
        XCTAssertFalse(copies.isEmpty)
        for copy in copies { XCTAssertTrue(copy == [0, 1] || copy == [1, 0], "\(copy)") }
    }

    /// A checkpoint taken mid-episode holds the episode so far, so a restored agent
    /// stores the same copies when the episode ends.
    func testAnEpisodeCutByACheckpointIsRelabelledAsAWholeOne() throws {
        let whole = try hindsightAgent(nStep: 2)
        try walk(whole, [0, 1, 2, 3, 4], terminated: false)
        let cut = try hindsightAgent(nStep: 2)
        try walk(cut, [0, 1, 2, 3, 4], terminated: false, steps: 1...2)
        let restored = try hindsightAgent(nStep: 2)
        try restored.replayBuffer.restore(from: cut.replayBuffer.serialized())
        restored.restore(try JSONDecoder().decode(DQNAgent.State.self, from: JSONEncoder().encode(cut.state)))
        try walk(restored, [0, 1, 2, 3, 4], terminated: false, steps: 3...4)
        XCTAssertEqual(restored.replayBuffer.serialized(), whole.replayBuffer.serialized())
    }
}
