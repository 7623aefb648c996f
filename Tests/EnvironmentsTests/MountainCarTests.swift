import XCTest
@testable import Environments

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class MountainCarTests: XCTestCase {
    private func started(at state: [Double]) throws -> MountainCar {
        var environment = MountainCar()
        _ = try environment.reset(seed: 0, options: ["state": .doubles(state)])
        return environment
    }

    func testOneStepMatchesHandComputedNumbers() throws {
        // v = 0 + 1·0.001 + cos(−1.5)·(−0.0025), x = −0.5 + v.
        var environment = try started(at: [-0.5, 0])
        let step = try environment.step(MountainCar.Push.right.rawValue)
        let velocity = 0.001 - cos(-1.5) * 0.0025
        XCTAssertEqual(environment.state.velocity, velocity, accuracy: 1e-16)
        XCTAssertEqual(environment.state.velocity, 0.000823156995830743, accuracy: 1e-15)
        XCTAssertEqual(environment.state.position, -0.5 + velocity, accuracy: 1e-16)
        XCTAssertEqual(step.observation, [Float(-0.5 + velocity), Float(velocity)])
        XCTAssertEqual(step.reward, -1)
        XCTAssertFalse(step.terminated)
        XCTAssertFalse(step.truncated)
    }

    func testTrajectoryMatchesGymnasium() throws {
        // Printed by Gymnasium 1.4.0's MountainCarEnv after setting
        // env.state = [-0.5, 0.0] and stepping 2, 2, 0, 1, 2, 0, 0, 2.
        let gymnasiumStates: [[Double]] = [
            [-0.49917684300416926, 0.0008231569958307428],
            [-0.49753668667935325, 0.0016401563248160246],
            [-0.4970917969323474, 0.00044488974700586273],
            [-0.49684550006784745, 0.0002462968644999427],
            [-0.4957996374204934, 0.0010458626473540712],
            [-0.49596202671027434, -0.0001623892897809659],
            [-0.49733145422579234, -0.0013694275155180027],
            [-0.49789768282304186, -0.0005662285972495108],
        ]
        var environment = try started(at: [-0.5, 0])
        for (action, expected) in zip([2, 2, 0, 1, 2, 0, 0, 2], gymnasiumStates) {
            let step = try environment.step(action)
            XCTAssertEqual(environment.state.entries, expected)
            XCTAssertEqual(step.observation, expected.map { Float($0) })
        }
    }

    func testSpeedIsClippedAndTheLeftWallStopsTheCar() throws {
        var fast = try started(at: [-0.5, 0.0699])
        _ = try fast.step(MountainCar.Push.right.rawValue)
        XCTAssertEqual(fast.state.velocity, 0.07)
        XCTAssertEqual(fast.state.position, -0.43, accuracy: 1e-15)

        // x would be about −1.2087: clipped to −1.2, and the negative velocity is zeroed.
        var atWall = try started(at: [-1.19, -0.02])
        let step = try atWall.step(MountainCar.Push.left.rawValue)
        XCTAssertEqual(atWall.state.position, -1.2)
        XCTAssertEqual(atWall.state.velocity, 0)
        XCTAssertTrue(atWall.observationSpace.contains(step.observation))
    }

    func testReachingTheGoalTerminatesWithRewardMinusOne() throws {
        var environment = try started(at: [0.49, 0.02])
        let step = try environment.step(MountainCar.Push.right.rawValue)
        XCTAssertGreaterThanOrEqual(environment.state.position, 0.5)
        XCTAssertTrue(step.terminated)
        XCTAssertEqual(step.reward, -1)
        XCTAssertThrowsError(try environment.step(1))

        // At the goal but moving left (negative velocity) does not terminate.
        var leaving = try started(at: [0.55, -0.01])
        XCTAssertFalse(try leaving.step(MountainCar.Push.left.rawValue).terminated)
        // A positive goal velocity demands speed at the top.
        var strict = MountainCar(goalVelocity: 0.05)
        _ = try strict.reset(seed: 0, options: ["state": .doubles([0.49, 0.02])])
        XCTAssertFalse(try strict.step(2).terminated)
    }

    func testRockingPolicySolvesWithinTheTimeLimit() throws {
        var environment = TimeLimit(MountainCar(), maxEpisodeSteps: MountainCar.maxEpisodeSteps)
        var observation = try environment.reset(seed: 5).observation
        var episodeReturn = 0.0
        while true {
            let step = try environment.step(observation[1] >= 0 ? 2 : 0)
            episodeReturn += step.reward
            observation = step.observation
            if step.terminated || step.truncated {
                XCTAssertTrue(step.terminated, "pushing with the velocity reaches the goal")
                break
            }
        }
        XCTAssertGreaterThan(episodeReturn, -200)
    }

    func testStartPositionIsUniformInRangeAndSeeded() throws {
        var environment = MountainCar()
        _ = try environment.reset(seed: 1)
        for _ in 0..<500 {
            let observation = try environment.reset().observation
            XCTAssertGreaterThanOrEqual(environment.state.position, -0.6)
            XCTAssertLessThan(environment.state.position, -0.4)
            XCTAssertEqual(observation[1], 0)
        }
        var first = MountainCar(), second = MountainCar()
        XCTAssertEqual(try first.reset(seed: 9).observation, try second.reset(seed: 9).observation)
    }

    func testRegistrationRenderingAndChecker() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "mountaincar")
        let environment = try spec.make()
        XCTAssertEqual(environment.name, "TimeLimit<MountainCar>")
        XCTAssertEqual((environment as? TimeLimit<MountainCar>)?.maxEpisodeSteps, 200)
        for result in try spec.check() { XCTAssertTrue(result.passed, "\(result)") }

        let car = try started(at: [-0.5, 0])
        let frame = try XCTUnwrap(car.render())
        XCTAssertEqual(frame.width, 600)
        XCTAssertEqual(frame.height, 400)
        // The car's body sits just above the track at its position.
        let body = MountainCar.framePoint(position: -0.5, lift: 15)
        XCTAssertEqual(frame[Int(body.x), Int(body.y)], MountainCar.carColor)
        XCTAssertEqual(frame[5, 5], MountainCar.backgroundColor)
        let text = try XCTUnwrap(car.renderANSI())
        XCTAssertTrue(text.contains("x -0.500"), text)
        XCTAssertTrue(text.contains("⚑"), text)
    }
}
