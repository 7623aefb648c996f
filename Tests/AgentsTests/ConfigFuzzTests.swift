import XCTest
import Environments
@testable import Agents

/// Feeds boundary, random and wrongly typed values to every key of every agent
/// configuration: each must fail to decode, be refused by `validate()`, the
/// network-shape check or the memory estimate (as a run's configuration step
/// refuses it), or give an agent that acts. A trap would end the test process.
final class ConfigFuzzTests: XCTestCase {
    /// Configurations above this estimate are not built here: a run would refuse
    /// them against the machine's memory, and the test must stay small.
    private static let buildLimitBytes = 64.0 * 1024 * 1024

    /// JSON values of every type and edge (`"nan"` and `"inf"` decode as numbers).
    private static let fixedValues: [String] = [
        "-1", "0", "1", "2", "3", "9", "0.5", "1e-300", "1e18", "-1e18", "9223372036854775807", "-9223372036854775808",
        "99999999999", "3037000500", "\"nan\"", "\"inf\"", "\"-inf\"", "\"x\"", "\"\"", "true", "false", "null",
        "[]", "[0]", "[-1]", "[1]", "[100000, 100000]", "[65536]", "[16, 16, 16, 16]", "[9223372036854775807]", "{}",
        "\"adam\"", "\"rmsprop_centered\"", "\"bits\"", "\"float32\"", "\"mse\"", "\"relu\"",
    ]

    /// Small sizes that every key is fuzzed on top of, so the agents that work stay cheap.
    private static let base: [String: String] = [
        "buffer_size": "64", "batch_size": "4", "learning_starts": "0", "n_envs": "2", "n_steps": "4", "hidden_sizes": "[8]",
        "policy_layers": "[8]", "value_layers": "[8]", "conv_channels": "[4]", "encoder_features": "8",
        "sequence_length": "2", "burn_in": "1",
    ]

    /// A vector and a small image observation, as the runners pass them.
    private static let spaces = [Box(low: -1, high: 1, shape: [4]), Box(low: 0, high: 1, shape: [3, 5, 5])]

    func testEveryDQNKeyThrowsOrWorks() throws {
        try fuzz(DQNConfig.self, keys: DQNConfig.keys) { config, space in
            let agent = try DQNAgent(observationSpace: space, actionCount: 3, config: config, seed: 1)
            _ = agent.act([Float](repeating: 0.5, count: space.low.count), explore: true)
        }
    }

    func testEveryDRQNKeyThrowsOrWorks() throws {
        // DRQN's encoder is DQN's (fuzzed on images above); vectors keep this test fast.
        try fuzz(DRQNConfig.self, keys: DRQNConfig.keys + ["n_step"], spaces: [Self.spaces[0]]) { config, space in
            let agent = try DRQNAgent(observationSpace: space, actionCount: 3, config: config, seed: 1)
            _ = agent.act([Float](repeating: 0.5, count: space.low.count), explore: false)
        }
    }

    func testEveryPPOKeyThrowsOrWorks() throws {
        try fuzz(PPOConfig.self, keys: PPOConfig.keys) { config, space in
            let agent = try PPOAgent(observationShape: space.shape, actionCount: 3, config: config, seed: 1)
            _ = agent.makePolicy().action(for: [Float](repeating: 0.5, count: space.low.count))
        }
    }

    /// The reported cases, refused by `validate()` with the limit in the message.
    func testReportedValuesAreRefusedWithTheirLimit() {
        var dqn = DQNConfig()
        dqn.bufferSize = Int.max
        XCTAssertThrowsError(try dqn.validate()) { error in
            XCTAssertEqual("\(error)", "buffer_size = 9223372036854775807 is invalid: expected a number of transitions in [1, 100000000]")
        }
        dqn = DQNConfig()
        dqn.hiddenSizes = [100_000, 100_000]
        XCTAssertThrowsError(try dqn.validate()) { error in
            XCTAssertEqual("\(error)", "hidden_sizes = [100000, 100000] is invalid: expected at most 64 layer sizes, each in [1, 65536]")
        }
        dqn = DQNConfig()
        dqn.bufferSize = 10
        dqn.nStep = 100
        XCTAssertThrowsError(try dqn.validate()) { error in
            XCTAssertEqual("\(error)", "n_step = 100 is invalid: expected a number of steps in [1, 10] (at most buffer_size and 10000)")
        }
        dqn = DQNConfig()
        dqn.convolutionPadding = 50
        XCTAssertThrowsError(try dqn.validate()) { error in
            XCTAssertEqual("\(error)", "conv_padding = 50 is invalid: expected a padding in [0, conv_kernel - 1 = 2]")
        }
        var ppo = PPOConfig()
        ppo.environmentCount = 99_999_999_999
        XCTAssertThrowsError(try ppo.validate()) { error in
            XCTAssertEqual("\(error)", "n_envs = 99999999999 is invalid: expected a number of environments in [1, 4096]")
        }
        ppo = PPOConfig()
        ppo.environmentCount = Int.max
        ppo.rolloutSteps = Int.max
        XCTAssertThrowsError(try ppo.validate())
    }

    /// Network shapes are checked against the observation before any layer exists.
    func testConvolutionsThatDoNotFitNameTheLayer() throws {
        var dqn = DQNConfig()
        dqn.convolutionKernel = 9
        XCTAssertThrowsError(try dqn.checkNetworkShapes(observationShape: [5, 8, 8], actionCount: 3)) { error in
            XCTAssertEqual("\(error)", "conv layer 1 (kernel 9, stride 1, padding 0) needs an input of at least 9×9, gets 8×8 from observation [5, 8, 8]")
        }
        XCTAssertThrowsError(try DQNAgent(observationSpace: Box(low: 0, high: 1, shape: [5, 8, 8]), actionCount: 3, config: dqn, seed: 0))
        dqn = DQNConfig()
        dqn.convolutionChannels = [16, 16]
        XCTAssertThrowsError(try dqn.checkNetworkShapes(observationShape: [3, 4, 4], actionCount: 3)) { error in
            XCTAssertEqual("\(error)", "conv layer 2 (kernel 3, stride 1, padding 0) needs an input of at least 3×3, gets 2×2 from observation [3, 4, 4]")
        }
        // Catch with one column: [1, 10, 1] is narrower than any 3×3 kernel.
        XCTAssertThrowsError(try DQNConfig().checkNetworkShapes(observationShape: [1, 10, 1], actionCount: 3))
        // A 1×2 map.
        XCTAssertThrowsError(try DQNConfig().checkNetworkShapes(observationShape: [5, 1, 2], actionCount: 4))
        var ppo = PPOConfig()
        ppo.useCNN = true
        XCTAssertThrowsError(try ppo.checkNetworkShapes(observationShape: [5, 3, 3], actionCount: 4)) { error in
            XCTAssertEqual("\(error)", "conv layer 2 (kernel 3, stride 1, padding 0) needs an input of at least 3×3, gets 1×1 from observation [5, 3, 3]")
        }
        XCTAssertThrowsError(try PPOAgent(observationShape: [5, 3, 3], actionCount: 4, config: ppo, seed: 0))
        XCTAssertThrowsError(try DQNConfig().checkNetworkShapes(observationShape: [4], actionCount: 0))
    }

    func testTheMemoryEstimateCountsTheReplayAndTheNetworks() throws {
        var dqn = DQNConfig()
        dqn.bufferSize = 1_000
        dqn.observationStorage = "float32"
        dqn.hiddenSizes = [10]
        let estimate = try dqn.memoryEstimate(observationSpace: Box(low: -1, high: 1, shape: [4]), actionCount: 2)
        let replay = estimate.parts.first { $0.name == "replay buffer" }?.bytes
        XCTAssertEqual(replay, 1_000 * (2 * 4 * 4 + 14))
        // (4·10 + 10) + (10·2 + 2) = 72 parameters, each with weight, gradient, two Adam moments, a target copy and its gradient.
        XCTAssertEqual(estimate.parts.first { $0.name == "networks" }?.bytes, 72 * 6 * 4)
        // The 500×500 grid world that grew to 23 GB: the estimate is above that.
        var grid = DQNConfig()
        grid.bufferSize = 20_000
        grid.batchSize = 64
        grid.hiddenSizes = [64]
        let large = try grid.memoryEstimate(observationSpace: Box(low: 0, high: 1, shape: [5, 500, 500]), actionCount: 3)
        XCTAssertGreaterThan(large.totalBytes, 23e9)
        XCTAssertTrue(large.description.hasPrefix("about "), large.description)
    }

    /// Decodes `base` with each key set to each value, then checks, estimates and
    /// (when small) builds the agent with `build` for each space.
    private func fuzz<Config: AgentConfiguration>(_: Config.Type, keys: [String], spaces: [Box] = spaces,
                                                  build: (Config, Box) throws -> Void) throws {
        var generator = Xoshiro256(seed: 15)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var outcomes = (refused: 0, built: 0)
        for key in keys {
            var values = Self.fixedValues
            for _ in 0..<3 {
                let magnitude = Int(truncatingIfNeeded: generator.next() >> UInt64(1 + generator.nextInt(upperBound: 63)))
                values.append(String(generator.nextInt(upperBound: 2) == 0 ? magnitude : -magnitude))
            }
            for value in values {
                var fields = Self.base
                fields[key] = value
                let json = "{" + fields.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
                guard let config = try? decoder.decode(Config.self, from: Data(json.utf8)) else {
                    outcomes.refused += 1
                    continue
                }
                do {
                    try config.validate()
                } catch {
                    outcomes.refused += 1
                    continue
                }
                for space in spaces {
                    do {
                        try config.checkNetworkShapes(observationShape: space.shape, actionCount: 3)
                        let estimate = try config.memoryEstimate(observationSpace: space, actionCount: 3)
                        guard estimate.totalBytes <= Self.buildLimitBytes else {
                            outcomes.refused += 1
                            continue
                        }
                        try build(config, space)
                        outcomes.built += 1
                    } catch is NetworkShapeError {
                        outcomes.refused += 1
                    } catch {
                        XCTFail("\(key)=\(value) on \(space.shape): unexpected \(error)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(outcomes.refused, 50)
        XCTAssertGreaterThan(outcomes.built, 50)
    }
}
