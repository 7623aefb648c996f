import XCTest
import Environments
@testable import Agents
@testable import Neural

/// PPO with a diagonal Gaussian policy for `Box` actions.
final class PPOContinuousTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    private let space = PPOActionSpace.box(low: [-1, 0], high: [1, 0.5])

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

    private func makeAgent(_ config: PPOConfig, seed: UInt64 = 3, generator: inout Xoshiro256) throws -> PPOAgent {
        let agent = try PPOAgent(observationShape: [2], actionSpace: space, config: config, seed: seed)
        let observations = (0..<(config.environmentCount * 2)).map { _ in generator.nextUnitFloat() * 2 - 1 }
        agent.setObservations(observations, episodeStarts: [Bool](repeating: true, count: config.environmentCount))
        return agent
    }

    /// Acts for one rollout on random observations, an episode ending for copy 1 at step 2.
    private func fillRollout(_ agent: PPOAgent, generator: inout Xoshiro256) {
        let count = agent.environmentCount, size = agent.observationSize
        for step in 0..<agent.config.rolloutSteps {
            _ = agent.actContinuous()
            agent.recordRewards((0..<count).map { Double($0) * 0.5 - 0.3 })
            let observations = (0..<(count * size)).map { _ in generator.nextUnitFloat() * 2 - 1 }
            agent.setObservations(observations, episodeStarts: (0..<count).map { $0 == 1 && step == 2 })
        }
    }

    /// The head has one mean per component and `log_std` starts at `log_std_init`,
    /// the last parameter, named as SB3 names it.
    func testLogStdIsALearnedVectorStartingAtLogStdInit() throws {
        var generator = Xoshiro256(seed: 1)
        let agent = try makeAgent(config(recurrent: false) { $0.logStdInit = -0.5 }, generator: &generator)
        XCTAssertEqual(agent.actionCount, 2)
        XCTAssertEqual(agent.parameterNames.last, "log_std")
        XCTAssertEqual(try XCTUnwrap(agent.logStd).value.scalars, [-0.5, -0.5])
        XCTAssertTrue(agent.parameters.last === agent.logStd)
        let discrete = try PPOAgent(observationShape: [2], actionCount: 2, config: config(recurrent: false), seed: 3)
        XCTAssertNil(discrete.logStd)
        XCTAssertFalse(discrete.parameterNames.contains("log_std"))
        // The same draws initialise a continuous and a discrete network of the same sizes.
        XCTAssertEqual(agent.parameters[0].value.scalars, discrete.parameters[0].value.scalars)
    }

    func testLogStdInitIsValidated() {
        XCTAssertThrowsError(try PPOAgent(observationShape: [2], actionSpace: space,
                                          config: config(recurrent: false) { $0.logStdInit = .infinity }, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("log_std_init"), "\(error)")
            XCTAssertTrue("\(error)".contains("inf"), "\(error)")
        }
    }

    /// The rollout keeps the unclipped sample and its log-probability; the copies
    /// get the sample clipped to the box; one seed gives the same samples.
    func testActingStoresTheSampleAndReturnsItClipped() throws {
        var generator = Xoshiro256(seed: 2)
        let agent = try makeAgent(config(recurrent: false) { $0.logStdInit = 0.5 }, generator: &generator)
        var twinGenerator = Xoshiro256(seed: 2)
        let twin = try makeAgent(config(recurrent: false) { $0.logStdInit = 0.5 }, generator: &twinGenerator)
        var clippedSomewhere = false
        for step in 0..<4 {
            let actions = agent.actContinuous()
            XCTAssertEqual(twin.actContinuous(), actions)
            for copy in 0..<agent.environmentCount {
                let row = agent.buffer.row(environment: copy, step: step)
                let sample = Array(agent.buffer.continuousActions[(row * 2)..<(row * 2 + 2)])
                XCTAssertEqual(actions[copy], [min(max(sample[0], -1), 1), min(max(sample[1], 0), 0.5)])
                if actions[copy] != sample { clippedSomewhere = true }
                XCTAssertTrue(Box(low: [-1, 0], high: [1, 0.5]).contains(actions[copy]))
            }
            agent.recordRewards([0, 0, 0])
            twin.recordRewards([0, 0, 0])
        }
        // σ = e^0.5 against a box half a unit wide: some samples must leave it.
        XCTAssertTrue(clippedSomewhere)
        // The stored log-probability is the sample's under the acting policy (the first step's means).
        XCTAssertNotEqual(agent.buffer.logProbabilities[0], 0)
    }

    /// The gradient of policy loss + value loss − entropy bonus with respect to
    /// every parameter, `log_std` included, matches central differences, with and
    /// without an LSTM.
    func testGaussianLossGradientMatchesFiniteDifferences() throws {
        for recurrent in [false, true] {
            var generator = Xoshiro256(seed: 6)
            let agent = try makeAgent(config(recurrent: recurrent) {
                $0.entropyCoefficient = 0.05
                $0.logStdInit = -0.3
            }, generator: &generator)
            fillRollout(agent, generator: &generator)
            agent.buffer.computeAdvantages(lastValues: [0.3, -0.2, 0.1], nextEpisodeStarts: [false, true, false], gamma: 0.9, lambda: 0.8)
            // Move away from the acting parameters so ratios differ from 1 (but stay inside the clip).
            for parameter in agent.parameters {
                for index in 0..<parameter.value.count { parameter.value[index] += 0.02 * (generator.nextUnitFloat() - 0.5) }
            }
            let minibatch = recurrent ? PPOMinibatch.sequences([2, 0, 1]) : PPOMinibatch.rows([4, 0, 17, 9, 3, 11])
            let clip: Float = 0.5
            _ = agent.computeGradients(minibatch: minibatch, clip: clip)
            XCTAssertNotEqual(agent.parameters.last!.gradient.scalars, [0, 0], "log_std gets a gradient")
            assertGradientsMatchFiniteDifferences(agent, minibatch: minibatch, clip: clip, case: "recurrent \(recurrent)")
        }
    }

    /// `log_std` and the optimiser's moments for it go through a checkpoint.
    func testLogStdIsCheckpointed() throws {
        var generator = Xoshiro256(seed: 4)
        let agent = try makeAgent(config(recurrent: false), generator: &generator)
        fillRollout(agent, generator: &generator)
        try agent.update()
        let learned = try XCTUnwrap(agent.logStd).value.scalars
        XCTAssertNotEqual(learned, [0, 0])
        var otherGenerator = Xoshiro256(seed: 4)
        let restored = try makeAgent(config(recurrent: false), seed: 9, generator: &otherGenerator)
        try restored.restoreTensors(from: Checkpoint.decode(agent.checkpoint().encoded(), path: "memory"))
        XCTAssertEqual(try XCTUnwrap(restored.logStd).value.scalars, learned)
        XCTAssertTrue(agent.checkpoint().parameters.contains { $0.name == "log_std" })
        // A discrete agent's checkpoint does not fit (no log_std, other head width).
        let discrete = try PPOAgent(observationShape: [2], actionCount: 2, config: config(recurrent: false), seed: 1)
        XCTAssertThrowsError(try discrete.restoreTensors(from: Checkpoint.decode(agent.checkpoint().encoded(), path: "memory")))
    }

    /// A one-step task whose best action is the constant 0.7 in `[-2, 2]`
    /// (reward −(a − 0.7)²): the greedy mean moves there from 0, and σ shrinks.
    func testLearnsAConstantBestAction() throws {
        var config = PPOConfig()
        config.environmentCount = 8
        config.rolloutSteps = 16
        config.batchSize = 32
        config.epochs = 4
        config.learningRate = 3e-3
        config.policyLayers = [8]
        config.valueLayers = [8]
        let agent = try PPOAgent(observationShape: [1], actionSpace: .box(low: [-2], high: [2]), config: config, seed: 11)
        let observations = [Float](repeating: 1, count: 8), starts = [Bool](repeating: true, count: 8)
        agent.setObservations(observations, episodeStarts: starts)
        for _ in 0..<40 {
            while !agent.buffer.isFull {
                let actions = agent.actContinuous()
                agent.recordRewards(actions.map { -Double(($0[0] - 0.7) * ($0[0] - 0.7)) })
                // Every step is a whole episode: the next observation starts a new one.
                agent.setObservations(observations, episodeStarts: starts)
            }
            try agent.update()
        }
        let greedy = agent.greedyContinuousAction([1], memory: agent.makeMemory())
        XCTAssertEqual(greedy[0], 0.7, accuracy: 0.15)
        XCTAssertLessThan(try XCTUnwrap(agent.logStd).value[0], -0.2, "σ shrinks once the mean is found")
        let policy = agent.makeContinuousPolicy()
        XCTAssertEqual(policy.action(for: [1]), greedy)
    }
}
