import XCTest
@testable import Environments

final class SnakeTests: XCTestCase {
    private func plane(_ observation: [Float], _ channel: Snake.Channel, size: Int = 100) -> [Float] {
        Array(observation[channel.rawValue * size..<(channel.rawValue + 1) * size])
    }

    func testStartLayoutAndObservationPlanes() throws {
        var snake = Snake()
        let observation = try snake.reset(seed: 1).observation
        XCTAssertEqual(snake.observationSpace.shape, [3, 10, 10])
        XCTAssertEqual(snake.body, [53, 54, 55], "row 5, columns 3...5, head last")
        XCTAssertEqual(plane(observation, .head).firstIndex(of: 1), 55)
        XCTAssertEqual(plane(observation, .body).enumerated().filter { $0.element == 1 }.map(\.offset), [53, 54])
        XCTAssertEqual(plane(observation, .food).reduce(0, +), 1)
        XCTAssertFalse(snake.body.contains(snake.food))
    }

    func testMovingEatingAndGrowing() throws {
        var snake = Snake()
        _ = try snake.reset(seed: 1)
        // Walk the head to the food along a row then a column, and check the growth.
        var eaten = 0
        var steps = 0
        while eaten < 3 && steps < 200 {
            let head = snake.head, food = snake.food
            let move: Snake.Move
            if food % 10 > head % 10 { move = .right }
            else if food % 10 < head % 10 { move = snake.heading == .right ? (head / 10 < 9 ? .down : .up) : .left }
            else { move = food / 10 > head / 10 ? .down : .up }
            let lengthBefore = snake.length
            let step = try snake.step(move.rawValue)
            steps += 1
            XCTAssertFalse(step.terminated, "the chase must not crash: \(snake.renderANSI() ?? "")")
            if step.reward == 1 {
                eaten += 1
                XCTAssertEqual(snake.length, lengthBefore + 1)
                XCTAssertEqual(plane(step.observation, .food).reduce(0, +), 1, "new food placed")
            } else {
                XCTAssertEqual(snake.length, lengthBefore)
            }
            XCTAssertEqual(plane(step.observation, .body).reduce(0, +), Float(snake.length - 1))
        }
        XCTAssertEqual(eaten, 3)
        XCTAssertEqual(snake.length, 6)
    }

    func testWallKillsAndReverseMoveKeepsGoing() throws {
        var snake = Snake(deathReward: -1)
        _ = try snake.reset(seed: 0)
        let start = snake.head
        _ = try snake.step(Snake.Move.left.rawValue)  // straight back: read as right
        XCTAssertEqual(snake.head, start + 1)
        var last: Step<[Float]>?
        for _ in 0..<10 {
            last = try snake.step(Snake.Move.right.rawValue)
            if last!.terminated { break }
        }
        XCTAssertEqual(last?.terminated, true)
        XCTAssertEqual(last?.reward, -1)
        XCTAssertEqual(last?.info["success"], .bool(false))
        XCTAssertThrowsError(try snake.step(0))
    }

    func testBitingTheBodyKillsButFollowingTheTailDoesNot() throws {
        // Tail 44, then 54, 55 and the head at 45 (heading up): moving left takes
        // the cell the tail leaves in the same step.
        var follower = Snake()
        _ = try follower.reset(seed: 0, options: ["body": .doubles([44, 54, 55, 45]), "food": .int(0)])
        XCTAssertEqual(follower.heading, .up)
        let follow = try follower.step(Snake.Move.left.rawValue)
        XCTAssertFalse(follow.terminated)
        XCTAssertEqual(follower.body, [54, 55, 45, 44])

        // Seven cells ending 56, 57: up to 47, then left into 46, which the body
        // still holds (the tail is at 36), kills.
        var biter = Snake()
        _ = try biter.reset(seed: 0, options: ["body": .doubles([35, 36, 46, 45, 55, 56, 57]), "food": .int(0)])
        XCTAssertFalse(try biter.step(Snake.Move.up.rawValue).terminated)
        let bite = try biter.step(Snake.Move.left.rawValue)
        XCTAssertTrue(bite.terminated)
        XCTAssertEqual(bite.info["length"], .int(7))

        // Eating keeps the tail, so the tail's cell is then deadly.
        var eater = Snake()
        _ = try eater.reset(seed: 0, options: ["body": .doubles([44, 54, 55, 45]), "food": .int(35)])
        XCTAssertEqual(try eater.step(Snake.Move.up.rawValue).reward, 1)
        XCTAssertEqual(eater.length, 5)
    }

    func testFoodPlacementIsSeeded() throws {
        var a = Snake(), b = Snake()
        XCTAssertEqual(try a.reset(seed: 9).observation, try b.reset(seed: 9).observation)
        var foods = Set<Int>()
        for seed in 0..<50 {
            var snake = Snake()
            _ = try snake.reset(seed: UInt64(seed))
            foods.insert(snake.food)
        }
        XCTAssertGreaterThan(foods.count, 25, "food lands on many cells")
    }

    func testStepLimitTruncates() throws {
        var snake = Snake(width: 6, height: 6, maxSteps: 4)
        _ = try snake.reset(seed: 0)
        var last: Step<[Float]>?
        for move in [Snake.Move.up, .left, .down, .right] { last = try snake.step(move.rawValue) }
        XCTAssertEqual(last?.truncated, true)
        XCTAssertEqual(last?.terminated, false)
    }

    func testRegistrationRenderingAndChecker() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "snake")
        for result in try spec.check() { XCTAssertTrue(result.passed, "\(result)") }
        var snake = Snake()
        _ = try snake.reset(seed: 0)
        let frame = try XCTUnwrap(snake.render())
        XCTAssertEqual(frame.width, 160)
        let head = snake.head
        XCTAssertEqual(frame[head % 10 * 16 + 8, head / 10 * 16 + 8], Snake.headColor)
        XCTAssertTrue(try XCTUnwrap(snake.renderANSI()).contains("length 3"))
    }
}
