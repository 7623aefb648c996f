import XCTest
@testable import Environments

final class CatchTests: XCTestCase {
    private func cell(_ observation: [Float], row: Int, column: Int, columns: Int = 5) -> Float {
        observation[row * columns + column]
    }

    func testBallFallsNineStepsAndACatchEarnsOne() throws {
        var game = Catch()
        let reset = try game.reset(seed: 0, options: ["ball_column": .int(4)])
        XCTAssertEqual(game.observationSpace.shape, [1, 10, 5])
        XCTAssertEqual(reset.observation.reduce(0, +), 2)
        XCTAssertEqual(cell(reset.observation, row: 0, column: 4), 1)
        XCTAssertEqual(cell(reset.observation, row: 9, column: 2), 1, "the paddle starts in column 5 / 2 = 2")
        // Right twice reaches column 4; the third right stops at the edge.
        let actions: [Catch.Move] = [.right, .right, .right, .stay, .stay, .left, .right, .stay, .stay]
        for (index, action) in actions.enumerated() {
            let step = try game.step(action.rawValue)
            XCTAssertEqual(game.ballRow, index + 1)
            XCTAssertEqual(step.observation.reduce(0, +), index == 8 && game.paddleColumn == 4 ? 1 : 2)
            if index < 8 {
                XCTAssertEqual(step.reward, 0)
                XCTAssertFalse(step.terminated)
            } else {
                XCTAssertEqual(game.paddleColumn, 4)
                XCTAssertEqual(step.reward, 1)
                XCTAssertTrue(step.terminated)
                XCTAssertEqual(step.info["success"], .bool(true))
                XCTAssertEqual(cell(step.observation, row: 9, column: 4), 1)
            }
        }
        XCTAssertThrowsError(try game.step(1))
    }

    func testMissCostsOneAndPaddleStopsAtTheLeftEdge() throws {
        var game = Catch()
        _ = try game.reset(seed: 0, options: ["ball_column": .int(4)])
        var last: Step<[Float]>?
        for _ in 0..<9 { last = try game.step(Catch.Move.left.rawValue) }
        XCTAssertEqual(game.paddleColumn, 0)
        XCTAssertEqual(last?.reward, -1)
        XCTAssertEqual(last?.terminated, true)
        XCTAssertEqual(last?.info["success"], .bool(false))
    }

    func testBallColumnIsUniformAndSeeded() throws {
        var game = Catch()
        _ = try game.reset(seed: 1)
        var counts = [0, 0, 0, 0, 0]
        for _ in 0..<5000 {
            _ = try game.reset()
            counts[game.ballColumn] += 1
        }
        for count in counts { XCTAssertEqual(Double(count), 1000, accuracy: 120) }
        var a = Catch(), b = Catch()
        XCTAssertEqual(try a.reset(seed: 3).observation, try b.reset(seed: 3).observation)
    }

    func testRandomPolicyCatchesAboutOneBallInFive() throws {
        // A uniformly random paddle ends up in the ball's column with probability
        // near 1/5 (a little more: the edges hold the paddle), so the mean return
        // lies near 2·p − 1 ≈ −0.6.
        var game = Catch()
        var actions = Xoshiro256(seed: 2)
        _ = try game.reset(seed: 2)
        var total = 0.0
        for _ in 0..<2000 {
            var step: Step<[Float]>
            repeat { step = try game.step(actions.nextInt(upperBound: 3)) } while !step.terminated
            total += step.reward
            _ = try game.reset()
        }
        XCTAssertEqual(total / 2000, -0.6, accuracy: 0.1)
    }

    func testRegistrationRenderingAndChecker() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "catch")
        for result in try spec.check() { XCTAssertTrue(result.passed, "\(result)") }
        let custom = try XCTUnwrap(try spec.make(["rows": .int(6), "columns": .int(7)]) as? Catch)
        XCTAssertEqual(custom.observationSpace.shape, [1, 6, 7])
        var game = Catch()
        _ = try game.reset(seed: 0, options: ["ball_column": .int(1)])
        let frame = try XCTUnwrap(game.render())
        XCTAssertEqual(frame.width, 5 * Catch.tileSize)
        XCTAssertEqual(frame.height, 10 * Catch.tileSize)
        XCTAssertEqual(frame[Catch.tileSize + Catch.tileSize / 2, Catch.tileSize / 2], Catch.ballColor)
        XCTAssertEqual(frame[2 * Catch.tileSize + Catch.tileSize / 2, 9 * Catch.tileSize + Catch.tileSize / 2], Catch.paddleColor)
        let text = try XCTUnwrap(game.renderANSI())
        XCTAssertEqual(text.split(separator: "\n").count, 10)
    }
}
