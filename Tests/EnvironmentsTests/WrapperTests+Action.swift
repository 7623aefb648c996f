import XCTest
@testable import Environments

final class ActionWrapperTests: XCTestCase {
    // MARK: - ClipReward

    func testClipRewardBoundsRewardsOnly() throws {
        var environment = ClipReward(Counter(length: 3), minimum: -1, maximum: 1.15)
        _ = try environment.reset(seed: 0)
        let first = try environment.step(2)  // reward 2.1
        XCTAssertEqual(first.reward, 1.15)
        XCTAssertEqual(first.observation, [1, 2, 0])
        XCTAssertEqual(try environment.step(0).reward, 0.2, accuracy: 1e-12)
        XCTAssertTrue(try environment.step(0).terminated)
        XCTAssertEqual(environment.name, "ClipReward<Counter>")
    }

    // MARK: - ActionRepeat

    func testActionRepeatSumsRewardsAndStopsAtEpisodeEnd() throws {
        var environment = ActionRepeat(Counter(length: 5), repeatCount: 2)
        _ = try environment.reset(seed: 0)
        let first = try environment.step(1)
        XCTAssertEqual(first.observation, [2, 1, 0])
        XCTAssertEqual(first.reward, (1 + 0.1) + (1 + 0.2), accuracy: 1e-12)
        _ = try environment.step(0)  // counts 3, 4
        let last = try environment.step(2)  // count 5 ends the episode after one inner step
        XCTAssertEqual(last.observation, [5, 2, 0])
        XCTAssertEqual(last.reward, 2.5, accuracy: 1e-12)
        XCTAssertTrue(last.terminated)
        XCTAssertThrowsError(try environment.step(0))
    }

    func testActionRepeatStopsAtTruncation() throws {
        var environment = ActionRepeat(TimeLimit(Counter(length: 100), maxEpisodeSteps: 3), repeatCount: 4)
        _ = try environment.reset(seed: 0)
        let step = try environment.step(0)
        XCTAssertTrue(step.truncated)
        XCTAssertEqual(step.observation[0], 3)
    }

    // MARK: - StickyAction

    func testStickyActionWithProbabilityOneRepeatsTheFirstActionAndZeroNever() throws {
        var stuck = StickyAction(Counter(length: 10), probability: 1)
        _ = try stuck.reset(seed: 0)
        XCTAssertEqual(try stuck.step(2).observation[1], 2, "the first step has no previous action")
        XCTAssertEqual(try stuck.step(0).observation[1], 2)
        XCTAssertEqual(try stuck.step(1).observation[1], 2)
        _ = try stuck.reset()
        XCTAssertEqual(try stuck.step(1).observation[1], 1, "a reset forgets the previous action")

        var free = StickyAction(Counter(length: 10), probability: 0)
        _ = try free.reset(seed: 0)
        for action in [2, 0, 1, 1, 0] { XCTAssertEqual(try free.step(action).observation[1], Float(action)) }
    }

    func testStickyActionFollowsItsSeededStream() throws {
        func takenActions(seed: UInt64) throws -> [Int] {
            var environment = StickyAction(Counter(length: 1000), probability: 0.25)
            _ = try environment.reset(seed: seed)
            var taken: [Int] = []
            for index in 0..<400 { taken.append(Int(try environment.step(index % 3).observation[1])) }
            return taken
        }
        let taken = try takenActions(seed: 11)
        XCTAssertEqual(taken, try takenActions(seed: 11))
        XCTAssertNotEqual(taken, try takenActions(seed: 12))

        // Replays the wrapper's rule with its generator: a step sticks when the draw is below p.
        var generator = Xoshiro256(seed: 11 ^ StickyAction<Counter>.seedSalt)
        var previous: Int?
        var stuck = 0
        for index in 0..<400 {
            let sticks = generator.nextUnitDouble() < 0.25
            let expected = sticks && previous != nil ? previous! : index % 3
            XCTAssertEqual(taken[index], expected, "step \(index)")
            if sticks && previous != nil { stuck += 1 }
            previous = expected
        }
        XCTAssertEqual(Double(stuck) / 400, 0.25, accuracy: 0.06)
    }
}
