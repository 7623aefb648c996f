import XCTest
@testable import Environments

/// ``GridWorld``'s description of its goal for hindsight replay.
final class GridWorldHindsightGoalTests: XCTestCase {
    private func world(_ text: String, maxSteps: Int = 50) throws -> GridWorld {
        GridWorld(layout: .map(try GridMap(parsing: text)), maxSteps: maxSteps, seed: 0)
    }

    /// An episode walked in one map, relabelled with a cell it reached, shows
    /// exactly what the same walk shows in the map whose goal is that cell, and
    /// the relabelled reward is that map's reward.
    func testARelabelledEpisodeIsTheEpisodeOfTheMapWithThatGoal() throws {
        var real = try world("""
            ######
            #S..L#
            #.##.#
            #...G#
            ######
            """)
        var other = try world("""
            ######
            #S..L#
            #.##.#
            #G...#
            ######
            """)
        let goals = try XCTUnwrap(real.hindsightGoals)
        let moves: [GridWorld.Move] = [.right, .left, .down, .down]
        var observations = [try real.reset(seed: 1).observation]
        var otherObservations = [try other.reset(seed: 1).observation]
        var otherReward = 0.0
        for move in moves {
            observations.append(try real.step(move.rawValue).observation)
            let step = try other.step(move.rawValue)
            otherObservations.append(step.observation)
            otherReward = step.reward
        }
        let reached = goals.achievedGoal(in: observations.last!)
        XCTAssertEqual(reached, 3 * 6 + 1, "the agent's cell, y * width + x")
        XCTAssertEqual(goals.achievedGoal(in: observations[0]), 1 * 6 + 1)
        for (observation, expected) in zip(observations, otherObservations) {
            var relabelled = observation
            goals.relabel(&relabelled, goal: reached)
            XCTAssertEqual(relabelled, expected)
        }
        XCTAssertEqual(goals.rewardForReachingGoal(atStep: moves.count), otherReward)
        XCTAssertEqual(otherReward, 1 - 0.9 * 4 / 50, accuracy: 1e-12)
        XCTAssertFalse(goals.endsEpisodeWithoutGoal(observations.last!))
    }

    func testLavaEndsTheEpisodeWhateverTheGoal() throws {
        var world = try world("""
            #####
            #SL.#
            #..G#
            #####
            """)
        let goals = try XCTUnwrap(world.hindsightGoals)
        let start = try world.reset(seed: 0).observation
        let step = try world.step(GridWorld.Move.right.rawValue)
        XCTAssertTrue(step.terminated)
        XCTAssertTrue(goals.endsEpisodeWithoutGoal(step.observation))
        XCTAssertFalse(goals.endsEpisodeWithoutGoal(start))
    }

    /// A view centred on the agent does not say where the agent is, so it has no description.
    func testOnlyTheFullGridDescribesItsGoal() {
        XCTAssertNotNil(GridWorld(layout: .fourRooms, seed: 0).hindsightGoals)
        XCTAssertNotNil(GridWorld(layout: .fourRooms, actionMode: .egocentric, seed: 0).hindsightGoals)
        XCTAssertNil(GridWorld(layout: .fourRooms, viewSize: 7, seed: 0).hindsightGoals)
    }

    /// With egocentric actions the agent is on one of four planes, one per facing.
    func testTheAgentIsFoundOnEveryFacingsPlane() throws {
        var world = GridWorld(layout: .room(size: 6), actionMode: .egocentric, seed: 0)
        let goals = try XCTUnwrap(world.hindsightGoals)
        _ = try world.reset(seed: 0)
        for turn in 0..<4 {
            let observation = try world.step(GridWorld.EgocentricAction.turnRight.rawValue).observation
            XCTAssertEqual(goals.achievedGoal(in: observation), 1 * 6 + 1, "after \(turn + 1) turns")
        }
    }
}
