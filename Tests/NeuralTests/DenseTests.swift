import XCTest
@testable import Neural

final class DenseTests: XCTestCase {
    func testForwardComputesAffineMap() {
        var generator = SplitMix64(seed: 1)
        let dense = Dense(inputSize: 2, outputSize: 3, generator: &generator)
        dense.weight.value.assign([1, 2, 3, 4, 5, 6])  // [in, out]
        dense.bias.value.assign([0.5, -1, 2])
        let output = dense.forward(Tensor(shape: [2, 2], scalars: [1, 1, 2, -1]))
        XCTAssertEqual(output.shape, [2, 3])
        XCTAssertEqual(output.scalars, [5.5, 6, 11, -1.5, -2, 2])
    }

    func testGradients() {
        var generator = SplitMix64(seed: 2)
        let dense = Dense(inputSize: 5, outputSize: 4, generator: &generator)
        assertLayerGradients(dense, input: randomTensor([3, 5], &generator))
    }

    func testLeadingDimensionsAreFlattenedIntoRows() {
        var generator = SplitMix64(seed: 3)
        let dense = Dense(inputSize: 3, outputSize: 2, generator: &generator)
        XCTAssertEqual(dense.outputShape(for: [4, 5, 3]), [4, 5, 2])
        assertLayerGradients(dense, input: randomTensor([2, 3, 3], &generator))
    }

    func testPyTorchDefaultInitialisationBounds() {
        var generator = SplitMix64(seed: 4)
        let dense = Dense(inputSize: 16, outputSize: 32, generator: &generator)
        let bound: Float = 0.25
        XCTAssertEqual(dense.weight.value.shape, [16, 32])
        XCTAssertTrue(dense.weight.value.scalars.allSatisfy { abs($0) <= bound })
        XCTAssertTrue(dense.bias.value.scalars.allSatisfy { abs($0) <= bound })
        // Spread over the whole interval, not collapsed near zero.
        XCTAssertGreaterThan(dense.weight.value.scalars.map(abs).max()!, 0.9 * bound)
        XCTAssertGreaterThan(dense.bias.value.scalars.map(abs).max()!, 0.5 * bound)
    }

    func testSameSeedGivesSameWeights() {
        var first = SplitMix64(seed: 5), second = SplitMix64(seed: 5)
        let a = Dense(inputSize: 7, outputSize: 3, generator: &first)
        let b = Dense(inputSize: 7, outputSize: 3, generator: &second)
        XCTAssertEqual(a.weight.value.scalars, b.weight.value.scalars)
        XCTAssertEqual(a.bias.value.scalars, b.bias.value.scalars)
    }

    func testSkippingTheInputGradientKeepsParameterGradients() {
        var generator = SplitMix64(seed: 6)
        let dense = Dense(inputSize: 4, outputSize: 3, generator: &generator)
        let input = randomTensor([5, 4], &generator)
        let outputGradient = randomTensor([5, 3], &generator)
        _ = dense.forward(input)
        dense.zeroGradients()
        _ = dense.backward(outputGradient)
        let expected = dense.parameters.map { $0.gradient.scalars }
        dense.computesInputGradient = false
        _ = dense.forward(input)
        dense.zeroGradients()
        _ = dense.backward(outputGradient)
        XCTAssertEqual(dense.parameters.map { $0.gradient.scalars }, expected)
    }
}
