import XCTest
@testable import Neural

final class FlattenTests: XCTestCase {
    func testFlattensAfterTheBatchDimensionAndRestoresTheShape() {
        let flatten = Flatten()
        let input = Tensor(shape: [2, 2, 1, 3], scalars: (0..<12).map(Float.init))
        let output = flatten.forward(input)
        XCTAssertEqual(output.shape, [2, 6])
        XCTAssertEqual(output.scalars, input.scalars)
        XCTAssertEqual(flatten.outputShape(for: [5, 3, 4, 4]), [5, 48])
        let gradient = flatten.backward(output)
        XCTAssertEqual(gradient.shape, [2, 2, 1, 3])
        XCTAssertEqual(gradient.scalars, input.scalars)
    }

    func testGradients() {
        var generator = SplitMix64(seed: 50)
        assertLayerGradients(Flatten(), input: randomTensor([3, 2, 2, 2], &generator))
    }
}
