import XCTest
@testable import Environments

final class RobotNavigationTests: XCTestCase {
    /// A 10 m world: the robot at (2, 5) facing east, a disc of radius 0.5 at
    /// (3, 5) right ahead, a diamond (a 1 m square turned 45°) at (2, 2) below,
    /// and the goal at (8, 5) behind the disc.
    private let knownWorld = World(
        width: 10, height: 10,
        obstacles: [.circle(Circle(center: Vector2(x: 3, y: 5), radius: 0.5)),
                    .rectangle(OrientedRectangle(center: Vector2(x: 2, y: 2), halfWidth: 0.5, halfHeight: 0.5, angle: Double.pi / 4))],
        start: Vector2(x: 2, y: 5), startHeading: 0, goal: Vector2(x: 8, y: 5))

    private func environment(in world: World, configure: (inout RobotNavigation.Configuration) -> Void = { _ in }) throws -> RobotNavigation {
        var configuration = RobotNavigation.Configuration()
        configure(&configuration)
        var environment = RobotNavigation(configuration: configuration, seed: 0)
        XCTAssertTrue(environment.start(in: world), "the planner found no path in the test world")
        return environment
    }

    // MARK: - Lidar and observation

    func testLidarReadsTheKnownWorld() throws {
        let lidar = Lidar(beamCount: 16, maxRange: 5)
        let readings = lidar.readings(in: knownWorld, from: knownWorld.start, heading: 0)
        XCTAssertEqual(readings[0], 0.5, accuracy: 1e-12)                       // ahead: the disc's near side at x = 2.5
        XCTAssertEqual(readings[2], 5)                                          // 45°: passes the disc, walls beyond range
        XCTAssertEqual(readings[4], 5)                                          // left: the wall at y = 10 is exactly 5 away
        XCTAssertEqual(readings[8], 2, accuracy: 1e-12)                         // behind: the wall at x = 0
        XCTAssertEqual(readings[12], 5 - (2 + 0.5 * 2.0.squareRoot()), accuracy: 1e-12)  // right: the diamond's top vertex
        // Turned to face north, beam 0 reads what beam 4 read before.
        let turned = lidar.readings(in: knownWorld, from: knownWorld.start, heading: Double.pi / 2)
        XCTAssertEqual(turned[0], 5)
        XCTAssertEqual(turned[12], 0.5, accuracy: 1e-12)
        XCTAssertEqual(turned[4], 2, accuracy: 1e-12)
    }

    func testObservationHoldsNormalisedBeamsAndTheGoalInTheRobotFrame() throws {
        var environment = try environment(in: knownWorld)
        var observation = environment.currentObservation
        XCTAssertEqual(observation.count, 19)
        XCTAssertEqual(observation[0], Float(0.5 / 3.5), accuracy: 1e-6)   // 0.5 m of the default 3.5 m range
        XCTAssertEqual(observation[8], Float(2 / 3.5), accuracy: 1e-6)
        XCTAssertEqual(observation[16], Float(6 / (10 * 2.0.squareRoot())), accuracy: 1e-6)
        XCTAssertEqual(observation[17], 0, accuracy: 1e-6)   // sine: straight ahead
        XCTAssertEqual(observation[18], 1, accuracy: 1e-6)   // cosine
        // Ten left turns of 9° face north: the goal is now 90° to the right.
        for _ in 0..<10 { observation = try environment.step(RobotNavigation.DriveAction.turnLeft.rawValue).observation }
        XCTAssertEqual(environment.heading, Double.pi / 2, accuracy: 1e-12)
        XCTAssertEqual(observation[17], -1, accuracy: 1e-6)
        XCTAssertEqual(observation[18], 0, accuracy: 1e-6)
        XCTAssertTrue(environment.observationSpace.contains(observation))
    }

    // MARK: - Rewards and endings

    func testReachingTheGoalPaysProgressAndTheBonusAndReportsSuccess() throws {
        let world = World(width: 10, height: 10, obstacles: [], start: Vector2(x: 2, y: 5), goal: Vector2(x: 2.5, y: 5))
        var environment = try environment(in: world)
        XCTAssertEqual(environment.shortestPathLength, 0.2, accuracy: 1e-12)   // 0.5 m to the centre, minus the 0.3 m goal radius
        let first = try environment.step(RobotNavigation.DriveAction.forward.rawValue)
        XCTAssertEqual(first.reward, 0.1 - 0.01, accuracy: 1e-12)
        XCTAssertFalse(first.terminated || first.truncated)
        XCTAssertTrue(first.info.isEmpty)
        let second = try environment.step(RobotNavigation.DriveAction.forward.rawValue)
        XCTAssertEqual(second.reward, 0.1 - 0.01 + 10, accuracy: 1e-12)
        XCTAssertTrue(second.terminated)
        XCTAssertFalse(second.truncated)
        XCTAssertEqual(second.info["success"], .bool(true))
        XCTAssertEqual(try XCTUnwrap(second.info["path_length"]?.doubleValue), 0.2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(second.info["shortest_path"]?.doubleValue), 0.2, accuracy: 1e-12)
        XCTAssertThrowsError(try environment.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .episodeEnded(environment: environment.name))
        }
    }

    func testTouchingAnObstacleTerminatesWithThePenalty() throws {
        var environment = try environment(in: knownWorld)
        // The gap ahead is 3 − 0.5 − 0.2 − 2 = 0.3 m: the third 0.1 m step touches the disc.
        for _ in 0..<2 {
            let step = try environment.step(RobotNavigation.DriveAction.forward.rawValue)
            XCTAssertFalse(step.terminated)
            XCTAssertEqual(step.reward, 0.1 - 0.01, accuracy: 1e-9)
        }
        let hit = try environment.step(RobotNavigation.DriveAction.forward.rawValue)
        XCTAssertTrue(hit.terminated)
        XCTAssertTrue(environment.collided)
        XCTAssertEqual(hit.reward, 0.1 - 0.01 - 10, accuracy: 1e-9)
        XCTAssertEqual(hit.info["success"], .bool(false))
        XCTAssertEqual(try XCTUnwrap(hit.info["path_length"]?.doubleValue), 0.3, accuracy: 1e-12)
    }

    func testSlowForwardAndTurnsMoveAsConfigured() throws {
        var environment = try environment(in: knownWorld)
        _ = try environment.step(RobotNavigation.DriveAction.slowForward.rawValue)
        XCTAssertEqual(environment.position.x, 2.025, accuracy: 1e-12)
        _ = try environment.step(RobotNavigation.DriveAction.turnRight.rawValue)
        XCTAssertEqual(environment.heading, -Double.pi / 20, accuracy: 1e-12)
        XCTAssertEqual(environment.position.x, 2.025, accuracy: 1e-12)
        XCTAssertEqual(environment.drivenLength, 0.025, accuracy: 1e-12)
    }

    func testTheStepLimitTruncatesWithoutTerminating() throws {
        var environment = try environment(in: knownWorld) { $0.maxSteps = 5 }
        for index in 1...5 {
            let step = try environment.step(RobotNavigation.DriveAction.turnLeft.rawValue)
            XCTAssertFalse(step.terminated)
            XCTAssertEqual(step.truncated, index == 5)
            XCTAssertEqual(step.reward, -0.01, accuracy: 1e-12)
            if index == 5 {
                XCTAssertEqual(step.info["success"], .bool(false))
                XCTAssertEqual(step.info["path_length"], .double(0))
            }
        }
    }

    func testThePOMDPShowsTheGoalOnlyInTheFirstKObservationsAndTheLastMotionAlways() throws {
        var environment = try environment(in: knownWorld) { $0.goalVisibleSteps = 3 }
        XCTAssertEqual(environment.observationSpace.shape, [16 + 7])
        XCTAssertEqual(RobotNavigation().observationSpace.shape, [16 + 3], "the fully observable task has no odometry")
        let distance = Float(6 / 200.0.squareRoot())   // the goal 6 m east of the start, over the 10 m world's diagonal
        let nine = Double.pi / 20
        let actions: [RobotNavigation.DriveAction] = [.turnLeft, .turnLeft, .forward, .slowForward, .turnRight]
        var observations = [environment.currentObservation]
        for action in actions { observations.append(try environment.step(action.rawValue).observation) }
        // Entries 16 ... 22: shown flag, distance, sine and cosine of the bearing, then the last
        // step's motion ahead, to the left (in forward steps) and turned (in turn steps).
        let expected: [[Float]] = [
            [1, distance, 0, 1, 0, 0, 0],                                           // the reset: goal straight ahead, no motion yet
            [1, distance, Float(-sin(nine)), Float(cos(nine)), 0, 0, 1],             // turned 9° left: the goal 9° to the right
            [1, distance, Float(-sin(2 * nine)), Float(cos(2 * nine)), 0, 0, 1],     // 18° left; the last observation that shows it
            [0, 0, 0, 0, 1, 0, 0],                                                   // hidden; 0.1 m ahead along the turned heading
            [0, 0, 0, 0, 0.25, 0, 0],                                                // the slow step
            [0, 0, 0, 0, 0, 0, -1],                                                  // a right turn
        ]
        for (index, observation) in observations.enumerated() {
            XCTAssertEqual(observation.count, 23)
            for (value, target) in zip(observation[16...], expected[index]) {
                XCTAssertEqual(value, target, accuracy: 1e-6, "observation \(index): \(Array(observation[16...]))")
            }
            XCTAssertGreaterThan(observation[8], 0, "the lidar stays visible")
            XCTAssertTrue(environment.observationSpace.contains(observation), "observation \(index)")
        }
    }

    func testThePOMDPShowsTheGoalAgainEveryPeriod() throws {
        var environment = try environment(in: knownWorld) { $0.goalVisibleSteps = 1; $0.goalPeriod = 3 }
        var observations = [environment.currentObservation]
        for _ in 0..<7 { observations.append(try environment.step(RobotNavigation.DriveAction.turnLeft.rawValue).observation) }
        XCTAssertEqual(observations.map { $0[16] }, [1, 0, 0, 1, 0, 0, 1, 0])
        // Shown again after six 9° left turns: the goal now lies 54° to the right.
        let angle = 6 * Double.pi / 20
        XCTAssertEqual(observations[6][18], Float(-sin(angle)), accuracy: 1e-6)
        XCTAssertEqual(observations[6][19], Float(cos(angle)), accuracy: 1e-6)
        XCTAssertEqual(Array(observations[7][16...19]), [0, 0, 0, 0])
        // The registered pomdp pings once every 40 observations, starting with the reset's.
        let registered = try XCTUnwrap(try EnvironmentRegistry.standard.make("robot-nav-pomdp") as? RobotNavigation)
        XCTAssertEqual(registered.configuration.goalVisibleSteps, 1)
        XCTAssertEqual(registered.configuration.goalPeriod, 40)
        let once = try XCTUnwrap(try EnvironmentRegistry.standard.make("robot-nav-pomdp", options: ["goal_period": .int(0)]) as? RobotNavigation)
        XCTAssertNil(once.configuration.goalPeriod)
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("robot-nav-pomdp", options: ["goal_period": .int(1)]))
    }

    func testThePOMDPReportsAnArcsMotionInTheFrameBeforeTheStep() throws {
        var configuration = RobotNavigation.Configuration()
        configuration.goalVisibleSteps = 1
        var environment = ContinuousRobotNavigation(configuration: configuration, seed: 0)
        XCTAssertTrue(environment.start(in: knownWorld))
        _ = try environment.step([0, Float.pi / 2])   // turn 9° in place first, so the frame is not the world's
        // Full speed and full turn rate for 0.1 s: an arc of radius 2/π m through 9°, whose chord
        // the robot's previous frame sees (2/π) · sin 9° ahead and (2/π) · (1 − cos 9°) to the left.
        let observation = try environment.step([1, Float.pi / 2]).observation
        let radius = 2 / Double.pi, nine = Double.pi / 20
        XCTAssertEqual(observation[20], Float(radius * sin(nine) / 0.1), accuracy: 1e-5)
        XCTAssertEqual(observation[21], Float(radius * (1 - cos(nine)) / 0.1), accuracy: 1e-5)
        XCTAssertEqual(observation[22], 1, accuracy: 1e-5)
    }

    // MARK: - Worlds and determinism

    func testEveryGeneratedWorldHasAVerifiedPath() throws {
        var environment = RobotNavigation(seed: 0)
        var planner = AStarPlanner()
        let configuration = environment.configuration
        for seed in UInt64(0)..<200 {
            let reset = try environment.reset(seed: seed)
            let world = environment.world
            let path = environment.plannedPath
            XCTAssertGreaterThanOrEqual(world.clearance(at: world.start), configuration.robotRadius + 0.3, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(world.clearance(at: world.goal), configuration.robotRadius + configuration.goalRadius + 0.1, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(world.start.distance(to: world.goal), 5, "seed \(seed)")
            XCTAssertEqual(path.waypoints.first, world.start)
            XCTAssertEqual(path.waypoints.last, world.goal)
            for (from, to) in zip(path.waypoints, path.waypoints.dropFirst()) {
                XCTAssertTrue(world.isSegmentClear(from: from, to: to, clearance: configuration.robotRadius), "seed \(seed): \(from)→\(to)")
            }
            // Verified with room to spare: a disc 0.1 m wider also gets through.
            XCTAssertNotNil(planner.plan(in: world, from: world.start, to: world.goal,
                                         clearance: configuration.robotRadius + configuration.passageMargin), "seed \(seed)")
            let shortest = try XCTUnwrap(reset.info["shortest_path"]?.doubleValue)
            XCTAssertEqual(shortest, path.length - configuration.goalRadius, accuracy: 1e-12)
            // Never shorter than the straight line into the goal region.
            XCTAssertGreaterThanOrEqual(shortest, world.start.distance(to: world.goal) - configuration.goalRadius - 1e-9)
        }
    }

    func testTheSeedFixesTheEpisode() throws {
        var first = RobotNavigation(seed: 1), second = RobotNavigation(seed: 99)
        let a = try first.reset(seed: 7), b = try second.reset(seed: 7)
        XCTAssertEqual(a, b)
        XCTAssertEqual(first.world, second.world)
        var generator = Xoshiro256(seed: 3)
        for _ in 0..<100 {
            let action = generator.nextInt(upperBound: 4)
            let stepA = try first.step(action), stepB = try second.step(action)
            XCTAssertEqual(stepA, stepB)
            if stepA.isEpisodeOver { break }
        }
        XCTAssertNotEqual(try first.reset(seed: 8).observation, try second.reset(seed: 9).observation)
        XCTAssertNotEqual(first.world, second.world)
    }

    // MARK: - Continuous actions

    func testContinuousActionsFollowTheExactArcAndRejectOutOfRangeValues() throws {
        var environment = ContinuousRobotNavigation(seed: 0)
        XCTAssertTrue(environment.start(in: knownWorld.withStart(Vector2(x: 5, y: 8), heading: 0)))
        _ = try environment.step([1, Float(Double.pi / 2)])
        // Radius v/ω = 2/π, turned by ω·dt = π/20.
        let radius = 2 / Double.pi, turned = Double(Float(Double.pi / 2)) * 0.1
        XCTAssertEqual(environment.base.position.x, 5 + radius * sin(turned), accuracy: 1e-6)
        XCTAssertEqual(environment.base.position.y, 8 + radius * (1 - cos(turned)), accuracy: 1e-6)
        XCTAssertEqual(environment.base.heading, turned, accuracy: 1e-12)
        XCTAssertEqual(environment.base.drivenLength, 0.1, accuracy: 1e-12)
        for bad: [Float] in [[2, 0], [-0.5, 0], [0.5, 3], [.nan, 0], [0.5]] {
            XCTAssertThrowsError(try environment.step(bad), "\(bad)") { error in
                guard case .invalidAction = error as? EnvironmentError else { return XCTFail("\(error)") }
            }
        }
    }

    // MARK: - Rendering

    func testRenderingDrawsTheWorldAtAFixedScale() throws {
        var environment = try environment(in: knownWorld)
        let frame = try XCTUnwrap(environment.render())
        XCTAssertEqual(frame.width, 400)
        XCTAssertEqual(frame.height, 400)
        func pixel(_ point: Vector2) -> Color {
            let (x, y) = environment.pixel(of: point)
            return frame[Int(x), Int(y)]
        }
        XCTAssertEqual(pixel(Vector2(x: 3.1, y: 5.1)), RobotNavigation.Palette.obstacle)   // inside the disc
        XCTAssertEqual(pixel(Vector2(x: 2, y: 2)), RobotNavigation.Palette.obstacle)       // inside the diamond
        XCTAssertEqual(pixel(Vector2(x: 8, y: 5)), RobotNavigation.Palette.goal)
        XCTAssertEqual(pixel(Vector2(x: 1.9, y: 5)), RobotNavigation.Palette.robot)        // behind the heading line
        XCTAssertEqual(pixel(Vector2(x: 0.1, y: 9.9)), RobotNavigation.Palette.floor)
        XCTAssertEqual(pixel(Vector2(x: 1.2, y: 5)), RobotNavigation.Palette.lidarBeam)    // the backward beam
        // Drawing does not change the state, and later frames keep the size.
        _ = try environment.step(RobotNavigation.DriveAction.turnLeft.rawValue)
        let before = environment.currentObservation
        let later = try XCTUnwrap(environment.render())
        XCTAssertEqual(environment.currentObservation, before)
        XCTAssertEqual(later.width, 400)
        let text = environment.renderText(colored: false)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 20)
        XCTAssertTrue(lines.allSatisfy { $0.count == 40 })
        XCTAssertTrue(text.contains(">"))    // 9° left of east still shows as facing east
        XCTAssertTrue(text.contains("G"))
        XCTAssertTrue(text.contains("#"))
    }

    /// The smallest world the options allow leaves the start and goal little room:
    /// every reset still places both (an unlucky run of draws once trapped here).
    func testTheSmallestWorldAlwaysPlacesStartAndGoal() throws {
        var environment = try EnvironmentRegistry.standard.spec(named: "robot-nav").make(["world_size": .double(3)])
        func resetMany<E: Environment>(_ typed: inout E) throws {
            for seed in 0..<3000 as Range<UInt64> { _ = try typed.reset(seed: seed) }
        }
        try resetMany(&environment)
    }
}

extension World {
    /// The same world with another start pose.
    func withStart(_ start: Vector2, heading: Double) -> World {
        var copy = self
        copy.start = start
        copy.startHeading = heading
        return copy
    }

}
