import XCTest
@testable import Environments

/// A wrapper that declares nothing but its storage: everything must be forwarded.
private struct Transparent<Wrapped: Environment>: Wrapper {
    var wrapped: Wrapped
}

/// Counts steps and resets, writing only the two methods it changes.
private struct Counting<Wrapped: Environment>: Wrapper {
    var wrapped: Wrapped
    var steps = 0
    var resets = 0

    mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Wrapped.Observation> {
        resets += 1
        return try wrapped.reset(seed: seed, options: options)
    }

    mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
        steps += 1
        return try wrapped.step(action)
    }
}

/// Observes only the position, scaled by ten: a change of type and space.
private struct PositionTimesTen<Wrapped: Environment>: ObservationWrapper where Wrapped.Observation == [Float] {
    var wrapped: Wrapped
    var observationSpace: Box { Box(low: [-1000], high: [1000]) }
    func observation(_ observation: [Float]) -> [Float] { [observation[0] * 10] }
}

/// Doubles every reward.
private struct DoubleReward<Wrapped: Environment>: RewardWrapper {
    var wrapped: Wrapped
    func reward(_ reward: Double) -> Double { 2 * reward }
}

/// Actions as `Bool`: `true` moves right (LineWalk's 1), `false` left (0).
private struct BooleanActions<Wrapped: Environment>: ActionWrapper where Wrapped.Action == Int {
    var wrapped: Wrapped
    var actionSpace: BooleanSpace { BooleanSpace() }
    func action(_ action: Bool) -> Int { action ? 1 : 0 }
}

/// The two Booleans, as a space for ``BooleanActions``; only `true` is allowed
/// when `onlyTrue`, so the wrapper's own space check shows.
private struct BooleanSpace: Space {
    var onlyTrue = false
    var shape: [Int] { [] }
    func contains(_ element: Bool) -> Bool { element || !onlyTrue }
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Bool { Bool.random(using: &generator) }
    var description: String { onlyTrue ? "{true}" : "{false, true}" }
}

final class WrapperProtocolTests: XCTestCase {
    func testAWrapperThatDeclaresNothingForwardsEverything() throws {
        var plain = LineWalk()
        var wrapped = Transparent(wrapped: LineWalk())
        XCTAssertEqual(wrapped.name, "Transparent<LineWalk>")
        XCTAssertEqual(wrapped.observationSpace, plain.observationSpace)
        XCTAssertEqual(wrapped.actionSpace, plain.actionSpace)
        XCTAssertEqual(try wrapped.reset(seed: 4), try plain.reset(seed: 4))
        XCTAssertEqual(wrapped.render(), plain.render())
        XCTAssertNil(wrapped.renderANSI())
        for action in [1, 1, 0, 1, 1, 1, 1, 1] {
            let expected = try plain.step(action)
            XCTAssertEqual(try wrapped.step(action), expected)
            if expected.isEpisodeOver { break }
        }
        XCTAssertEqual(wrapped.render(), plain.render(), "render forwards the current state")
    }

    func testAWrapperWritesOnlyWhatItChanges() throws {
        var environment = Counting(wrapped: Transparent(wrapped: LineWalk()))
        XCTAssertEqual(environment.name, "Counting<Transparent<LineWalk>>")
        _ = try environment.reset(seed: 1)
        _ = try environment.step(1)
        _ = try environment.step(0)
        XCTAssertEqual(environment.resets, 1)
        XCTAssertEqual(environment.steps, 2)
        var fresh = Counting(wrapped: LineWalk())
        XCTAssertThrowsError(try fresh.step(1)) { error in
            XCTAssertEqual(error as? EnvironmentError, .resetNeeded(environment: "LineWalk"), "errors pass through")
        }
    }

    func testObservationWrapperMapsTheResetAndEveryStepObservation() throws {
        var plain = LineWalk()
        var environment = PositionTimesTen(wrapped: LineWalk())
        XCTAssertEqual(environment.observationSpace, Box(low: [-1000], high: [1000]))
        XCTAssertEqual(environment.actionSpace, Discrete(2))
        let first = try plain.reset(seed: 2)
        XCTAssertEqual(try environment.reset(seed: 2).observation, [first.observation[0] * 10])
        let expected = try plain.step(1)
        let step = try environment.step(1)
        XCTAssertEqual(step.observation, [expected.observation[0] * 10])
        XCTAssertEqual(step.reward, expected.reward)
        XCTAssertEqual(step.terminated, expected.terminated)
    }

    func testRewardWrapperMapsOnlyTheReward() throws {
        var plain = LineWalk()
        var environment = DoubleReward(wrapped: LineWalk())
        XCTAssertEqual(try environment.reset(seed: 0), try plain.reset(seed: 0))
        var expected = try plain.step(1)
        expected.reward *= 2
        XCTAssertEqual(try environment.step(1), expected)
    }

    func testActionWrapperMapsActionsAndChecksItsOwnSpace() throws {
        var plain = LineWalk()
        var environment = BooleanActions(wrapped: LineWalk())
        XCTAssertEqual(try environment.reset(seed: 3), try plain.reset(seed: 3))
        XCTAssertEqual(try environment.step(true), try plain.step(1))
        XCTAssertEqual(try environment.step(false), try plain.step(0))

        var restricted = RestrictedBooleanActions(wrapped: LineWalk())
        _ = try restricted.reset(seed: 3)
        XCTAssertThrowsError(try restricted.step(false)) { error in
            XCTAssertEqual(error as? EnvironmentError,
                           .invalidAction(environment: "RestrictedBooleanActions<LineWalk>", action: "false", space: "{true}"))
        }
    }

    func testTheRewrittenWrappersKeepTheirNames() {
        let stack = ClipReward(FrameStack(NormalizeObservation(ObservationMask(ActionRepeat(
            StickyAction(RecordEpisodeStatistics(TimeLimit(CartPole(), maxEpisodeSteps: 5)), probability: 0.1),
            repeatCount: 2), hiding: [1])), stackSize: 2))
        XCTAssertEqual(stack.name, "ClipReward<FrameStack<NormalizeObservation<ObservationMask<ActionRepeat<"
                       + "StickyAction<RecordEpisodeStatistics<TimeLimit<CartPole>>>>>>>>")
    }
}

/// ``BooleanActions`` that allows only `true`.
private struct RestrictedBooleanActions<Wrapped: Environment>: ActionWrapper where Wrapped.Action == Int {
    var wrapped: Wrapped
    var actionSpace: BooleanSpace { BooleanSpace(onlyTrue: true) }
    func action(_ action: Bool) -> Int { action ? 1 : 0 }
}
