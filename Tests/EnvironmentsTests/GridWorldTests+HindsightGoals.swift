import XCTest
@testable import Environments

/// ``GridWorld``'s description of its goal for hindsight replay.
final class GridWorldHindsightGoalTests: XCTestCase {
    private let walkedMap = """
        ######
        #S..L#
        #.##.#
        #...G#
        ######
        """
    /// `walkedMap` with its goal where the walk below ends.
    private let mapWithTheGoalReached = """
        ######
        #S..L#
        #.##.#
        #G...#
        ######
        """
    private let moves: [GridWorld.Move] = [.right, .left, .down, .down]

    private func world(_ text: String, view: Int? = nil) throws -> GridWorld {
        GridWorld(layout: .map(try GridMap(parsing: text)), viewSize: view, maxSteps: 50, seed: 0)
    }

    /// An episode walked in one map, relabelled with the cell it reached, shows
    /// exactly what the same walk shows in the map whose goal is that cell, and
    /// the relabelled reward is that map's reward; in the full grid and in views
    /// (the 3 × 3 one shows the goal only from the last two cells).
    func testARelabelledEpisodeIsTheEpisodeOfTheMapWithThatGoal() throws {
        for view in [nil, 3, 9] {
            var real = try world(walkedMap, view: view), other = try world(mapWithTheGoalReached, view: view)
            let goals = try XCTUnwrap(real.hindsightGoals)
            var walked = [(observation: try real.reset(seed: 1).observation, achieved: try XCTUnwrap(real.achievedGoal))]
            var expected = [try other.reset(seed: 1).observation]
            var otherReward = 0.0
            for move in moves {
                walked.append((try real.step(move.rawValue).observation, try XCTUnwrap(real.achievedGoal)))
                let step = try other.step(move.rawValue)
                expected.append(step.observation)
                otherReward = step.reward
            }
            XCTAssertEqual(walked.map(\.achieved), [7, 8, 7, 13, 19], "the agent's cells, y * width + x")
            for ((observation, achieved), expected) in zip(walked, expected) {
                var relabelled = observation
                goals.relabel(&relabelled, achieved: achieved, goal: 19)
                XCTAssertEqual(relabelled, expected, "view \(view.map(String.init) ?? "none"), agent at \(achieved)")
            }
            XCTAssertEqual(goals.rewardForReachingGoal(atStep: moves.count), otherReward)
            XCTAssertEqual(otherReward, 1 - 0.9 * 4 / 50, accuracy: 1e-12)
        }
    }

    func testLavaIsNeverAGoal() throws {
        var world = try world("""
            #####
            #SL.#
            #..G#
            #####
            """)
        _ = try world.reset(seed: 0)
        XCTAssertEqual(world.achievedGoal, 6)
        XCTAssertTrue(try world.step(GridWorld.Move.right.rawValue).terminated)
        XCTAssertNil(world.achievedGoal)
    }

    /// A view that turns with the agent cannot be relabelled from its cell alone.
    func testEveryObservationButTheEgocentricViewDescribesItsGoal() {
        XCTAssertNotNil(GridWorld(layout: .fourRooms, seed: 0).hindsightGoals)
        XCTAssertNotNil(GridWorld(layout: .fourRooms, actionMode: .egocentric, seed: 0).hindsightGoals)
        XCTAssertNotNil(GridWorld(layout: .fourRooms, viewSize: 33, seed: 0).hindsightGoals)
        XCTAssertNil(GridWorld(layout: .fourRooms, actionMode: .egocentric, viewSize: 7, seed: 0).hindsightGoals)
    }
}
