import XCTest
@testable import Environments

final class AcrobotTests: XCTestCase {
    private func started(at state: [Double]) throws -> Acrobot {
        var environment = Acrobot()
        _ = try environment.reset(seed: 0, options: ["state": .doubles(state)])
        return environment
    }

    func testDerivativesAtRestMatchHandComputedNumbers() {
        // At θ = 0, θ̇ = 0: d₁ = 0.25 + 2.25 + 2 = 4.5, d₂ = 0.75 + 1 = 1.75, gravity
        // acts along the links (cos(−π/2) ≈ 6e-17), so with τ = +1:
        // θ̈₂ = 1 / (1.25 − 1.75²/4.5) = 72/41 and θ̈₁ = −1.75·(72/41)/4.5 = −28/41.
        let rest = Acrobot.State(angle1: 0, angle2: 0, angularVelocity1: 0, angularVelocity2: 0)
        let slope = Acrobot.derivatives(rest, torque: 1)
        XCTAssertEqual(slope.angle1, 0)
        XCTAssertEqual(slope.angle2, 0)
        XCTAssertEqual(slope.angularVelocity2, 72.0 / 41.0, accuracy: 1e-12)
        XCTAssertEqual(slope.angularVelocity1, -28.0 / 41.0, accuracy: 1e-12)
        // Hanging sideways (θ₁ = π/2), gravity pulls the first link back with
        // φ₁ = (0.5 + 1)·9.8 + 0.5·9.8 = 19.6 and φ₂ = 4.9, so with no torque
        // θ̈₂ = (1.75/4.5·19.6 − 4.9) / (1.25 − 1.75²/4.5) and θ̈₁ = −(1.75·θ̈₂ + 19.6)/4.5.
        let sideways = Acrobot.State(angle1: Double.pi / 2, angle2: 0, angularVelocity1: 0, angularVelocity2: 0)
        let fall = Acrobot.derivatives(sideways, torque: 0)
        let expected2 = (1.75 / 4.5 * 19.6 - 4.9) / (1.25 - 1.75 * 1.75 / 4.5)
        XCTAssertEqual(fall.angularVelocity2, expected2, accuracy: 1e-12)
        XCTAssertEqual(fall.angularVelocity1, -(1.75 * expected2 + 19.6) / 4.5, accuracy: 1e-12)
    }

    func testTrajectoryMatchesGymnasium() throws {
        // States printed by Gymnasium 1.4.0's AcrobotEnv after setting
        // env.state = [0.1, -0.2, 0.3, -0.05] and stepping 2, 0, 1, 2, 2, 0, 1, 0.
        let gymnasiumStates: [[Double]] = [
            [0.12846842827175683, -0.14396160806621033, -0.019308507136124253, 0.6048219882251075],
            [0.12043897417428054, -0.03485137824494455, -0.05563610267867254, 0.46587455861113003],
            [0.09513230171476786, 0.06934401261862812, -0.18887534893407226, 0.5539813793630564],
            [0.036212898741705725, 0.2107404794114593, -0.38347606468396306, 0.8254632548212621],
            [-0.04976856754176539, 0.38291405203856815, -0.45372204545080164, 0.8536640970298085],
            [-0.11068737085403879, 0.4695955206864142, -0.1426732791661387, -0.005612130086479095],
            [-0.11702729752745264, 0.4119217124371346, 0.07978612557606776, -0.5641187412753337],
            [-0.06768670317632551, 0.21742752968143678, 0.3998696009080659, -1.3450609549321846],
        ]
        var environment = try started(at: [0.1, -0.2, 0.3, -0.05])
        for (action, expected) in zip([2, 0, 1, 2, 2, 0, 1, 0], gymnasiumStates) {
            let step = try environment.step(action)
            XCTAssertEqual(environment.state.entries, expected)
            XCTAssertEqual(step.reward, -1)
            XCTAssertFalse(step.terminated)
        }
    }

    func testWrappingTerminationAndObservationMatchGymnasium() throws {
        // From θ₁ = 3.1 with θ̇₁ = 2 the first link passes π and wraps to −2.77;
        // the tip is above the line, so the step terminates with reward 0.
        var overTheTop = try started(at: [3.1, 0.1, 2.0, 0.0])
        let step = try overTheTop.step(Acrobot.Torque.none.rawValue)
        XCTAssertEqual(overTheTop.state.entries, [-2.771007076032391, 0.09456973477184741, 2.207581075326277, -0.12345096293215745])
        XCTAssertEqual(step.observation, [-0.9321154356002808, -0.3621613085269928, 0.9955316185951233,
                                          0.09442883729934692, 2.207581043243408, -0.12345096468925476].map { Float($0) })
        XCTAssertTrue(step.terminated)
        XCTAssertEqual(step.reward, 0)
        XCTAssertThrowsError(try overTheTop.step(1))
    }

    func testAngularVelocitiesAreBounded() throws {
        var spinning = try started(at: [0, 0, 12.5, 28])
        let step = try spinning.step(Acrobot.Torque.positive.rawValue)
        XCTAssertEqual(spinning.state.entries, [-2.1670403520433723, -2.2844715212555875, 12.566370614359172, 24.14129592326819])
        XCTAssertEqual(spinning.state.angularVelocity1, Acrobot.maximumVelocity1)
        XCTAssertTrue(spinning.observationSpace.contains(step.observation))
    }

    func testStartIsFloatRoundedUniformAndSeeded() throws {
        var environment = Acrobot()
        _ = try environment.reset(seed: 2)
        for _ in 0..<300 {
            let observation = try environment.reset().observation
            for value in environment.state.entries {
                XCTAssertGreaterThanOrEqual(value, -0.1)
                XCTAssertLessThanOrEqual(value, 0.1)
                XCTAssertEqual(value, Double(Float(value)), "the start state is stored in float32")
            }
            XCTAssertTrue(environment.observationSpace.contains(observation))
        }
        var first = Acrobot(), second = Acrobot()
        XCTAssertEqual(try first.reset(seed: 4).observation, try second.reset(seed: 4).observation)
    }

    func testRegistrationRenderingAndChecker() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "acrobot")
        XCTAssertEqual((try spec.make() as? TimeLimit<Acrobot>)?.maxEpisodeSteps, 500)
        for result in try spec.check() { XCTAssertTrue(result.passed, "\(result)") }
        let hanging = try started(at: [0, 0, 0, 0])
        let frame = try XCTUnwrap(hanging.render())
        XCTAssertEqual(frame.width, 500)
        XCTAssertEqual(frame.height, 500)
        // Hanging straight down: the links cover the column below the pivot.
        let lowerLink = Acrobot.framePoint(right: 0, up: -1.5)
        XCTAssertEqual(frame[Int(lowerLink.x), Int(lowerLink.y)], Acrobot.linkColor)
        let pivot = Acrobot.framePoint(right: 0, up: 0)
        XCTAssertEqual(frame[Int(pivot.x), Int(pivot.y)], Acrobot.jointColor)
        XCTAssertEqual(frame[Int(pivot.x), Int(pivot.y) - 60], Acrobot.backgroundColor)
        XCTAssertTrue(try XCTUnwrap(hanging.renderANSI()).contains("tip -2.00 m"))
    }
}
