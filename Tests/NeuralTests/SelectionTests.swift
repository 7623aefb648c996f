import XCTest
@testable import Neural

final class SelectionTests: XCTestCase {
    func testGatherPicksOneEntryPerRow() {
        let q = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let picked = Tensor(shape: [0])
        q.gather(columns: [1, 0, 1], into: picked)
        XCTAssertEqual(picked.shape, [3])
        XCTAssertEqual(picked.scalars, [2, 3, 6])
        q.gather(columns: [0, 1], rows: [2, 0], into: picked)
        XCTAssertEqual(picked.scalars, [5, 2])
    }

    func testScatterIsZeroElsewhereAndSumsRepeats() {
        let gradient = Tensor(shape: [0])
        gradient.scatter(Tensor(shape: [3], scalars: [0.5, -1, 2]), columns: [1, 1, 1], rows: [0, 2, 0], rowCount: 3, width: 2)
        XCTAssertEqual(gradient.shape, [3, 2])
        XCTAssertEqual(gradient.scalars, [0, 2.5, 0, 0, 0, -1])
    }

    /// Gather's gradient, routed by scatter through a Dense layer, against central
    /// differences of `Σ wᵢ · Q(sᵢ, aᵢ)`.
    func testScatterIsTheGradientOfGather() {
        var generator = SplitMix64(seed: 41)
        let dense = Dense(inputSize: 3, outputSize: 4, generator: &generator)
        let input = randomTensor([5, 3], &generator)
        let actions = [3, 0, 2, 2, 1]
        let weights = randomTensor([5], &generator)
        let picked = Tensor(shape: [0]), outputGradient = Tensor(shape: [0])
        func loss() -> Double {
            dense.forward(input).gather(columns: actions, into: picked)
            return (0..<5).reduce(0.0) { $0 + Double(picked[$1]) * Double(weights[$1]) }
        }
        _ = loss()
        outputGradient.scatter(weights, columns: actions, rowCount: 5, width: 4)
        dense.zeroGradients()
        let inputGradient = dense.backward(outputGradient).copy()
        assertGradientMatches("input", variable: input, analytic: inputGradient, loss: loss)
        assertGradientMatches("weight", variable: dense.weight.value, analytic: dense.weight.gradient.copy(), loss: loss)
    }
}
