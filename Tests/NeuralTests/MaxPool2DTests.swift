import XCTest
@testable import Neural

final class MaxPool2DTests: XCTestCase {
    /// Distinct values at least 0.1 apart in a random order, so central differences
    /// never move a window's maximum.
    private func spacedInput(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SplitMix64(seed: seed)
        let tensor = Tensor(shape: shape)
        var values = (0..<tensor.count).map { Float($0) * 0.1 - Float(tensor.count) * 0.05 }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, generator.int(below: i + 1)) }
        tensor.assign(values)
        return tensor
    }

    func testForwardTakesWindowMaxima() {
        let pool = MaxPool2D(kernelSize: 2)
        let input = Tensor(shape: [1, 1, 4, 4], scalars: [
            1, 2, 5, 0,
            3, 4, 1, 1,
            0, 0, 9, 8,
            -1, 7, 6, 2,
        ])
        let output = pool.forward(input)
        XCTAssertEqual(output.shape, [1, 1, 2, 2])
        XCTAssertEqual(output.scalars, [4, 5, 7, 9])
        let gradient = pool.backward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        XCTAssertEqual(gradient.scalars, [0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 3, 0, 0])
    }

    func testOddSizesRoundDown() {
        XCTAssertEqual(MaxPool2D(kernelSize: 2).outputShape(for: [2, 3, 5, 7]), [2, 3, 2, 3])
        XCTAssertEqual(MaxPool2D(kernelSize: 3, stride: 2).outputShape(for: [1, 1, 7, 6]), [1, 1, 3, 2])
    }

    func testGradientsNonOverlapping() {
        assertLayerGradients(MaxPool2D(kernelSize: 2), input: spacedInput([2, 3, 6, 5], seed: 40))
    }

    func testGradientsOverlapping() {
        assertLayerGradients(MaxPool2D(kernelSize: 3, stride: 2), input: spacedInput([2, 2, 7, 7], seed: 41))
        assertLayerGradients(MaxPool2D(kernelSize: 2, stride: 1), input: spacedInput([1, 2, 4, 5], seed: 42))
    }
}
