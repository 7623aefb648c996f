import XCTest
@testable import Environments

final class WrapperOptionsTests: XCTestCase {
    func testEverySpecDeclaresTheWrapperOptions() throws {
        for spec in EnvironmentRegistry.standard.specs {
            for option in WrapperSettings.optionSpecs where !spec.environmentOptionNames.contains(option.name) {
                XCTAssertTrue(spec.options.contains(option), "\(spec.name) lacks \(option.name)")
            }
        }
    }

    func testDefaultsReturnTheFactorysOwnType() throws {
        let environment = try EnvironmentRegistry.standard.make("cartpole")
        XCTAssertTrue(environment is TimeLimit<CartPole>)
    }

    func testOptionsComposeWrappersInTheDocumentedOrder() throws {
        let environment = try EnvironmentRegistry.standard.make("cartpole", options: [
            "frame_stack": .int(3), "normalize_observation": .bool(true), "clip_reward": .double(0.5),
            "sticky_action": .double(0.25), "action_repeat": .int(2), "mask": .string("1, 3"),
        ])
        XCTAssertEqual(environment.name,
                       "ClipReward<FrameStack<NormalizeObservation<ObservationMask<ActionRepeat<StickyAction<TimeLimit<CartPole>>>>>>>")
        XCTAssertEqual(environment.observationSpace as? Box, Box(low: -.infinity, high: .infinity, shape: [12]))
        let dropped = try EnvironmentRegistry.standard.make("cartpole", options: ["mask": .string("1,3"), "mask_mode": .string("drop")])
        XCTAssertEqual((dropped.observationSpace as? Box)?.shape, [2])
    }

    func testWrappedEnvironmentsStepAndPassTheChecker() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "cartpole")
        let options: [String: InfoValue] = ["frame_stack": .int(2), "clip_reward": .double(0.5), "sticky_action": .double(0.1)]
        for result in try spec.check(options: options) { XCTAssertTrue(result.passed, "\(result)") }
        let rollout = try spec.runRandomRollout(options: options, steps: 300, seed: 2)
        XCTAssertEqual(rollout.totalReward, 150, "clipped to 0.5 per step")
        var erased = try XCTUnwrap(try spec.make(["action_repeat": .int(2)]) as? any Environment<[Float], Int>)
        _ = try erased.reset(seed: 0)
        XCTAssertEqual(try erased.step(0).reward, 2)
    }

    /// Continuous-action environments take the same wrappers (frame stacking, as SB3's
    /// VecFrameStack does for any action space).
    func testWrappersApplyToFloatActions() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "robot-nav-continuous")
        let options: [String: InfoValue] = ["frame_stack": .int(3), "sticky_action": .double(0.5), "action_repeat": .int(2)]
        var stacked = try XCTUnwrap(try spec.make(options) as? any Environment<[Float], [Float]>)
        XCTAssertEqual((stacked.observationSpace as? Box)?.shape, [57], "3 × (16 beams + 3)")
        let first = try stacked.reset(seed: 4).observation
        XCTAssertEqual(Array(first[0..<19]), Array(first[38..<57]), "the reset fills the stack with its observation")
        let moved = try stacked.step([1, 0]).observation
        XCTAssertEqual(Array(moved[0..<19]), Array(first[19..<38]), "the oldest frame drops out")
        for result in try spec.check(options: options) { XCTAssertTrue(result.passed, "\(result)") }
    }

    func testBadWrapperValuesAreErrorsNamingTheOption() {
        let registry = EnvironmentRegistry.standard
        for (key, value) in [("frame_stack", InfoValue.int(0)), ("sticky_action", .double(1.5)), ("action_repeat", .int(0)),
                             ("mask", .string("1,x")), ("mask", .string("9")), ("mask_mode", .string("hide")),
                             ("clip_reward", .double(-1))] {
            XCTAssertThrowsError(try registry.make("cartpole", options: [key: value]), key) { error in
                XCTAssertTrue("\(error)".contains(key), "\(error)")
            }
        }
    }
}

extension WrapperOptionsTests {
    func testNormalizationStatisticsAreReachableThroughARegistryStack() throws {
        var training = try EnvironmentRegistry.standard.make("cartpole", options: [
            "normalize_observation": .bool(true), "frame_stack": .int(2), "clip_reward": .double(1)])
        var carrier = try XCTUnwrap(training as? any ObservationNormalizationCarrying)
        XCTAssertFalse(carrier.isObservationStatisticsFrozen)
        var typed = try XCTUnwrap(training as? any Environment<[Float], Int>)
        _ = try typed.reset(seed: 0)
        for _ in 0..<20 { if try typed.step(1).terminated { _ = try typed.reset() } }
        training = typed
        carrier = try XCTUnwrap(training as? any ObservationNormalizationCarrying)
        let learnt = carrier.observationStatistics
        XCTAssertGreaterThan(learnt.count, 20)

        // An evaluation copy takes the statistics and freezes them.
        var evaluation = try XCTUnwrap(try EnvironmentRegistry.standard.make("cartpole", options: [
            "normalize_observation": .bool(true), "frame_stack": .int(2), "clip_reward": .double(1)]) as? any ObservationNormalizationCarrying)
        evaluation.observationStatistics = learnt
        evaluation.isObservationStatisticsFrozen = true
        var stepped = try XCTUnwrap(evaluation as? any Environment<[Float], Int>)
        _ = try stepped.reset(seed: 1)
        _ = try stepped.step(0)
        let after = try XCTUnwrap(stepped as? any ObservationNormalizationCarrying)
        XCTAssertEqual(after.observationStatistics, learnt)
        XCTAssertNil(try EnvironmentRegistry.standard.make("cartpole") as? any ObservationNormalizationCarrying)
    }
}
