import XCTest
@testable import Environments

/// The shared MinAtar machinery: spaces, channel layout, action sets, sticky
/// actions, determinism, the registry and rendering.
final class MinAtarTests: XCTestCase {
    private func cell(channel: Int, x: Int, y: Int) -> Int { (channel * 10 + y) * 10 + x }

    func testSpacesHaveMinAtarsShapesAndActionCounts() {
        XCTAssertEqual(BreakoutEnvironment().observationSpace.shape, [4, 10, 10])
        XCTAssertEqual(SpaceInvadersEnvironment().observationSpace.shape, [6, 10, 10])
        XCTAssertEqual(FreewayEnvironment().observationSpace.shape, [7, 10, 10])
        XCTAssertEqual(AsterixEnvironment().observationSpace.shape, [4, 10, 10])
        XCTAssertEqual(SeaquestEnvironment().observationSpace.shape, [10, 10, 10])
        XCTAssertEqual(BreakoutEnvironment().actionSpace, Discrete(6))
        XCTAssertEqual(BreakoutEnvironment().observationSpace.low.first, 0)
        XCTAssertEqual(BreakoutEnvironment().observationSpace.high.first, 1)
    }

    func testChannelOrderIsMinAtars() {
        XCTAssertEqual(Breakout.Channel.allCases.map(\.rawValue), [0, 1, 2, 3])
        XCTAssertEqual(Breakout.Channel.trail.rawValue, 2)
        XCTAssertEqual(SpaceInvaders.Channel.friendlyBullet.rawValue, 4)
        XCTAssertEqual(Freeway.Channel.speed5.rawValue, 6)
        XCTAssertEqual(Asterix.Channel.gold.rawValue, 3)
        XCTAssertEqual(Seaquest.Channel.oxygenGauge.rawValue, 7)
        XCTAssertEqual(Seaquest.Channel.diver.rawValue, 9)
    }

    func testBreakoutStartObservationHasPaddleBallTrailAndBricksInTheirPlanes() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0)
        let observation = try environment.reset(seed: 3).observation
        XCTAssertEqual(observation.count, 400)
        XCTAssertEqual(observation[cell(channel: 0, x: 4, y: 9)], 1, "paddle at column 4 of the bottom row")
        let ballX = environment.game.ballX
        XCTAssertTrue(ballX == 0 || ballX == 9)
        XCTAssertEqual(observation[cell(channel: 1, x: ballX, y: 3)], 1, "ball")
        XCTAssertEqual(observation[cell(channel: 2, x: ballX, y: 3)], 1, "trail starts under the ball")
        for y in 0..<10 {
            for x in 0..<10 {
                XCTAssertEqual(observation[cell(channel: 3, x: x, y: y)], (1...3).contains(y) ? 1 : 0, "brick at \(x),\(y)")
            }
        }
        XCTAssertEqual(observation.reduce(0, +), 33)
    }

    func testIncrementalObservationEqualsAFreshDrawingEveryFrame() throws {
        func freshDrawing<Game: MinAtarGame>(_ environment: MinAtarEnvironment<Game>) -> [Float] {
            var planes = MinAtar.Planes(channelCount: Game.channelCount)
            environment.game.draw(into: &planes)
            var values = [Float](repeating: 0, count: Game.channelCount * 100)
            for channel in 0..<Game.channelCount {
                for index in 0..<100 where planes[channel].contains(x: index % 10, y: index / 10) {
                    values[channel * 100 + index] = 1
                }
            }
            return values
        }
        func check<Game: MinAtarGame>(_ type: Game.Type) throws {
            var environment = MinAtarEnvironment<Game>(seed: 5)
            var policy = Xoshiro256(seed: 6)
            _ = try environment.reset()
            for _ in 0..<1000 {
                let step = try environment.step(policy.nextInt(upperBound: 6))
                XCTAssertEqual(step.observation, freshDrawing(environment), Game.gameName)
                if step.isEpisodeOver {
                    XCTAssertEqual(try environment.reset().observation, freshDrawing(environment), Game.gameName)
                }
            }
        }
        try check(Breakout.self)
        try check(SpaceInvaders.self)
        try check(Freeway.self)
        try check(Asterix.self)
        try check(Seaquest.self)
    }

    func testMinimalActionSetsFollowMinAtarsOrder() {
        XCTAssertEqual(Breakout.minimalActions, [.noOp, .left, .right])
        XCTAssertEqual(SpaceInvaders.minimalActions, [.noOp, .left, .right, .fire])
        XCTAssertEqual(Freeway.minimalActions, [.noOp, .up, .down])
        XCTAssertEqual(Asterix.minimalActions, [.noOp, .left, .up, .right, .down])
        XCTAssertEqual(Seaquest.minimalActions, MinAtarAction.allCases)
        XCTAssertEqual(MinAtarAction.allCases.map(\.rawValue), [0, 1, 2, 3, 4, 5])
    }

    func testMinimalActionValuesMapToTheGameActions() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0, minimalActions: true)
        XCTAssertEqual(environment.actionSpace, Discrete(3))
        _ = try environment.reset(seed: 1)
        _ = try environment.step(2)
        XCTAssertEqual(environment.previousAction, .right)
        XCTAssertEqual(environment.game.paddleX, 5)
        _ = try environment.step(1)
        XCTAssertEqual(environment.game.paddleX, 4)
        XCTAssertThrowsError(try environment.step(3)) { error in
            guard case EnvironmentError.invalidAction = error else { return XCTFail("\(error)") }
        }
    }

    func testStickyProbabilityOneRepeatsTheFirstFramesNoOpForever() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 1)
        _ = try environment.reset(seed: 2)
        for _ in 0..<4 {
            _ = try environment.step(MinAtarAction.left.rawValue)
            XCTAssertEqual(environment.previousAction, .noOp)
            XCTAssertEqual(environment.game.paddleX, 4, "the paddle never moves")
        }
    }

    func testStickyActionsRepeatThePreviousActionAtTheirRate() throws {
        var environment = SpaceInvadersEnvironment(stickyActionProbability: 0.25, seed: 4)
        _ = try environment.reset()
        var repeats = 0, frames = 0
        var policy = Xoshiro256(seed: 8)
        var previous = MinAtarAction.noOp
        while frames < 20_000 {
            // Alternate between two actions so that a repeat always shows.
            let chosen: MinAtarAction = previous == .left ? .right : .left
            _ = policy.next()
            let step = try environment.step(chosen.rawValue)
            if environment.previousAction != chosen { repeats += 1 }
            previous = environment.previousAction
            frames += 1
            if step.isEpisodeOver { _ = try environment.reset() }
        }
        XCTAssertEqual(Double(repeats) / Double(frames), 0.25, accuracy: 0.015)
    }

    func testPreviousActionCarriesIntoTheNextEpisodeWithOrWithoutASeed() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0)
        _ = try environment.reset(seed: 1)
        _ = try environment.step(MinAtarAction.right.rawValue)
        _ = try environment.reset()
        XCTAssertEqual(environment.previousAction, .right)
        _ = try environment.step(MinAtarAction.left.rawValue)
        _ = try environment.reset(seed: 1)
        XCTAssertEqual(environment.previousAction, .left, "a seed reseeds the generator only, as the reference's seed()")
    }

    func testAStuckFirstFrameAfterASeededResetRepeatsTheLastEpisodesAction() throws {
        // With probability 1 every frame repeats the previous action: the game
        // sees the last episode's action, whatever the agent asks for.
        var environment = BreakoutEnvironment(stickyActionProbability: 1)
        _ = try environment.reset(seed: 3, options: [MinAtarEnvironment<Breakout>.previousActionOption: 3])
        XCTAssertEqual(environment.previousAction, .right)
        let paddleBefore = environment.game.paddleX
        _ = try environment.step(MinAtarAction.left.rawValue)
        XCTAssertEqual(environment.game.paddleX, paddleBefore + 1, "the stuck right moved the paddle")
        _ = try environment.reset(seed: 3)
        let paddleAtStart = environment.game.paddleX
        _ = try environment.step(MinAtarAction.noOp.rawValue)
        XCTAssertEqual(environment.previousAction, .right)
        XCTAssertEqual(environment.game.paddleX, paddleAtStart + 1, "still right after the seeded reset")
    }

    func testASeedAndThePreviousActionOptionReproduceAFreshEnvironmentsEpisode() throws {
        func episode(_ environment: inout SpaceInvadersEnvironment, options: Info) throws -> [Double] {
            var policy = Xoshiro256(seed: 5)
            var record = try environment.reset(seed: 21, options: options).observation.map(Double.init)
            for _ in 0..<300 {
                let step = try environment.step(policy.nextInt(upperBound: 6))
                record.append(step.reward)
                record.append(Double(step.observation.reduce(0, +)))
                if step.isEpisodeOver { break }
            }
            return record
        }
        var fresh = SpaceInvadersEnvironment(stickyActionProbability: 0.5)
        let expected = try episode(&fresh, options: [:])
        var again = SpaceInvadersEnvironment(stickyActionProbability: 0.5)
        XCTAssertEqual(try episode(&again, options: [:]), expected, "same seed from a fresh environment, same episode")
        var used = SpaceInvadersEnvironment(stickyActionProbability: 0.5)
        _ = try used.reset(seed: 8)
        for _ in 0..<20 { if try used.step(MinAtarAction.fire.rawValue).isEpisodeOver { break } }
        XCTAssertEqual(try episode(&used, options: [MinAtarEnvironment<SpaceInvaders>.previousActionOption: 0]), expected)
    }

    func testAMalformedPreviousActionOptionThrowsAndChangesNothing() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0)
        _ = try environment.reset(seed: 1)
        _ = try environment.step(MinAtarAction.right.rawValue)
        for bad: InfoValue in [6, -1, "left", 1.5] {
            XCTAssertThrowsError(try environment.reset(seed: 2, options: ["previous_action": bad])) { error in
                XCTAssertEqual(error as? EnvironmentError, .invalidResetOption(
                    environment: "MinAtar/Breakout", option: "previous_action", value: bad.description, expected: "an int in 0..<6"))
            }
        }
        XCTAssertEqual(environment.previousAction, .right)
        XCTAssertNoThrow(try environment.step(MinAtarAction.noOp.rawValue), "the running episode goes on")
    }

    func testTheSameSeedGivesTheSameTrajectory() throws {
        func trajectory<Game: MinAtarGame>(_ type: Game.Type, seed: UInt64) throws -> [Double] {
            var environment = MinAtarEnvironment<Game>()
            var policy = Xoshiro256(seed: 99)
            var record: [Double] = []
            var observation = try environment.reset(seed: seed).observation
            for _ in 0..<400 {
                record.append(Double(observation.enumerated().reduce(0) { $0 + ($1.element == 1 ? $1.offset : 0) }))
                let step = try environment.step(policy.nextInt(upperBound: 6))
                record.append(step.reward)
                observation = step.observation
                if step.isEpisodeOver { observation = try environment.reset().observation }
            }
            return record
        }
        XCTAssertEqual(try trajectory(Breakout.self, seed: 10), try trajectory(Breakout.self, seed: 10))
        XCTAssertEqual(try trajectory(Asterix.self, seed: 10), try trajectory(Asterix.self, seed: 10))
        XCTAssertNotEqual(try trajectory(Asterix.self, seed: 10), try trajectory(Asterix.self, seed: 11))
        XCTAssertEqual(try trajectory(Seaquest.self, seed: 10), try trajectory(Seaquest.self, seed: 10))
        XCTAssertEqual(try trajectory(Freeway.self, seed: 10), try trajectory(Freeway.self, seed: 10))
        XCTAssertEqual(try trajectory(SpaceInvaders.self, seed: 10), try trajectory(SpaceInvaders.self, seed: 10))
    }

    func testSteppingAfterTheEndThrows() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0)
        XCTAssertThrowsError(try environment.step(0))
        _ = try environment.reset(seed: 0)
        var ended = false
        while !ended { ended = try environment.step(0).isEpisodeOver }
        XCTAssertThrowsError(try environment.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .episodeEnded(environment: "MinAtar/Breakout"))
        }
    }

    // MARK: - Registry

    func testRegistryMakesEachGameWithItsOptions() throws {
        let registry = EnvironmentRegistry.standard
        for name in ["breakout", "space-invaders", "freeway", "asterix", "seaquest"] {
            XCTAssertTrue(registry.names.contains(name), name)
        }
        let minimal = try registry.make("freeway", options: ["minimal_actions": .bool(true)])
        let freeway = try XCTUnwrap(minimal as? FreewayEnvironment)
        XCTAssertEqual(freeway.actionSpace, Discrete(3))
        XCTAssertEqual(freeway.stickyActionProbability, 0.1)
        let options: [String: InfoValue] = ["sticky_action_probability": .double(0), "difficulty_ramping": .bool(false)]
        let asterix = try XCTUnwrap(try registry.make("asterix", options: options) as? AsterixEnvironment)
        XCTAssertEqual(asterix.stickyActionProbability, 0)
        XCTAssertFalse(asterix.difficultyRamping)
        XCTAssertFalse(asterix.game.difficultyRamping)
        XCTAssertThrowsError(try registry.make("seaquest", options: ["sticky_action_probability": .double(1.5)]))
    }

    // MARK: - Rendering

    func testFrameColoursEachCellWithItsChannelsPaletteColour() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0)
        _ = try environment.reset(seed: 3)
        let frame = try XCTUnwrap(environment.render())
        XCTAssertEqual(frame.width, 160)
        XCTAssertEqual(frame.height, 160)
        let colors = MinAtar.Palette.channelColors(channelCount: 4)
        XCTAssertEqual(frame[4 * 16 + 8, 9 * 16 + 8], colors[Breakout.Channel.paddle.rawValue])
        XCTAssertEqual(frame[4 * 16, 9 * 16], Color(red: 22, green: 61, blue: 78), "the paddle's colour, cubehelix's first of four")
        XCTAssertEqual(frame[2 * 16 + 3, 1 * 16 + 3], colors[Breakout.Channel.brick.rawValue])
        XCTAssertEqual(frame[5 * 16 + 8, 6 * 16 + 8], .black, "empty cell")
        // The ball starts on a brick in row 3 (with its trail); the highest
        // channel, brick, shows, as in MinAtar's display.
        let ballX = environment.game.ballX
        XCTAssertEqual(environment.shownChannel(x: ballX, y: 3), Breakout.Channel.brick.rawValue)
        XCTAssertEqual(frame[ballX * 16 + 8, 3 * 16 + 8], colors[Breakout.Channel.brick.rawValue])
        XCTAssertEqual(environment.shownChannel(x: 4, y: 9), Breakout.Channel.paddle.rawValue)
        XCTAssertNil(environment.shownChannel(x: 5, y: 6))
    }

    func testSeaquestFrameUsesTheTenColourPalette() throws {
        var environment = SeaquestEnvironment(stickyActionProbability: 0)
        _ = try environment.reset(seed: 3)
        let frame = try XCTUnwrap(environment.render())
        let colors = MinAtar.Palette.channelColors(channelCount: 10)
        XCTAssertEqual(colors.count, 10)
        XCTAssertEqual(frame[5 * 16 + 8, 8], colors[Seaquest.Channel.submarineFront.rawValue])
        XCTAssertEqual(frame[6 * 16 + 8, 8], colors[Seaquest.Channel.submarineBack.rawValue])
        XCTAssertEqual(frame[0 * 16 + 8, 9 * 16 + 8], colors[Seaquest.Channel.oxygenGauge.rawValue])
    }

    func testANSIShowsTenRowsOfCellColours() throws {
        var environment = BreakoutEnvironment(stickyActionProbability: 0)
        _ = try environment.reset(seed: 3)
        let text = try XCTUnwrap(environment.renderANSI())
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 10)
        let brick = MinAtar.Palette.channelColors(channelCount: 4)[3]
        XCTAssertTrue(lines[1].hasPrefix(ANSI.background(brick) + "  "))
        XCTAssertTrue(lines[5].hasPrefix(ANSI.background(.black) + "  "))
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix(ANSI.reset) })
    }

    // MARK: - Cell masks

    func testCellMaskRollsLikeNumPy() {
        var mask = MinAtar.CellMask.empty
        mask.insert(x: 9, y: 9)
        mask.insert(x: 0, y: 2)
        XCTAssertEqual(mask.rolledDown, MinAtar.CellMask.cell(x: 9, y: 0).union(.cell(x: 0, y: 3)))
        XCTAssertEqual(mask.shiftedDown, .cell(x: 0, y: 3))
        XCTAssertEqual(mask.shiftedUp, .cell(x: 9, y: 8).union(.cell(x: 0, y: 1)))
        XCTAssertEqual(mask.rolledRight, MinAtar.CellMask.cell(x: 0, y: 9).union(.cell(x: 1, y: 2)))
        XCTAssertEqual(mask.rolledLeft, MinAtar.CellMask.cell(x: 8, y: 9).union(.cell(x: 9, y: 2)))
        XCTAssertEqual(mask.count, 2)
        XCTAssertEqual(mask.lowestRow, 9)
        XCTAssertEqual(MinAtar.CellMask.column(3).count, 10)
        XCTAssertEqual(MinAtar.CellMask.rows(1..<4).count, 30)
        XCTAssertEqual(MinAtar.CellMask.full.count, 100)
    }
}
