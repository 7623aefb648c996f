import XCTest
@testable import Environments

final class MemoryCorridorTests: XCTestCase {
    private func plane(_ observation: [Float], _ channel: MemoryCorridor.Channel, size: Int = 3) -> [Float] {
        Array(observation[channel.rawValue * size * size..<(channel.rawValue + 1) * size * size])
    }

    func testLayoutAndCueInViewOnlyAtTheStart() throws {
        var task = MemoryCorridor()
        XCTAssertEqual(task.map.width, 8)
        XCTAssertEqual(task.northEnd, GridPosition(x: 6, y: 1))
        XCTAssertEqual(task.southEnd, GridPosition(x: 6, y: 3))
        let start = try task.reset(seed: 0, options: ["cue": .int(1)]).observation
        XCTAssertEqual(task.observationSpace.shape, [5, 3, 3])
        // The cue is the view's middle-left cell.
        XCTAssertEqual(plane(start, .southCue), [0, 0, 0, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(plane(start, .northCue).reduce(0, +), 0)
        XCTAssertEqual(plane(start, .floor), [0, 0, 0, 0, 1, 1, 0, 0, 0])
        let moved = try task.step(GridWorld.Move.right.rawValue).observation
        XCTAssertEqual(plane(moved, .southCue).reduce(0, +) + plane(moved, .northCue).reduce(0, +), 0)
    }

    func testAwayFromTheCueBothCuesLookTheSame() throws {
        // The heart of the memory argument: wherever the cue is out of view, the
        // observation is identical for both cues.
        for view in [3, 5] {
            for length in [view / 2 + 1, 6] {
                var north = MemoryCorridor(corridorLength: length, viewSize: view)
                var south = MemoryCorridor(corridorLength: length, viewSize: view)
                var a = try north.reset(seed: 0, options: ["cue": .int(0)]).observation
                var b = try south.reset(seed: 0, options: ["cue": .int(1)]).observation
                var hidden = 0
                for _ in 0..<length - 1 {
                    if north.agentPosition.x - north.cuePosition.x > view / 2 {
                        XCTAssertEqual(a, b, "view \(view), length \(length), x \(north.agentPosition.x)")
                        hidden += 1
                    } else {
                        XCTAssertNotEqual(a, b)
                    }
                    a = try north.step(GridWorld.Move.right.rawValue).observation
                    b = try south.step(GridWorld.Move.right.rawValue).observation
                }
                XCTAssertEqual(a, b, "at the junction")
                // Positions x = 2...length were compared; those more than view / 2 from the cue (x = 1) hide it.
                XCTAssertEqual(hidden, (2...length).filter { $0 - 1 > view / 2 }.count)
            }
        }
    }

    func testRememberingPolicySucceedsAndWrongEndGivesZero() throws {
        for cue in MemoryCorridor.Cue.allCases {
            var task = MemoryCorridor()
            _ = try task.reset(seed: 0, options: ["cue": .int(cue.rawValue)])
            for _ in 0..<4 { XCTAssertFalse(try task.step(GridWorld.Move.right.rawValue).terminated) }
            let last = try task.step((cue == .north ? GridWorld.Move.up : .down).rawValue)
            XCTAssertTrue(last.terminated)
            XCTAssertEqual(last.reward, 1 - 0.9 * 5 / 160, accuracy: 1e-12)
            XCTAssertEqual(last.info["success"], .bool(true))

            var wrong = MemoryCorridor()
            _ = try wrong.reset(seed: 0, options: ["cue": .int(cue.rawValue)])
            for _ in 0..<4 { _ = try wrong.step(GridWorld.Move.right.rawValue) }
            let miss = try wrong.step((cue == .north ? GridWorld.Move.down : .up).rawValue)
            XCTAssertTrue(miss.terminated)
            XCTAssertEqual(miss.reward, 0)
            XCTAssertEqual(miss.info["success"], .bool(false))
        }
    }

    func testMemorylessPoliciesSucceedHalfTheTime() throws {
        // A deterministic memoryless policy that reads the cue where it can see
        // it still cannot carry it to the junction; nor can a random one.
        func memoryless(_ observation: [Float], _ random: inout Xoshiro256) -> Int {
            let seesNorth = observation[MemoryCorridor.Channel.northCue.rawValue * 9..<(MemoryCorridor.Channel.northCue.rawValue + 1) * 9].contains(1)
            if seesNorth { return GridWorld.Move.right.rawValue }
            return random.nextInt(upperBound: 4)
        }
        var task = MemoryCorridor()
        var random = Xoshiro256(seed: 1)
        _ = try task.reset(seed: 7)
        var successes = 0, episodes = 0
        for _ in 0..<2000 {
            var observation = try task.reset().observation
            while true {
                let step = try task.step(memoryless(observation, &random))
                observation = step.observation
                if step.terminated || step.truncated {
                    if step.info["success"] == .bool(true) { successes += 1 }
                    break
                }
            }
            episodes += 1
        }
        XCTAssertEqual(Double(successes) / Double(episodes), 0.5, accuracy: 0.04)
    }

    func testTruncationAndSeededCue() throws {
        var task = MemoryCorridor(maxSteps: 3)
        _ = try task.reset(seed: 0)
        _ = try task.step(GridWorld.Move.left.rawValue)
        _ = try task.step(GridWorld.Move.left.rawValue)
        let last = try task.step(GridWorld.Move.left.rawValue)
        XCTAssertTrue(last.truncated)
        XCTAssertFalse(last.terminated)
        XCTAssertEqual(task.agentPosition, task.map.start, "the cue's cell is a wall")

        var cues = [0, 0]
        var seeded = MemoryCorridor()
        _ = try seeded.reset(seed: 3)
        for _ in 0..<1000 {
            _ = try seeded.reset()
            cues[seeded.cue.rawValue] += 1
        }
        XCTAssertEqual(Double(cues[0]), 500, accuracy: 60)
    }

    func testRegistrationRenderingAndChecker() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "gridworld-memory")
        for result in try spec.check() { XCTAssertTrue(result.passed, "\(result)") }
        XCTAssertThrowsError(try spec.make(["view": .int(5), "length": .int(2)]))
        var task = MemoryCorridor()
        _ = try task.reset(seed: 0, options: ["cue": .int(0)])
        let frame = try XCTUnwrap(task.render())
        let tile = GridWorld.tileSize
        XCTAssertEqual(frame[tile + tile / 2, 2 * tile + tile / 2], MemoryCorridor.northCueColor)
        XCTAssertEqual(frame[6 * tile + tile / 2, tile + tile / 2], MemoryCorridor.endColor)
        XCTAssertEqual(try XCTUnwrap(task.renderANSI()).split(separator: "\n").count, 5)
    }

    func testCartPoleNovelZeroesTheVelocities() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "cartpole-novel")
        let environment = try spec.make()
        XCTAssertEqual(environment.name, "TimeLimit<ObservationMask<CartPole>>")
        var typed = try XCTUnwrap(environment as? TimeLimit<ObservationMask<CartPole>>)
        XCTAssertEqual(typed.observationSpace.low[1], 0)
        XCTAssertEqual(typed.observationSpace.high[3], 0)
        let reset = try typed.reset(seed: 0, options: ["state": .doubles([0.01, 0.5, 0.02, -0.7])])
        XCTAssertEqual(reset.observation, [0.01, 0, 0.02, 0])
        let step = try typed.step(1)
        XCTAssertEqual(step.observation[1], 0)
        XCTAssertEqual(step.observation[3], 0)
        XCTAssertEqual(step.observation[0], Float(typed.wrapped.wrapped.state.cartPosition))
        for result in try spec.check() { XCTAssertTrue(result.passed, "\(result)") }
    }
}
