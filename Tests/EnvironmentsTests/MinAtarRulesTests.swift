import XCTest
@testable import Environments

/// Each game's rules in situations set up by hand.
final class MinAtarRulesTests: XCTestCase {
    private var generator = Xoshiro256(seed: 1)

    private func started<Game: MinAtarGame>(_ type: Game.Type, ramping: Bool = true) -> Game {
        var game = Game(difficultyRamping: ramping)
        game.reset(using: &generator)
        return game
    }

    // MARK: - Breakout

    func testBreakoutBallReflectsOffTheSideWall() {
        var game = started(Breakout.self)
        game.ballX = 0; game.ballY = 6; game.ballDeltaX = -1; game.ballDeltaY = -1
        let outcome = game.act(.noOp, using: &generator)
        XCTAssertEqual(outcome, MinAtar.Outcome())
        XCTAssertEqual(game.ballX, 0)
        XCTAssertEqual(game.ballY, 5)
        XCTAssertEqual(game.ballDeltaX, 1, "horizontal direction flips")
        XCTAssertEqual(game.ballDeltaY, -1)
        XCTAssertEqual(game.lastBallX, 0)
        XCTAssertEqual(game.lastBallY, 6)
    }

    func testBreakoutBrickScoresDisappearsAndReflectsTheBall() {
        var game = started(Breakout.self)
        game.ballX = 5; game.ballY = 4; game.ballDeltaX = 1; game.ballDeltaY = -1
        let outcome = game.act(.noOp, using: &generator)
        XCTAssertEqual(outcome.reward, 1)
        XCTAssertFalse(game.bricks.contains(x: 6, y: 3))
        XCTAssertEqual(game.bricks.count, 29)
        XCTAssertEqual(game.ballX, 6)
        XCTAssertEqual(game.ballY, 4, "the ball stays in its row")
        XCTAssertEqual(game.ballDeltaY, 1)
        XCTAssertTrue(game.struckLastFrame)
    }

    func testBreakoutSecondStrikeInARowPassesIntoTheBrick() {
        var game = started(Breakout.self)
        game.ballX = 5; game.ballY = 4; game.ballDeltaX = 1; game.ballDeltaY = -1
        game.struckLastFrame = true
        let outcome = game.act(.noOp, using: &generator)
        XCTAssertEqual(outcome.reward, 0)
        XCTAssertTrue(game.bricks.contains(x: 6, y: 3))
        XCTAssertEqual(game.ballY, 3)
    }

    func testBreakoutPaddleBouncesTheBallBackUp() {
        var game = started(Breakout.self)
        // Straight from above the paddle: vertical reflection.
        game.paddleX = 4; game.ballX = 4; game.ballY = 8; game.ballDeltaX = 1; game.ballDeltaY = 1
        XCTAssertFalse(game.act(.noOp, using: &generator).terminated)
        XCTAssertEqual(game.ballX, 5)
        XCTAssertEqual(game.ballY, 8)
        XCTAssertEqual(game.ballDeltaY, -1)
        XCTAssertEqual(game.ballDeltaX, 1)
        // Landing on the paddle from the side: reflected both ways.
        game.paddleX = 6; game.ballX = 5; game.ballY = 8; game.ballDeltaX = 1; game.ballDeltaY = 1
        XCTAssertFalse(game.act(.noOp, using: &generator).terminated)
        XCTAssertEqual(game.ballDeltaX, -1)
        XCTAssertEqual(game.ballDeltaY, -1)
    }

    func testBreakoutMissedBallEndsTheGame() {
        var game = started(Breakout.self)
        game.paddleX = 0; game.ballX = 5; game.ballY = 8; game.ballDeltaX = 1; game.ballDeltaY = 1
        XCTAssertTrue(game.act(.left, using: &generator).terminated)
    }

    func testBreakoutRefillsTheWallWhenTheBallReachesTheBottomWithNoBricks() {
        var game = started(Breakout.self)
        game.bricks = .empty
        game.paddleX = 4; game.ballX = 4; game.ballY = 8; game.ballDeltaX = 1; game.ballDeltaY = 1
        _ = game.act(.noOp, using: &generator)
        XCTAssertEqual(game.bricks, Breakout.startingBricks)
    }

    // MARK: - Freeway

    private func freewayWithCarsAway() -> Freeway {
        var game = started(Freeway.self)
        for index in game.cars.indices {
            game.cars[index].x = 0
            game.cars[index].velocity = 5
            game.cars[index].moveTimer = 5
        }
        game.moveTimer = 0
        return game
    }

    func testFreewayCrossingScoresAndReturnsTheChickenToTheBottom() {
        var game = freewayWithCarsAway()
        game.chickenY = 1
        let velocities = game.cars.map(\.velocity)
        let outcome = game.act(.up, using: &generator)
        XCTAssertEqual(outcome.reward, 1)
        XCTAssertEqual(game.chickenY, 9)
        XCTAssertEqual(game.moveTimer, Freeway.moveInterval - 1)
        XCTAssertNotEqual(game.cars.map(\.velocity), velocities, "a crossing re-randomises the cars")
    }

    func testFreewayCarHitPushesTheChickenBack() {
        var game = freewayWithCarsAway()
        game.chickenY = 5
        // The car of lane 5 moves right into column 4 this frame.
        game.cars[4].x = 3
        game.cars[4].moveTimer = 0
        game.moveTimer = 2
        let outcome = game.act(.noOp, using: &generator)
        XCTAssertEqual(outcome.reward, 0)
        XCTAssertEqual(game.cars[4].x, 4)
        XCTAssertEqual(game.chickenY, 9)
    }

    func testFreewayChickenMovesOnlyEveryThirdFrame() {
        var game = freewayWithCarsAway()
        _ = game.act(.up, using: &generator)
        XCTAssertEqual(game.chickenY, 8)
        _ = game.act(.up, using: &generator)
        _ = game.act(.up, using: &generator)
        XCTAssertEqual(game.chickenY, 8)
        _ = game.act(.up, using: &generator)
        XCTAssertEqual(game.chickenY, 7)
    }

    func testFreewayTrailShowsDirectionInTheChannelOfItsSpeed() {
        var game = freewayWithCarsAway()
        game.cars[2].x = 0
        game.cars[2].velocity = -2
        var planes = MinAtar.Planes(channelCount: 7)
        game.draw(into: &planes)
        XCTAssertTrue(planes[Freeway.Channel.car].contains(x: 0, y: 3))
        XCTAssertTrue(planes[Freeway.Channel.speed2].contains(x: 1, y: 3), "a left-moving car's trail is to its right")
        game.cars[2].velocity = 4
        planes.removeAll()
        game.draw(into: &planes)
        XCTAssertTrue(planes[Freeway.Channel.speed4].contains(x: 9, y: 3), "the trail wraps around")
    }

    func testFreewayIsTruncatedAfterItsFrameLimit() throws {
        var environment = FreewayEnvironment(stickyActionProbability: 0)
        _ = try environment.reset(seed: 0)
        for frame in 1...2501 {
            let step = try environment.step(0)
            XCTAssertFalse(step.terminated)
            XCTAssertEqual(step.truncated, frame == 2501, "frame \(frame)")
        }
        XCTAssertThrowsError(try environment.step(0))
    }

    // MARK: - Asterix

    func testAsterixGoldScoresAndEnemyKills() {
        var game = started(Asterix.self)
        game.spawnTimer = 5
        game.moveTimer = 3
        game.entities[4] = Asterix.Entity(x: 4, movesRight: true, isGold: true)
        let gold = game.act(.left, using: &generator)
        XCTAssertEqual(gold.reward, 1)
        XCTAssertFalse(gold.terminated)
        XCTAssertNil(game.entities[4])

        game.entities[3] = Asterix.Entity(x: 4, movesRight: false, isGold: false)
        let enemy = game.act(.up, using: &generator)
        XCTAssertTrue(enemy.terminated)
        XCTAssertEqual(enemy.reward, 0)
    }

    func testAsterixEntityMovingOntoThePlayerCounts() {
        var game = started(Asterix.self)
        game.spawnTimer = 5
        game.moveTimer = 0
        game.entities[4] = Asterix.Entity(x: 4, movesRight: true, isGold: true)
        let outcome = game.act(.noOp, using: &generator)
        XCTAssertEqual(outcome.reward, 1)
        XCTAssertEqual(game.moveTimer, game.moveInterval - 1)
    }

    func testAsterixSpawnsInAFreeRowAtTheEdge() {
        var game = started(Asterix.self)
        for slot in 0..<7 { game.entities[slot] = Asterix.Entity(x: 5, movesRight: true, isGold: false) }
        game.spawnTimer = 0
        game.moveTimer = 3
        game.playerY = 1; game.playerX = 0
        _ = game.act(.noOp, using: &generator)
        let spawned = try? XCTUnwrap(game.entities[7])
        XCTAssertNotNil(spawned)
        XCTAssertEqual(spawned?.x, spawned?.movesRight == true ? 0 : 9)
        XCTAssertEqual(game.spawnTimer, game.spawnInterval - 1)
    }

    func testAsterixDifficultyRampsEvery102Frames() {
        var game = started(Asterix.self)
        game.playerX = 0; game.playerY = 1
        var ramps: [Int] = []
        for frame in 1...306 {
            for slot in game.entities.indices { game.entities[slot] = nil }
            let before = game.rampIndex
            _ = game.act(.noOp, using: &generator)
            if game.rampIndex != before { ramps.append(frame) }
        }
        XCTAssertEqual(ramps, [102, 204, 306])
        XCTAssertEqual(game.spawnInterval, 7)
        XCTAssertEqual(game.moveInterval, 4, "the move interval drops at every second ramp step")

        var steady = started(Asterix.self, ramping: false)
        for _ in 1...306 { _ = steady.act(.noOp, using: &generator); for slot in 0..<8 { steady.entities[slot] = nil } }
        XCTAssertEqual(steady.rampIndex, 0)
    }

    // MARK: - Space Invaders

    func testSpaceInvadersShootingAnAlienScoresAndRemovesBoth() {
        var game = started(SpaceInvaders.self)
        game.aliens = .cell(x: 5, y: 7).union(.cell(x: 0, y: 0))
        game.alienMoveTimer = 10
        game.alienShotTimer = 10
        XCTAssertEqual(game.act(.fire, using: &generator).reward, 0)
        XCTAssertEqual(game.friendlyBullets, .cell(x: 5, y: 8), "the shot rises one row in its first frame")
        XCTAssertEqual(game.shotTimer, SpaceInvaders.shotCooldown - 1)
        let outcome = game.act(.noOp, using: &generator)
        XCTAssertEqual(outcome.reward, 1)
        XCTAssertEqual(game.aliens, .cell(x: 0, y: 0))
        XCTAssertTrue(game.friendlyBullets.isEmpty)
    }

    func testSpaceInvadersClearedWaveRespawnsFasterWithRamping() {
        var game = started(SpaceInvaders.self)
        game.aliens = .cell(x: 5, y: 7)
        game.friendlyBullets = .cell(x: 5, y: 8)
        game.alienMoveTimer = 5
        game.alienShotTimer = 5
        XCTAssertEqual(game.act(.noOp, using: &generator).reward, 1)
        XCTAssertEqual(game.aliens, SpaceInvaders.freshWave)
        XCTAssertEqual(game.alienMoveInterval, 11)
        XCTAssertEqual(game.rampIndex, 1)
    }

    func testSpaceInvadersWaveTurnsAndDescendsAtTheEdge() {
        var game = started(SpaceInvaders.self)
        game.aliens = .cell(x: 0, y: 2).union(.cell(x: 3, y: 2))
        game.alienMoveTimer = 0
        game.alienShotTimer = 5
        _ = game.act(.noOp, using: &generator)
        XCTAssertEqual(game.aliens, MinAtar.CellMask.cell(x: 0, y: 3).union(.cell(x: 3, y: 3)))
        XCTAssertEqual(game.alienDirection, 1)
        XCTAssertEqual(game.alienMoveTimer, 1, "two aliens left: the wave moves every second frame")
        var planes = MinAtar.Planes(channelCount: 6)
        game.draw(into: &planes)
        XCTAssertEqual(planes[SpaceInvaders.Channel.alienRight], game.aliens)
        XCTAssertTrue(planes[SpaceInvaders.Channel.alienLeft].isEmpty)
    }

    func testSpaceInvadersNearestAlienShootsAndTheBulletKills() {
        var game = started(SpaceInvaders.self)
        game.aliens = .cell(x: 3, y: 7).union(.cell(x: 3, y: 2)).union(.cell(x: 7, y: 1))
        game.cannonX = 5
        game.alienMoveTimer = 10
        game.alienShotTimer = 0
        _ = game.act(.noOp, using: &generator)
        XCTAssertEqual(game.enemyBullets, .cell(x: 3, y: 7), "the lowest alien of the nearest column, left on a tie")
        game.cannonX = 3
        _ = game.act(.noOp, using: &generator)
        XCTAssertEqual(game.enemyBullets, .cell(x: 3, y: 8))
        XCTAssertTrue(game.act(.noOp, using: &generator).terminated)
    }

    // MARK: - Seaquest

    private func seaquestSubmerged() -> Seaquest {
        var game = started(Seaquest.self)
        game.submarineY = 4
        game.isSurfaced = false
        game.enemySpawnTimer = 50
        game.diverSpawnTimer = 50
        return game
    }

    func testSeaquestOxygenRunningOutEndsTheGame() {
        var game = seaquestSubmerged()
        game.oxygen = 1
        XCTAssertFalse(game.act(.noOp, using: &generator).terminated)
        XCTAssertEqual(game.oxygen, 0)
        XCTAssertTrue(game.act(.noOp, using: &generator).terminated, "checked before the frame uses oxygen")
    }

    func testSeaquestSurfacingWithADiverRefillsOxygenAndRamps() {
        var game = seaquestSubmerged()
        game.submarineY = 1
        game.oxygen = 40
        game.diverCount = 2
        let outcome = game.act(.up, using: &generator)
        XCTAssertEqual(outcome, MinAtar.Outcome())
        XCTAssertEqual(game.oxygen, Seaquest.maxOxygen)
        XCTAssertEqual(game.diverCount, 1)
        XCTAssertEqual(game.rampIndex, 1)
        XCTAssertEqual(game.enemySpawnInterval, 19)
        // Staying at the surface is not a second surfacing.
        XCTAssertEqual(game.act(.noOp, using: &generator), MinAtar.Outcome())
        XCTAssertEqual(game.diverCount, 1)
    }

    func testSeaquestSurfacingWithSixDiversPaysTheOxygenBonus() {
        var game = seaquestSubmerged()
        game.submarineY = 1
        game.oxygen = 151
        game.diverCount = 6
        let outcome = game.act(.up, using: &generator)
        XCTAssertEqual(outcome.reward, 7, "151 · 10 / 200 rounded down")
        XCTAssertFalse(outcome.terminated)
        XCTAssertEqual(game.diverCount, -1, "the reference drops six, then one more")
        var planes = MinAtar.Planes(channelCount: 10)
        game.draw(into: &planes)
        XCTAssertTrue(planes[Seaquest.Channel.diverGauge].isEmpty)
        XCTAssertEqual(planes[Seaquest.Channel.oxygenGauge], MinAtar.CellMask.rectangle(rows: 9..<10, columns: 0..<10))
    }

    func testSeaquestSurfacingWithNoDiverEndsTheGame() {
        var game = seaquestSubmerged()
        game.submarineY = 1
        XCTAssertTrue(game.act(.up, using: &generator).terminated)
    }

    func testSeaquestPicksUpADiverAndShowsTheGauge() {
        var game = seaquestSubmerged()
        game.submarineX = 5; game.submarineY = 4
        game.divers = [Seaquest.Swimmer(x: 4, y: 4, movesRight: true, moveTimer: 3)]
        _ = game.act(.left, using: &generator)
        XCTAssertEqual(game.diverCount, 1)
        XCTAssertTrue(game.divers.isEmpty)
        var planes = MinAtar.Planes(channelCount: 10)
        game.draw(into: &planes)
        XCTAssertEqual(planes[Seaquest.Channel.diverGauge], .cell(x: 8, y: 9))
        XCTAssertEqual(planes[Seaquest.Channel.submarineBack], .cell(x: 5, y: 4), "facing left, the back is to the right")
    }

    func testSeaquestBulletKillsAFishAndCollisionsKill() {
        var game = seaquestSubmerged()
        game.submarineX = 3; game.facesRight = true
        game.fish = [Seaquest.Swimmer(x: 5, y: 4, movesRight: false, moveTimer: 4)]
        XCTAssertEqual(game.act(.fire, using: &generator).reward, 0)
        XCTAssertEqual(game.friendlyBullets.first?.x, 4)
        XCTAssertEqual(game.act(.noOp, using: &generator).reward, 1)
        XCTAssertTrue(game.fish.isEmpty)
        XCTAssertTrue(game.friendlyBullets.isEmpty)

        game.enemySubmarines = [Seaquest.Swimmer(x: 4, y: 4, movesRight: false, moveTimer: 0, shotTimer: 5)]
        XCTAssertTrue(game.act(.noOp, using: &generator).terminated)
    }
}
