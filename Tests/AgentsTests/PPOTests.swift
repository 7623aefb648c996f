import XCTest
import Environments
@testable import Agents
@testable import Neural

final class PPOTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

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

    /// Episodes end (the next observation starts one) at these (copy, step) pairs.
    private let endings: Set<[Int]> = [[0, 2], [1, 4], [2, 0]]

    /// Acts for one rollout on random observations with episodes ending at `endings`.
    private func fillRollout(_ agent: PPOAgent, generator: inout Xoshiro256) {
        let count = agent.environmentCount, size = agent.observationSize
        for step in 0..<agent.config.rolloutSteps {
            _ = agent.act()
            agent.recordRewards((0..<count).map { Double($0) * 0.5 + 0.1 })
            let observations = (0..<(count * size)).map { _ in generator.nextUnitFloat() * 2 - 1 }
            agent.setObservations(observations, episodeStarts: (0..<count).map { endings.contains([$0, step]) })
        }
    }

    private func makeAgent(_ config: PPOConfig, generator: inout Xoshiro256) throws -> PPOAgent {
        let agent = try PPOAgent(observationShape: [2], actionCount: 3, config: config, seed: 3)
        let observations = (0..<(config.environmentCount * 2)).map { _ in generator.nextUnitFloat() * 2 - 1 }
        agent.setObservations(observations, episodeStarts: [Bool](repeating: true, count: config.environmentCount))
        return agent
    }

    func testMemorylessAndRecurrentUpdatesGiveFiniteLosses() throws {
        for recurrent in [false, true] {
            var generator = Xoshiro256(seed: 1)
            let agent = try makeAgent(config(recurrent: recurrent), generator: &generator)
            fillRollout(agent, generator: &generator)
            XCTAssertTrue(agent.buffer.isFull)
            let statistics = try agent.update()
            XCTAssertTrue(statistics.loss.isFinite)
            XCTAssertTrue(statistics.valueLoss.isFinite && statistics.policyLoss.isFinite)
            XCTAssertGreaterThan(statistics.entropy, 0)
            XCTAssertFalse(agent.buffer.isFull)
            XCTAssertEqual(agent.updates, 1)
            XCTAssertEqual(agent.environmentSteps, 18)
        }
    }

    /// Inside a rollout, acting on an episode's first observation starts from the
    /// zero state; elsewhere the state carries over from the previous step.
    func testHiddenStateResetsWhereAnEpisodeStartsInsideARollout() throws {
        var generator = Xoshiro256(seed: 2)
        let agent = try makeAgent(config(recurrent: true), generator: &generator)
        let lstm = try XCTUnwrap(agent.actorLSTM)
        let width = agent.config.lstmHiddenSize
        let hidden = Tensor(shape: [1, width]), cell = Tensor(shape: [1, width]), input = Tensor(shape: [1, 2])
        for step in 0..<agent.config.rolloutSteps {
            let before = agent.actorHidden.copy(), cellBefore = agent.actorCell.copy()
            let observations = agent.currentObservations, starts = agent.currentEpisodeStarts
            _ = agent.act()
            for copy in 0..<agent.environmentCount {
                // What one LSTM step gives from the zero state, or from the carried state.
                for j in 0..<width {
                    hidden[j] = starts[copy] ? 0 : before[copy * width + j]
                    cell[j] = starts[copy] ? 0 : cellBefore[copy * width + j]
                }
                input[0] = observations[copy * 2]
                input[1] = observations[copy * 2 + 1]
                lstm.step(input: input, hidden: hidden, cell: cell)
                for j in 0..<width {
                    XCTAssertEqual(agent.actorHidden[copy * width + j], hidden[j], accuracy: 1e-6, "copy \(copy) step \(step)")
                }
                XCTAssertEqual(agent.buffer.episodeStarts[agent.buffer.row(environment: copy, step: step)], starts[copy])
            }
            agent.recordRewards([0, 0, 0])
            let next = (0..<6).map { _ in generator.nextUnitFloat() * 2 - 1 }
            agent.setObservations(next, episodeStarts: (0..<3).map { endings.contains([$0, step]) })
        }
        // A copy that started an episode mid-rollout: its stored flag is where the test put it.
        XCTAssertTrue(agent.buffer.episodeStarts[agent.buffer.row(environment: 0, step: 3)])
        XCTAssertTrue(agent.buffer.episodeStarts[agent.buffer.row(environment: 1, step: 5)])
    }

    /// Recurrent minibatches are whole sequences, and the training forward pass,
    /// started from each sequence's stored initial state with the episode-start
    /// flags, reproduces the log-probabilities and values acting recorded (ratio 1,
    /// zero KL) — also in a rollout that starts from carried, non-zero states.
    func testSequenceMinibatchesKeepEachSequencesInitialState() throws {
        var generator = Xoshiro256(seed: 4)
        let agent = try makeAgent(config(recurrent: true) { $0.epochs = 1; $0.learningRate = 1e-9 }, generator: &generator)
        fillRollout(agent, generator: &generator)
        try agent.update()
        let carried = agent.actorHidden.copy()
        XCTAssertGreaterThan(carried.scalars.map(abs).max() ?? 0, 0.01, "the second rollout should start from non-zero states")
        fillRollout(agent, generator: &generator)
        XCTAssertEqual(agent.rolloutActorHidden.scalars, carried.scalars)

        let order = agent.minibatchOrder()
        XCTAssertEqual(order.count, 2)  // 3 copies, 12 / 6 = 2 sequences per minibatch
        var seen: [Int] = []
        for minibatch in order {
            guard case .sequences(let copies) = minibatch else { return XCTFail("recurrent minibatches must be sequences") }
            seen += copies
        }
        XCTAssertEqual(seen.sorted(), [0, 1, 2])

        agent.buffer.computeAdvantages(lastValues: [0, 0, 0], nextEpisodeStarts: [false, false, false], gamma: 0.99, lambda: 0.95)
        for minibatch in order {
            let statistics = agent.computeGradients(minibatch: minibatch, clip: 0.2)
            XCTAssertEqual(statistics.approximateKL, 0, accuracy: 1e-9)
            XCTAssertEqual(statistics.clipFraction, 0)
        }
        // Without the stored initial state (zeros instead) the replay would differ.
        agent.rolloutActorHidden.fill(0)
        agent.rolloutActorCell.fill(0)
        let shifted = agent.computeGradients(minibatch: .sequences([0, 1, 2]), clip: 0.2)
        XCTAssertGreaterThan(shifted.approximateKL, 1e-9)
    }

    /// The gradient of policy loss + value loss − entropy bonus through the heads
    /// and both LSTMs matches central differences on a tiny network.
    func testRecurrentLossGradientMatchesFiniteDifferences() throws {
        for shared in [false, true] {
            var generator = Xoshiro256(seed: 6)
            let agent = try makeAgent(config(recurrent: true) {
                $0.entropyCoefficient = 0.05
                $0.sharedLSTM = shared
                $0.valueClipRange = 10
            }, generator: &generator)
            fillRollout(agent, generator: &generator)
            agent.buffer.computeAdvantages(lastValues: [0.3, -0.2, 0.1], nextEpisodeStarts: [false, true, false], gamma: 0.9, lambda: 0.8)
            // Move away from the acting parameters so ratios differ from 1 (but stay inside the clip).
            for parameter in agent.parameters {
                for index in 0..<parameter.value.count { parameter.value[index] += 0.02 * (generator.nextUnitFloat() - 0.5) }
            }
            let minibatch = PPOMinibatch.sequences([2, 0, 1])
            let clip: Float = 0.5
            assertGradientsMatchFiniteDifferences(agent, minibatch: minibatch, clip: clip, case: "shared \(shared)")
        }
    }

    /// SB3's handling of time limits: a truncated step's reward gains γ·V(final observation).
    func testTruncationBootstrapsFromTheFinalObservationsValue() throws {
        var generator = Xoshiro256(seed: 8)
        let agent = try makeAgent(config(recurrent: false) { $0.gamma = 0.5 }, generator: &generator)
        _ = agent.act()
        let final: [Float] = [0.25, -0.5]
        let value = agent.valueHead.forward(Tensor(shape: [1, 2], scalars: final))[0]
        agent.recordRewards([1, 1, 1], bootstrapObservations: [(1, final)])
        XCTAssertEqual(agent.buffer.rewards[agent.buffer.row(environment: 0, step: 0)], 1)
        XCTAssertEqual(agent.buffer.rewards[agent.buffer.row(environment: 1, step: 0)], 1 + 0.5 * value, accuracy: 1e-6)
    }

    /// VecNormalize's `norm_reward`: each reward is divided by the standard deviation of
    /// every discounted return seen so far, each copy's return restarting with its episode
    /// (to within the statistics' starting pseudo-count of 1e-4).
    func testRewardNormalisationDividesByTheDiscountedReturnsStandardDeviation() throws {
        var generator = Xoshiro256(seed: 9)
        let agent = try makeAgent(config(recurrent: false) { $0.gamma = 0.5; $0.normalizeRewards = true }, generator: &generator)
        func populationDeviation(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        _ = agent.act()
        agent.recordRewards([1, 2, 4])
        var deviation = populationDeviation([1, 2, 4])
        for (copy, reward) in [1.0, 2, 4].enumerated() {
            XCTAssertEqual(Double(agent.buffer.rewards[agent.buffer.row(environment: copy, step: 0)]), reward / deviation, accuracy: 1e-3)
        }
        // Copy 1's episode ended: its return restarts; the others discount theirs by γ = 0.5.
        agent.setObservations([Float](repeating: 0, count: 6), episodeStarts: [false, true, false])
        _ = agent.act()
        agent.recordRewards([1, 1, 1])
        XCTAssertEqual(agent.discountedReturns, [1.5, 1, 3])
        deviation = populationDeviation([1, 2, 4, 1.5, 1, 3])
        for copy in 0..<3 {
            XCTAssertEqual(Double(agent.buffer.rewards[agent.buffer.row(environment: copy, step: 1)]), 1 / deviation, accuracy: 1e-3)
        }
        XCTAssertEqual(agent.state.returnStatistics, agent.returnStatistics)
        XCTAssertEqual(agent.state.discountedReturns, [1.5, 1, 3])
    }

    /// A reward many deviations out is clipped to ±10, as VecNormalize's `clip_reward`.
    func testNormalisedRewardsAreClippedToTen() throws {
        var generator = Xoshiro256(seed: 10)
        let copies = 200
        let agent = try makeAgent(config(recurrent: false) { $0.environmentCount = copies; $0.normalizeRewards = true },
                                  generator: &generator)
        _ = agent.act()
        // One reward of −1 among 199 zeros is 200/√199 ≈ 14 deviations from the mean return.
        agent.recordRewards([-1] + [Double](repeating: 0, count: copies - 1))
        XCTAssertEqual(agent.buffer.rewards[agent.buffer.row(environment: 0, step: 0)], -10)
        XCTAssertEqual(agent.buffer.rewards[agent.buffer.row(environment: 1, step: 0)], 0)
    }

    /// GAE(λ) by hand on one sequence with an episode start inside it.
    func testAdvantagesFollowGAEAndStopAtEpisodeStarts() {
        let buffer = RolloutBuffer(environmentCount: 1, steps: 3, observationSize: 1)
        buffer.rewards = [1, 2, 3]
        buffer.values = [0.5, 1, 1.5]
        buffer.episodeStarts = [true, false, true]
        buffer.stepsStored = 3
        buffer.computeAdvantages(lastValues: [2], nextEpisodeStarts: [false], gamma: 0.9, lambda: 0.5)
        let a2 = 3 + 0.9 * 2 - 1.5
        let a1 = 2 - 1.0  // the next observation starts an episode: no bootstrap
        let a0 = (1 + 0.9 * 1 - 0.5) + 0.9 * 0.5 * a1
        XCTAssertEqual(buffer.advantages.map(Double.init), [a0, a1, a2].map { Double(Float($0)) }, accuracy: 1e-6)
        XCTAssertEqual(buffer.returns[0], Float(a0 + 0.5), accuracy: 1e-6)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

final class PPOActorCriticTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    /// Acting (one step at a time, states advanced in place) and training (whole
    /// sequences from the same initial states, with an episode start) run the same
    /// network: their logits and values agree step by step, for a shared and a
    /// separate critic LSTM.
    func testStepAndSequenceForwardAgree() throws {
        for shared in [false, true] {
            var config = PPOConfig()
            config.environmentCount = 2
            config.lstmHiddenSize = 8
            config.sharedLSTM = shared
            config.policyLayers = [6]
            config.valueLayers = [5]
            var generator = Xoshiro256(seed: 4)
            let network = PPOActorCritic(observationShape: [3], actionCount: 4, config: config, generator: &generator)
            let batch = 2, time = 5, hidden = 8
            func randomTensor(_ shape: [Int]) -> Tensor {
                Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextUnitFloat() * 2 - 1 })
            }
            let observations = randomTensor([batch * time, 3])
            let actor = (randomTensor([batch, hidden]), randomTensor([batch, hidden]))
            let critic = (randomTensor([batch, hidden]), randomTensor([batch, hidden]))
            var starts = [Float](repeating: 0, count: batch * time)
            starts[1 * time + 3] = 1
            let (sequenceLogits, sequenceValues) = network.forward(
                observations, memory: .sequences(count: batch, time: time, actor: actor, critic: critic,
                                                 episodeStarts: Tensor(shape: [batch, time], scalars: starts)),
                heads: .both)
            let logits = try XCTUnwrap(sequenceLogits).scalars, values = try XCTUnwrap(sequenceValues).scalars

            let stepActor = (actor.0.copy(), actor.1.copy()), stepCritic = (critic.0.copy(), critic.1.copy())
            let stepInput = Tensor(shape: [batch, 3])
            for t in 0..<time {
                for b in 0..<batch {
                    if starts[b * time + t] != 0 {
                        for state in [stepActor.0, stepActor.1, stepCritic.0, stepCritic.1] {
                            for j in 0..<hidden { state[b * hidden + j] = 0 }
                        }
                    }
                    for k in 0..<3 { stepInput[b * 3 + k] = observations[(b * time + t) * 3 + k] }
                }
                let (stepLogits, stepValues) = network.forward(stepInput, memory: .step(actor: stepActor, critic: stepCritic),
                                                               heads: .both)
                for b in 0..<batch {
                    for action in 0..<4 {
                        XCTAssertEqual(stepLogits![b * 4 + action], logits[(b * time + t) * 4 + action], accuracy: 1e-5,
                                       "shared \(shared) step \(t) row \(b)")
                    }
                    XCTAssertEqual(stepValues![b], values[b * time + t], accuracy: 1e-5, "shared \(shared) step \(t) row \(b)")
                }
            }
        }
    }

    /// Checkpoint tensors go through bytes and back into a fresh agent without any
    /// file: the agent restores from a decoded Checkpoint.
    func testRestoringTensorsFromADecodedCheckpoint() throws {
        var config = PPOConfig()
        config.environmentCount = 2
        config.lstmHiddenSize = 4
        let original = try PPOAgent(observationShape: [3], actionCount: 2, config: config, seed: 1)
        let restored = try PPOAgent(observationShape: [3], actionCount: 2, config: config, seed: 2)
        XCTAssertNotEqual(original.parameters[0].value.scalars, restored.parameters[0].value.scalars)
        let bytes = try original.checkpoint().encoded()
        try restored.restoreTensors(from: Checkpoint.decode(bytes, path: "memory"))
        for (a, b) in zip(original.parameters, restored.parameters) { XCTAssertEqual(a.value.scalars, b.value.scalars) }

        config.lstmHiddenSize = 5
        let other = try PPOAgent(observationShape: [3], actionCount: 2, config: config, seed: 2)
        XCTAssertThrowsError(try other.restoreTensors(from: Checkpoint.decode(bytes, path: "memory")))
    }
}
