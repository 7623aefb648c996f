import XCTest
@testable import Environments

final class RobotGridTests: XCTestCase {
    /// A 4 x 4 grid of 1 m cells over a 4 m world: start in cell (0, 0), goal in (3, 0).
    private func environment(obstacles: [Obstacle] = [], maxSteps: Int = 200) -> RobotGrid {
        var configuration = RobotGrid.Configuration()
        configuration.size = 4
        configuration.worldSize = 4
        configuration.maxSteps = maxSteps
        var environment = RobotGrid(configuration: configuration, seed: 0)
        let world = World(width: 4, height: 4, obstacles: obstacles, start: Vector2(x: 0.5, y: 0.5), goal: Vector2(x: 3.5, y: 0.5))
        XCTAssertTrue(environment.start(in: world))
        return environment
    }

    /// The observation entry of `channel` at map cell (`column`, `row`), row 0 south.
    private func entry(_ observation: [Float], _ channel: RobotGrid.Channel, column: Int, row: Int, size: Int = 4) -> Float {
        observation[(channel.rawValue * size + (size - 1 - row)) * size + column]
    }

    func testObservationPlanesShowObstaclesRobotAndGoalWithNorthUp() {
        let environment = environment(obstacles: [.circle(Circle(center: Vector2(x: 2.5, y: 0.5), radius: 0.4))])
        let observation = environment.currentObservation
        XCTAssertEqual(observation.count, 3 * 4 * 4)
        XCTAssertEqual(entry(observation, .robot, column: 0, row: 0), 1)
        XCTAssertEqual(entry(observation, .goal, column: 3, row: 0), 1)
        XCTAssertEqual(entry(observation, .obstacle, column: 2, row: 0), 1)
        // Row 0 (south) is the last image row.
        XCTAssertEqual(observation[RobotGrid.Channel.robot.rawValue * 16 + 3 * 4 + 0], 1)
        XCTAssertEqual(observation.reduce(0, +), 3)
        XCTAssertTrue(environment.observationSpace.contains(observation))
    }

    func testShortestPathDetoursAroundABlockedCell() {
        let environment = environment(obstacles: [.circle(Circle(center: Vector2(x: 2.5, y: 0.5), radius: 0.4))])
        XCTAssertEqual(environment.shortestPathLength, 5)   // up, right, right, right, down... around cell (2, 0)
        XCTAssertEqual(environment.shortestPathCells.first, 0)
        XCTAssertEqual(environment.shortestPathCells.last, 3)
    }

    func testReachingTheGoalPaysProgressInCellsAndTheBonus() throws {
        var environment = environment()
        var total = 0.0
        for index in 1...3 {
            let step = try environment.step(RobotGrid.Move.right.rawValue)
            XCTAssertEqual(step.reward, 1 - 0.01 + (index == 3 ? 10 : 0), accuracy: 1e-12)
            XCTAssertEqual(step.terminated, index == 3)
            total += step.reward
            if index == 3 {
                XCTAssertEqual(step.info["success"], .bool(true))
                XCTAssertEqual(step.info["path_length"], .double(3))
                XCTAssertEqual(step.info["shortest_path"], .double(3))
                XCTAssertEqual(entry(step.observation, .robot, column: 3, row: 0), 1)
                XCTAssertEqual(entry(step.observation, .robot, column: 0, row: 0), 0)
            }
        }
        XCTAssertEqual(total, 3 * 0.99 + 10, accuracy: 1e-12)
    }

    func testMovingOffTheGridOrIntoAnObstacleIsACollision() throws {
        var environment = environment()
        let offGrid = try environment.step(RobotGrid.Move.left.rawValue)
        XCTAssertTrue(offGrid.terminated)
        XCTAssertEqual(offGrid.reward, -0.01 - 10, accuracy: 1e-12)
        XCTAssertEqual(offGrid.info["success"], .bool(false))
        XCTAssertEqual(offGrid.info["path_length"], .double(0))
        XCTAssertEqual(environment.robotCell, 0)

        var blocked = self.environment(obstacles: [.circle(Circle(center: Vector2(x: 2.5, y: 0.5), radius: 0.4))])
        XCTAssertFalse(try blocked.step(RobotGrid.Move.right.rawValue).terminated)
        let hit = try blocked.step(RobotGrid.Move.right.rawValue)
        XCTAssertTrue(hit.terminated)
        XCTAssertEqual(hit.reward, -0.01 - 10, accuracy: 1e-12)
        XCTAssertEqual(blocked.robotCell, 1)
    }

    func testTruncationAtTheStepLimit() throws {
        var environment = environment(maxSteps: 2)
        let first = try environment.step(RobotGrid.Move.right.rawValue)
        XCTAssertFalse(first.isEpisodeOver)
        let second = try environment.step(RobotGrid.Move.left.rawValue)
        XCTAssertTrue(second.truncated)
        XCTAssertFalse(second.terminated)
        XCTAssertEqual(second.reward, -1 - 0.01, accuracy: 1e-12)   // moved away from the goal again
        XCTAssertEqual(second.info["path_length"], .double(2))
        XCTAssertEqual(second.info["success"], .bool(false))
    }

    func testEveryGeneratedGridIsSolvedByItsShortestPath() throws {
        var environment = RobotGrid(seed: 0)
        let size = environment.configuration.size
        for seed in UInt64(0)..<200 {
            let reset = try environment.reset(seed: seed)
            let cells = environment.shortestPathCells
            XCTAssertEqual(reset.info["shortest_path"], .double(Double(cells.count - 1)))
            XCTAssertGreaterThan(cells.count, 1)
            var last: Step<[Float]>?
            for (from, to) in zip(cells, cells.dropFirst()) {
                let move: RobotGrid.Move
                switch (to % size - from % size, to / size - from / size) {
                case (1, 0): move = .right
                case (-1, 0): move = .left
                case (0, 1): move = .up
                case (0, -1): move = .down
                default: return XCTFail("seed \(seed): \(from)→\(to) is not a grid move")
                }
                last = try environment.step(move.rawValue)
            }
            XCTAssertEqual(last?.terminated, true, "seed \(seed)")
            XCTAssertEqual(last?.info["success"], .bool(true), "seed \(seed)")
        }
    }

    func testRenderingAndText() throws {
        let environment = environment(obstacles: [.circle(Circle(center: Vector2(x: 2.5, y: 0.5), radius: 0.4))])
        let frame = try XCTUnwrap(environment.render())
        let tile = RobotGrid.tileSize
        XCTAssertEqual(frame.width, 4 * tile)
        XCTAssertEqual(frame.height, 4 * tile)
        // Cell (2, 0) is blocked; it is drawn in the bottom row (north up).
        XCTAssertEqual(frame[2 * tile + 1, 3 * tile + 1], RobotNavigation.Palette.obstacle)
        XCTAssertEqual(frame[3 * tile + tile / 2, 3 * tile + 2], RobotNavigation.Palette.goal)
        XCTAssertEqual(frame[tile / 2, 3 * tile + tile / 2], RobotNavigation.Palette.robot)
        let lines = environment.renderText(colored: false).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0], "....")
        XCTAssertEqual(lines[1], "....")
        // The 5-move detour runs through row 1 (second line from the bottom).
        XCTAssertTrue(lines[2] == "****" || lines[2] == ".***", lines[2])
        XCTAssertTrue(lines[3] == "R.#G" || lines[3] == "R*#G", lines[3])
    }
}
