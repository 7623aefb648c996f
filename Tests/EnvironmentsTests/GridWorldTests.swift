import XCTest
@testable import Environments

/// Rules of ``GridWorld``: movement, rewards, episode ends, seeding, observations.
final class GridWorldTests: XCTestCase {
    typealias Move = GridWorld.Move

    func room(_ size: Int = 8, actions: GridWorld.ActionMode = .absolute, view: Int? = nil, maxSteps: Int? = nil) -> GridWorld {
        GridWorld(layout: .room(size: size), actionMode: actions, viewSize: view, maxSteps: maxSteps, seed: 0)
    }

    func mapWorld(_ text: String, actions: GridWorld.ActionMode = .absolute, maxSteps: Int? = nil) throws -> GridWorld {
        GridWorld(layout: .map(try GridMap(parsing: text)), actionMode: actions, maxSteps: maxSteps, seed: 0)
    }

    func step(_ world: inout GridWorld, _ move: Move) throws -> Step<[Float]> {
        try world.step(move.rawValue)
    }

    // MARK: - Movement and rewards

    func testWallsBlockMovementAndTheStepCounts() throws {
        var world = room()
        let first = try world.reset(seed: 1).observation
        XCTAssertEqual(world.agentPosition, GridPosition(x: 1, y: 1))
        for move in [Move.up, .left] {
            let step = try step(&world, move)
            XCTAssertEqual(world.agentPosition, GridPosition(x: 1, y: 1), "\(move) into the border wall must not move the agent")
            XCTAssertEqual(step.reward, 0)
            XCTAssertFalse(step.terminated || step.truncated)
            XCTAssertEqual(step.observation, first)
        }
        XCTAssertEqual(world.stepCount, 2)
        _ = try step(&world, .right)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 2, y: 1))
    }

    func testGoalRewardFollowsMiniGridFormulaCountingTheFinalStep() throws {
        var world = room()
        XCTAssertEqual(world.maxSteps, 4 * 8 * 8)
        let reset = try world.reset(seed: 3)
        XCTAssertEqual(reset.info[GridWorld.InfoKey.shortestPath], .int(10))
        var last: Step<[Float]>?
        for move in Array(repeating: Move.right, count: 5) + Array(repeating: Move.down, count: 5) {
            XCTAssertFalse(last?.isEpisodeOver ?? false)
            last = try step(&world, move)
        }
        let final = try XCTUnwrap(last)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 6, y: 6))
        XCTAssertEqual(final.reward, 1 - 0.9 * 10.0 / 256.0, accuracy: 1e-12)
        XCTAssertTrue(final.terminated)
        XCTAssertFalse(final.truncated)
        XCTAssertEqual(final.info[GridWorld.InfoKey.success], .bool(true))
        XCTAssertEqual(final.info[GridWorld.InfoKey.shortestPath], .int(10))
    }

    func testIntermediateStepsCarryNoInfo() throws {
        var world = room()
        _ = try world.reset(seed: 0)
        XCTAssertEqual(try step(&world, .right).info, [:])
    }

    func testLavaTerminatesWithZeroReward() throws {
        var world = try mapWorld("SLG\n...\n")
        XCTAssertEqual(try world.reset(seed: 0).info[GridWorld.InfoKey.shortestPath], .int(4), "the path goes around the lava")
        let step = try step(&world, .right)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 1, y: 0))
        XCTAssertEqual(step.reward, 0)
        XCTAssertTrue(step.terminated)
        XCTAssertFalse(step.truncated)
        XCTAssertEqual(step.info[GridWorld.InfoKey.success], .bool(false))
    }

    func testTruncationExactlyAtMaxSteps() throws {
        var world = room(maxSteps: 3)
        _ = try world.reset(seed: 0)
        for _ in 0..<2 {
            let step = try step(&world, .up)
            XCTAssertFalse(step.truncated)
            XCTAssertFalse(step.terminated)
        }
        let last = try step(&world, .up)
        XCTAssertTrue(last.truncated)
        XCTAssertFalse(last.terminated)
        XCTAssertEqual(last.reward, 0)
        XCTAssertEqual(last.info[GridWorld.InfoKey.success], .bool(false))
    }

    func testReachingTheGoalOnTheLastAllowedStepTerminatesWithoutTruncation() throws {
        var world = try mapWorld("SG\n", maxSteps: 1)
        _ = try world.reset(seed: 0)
        let step = try step(&world, .right)
        XCTAssertTrue(step.terminated)
        XCTAssertFalse(step.truncated)
        XCTAssertEqual(step.reward, 1 - 0.9, accuracy: 1e-12)
    }

    // MARK: - Misuse

    func testSteppingBeforeResetThrows() {
        var world = room()
        XCTAssertThrowsError(try world.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .resetNeeded(environment: world.name))
        }
    }

    func testSteppingAfterTheEndThrowsUntilReset() throws {
        var world = try mapWorld("SG\n")
        _ = try world.reset(seed: 0)
        XCTAssertTrue(try step(&world, .right).terminated)
        XCTAssertThrowsError(try world.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .episodeEnded(environment: world.name))
        }
        _ = try world.reset()
        XCTAssertEqual(world.agentPosition, GridPosition(x: 0, y: 0))
        XCTAssertNoThrow(try world.step(Move.left.rawValue))
    }

    func testActionsOutsideTheSpaceThrowInvalidAction() throws {
        var absolute = room()
        _ = try absolute.reset(seed: 0)
        for action in [-1, 4] {
            XCTAssertThrowsError(try absolute.step(action)) { error in
                XCTAssertEqual(error as? EnvironmentError,
                               .invalidAction(environment: absolute.name, action: String(action), space: "Discrete(4)"))
            }
        }
        var egocentric = room(actions: .egocentric)
        _ = try egocentric.reset(seed: 0)
        XCTAssertThrowsError(try egocentric.step(3)) { error in
            XCTAssertEqual(error as? EnvironmentError,
                           .invalidAction(environment: egocentric.name, action: "3", space: "Discrete(3)"))
        }
        XCTAssertEqual(egocentric.stepCount, 0, "a refused action takes no step")
    }

    // MARK: - Seeding

    func trajectory(_ world: inout GridWorld, seed: UInt64, steps: Int) throws -> [([Float], Double, Bool, Bool)] {
        var actions = Xoshiro256(seed: 99)
        var result = [(try world.reset(seed: seed).observation, 0.0, false, false)]
        for _ in 0..<steps {
            let step = try world.step(world.actionSpace.sample(using: &actions))
            result.append((step.observation, step.reward, step.terminated, step.truncated))
            if step.isEpisodeOver { result.append((try world.reset().observation, 0, false, false)) }
        }
        return result
    }

    func testSameSeedGivesTheSameTrajectory() throws {
        for layout in [GridWorld.Layout.fourRooms, .lavaCrossing(size: 9), .maze(size: 7)] {
            var first = GridWorld(layout: layout, maxSteps: 40, seed: 1)
            var second = GridWorld(layout: layout, maxSteps: 40, seed: 2)
            let a = try trajectory(&first, seed: 42, steps: 400)
            let b = try trajectory(&second, seed: 42, steps: 400)
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) {
                XCTAssertEqual(x.0, y.0, "\(layout.name)")
                XCTAssertEqual(x.1, y.1)
                XCTAssertEqual(x.2, y.2)
                XCTAssertEqual(x.3, y.3)
            }
            XCTAssertEqual(first.generator, second.generator)
        }
    }

    func testResetWithoutSeedContinuesTheStream() throws {
        var world = GridWorld(layout: .fourRooms, seed: 0)
        _ = try world.reset(seed: 5)
        let firstMap = world.map, firstStart = world.agentPosition
        var maps = [firstMap]
        for _ in 0..<5 {
            _ = try world.reset(seed: nil)
            maps.append(world.map)
        }
        XCTAssertEqual(Set(maps.map(\.text)).count, maps.count, "each episode draws a new four-rooms layout")
        _ = try world.reset(seed: 5)
        XCTAssertEqual(world.map, firstMap, "reseeding repeats the first episode")
        XCTAssertEqual(world.agentPosition, firstStart)
    }

    // MARK: - Egocentric actions

    func testEgocentricTurnsAndForward() throws {
        var world = room(actions: .egocentric)
        XCTAssertEqual(world.actionSpace, Discrete(3))
        _ = try world.reset(seed: 0)
        XCTAssertEqual(world.facing, .right)
        typealias Ego = GridWorld.EgocentricAction
        _ = try world.step(Ego.turnLeft.rawValue)
        XCTAssertEqual(world.facing, .up)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 1, y: 1), "turning does not move")
        _ = try world.step(Ego.forward.rawValue)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 1, y: 1), "the wall ahead blocks")
        _ = try world.step(Ego.turnRight.rawValue)
        _ = try world.step(Ego.turnRight.rawValue)
        XCTAssertEqual(world.facing, .down)
        let step = try world.step(Ego.forward.rawValue)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 1, y: 2))
        XCTAssertEqual(world.stepCount, 5)
        // The facing direction is observable: one agent plane per direction.
        XCTAssertEqual(world.observationSpace.shape, [8, 8, 8])
        let downPlane = GridWorld.Channel.agent.rawValue + GridWorld.Direction.down.rawValue
        XCTAssertEqual(step.observation[(downPlane * 8 + 2) * 8 + 1], 1)
        XCTAssertEqual(step.observation[(GridWorld.Channel.agent.rawValue * 64 ..< 8 * 8 * 8)].reduce(0, +), 1)
        _ = try world.step(Ego.turnLeft.rawValue)
        XCTAssertEqual(world.facing, .right)
        let rightPlane = GridWorld.Channel.agent.rawValue + GridWorld.Direction.right.rawValue
        XCTAssertEqual(world.currentObservation[(rightPlane * 8 + 2) * 8 + 1], 1)
        XCTAssertEqual(world.currentObservation[(downPlane * 8 + 2) * 8 + 1], 0)
    }

    func testAbsoluteMovesFaceTheWayTried() throws {
        var world = room()
        _ = try world.reset(seed: 0)
        _ = try step(&world, .down)
        XCTAssertEqual(world.facing, .down)
        _ = try step(&world, .left)
        XCTAssertEqual(world.facing, .left)
    }

    // MARK: - Observations

    /// Plane `channel` at view row `row`, column `column` of a `[C, k, k]` observation.
    func value(_ observation: [Float], _ channel: GridWorld.Channel, row: Int, column: Int, size: Int) -> Float {
        observation[(channel.rawValue * size + row) * size + column]
    }

    func testEgocentricViewShowsTheWallAheadAndRotatesWithTheAgent() throws {
        var world = room(actions: .egocentric, view: 7)
        XCTAssertEqual(world.observationSpace.shape, [5, 7, 7])
        let facingRight = try world.reset(seed: 0).observation
        // Agent at (1, 1) facing right: the agent sits at the bottom centre (row 6, column 3).
        XCTAssertEqual(value(facingRight, .agent, row: 6, column: 3, size: 7), 1)
        XCTAssertEqual(value(facingRight, .floor, row: 5, column: 3, size: 7), 1, "(2, 1) ahead is floor")
        XCTAssertEqual(value(facingRight, .wall, row: 6, column: 2, size: 7), 1, "(1, 0) on the left is the border wall")
        XCTAssertEqual(value(facingRight, .floor, row: 6, column: 4, size: 7), 1, "(1, 2) on the right is floor")
        XCTAssertEqual(value(facingRight, .wall, row: 6, column: 1, size: 7), 1, "(1, -1) outside the grid reads as wall")
        XCTAssertEqual(value(facingRight, .wall, row: 0, column: 3, size: 7), 1, "(7, 1), six ahead, is the far wall")
        XCTAssertEqual(value(facingRight, .floor, row: 1, column: 3, size: 7), 1, "(6, 1), five ahead, is floor")

        let facingUp = try world.step(GridWorld.EgocentricAction.turnLeft.rawValue).observation
        XCTAssertEqual(value(facingUp, .wall, row: 5, column: 3, size: 7), 1, "the wall directly ahead")
        XCTAssertEqual(value(facingUp, .wall, row: 6, column: 2, size: 7), 1, "(0, 1) on the left is wall")
        XCTAssertEqual(value(facingUp, .floor, row: 6, column: 4, size: 7), 1, "(2, 1) on the right is floor")
        XCTAssertEqual(value(facingUp, .agent, row: 6, column: 3, size: 7), 1)
    }

    func testViewSeesTheGoalFromTheKnownPosition() throws {
        var world = room(5, actions: .egocentric, view: 3)
        _ = try world.reset(seed: 0)
        // Room 5: floor (1...3, 1...3), goal (3, 3). Walk to (3, 1) and face down: goal two ahead.
        _ = try world.step(GridWorld.EgocentricAction.forward.rawValue)
        _ = try world.step(GridWorld.EgocentricAction.forward.rawValue)
        let observation = try world.step(GridWorld.EgocentricAction.turnRight.rawValue).observation
        XCTAssertEqual(world.agentPosition, GridPosition(x: 3, y: 1))
        XCTAssertEqual(value(observation, .goal, row: 0, column: 1, size: 3), 1)
        XCTAssertEqual(value(observation, .wall, row: 0, column: 0, size: 3), 1, "(4, 3) ahead-left is wall")
        XCTAssertEqual(value(observation, .floor, row: 0, column: 2, size: 3), 1, "(2, 3) ahead-right is floor")
    }

    func testAbsoluteViewIsCentredAndNorthUp() throws {
        var world = room(actions: .absolute, view: 3)
        let observation = try world.reset(seed: 0).observation
        XCTAssertEqual(value(observation, .agent, row: 1, column: 1, size: 3), 1)
        XCTAssertEqual(value(observation, .wall, row: 0, column: 1, size: 3), 1, "north of (1, 1) is wall")
        XCTAssertEqual(value(observation, .floor, row: 1, column: 2, size: 3), 1, "east is floor")
        XCTAssertEqual(value(observation, .floor, row: 2, column: 2, size: 3), 1, "south-east is floor")
        XCTAssertEqual(value(observation, .wall, row: 2, column: 0, size: 3), 1)
    }

    /// Asserts the observation is binary, one terrain plane per cell, one agent entry, in the space.
    func assertOneHot(_ observation: [Float], _ world: GridWorld, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(world.observationSpace.contains(observation), file: file, line: line)
        let shape = world.observationSpace.shape
        let cells = shape[1] * shape[2]
        XCTAssertTrue(observation.allSatisfy { $0 == 0 || $0 == 1 }, file: file, line: line)
        for cell in 0..<cells {
            let terrain = (0...GridWorld.Channel.lava.rawValue).map { observation[$0 * cells + cell] }.reduce(0, +)
            XCTAssertEqual(terrain, 1, "cell \(cell) has \(terrain) terrain planes", file: file, line: line)
        }
        let agentEntries = observation[(GridWorld.Channel.agent.rawValue * cells)...].reduce(0, +)
        XCTAssertEqual(agentEntries, 1, file: file, line: line)
    }

    func testObservationsAreOneHotAndInTheSpace() throws {
        let configurations: [(GridWorld.Layout, GridWorld.ActionMode, Int?)] = [
            (.room(size: 8), .absolute, nil), (.fourRooms, .egocentric, nil), (.lavaCrossing(size: 9), .absolute, 5),
            (.maze(size: 9), .egocentric, 7),
        ]
        for (layout, mode, view) in configurations {
            var world = GridWorld(layout: layout, actionMode: mode, viewSize: view, maxSteps: 30, seed: 0)
            var actions = Xoshiro256(seed: 4)
            assertOneHot(try world.reset(seed: 8).observation, world)
            for _ in 0..<200 {
                let step = try world.step(world.actionSpace.sample(using: &actions))
                assertOneHot(step.observation, world)
                if view == nil {
                    // The agent entry sits on the agent's cell, on its facing plane.
                    let plane = GridWorld.Channel.agent.rawValue + (mode == .egocentric ? world.facing.rawValue : 0)
                    let index = (plane * world.height + world.agentPosition.y) * world.width + world.agentPosition.x
                    XCTAssertEqual(step.observation[index], 1)
                }
                if step.isEpisodeOver { assertOneHot(try world.reset().observation, world) }
            }
        }
    }

    func testFullObservationPlanesMatchTheMap() throws {
        var world = GridWorld(layout: .lavaCrossing(size: 9), seed: 0)
        let observation = try world.reset(seed: 11).observation
        let cells = 81
        for y in 0..<9 {
            for x in 0..<9 {
                let plane = Int(world.map[x, y].rawValue)
                XCTAssertEqual(observation[plane * cells + y * 9 + x], 1)
            }
        }
        XCTAssertEqual(GridCell.lava.rawValue, UInt8(GridWorld.Channel.lava.rawValue), "cells index their planes")
    }
}
