import XCTest
@testable import Neural

/// Two steps of each optimiser on θ = [1, −2] with gradients [0.5, −1] then
/// [0.1, 0.3], against values worked out by hand from PyTorch's update rules.
final class OptimizersTests: XCTestCase {
    private func run(_ makeOptimizer: ([Parameter]) -> Optimizer) -> [[Float]] {
        let parameter = Parameter(name: "theta", value: Tensor(shape: [2], scalars: [1, -2]))
        let optimizer = makeOptimizer([parameter])
        var trajectory: [[Float]] = []
        for gradient in [[0.5, -1], [0.1, 0.3]] as [[Float]] {
            parameter.gradient.assign(gradient)
            optimizer.step()
            trajectory.append(parameter.value.scalars)
        }
        XCTAssertEqual(optimizer.stepCount, 2)
        return trajectory
    }

    private func assertTrajectory(
        _ actual: [[Float]], _ expected: [[Double]], accuracy: Float = 1e-6,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for (x, y) in zip(a, e) {
                XCTAssertEqual(x, Float(y), accuracy: accuracy, "step \(step + 1)", file: file, line: line)
            }
        }
    }

    func testSGDWithMomentum() {
        let trajectory = run { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }
        assertTrajectory(trajectory, [[0.95, -1.9], [0.895, -1.84]])
    }

    func testSGDNesterovWithWeightDecay() {
        let trajectory = run { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) }
        assertTrajectory(trajectory, [[0.9031, -1.8062], [0.84107411, -1.77714822]])
    }

    func testPlainSGD() {
        let trajectory = run { SGD(parameters: $0, learningRate: 0.1) }
        assertTrajectory(trajectory, [[0.95, -1.9], [0.94, -1.93]])
    }

    func testAdam() {
        let trajectory = run { Adam(parameters: $0, learningRate: 0.1) }
        assertTrajectory(trajectory, [[0.900000002, -1.900000001], [0.8196959063846517, -1.8572151424292265]])
    }

    func testRMSProp() {
        let trajectory = run { RMSProp(parameters: $0, learningRate: 0.01, alpha: 0.99) }
        assertTrajectory(trajectory, [[0.90000002, -1.90000001], [0.8802934383202046, -1.9288675206817028]])
    }

    func testCenteredRMSPropWithMinAtarSettings() {
        let trajectory = run { RMSProp(parameters: $0, learningRate: 0.01, alpha: 0.95, epsilon: 0.01, centered: true) }
        assertTrajectory(trajectory, [[0.9579734719369355, -1.9561297579795287], [0.9494602004405187, -1.9688574121274152]])
    }

    func testStateTensorsAreStableAndRestoreExactly() {
        let make = { (parameters: [Parameter]) in RMSProp(parameters: parameters, learningRate: 0.01, centered: true, momentum: 0.5) }
        let first = Parameter(name: "a", value: Tensor(shape: [3], scalars: [1, 2, 3]))
        let second = Parameter(name: "b", value: Tensor(shape: [2], scalars: [-1, 1]))
        let optimizer = make([first, second])
        XCTAssertEqual(optimizer.stateTensors.map(\.shape), [[3], [2], [3], [2], [3], [2]])
        first.gradient.assign([0.1, 0.2, 0.3])
        second.gradient.assign([1, -1])
        optimizer.step()

        // A copy restored from the first's state continues identically.
        let firstCopy = Parameter(name: "a", value: first.value.copy())
        let secondCopy = Parameter(name: "b", value: second.value.copy())
        let restored = make([firstCopy, secondCopy])
        for (target, source) in zip(restored.stateTensors, optimizer.stateTensors) { target.assign(source) }
        restored.stepCount = optimizer.stepCount
        firstCopy.gradient.assign(first.gradient)
        secondCopy.gradient.assign(second.gradient)
        optimizer.step()
        restored.step()
        XCTAssertEqual(firstCopy.value.scalars, first.value.scalars)
        XCTAssertEqual(secondCopy.value.scalars, second.value.scalars)
    }

    func testLearningRateCanFollowASchedule() {
        let parameter = Parameter(name: "x", value: Tensor(shape: [1], scalars: [0]))
        let optimizer = SGD(parameters: [parameter], learningRate: 1)
        let schedule = LinearSchedule(start: 1, end: 0.5, duration: 2)
        parameter.gradient.fill(1)
        for step in 0..<3 {
            optimizer.learningRate = Float(schedule.value(at: step))
            optimizer.step()
        }
        XCTAssertEqual(parameter.value[0], -(1 + 0.75 + 0.5), accuracy: 1e-6)
    }

    func testZeroGradients() {
        let parameter = Parameter(name: "x", value: Tensor(shape: [2]))
        parameter.gradient.fill(3)
        Adam(parameters: [parameter]).zeroGradients()
        XCTAssertEqual(parameter.gradient.scalars, [0, 0])
    }
}
