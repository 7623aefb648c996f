import XCTest
@testable import Neural

/// SplitMix64, so tests depend on nothing outside `Neural`.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[low, high)`.
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) * 0x1p-24
    }

    mutating func int(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// A tensor of `shape` with scalars from `U(low, high)`.
func randomTensor(_ shape: [Int], _ generator: inout SplitMix64, low: Float = -1, high: Float = 1) -> Tensor {
    let tensor = Tensor(shape: shape)
    for i in 0..<tensor.count { tensor[i] = generator.uniform(low, high) }
    return tensor
}

/// Compares `analytic` with central differences of `loss` with respect to each
/// scalar of `variable` (all of them, or an evenly spread sample of `maxChecks`).
///
/// The perturbed difference is taken as actually stored in `Float`, and the loss is
/// accumulated in `Double` by the caller, so rounding stays well below `tolerance`
/// (relative to `max(1, |numeric|)`).
func assertGradientMatches(
    _ label: String, variable: Tensor, analytic: Tensor, step: Float = 1e-2, tolerance: Double = 1e-2,
    maxChecks: Int = 400, loss: () -> Double, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(variable.count, analytic.count, "\(label): gradient size", file: file, line: line)
    let count = variable.count
    let stride = max(1, count / maxChecks)
    var worst = 0.0
    var index = 0
    while index < count {
        let saved = variable[index]
        variable[index] = saved + step
        let plus = variable[index]
        let lossPlus = loss()
        variable[index] = saved - step
        let minus = variable[index]
        let lossMinus = loss()
        variable[index] = saved
        let numeric = (lossPlus - lossMinus) / (Double(plus) - Double(minus))
        let error = abs(numeric - Double(analytic[index])) / max(1, abs(numeric))
        worst = max(worst, error)
        if error > tolerance {
            XCTFail("\(label)[\(index)]: analytic \(analytic[index]), numeric \(numeric)", file: file, line: line)
            return
        }
        index += stride
    }
    XCTAssertLessThanOrEqual(worst, tolerance, file: file, line: line)
}

/// Checks a layer's input gradient and every parameter gradient against central
/// differences of the scalar loss `Σ output ⊙ R` for a fixed random `R`.
func assertLayerGradients(
    _ layer: Layer, input: Tensor, seed: UInt64 = 99, step: Float = 1e-2, tolerance: Double = 1e-2,
    checkInput: Bool = true, file: StaticString = #filePath, line: UInt = #line
) {
    var generator = SplitMix64(seed: seed)
    let output = layer.forward(input)
    XCTAssertEqual(output.shape, layer.outputShape(for: input.shape), "outputShape(for:) disagrees with forward", file: file, line: line)
    let projection = randomTensor(output.shape, &generator)
    layer.zeroGradients()
    let inputGradient = layer.backward(projection).copy()
    XCTAssertEqual(inputGradient.shape, input.shape, "input gradient shape", file: file, line: line)
    let parameterGradients = layer.parameters.map { $0.gradient.copy() }
    func loss() -> Double {
        let y = layer.forward(input)
        var total = 0.0
        for i in 0..<y.count { total += Double(y[i]) * Double(projection[i]) }
        return total
    }
    if checkInput {
        assertGradientMatches(
            "\(layer.name) input", variable: input, analytic: inputGradient, step: step, tolerance: tolerance,
            loss: loss, file: file, line: line)
    }
    for (parameter, gradient) in zip(layer.parameters, parameterGradients) {
        assertGradientMatches(
            "\(layer.name) \(parameter.name)", variable: parameter.value, analytic: gradient, step: step,
            tolerance: tolerance, loss: loss, file: file, line: line)
    }
}
