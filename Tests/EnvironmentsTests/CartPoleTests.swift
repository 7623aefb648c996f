import XCTest
@testable import Environments

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class CartPoleTests: XCTestCase {
    // MARK: - Reference

    /// The cart-pole equations written out from scratch, independent of the
    /// environment's code: one Euler step of 0.02 s from (x, ẋ, θ, θ̇).
    private func referenceStep(_ s: [Double], pushRight: Bool) -> [Double] {
        let g = 9.8, cartMass = 1.0, poleMass = 0.1, halfLength = 0.5, tau = 0.02
        let force = pushRight ? 10.0 : -10.0
        let total = poleMass + cartMass
        let (x, xDot, theta, thetaDot) = (s[0], s[1], s[2], s[3])
        let temp = (force + poleMass * halfLength * thetaDot * thetaDot * sin(theta)) / total
        let thetaAcc = (g * sin(theta) - cos(theta) * temp)
            / (halfLength * (4.0 / 3.0 - poleMass * cos(theta) * cos(theta) / total))
        let xAcc = temp - poleMass * halfLength * thetaAcc * cos(theta) / total
        return [x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc]
    }

    private let twelveDegrees = 12 * 2 * Double.pi / 360

    private func started(at state: [Double]) throws -> CartPole {
        var environment = CartPole()
        _ = try environment.reset(seed: 0, options: ["state": .doubles(state)])
        return environment
    }

    private func assertClose(_ actual: [Double], _ expected: [Double], accuracy: Double = 1e-12,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a, e, accuracy: accuracy, "got \(actual), expected \(expected)", file: file, line: line)
        }
    }

    // MARK: - Dynamics

    func testOneStepFromRestMatchesHandComputedNumbers() throws {
        // From rest, pushing right: temp = 100/11, θ̈ = -600/41, ẍ = 400/41,
        // so ẋ = 0.02·400/41 = 8/41 and θ̇ = 0.02·(-600/41) = -12/41.
        var environment = try started(at: [0, 0, 0, 0])
        let step = try environment.step(CartPole.Push.right.rawValue)
        assertClose(environment.state.entries, [0, 8.0 / 41.0, 0, -12.0 / 41.0])
        assertClose(environment.state.entries, [0, 0.19512195121951220, 0, -0.29268292682926830], accuracy: 1e-15)
        XCTAssertEqual(step.observation, [0, Float(8.0 / 41.0), 0, Float(-12.0 / 41.0)])
        XCTAssertEqual(step.reward, 1)
        XCTAssertFalse(step.terminated)
        XCTAssertFalse(step.truncated)
    }

    func testTrajectoryMatchesIndependentEquations() throws {
        let start = [0.03, -0.2, 0.04, 0.3]
        let actions: [CartPole.Push] = [.right, .right, .left, .right, .left, .left, .right, .left]
        var environment = try started(at: start)
        var expected = start
        for action in actions {
            let step = try environment.step(action.rawValue)
            expected = referenceStep(expected, pushRight: action == .right)
            assertClose(environment.state.entries, expected)
            // The reference groups products differently, so allow the last Float bit.
            for (observed, reference) in zip(step.observation, expected) {
                XCTAssertEqual(observed, Float(reference), accuracy: 1e-6)
            }
            XCTAssertEqual(step.reward, 1)
            XCTAssertFalse(step.terminated)
        }
    }

    func testTrajectoryMatchesGymnasium() throws {
        // States printed by Gymnasium 1.4.0's CartPoleEnv after setting
        // env.state = [0.03, -0.2, 0.04, 0.3] and stepping 1, 1, 0, 1, 0, 0, 1, 0.
        let gymnasiumStates: [[Double]] = [
            [0.026, -0.005470346411497656, 0.046, 0.020195788329338493],
            [0.025890593071770045, 0.18896276331345965, 0.04640391576658677, -0.2576261342788984],
            [0.029669848338039238, -0.006789908624606572, 0.0412513930810088, 0.04932464679993864],
            [0.029534050165547106, 0.18771700115407505, 0.04223788601700757, -0.23006304182754256],
            [0.03328839018862861, -0.007982271242592487, 0.03763662518045672, 0.07563830081222239],
            [0.03312874476377676, -0.20362299904749467, 0.03914939119670117, 0.3799541266102784],
            [0.029056284782826864, -0.009078227781915388, 0.04674847372890674, 0.0998675526325678],
            [0.028874720227188556, -0.20483790855518988, 0.048745824781558096, 0.4069253151483392],
        ]
        var environment = try started(at: [0.03, -0.2, 0.04, 0.3])
        for (action, expected) in zip([1, 1, 0, 1, 0, 0, 1, 0], gymnasiumStates) {
            let step = try environment.step(action)
            // Same operation order and the same libm: equal bit for bit.
            XCTAssertEqual(environment.state.entries, expected)
            XCTAssertEqual(step.observation, expected.map { Float($0) })
        }
    }

    func testObservationLiesInObservationSpace() throws {
        var environment = CartPole()
        let reset = try environment.reset(seed: 3)
        XCTAssertTrue(environment.observationSpace.contains(reset.observation))
        XCTAssertEqual(environment.observationSpace.high[0], 4.8)
        XCTAssertEqual(environment.observationSpace.high[1], .greatestFiniteMagnitude)
        XCTAssertEqual(environment.observationSpace.high[2], Float(2 * twelveDegrees))
        XCTAssertEqual(environment.observationSpace.low[3], -.greatestFiniteMagnitude)
        XCTAssertEqual(environment.actionSpace, Discrete(2))
        var step = try environment.step(1)
        while !step.terminated {
            XCTAssertTrue(environment.observationSpace.contains(step.observation))
            step = try environment.step(1)
        }
        XCTAssertTrue(environment.observationSpace.contains(step.observation))
        XCTAssertEqual(CartPole.rewardThreshold, 475)
    }

    // MARK: - Episode end

    func testPositionExactlyAtThresholdRunsThenBeyondTerminates() throws {
        // With ẋ = 0 the first step leaves x at exactly 2.4; the push then gives
        // ẋ > 0 and the second step crosses.
        var environment = try started(at: [2.4, 0, 0, 0])
        let first = try environment.step(CartPole.Push.right.rawValue)
        XCTAssertEqual(environment.state.cartPosition, 2.4)
        XCTAssertFalse(first.terminated)
        let second = try environment.step(CartPole.Push.right.rawValue)
        XCTAssertGreaterThan(environment.state.cartPosition, 2.4)
        XCTAssertTrue(second.terminated)
        XCTAssertFalse(second.truncated)
        XCTAssertEqual(second.reward, 1, "v1 rewards the terminating step too")
    }

    func testNegativePositionThreshold() throws {
        var environment = try started(at: [-2.39, -0.4, 0, 0])
        var expected = [-2.39, -0.4, 0, 0]
        var steps = 0
        while true {
            let step = try environment.step(CartPole.Push.left.rawValue)
            expected = referenceStep(expected, pushRight: false)
            steps += 1
            XCTAssertEqual(step.terminated, expected[0] < -2.4, "step \(steps): x = \(expected[0])")
            if step.terminated { break }
        }
        XCTAssertGreaterThan(steps, 1, "must not terminate before x passes -2.4")
    }

    func testAngleExactlyAtThresholdRunsThenBeyondTerminates() throws {
        // θ̇ = 0 keeps θ at exactly 12° for one step; gravity then tips it further.
        var environment = try started(at: [0, 0, twelveDegrees, 0])
        let first = try environment.step(CartPole.Push.left.rawValue)
        XCTAssertEqual(environment.state.poleAngle, twelveDegrees)
        XCTAssertFalse(first.terminated)
        let second = try environment.step(CartPole.Push.left.rawValue)
        XCTAssertGreaterThan(environment.state.poleAngle, twelveDegrees)
        XCTAssertTrue(second.terminated)
        XCTAssertEqual(second.reward, 1)

        var leaningLeft = try started(at: [0, 0, -twelveDegrees, 0])
        XCTAssertFalse(try leaningLeft.step(CartPole.Push.right.rawValue).terminated)
        XCTAssertTrue(try leaningLeft.step(CartPole.Push.right.rawValue).terminated)
    }

    func testSteppingBeforeResetAfterTerminationAndWithBadActionThrows() throws {
        var environment = CartPole()
        XCTAssertThrowsError(try environment.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .resetNeeded(environment: "CartPole"))
        }
        _ = try environment.reset(seed: 1, options: ["state": .doubles([0, 0, twelveDegrees, 1])])
        XCTAssertThrowsError(try environment.step(2)) { error in
            XCTAssertEqual(error as? EnvironmentError,
                           .invalidAction(environment: "CartPole", action: "2", space: "Discrete(2)"))
        }
        XCTAssertThrowsError(try environment.step(-1))
        XCTAssertTrue(try environment.step(0).terminated)
        XCTAssertThrowsError(try environment.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .episodeEnded(environment: "CartPole"))
        }
        _ = try environment.reset()
        XCTAssertNoThrow(try environment.step(0))
    }

    func testTimeLimitTruncatesAtFiveHundredWithoutTermination() throws {
        var environment = TimeLimit(CartPole(), maxEpisodeSteps: CartPole.maxEpisodeSteps)
        var observation = try environment.reset(seed: 0, options: ["state": .doubles([0.03, -0.02, 0.04, 0.01])]).observation
        var episodeReturn = 0.0
        for stepIndex in 1...500 {
            // A linear balancing rule: push towards the side the pole leans and
            // falls, with small terms that pull the cart back to the centre.
            let lean = 0.1 * observation[0] + 0.2 * observation[1] + observation[2] + 0.3 * observation[3]
            let step = try environment.step(lean > 0 ? 1 : 0)
            observation = step.observation
            episodeReturn += step.reward
            XCTAssertFalse(step.terminated, "pole fell at step \(stepIndex)")
            XCTAssertEqual(step.truncated, stepIndex == 500, "step \(stepIndex)")
            if step.terminated { return }
        }
        XCTAssertEqual(episodeReturn, 500)
        XCTAssertGreaterThanOrEqual(episodeReturn, CartPole.rewardThreshold)
    }

    // MARK: - Start and seeding

    func testResetDrawsEachEntryWithinFiveHundredths() throws {
        var environment = CartPole()
        _ = try environment.reset(seed: 42)
        var largest = [Double](repeating: 0, count: 4)
        for _ in 0..<2000 {
            let observation = try environment.reset().observation
            let entries = environment.state.entries
            for index in 0..<4 {
                XCTAssertGreaterThanOrEqual(entries[index], -0.05)
                XCTAssertLessThan(entries[index], 0.05)
                XCTAssertEqual(observation[index], Float(entries[index]))
                largest[index] = max(largest[index], abs(entries[index]))
            }
        }
        // The draws fill the range rather than sitting near zero.
        XCTAssertTrue(largest.allSatisfy { $0 > 0.045 }, "\(largest)")
    }

    func testResetBoundsOptions() throws {
        var environment = CartPole()
        _ = try environment.reset(seed: 5, options: ["low": .double(0.1), "high": .double(0.2)])
        XCTAssertTrue(environment.state.entries.allSatisfy { $0 >= 0.1 && $0 < 0.2 }, "\(environment.state)")
    }

    func testSameSeedGivesSameTrajectory() throws {
        func trajectory(seed: UInt64) throws -> [[Float]] {
            var environment = CartPole()
            var observations = [try environment.reset(seed: seed).observation]
            var actions = Xoshiro256(seed: 99)
            for _ in 0..<200 {
                let step = try environment.step(actions.nextInt(upperBound: 2))
                observations.append(step.observation)
                if step.terminated { observations.append(try environment.reset().observation) }
            }
            return observations
        }
        XCTAssertEqual(try trajectory(seed: 7), try trajectory(seed: 7))
        XCTAssertNotEqual(try trajectory(seed: 7), try trajectory(seed: 8))
    }

    func testResetWithoutSeedContinuesTheStream() throws {
        var environment = CartPole()
        let first = try environment.reset(seed: 11).observation
        let second = try environment.reset().observation
        XCTAssertNotEqual(first, second)

        var again = CartPole()
        XCTAssertEqual(try again.reset(seed: 11).observation, first)
        XCTAssertEqual(try again.reset(seed: nil).observation, second)
    }

    func testStateOptionDrawsNothingFromTheGenerator() throws {
        var plain = CartPole()
        _ = try plain.reset(seed: 4)
        let expected = try plain.reset().observation

        var withState = CartPole()
        _ = try withState.reset(seed: 4)
        _ = try withState.reset(seed: nil, options: ["state": .doubles([0.1, 0.2, 0.03, 0.4])])
        XCTAssertEqual(withState.state, CartPole.State(cartPosition: 0.1, cartVelocity: 0.2, poleAngle: 0.03, poleAngularVelocity: 0.4))
        XCTAssertEqual(try withState.reset().observation, expected)
    }

    // MARK: - Registry

    func testRegistrationMakesTimeLimitedCartPole() throws {
        let specs = CartPole.registrations
        XCTAssertEqual(specs.map(\.name), ["cartpole", "cartpole-novel"])
        let spec = specs[0]
        let environment = try spec.make()
        XCTAssertEqual(environment.name, "TimeLimit<CartPole>")
        XCTAssertEqual((environment as? TimeLimit<CartPole>)?.maxEpisodeSteps, 500)
        let shorter = try spec.make(["max_episode_steps": .int(20)])
        XCTAssertEqual((shorter as? TimeLimit<CartPole>)?.maxEpisodeSteps, 20)
        XCTAssertThrowsError(try spec.make(["max_episode_steps": .int(0)]))
        XCTAssertThrowsError(try spec.make(["max_steps": .int(10)]))

        // Every episode of a 5-step limit ends by step 5, so 50 steps end at least 10.
        let rollout = try spec.runRandomRollout(options: ["max_episode_steps": .int(5)], steps: 50, seed: 1)
        XCTAssertEqual(rollout.steps, 50)
        XCTAssertGreaterThanOrEqual(rollout.episodes, 10)
        XCTAssertEqual(rollout.totalReward, 50)
    }

    // MARK: - Rendering

    func testFrameShowsCartAndUprightPole() throws {
        let environment = try started(at: [1.0, 0, 0, 0])
        let frame = try XCTUnwrap(environment.render())
        XCTAssertEqual(frame.width, CartPole.frameWidth)
        XCTAssertEqual(frame.height, CartPole.frameHeight)
        XCTAssertEqual(frame.width, 600)
        XCTAssertEqual(frame.height, 400)

        // x = 1 m lies 125 px right of the centre column 300.
        let cartColumn = Int(CartPole.cartCenterColumn(forPosition: 1.0))
        XCTAssertEqual(cartColumn, 425)
        XCTAssertEqual(frame[cartColumn, CartPole.trackRow], CartPole.cartColor)
        XCTAssertEqual(frame[cartColumn - 20, CartPole.trackRow + 10], CartPole.cartColor)
        XCTAssertEqual(frame[cartColumn - 30, CartPole.trackRow + 10], CartPole.backgroundColor)
        XCTAssertEqual(frame[cartColumn + 30, CartPole.trackRow + 10], CartPole.backgroundColor)
        XCTAssertEqual(frame[10, CartPole.trackRow], CartPole.trackColor)
        XCTAssertEqual(frame[10, CartPole.trackRow - 5], CartPole.backgroundColor)

        // The hinge sits 7.5 px above the cart's centre with radius 5, the pole above it.
        let axleRow = CartPole.trackRow - 8
        XCTAssertEqual(frame[cartColumn, axleRow], CartPole.axleColor)
        XCTAssertEqual(frame[cartColumn, axleRow - 6], CartPole.poleColor)
        XCTAssertEqual(frame[cartColumn, axleRow - 100], CartPole.poleColor)
        XCTAssertEqual(frame[cartColumn + 8, axleRow - 100], CartPole.backgroundColor)
        XCTAssertEqual(frame[cartColumn, axleRow - 130], CartPole.backgroundColor)
    }

    func testTiltedPoleLeansTowardsPositiveAngle() throws {
        let environment = try started(at: [0, 0, 0.2, 0])
        let frame = try XCTUnwrap(environment.render())
        // 100 px up the pole, it has moved 100·sin(0.2) ≈ 19.9 px to the right.
        let axleRow = CartPole.trackRow - 8
        let offset = Int((100 * sin(0.2)).rounded())
        let row = axleRow - Int((100 * cos(0.2)).rounded())
        XCTAssertEqual(frame[300 + offset, row], CartPole.poleColor)
        XCTAssertEqual(frame[300 - offset, row], CartPole.backgroundColor)
    }

    func testRenderANSIShowsCartPositionAndValues() throws {
        let environment = try started(at: [-2.4, 0.5, -0.1, 0])
        let text = try XCTUnwrap(environment.renderANSI())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[1].hasPrefix("[█─"), String(lines[1]))
        XCTAssertTrue(text.contains("x -2.40 m"), text)
        XCTAssertTrue(text.contains("ẋ +0.50 m/s"), text)
        XCTAssertTrue(text.contains("θ -5.73°"), text)
        XCTAssertTrue(lines[0].contains(ANSI.colored("\\", foreground: CartPole.poleColor)), text)

        let centred = try XCTUnwrap(try started(at: [0, 0, 0, 0]).renderANSI())
        XCTAssertTrue(centred.contains("─█─"))
        XCTAssertTrue(centred.contains(ANSI.colored("|", foreground: CartPole.poleColor)))
    }
}
