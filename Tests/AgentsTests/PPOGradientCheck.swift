import XCTest
@testable import Agents

/// Compares `agent`'s backpropagated gradients with central finite differences of its
/// loss on `minibatch`, at about six entries of every parameter.
func assertGradientsMatchFiniteDifferences(_ agent: PPOAgent, minibatch: PPOMinibatch, clip: Float, case label: String,
                                           file: StaticString = #filePath, line: UInt = #line) {
    _ = agent.computeGradients(minibatch: minibatch, clip: clip)
    let analytic = agent.parameters.map { $0.gradient.copy() }
    for (parameterIndex, parameter) in agent.parameters.enumerated() {
        let count = parameter.value.count
        for index in stride(from: 0, to: count, by: max(1, count / 6)) {
            let original = parameter.value[index]
            let step: Float = 1e-2
            parameter.value[index] = original + step
            let plus = agent.loss(minibatch: minibatch, clip: clip)
            parameter.value[index] = original - step
            let minus = agent.loss(minibatch: minibatch, clip: clip)
            parameter.value[index] = original
            let numeric = (plus - minus) / Double(2 * step)
            XCTAssertEqual(Double(analytic[parameterIndex][index]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric),
                           "\(agent.parameterNames[parameterIndex])[\(index)] \(label)", file: file, line: line)
        }
    }
}
