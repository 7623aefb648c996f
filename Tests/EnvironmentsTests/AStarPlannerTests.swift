import XCTest
@testable import Environments

final class AStarPlannerTests: XCTestCase {
    // MARK: - Grid search

    func testOpenGridCostsAreManhattanAndOctile() throws {
        let grid = OccupancyGrid(columns: 10, rows: 10, cellSize: 1)
        var planner = AStarPlanner()
        let four = try XCTUnwrap(planner.shortestPath(on: grid, from: 0, to: 99, connectivity: .four))
        XCTAssertEqual(four.cost, 18)
        XCTAssertEqual(four.cells.count, 19)
        XCTAssertEqual(four.cells.first, 0)
        XCTAssertEqual(four.cells.last, 99)
        let eight = try XCTUnwrap(planner.shortestPath(on: grid, from: 0, to: 99, connectivity: .eight))
        XCTAssertEqual(eight.cost, 9 * 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(eight.cells.count, 10)
        // From (0, 0) to (9, 3): 3 diagonal moves and 6 straight ones.
        let mixed = try XCTUnwrap(planner.shortestPath(on: grid, from: 0, to: 39, connectivity: .eight))
        XCTAssertEqual(mixed.cost, 6 + 3 * 2.0.squareRoot(), accuracy: 1e-12)
    }

    func testWallWithAGapForcesTheDetourAndCornersAreNotCut() throws {
        // A wall along column 5 with one opening at row 8, on a 10 x 10 grid.
        var grid = OccupancyGrid(columns: 10, rows: 10, cellSize: 1)
        for row in 0..<10 where row != 8 { grid.blocked[row * 10 + 5] = true }
        var planner = AStarPlanner()
        // (0, 0) to (9, 0) with four moves: up 8, across 9, down 8.
        let four = try XCTUnwrap(planner.shortestPath(on: grid, from: 0, to: 9, connectivity: .four))
        XCTAssertEqual(four.cost, 25)
        XCTAssertTrue(four.cells.contains(8 * 10 + 5))
        // With eight moves the opening must be entered straight (no squeezing past
        // the wall's corners diagonally): (0,0)→(4,4) diagonal, up to (4,8), through
        // (5,8) to (6,8), then (6,8)→(9,5) diagonal and down to (9,0).
        let eight = try XCTUnwrap(planner.shortestPath(on: grid, from: 0, to: 9, connectivity: .eight))
        let root2 = 2.0.squareRoot()
        XCTAssertEqual(eight.cost, 4 * root2 + 4 + 2 + 3 * root2 + 5, accuracy: 1e-9)
        for (a, b) in zip(eight.cells, eight.cells.dropFirst()) {
            let dx = b % 10 - a % 10, dy = b / 10 - a / 10
            if dx != 0 && dy != 0 {
                XCTAssertFalse(grid[a % 10 + dx, a / 10] || grid[a % 10, a / 10 + dy], "diagonal move \(a)→\(b) cuts a corner")
            }
        }
    }

    func testBlockedEndsAndDisconnectedGoalsGiveNoPath() {
        var grid = OccupancyGrid(columns: 5, rows: 5, cellSize: 1)
        for row in 0..<5 { grid.blocked[row * 5 + 2] = true }
        var planner = AStarPlanner()
        XCTAssertNil(planner.shortestPath(on: grid, from: 0, to: 4, connectivity: .eight))
        XCTAssertNil(planner.shortestPath(on: grid, from: 2, to: 0, connectivity: .eight))
        // The planner's buffers are reused: a later search on a free grid still works.
        XCTAssertEqual(planner.shortestPath(on: OccupancyGrid(columns: 5, rows: 5, cellSize: 1), from: 0, to: 4)?.cost, 4)
    }

    func testRasterizationInflatesObstaclesAndWalls() {
        let world = World(width: 2, height: 1, obstacles: [.circle(Circle(center: Vector2(x: 1.5, y: 0.5), radius: 0.1))],
                          start: .zero, goal: .zero)
        let grid = OccupancyGrid(world: world, cellSize: 0.1, inflation: 0.2)
        XCTAssertEqual(grid.columns, 20)
        XCTAssertEqual(grid.rows, 10)
        // Cell centres within 0.2 of a wall are blocked: the outer two rings.
        XCTAssertTrue(grid[1, 5])
        XCTAssertFalse(grid[2, 5])
        // The disc's inflated radius is 0.3: centre (1.25, 0.55) is 0.255 away, (1.15, 0.55) 0.354.
        XCTAssertTrue(grid[12, 5])
        XCTAssertFalse(grid[11, 5])
    }

    // MARK: - World planning

    func testStraightLineWhenFree() throws {
        let world = World(width: 10, height: 10, obstacles: [], start: Vector2(x: 1.23, y: 2.5), goal: Vector2(x: 8.7, y: 7.35))
        var planner = AStarPlanner()
        let path = try XCTUnwrap(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.2))
        XCTAssertEqual(path.waypoints, [world.start, world.goal])
        XCTAssertEqual(path.length, world.start.distance(to: world.goal), accuracy: 1e-12)
        // The raw 8-direction grid path is longer, but by at most 1/cos(22.5°) − 1 ≈ 8.2% plus a cell.
        let grid = try XCTUnwrap(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.2, smoothing: false))
        XCTAssertGreaterThan(grid.length, path.length)
        XCTAssertLessThan(grid.length, path.length / cos(Double.pi / 8) + 0.15)
    }

    func testDetourAroundADiscIsWithinTheGridErrorOfTheAnalyticShortestPath() throws {
        // Going from (2, 5) to (8, 5) past a disc of radius 1 at (5, 5) with a robot
        // of radius 0.2: the robot's centre must stay outside the disc of ρ = 1.2.
        // The shortest path is two tangent segments √(a² − ρ²) and the arc between
        // the tangent points, ρ·(π − 2·acos(ρ / a)), with a = 3.
        let world = World(width: 10, height: 10, obstacles: [.circle(Circle(center: Vector2(x: 5, y: 5), radius: 1))],
                          start: Vector2(x: 2, y: 5), goal: Vector2(x: 8, y: 5))
        let rho = 1.2, a = 3.0
        let analytic = 2 * (a * a - rho * rho).squareRoot() + rho * (Double.pi - 2 * acos(rho / a))
        var planner = AStarPlanner()
        let path = try XCTUnwrap(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.2))
        // Feasible, so never shorter than the optimum; at 0.1 m cells within 1% of it (0.58% measured).
        XCTAssertGreaterThanOrEqual(path.length, analytic - 1e-9)
        XCTAssertLessThan(path.length, analytic * 1.01)
        for (from, to) in zip(path.waypoints, path.waypoints.dropFirst()) {
            XCTAssertTrue(world.isSegmentClear(from: from, to: to, clearance: 0.2), "segment \(from)→\(to) is not clear")
        }
        // A finer grid comes closer.
        let fine = try XCTUnwrap(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.2, cellSize: 0.025))
        XCTAssertLessThan(fine.length, analytic * 1.004)   // 0.19% measured
        XCTAssertLessThan(fine.length, path.length)
    }

    func testWithoutSmoothingThePathIsTheGridPath() throws {
        let world = World(width: 4, height: 4, obstacles: [], start: Vector2(x: 0.55, y: 0.55), goal: Vector2(x: 3.45, y: 1.05))
        var planner = AStarPlanner()
        let path = try XCTUnwrap(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.2, smoothing: false))
        XCTAssertEqual(path.length, path.gridLength)
        XCTAssertGreaterThan(path.waypoints.count, 2)
    }

    func testNoPathThroughAGapNarrowerThanTheRobot() {
        // Two rectangles leave a 0.35 m gap (y from 4.825 to 5.175) at x = 5; a
        // robot of radius 0.2 cannot pass, one of radius 0.05 can.
        let obstacles: [Obstacle] = [
            .rectangle(OrientedRectangle(center: Vector2(x: 5, y: 2.4125), halfWidth: 0.5, halfHeight: 2.4125)),
            .rectangle(OrientedRectangle(center: Vector2(x: 5, y: 7.5875), halfWidth: 0.5, halfHeight: 2.4125)),
        ]
        let world = World(width: 10, height: 10, obstacles: obstacles, start: Vector2(x: 2, y: 5), goal: Vector2(x: 8, y: 5))
        var planner = AStarPlanner()
        XCTAssertNil(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.2))
        XCTAssertNotNil(planner.plan(in: world, from: world.start, to: world.goal, clearance: 0.05))
    }

    func testEveryGridMoveIsExactlyClearInGeneratedWorlds() throws {
        // The inflation √(clearance² + h²) makes every move between free cell
        // centres exactly clear (the chord argument in the planner's documentation).
        var environment = RobotNavigation(seed: 0)
        var planner = AStarPlanner()
        var checkedMoves = 0
        for seed in UInt64(0)..<40 {
            _ = try environment.reset(seed: seed)
            let world = environment.world
            for clearance in [0.2, 0.35] {
                guard let path = planner.plan(in: world, from: world.start, to: world.goal, clearance: clearance, smoothing: false) else { continue }
                for (from, to) in zip(path.waypoints, path.waypoints.dropFirst()) {
                    XCTAssertTrue(world.isSegmentClear(from: from, to: to, clearance: clearance), "seed \(seed): \(from)→\(to)")
                    checkedMoves += 1
                }
            }
        }
        XCTAssertGreaterThan(checkedMoves, 4000)
    }
}
