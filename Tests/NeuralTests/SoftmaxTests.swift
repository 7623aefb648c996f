import XCTest
@testable import Neural

final class SoftmaxTests: XCTestCase {
    func testRowsAreStableProbabilities() {
        let output = Softmax().forward(Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, -1000]))
        XCTAssertEqual(output[0], Float(exp(1.0) / (exp(1.0) + exp(2.0) + exp(3.0))), accuracy: 1e-6)
        XCTAssertEqual(output[0] + output[1] + output[2], 1, accuracy: 1e-6)
        XCTAssertEqual(output[3], 0.5, accuracy: 1e-6)
        XCTAssertEqual(output[4], 0.5, accuracy: 1e-6)
        XCTAssertEqual(output[5], 0)
    }

    func testGradients() {
        var generator = SplitMix64(seed: 13)
        assertLayerGradients(Softmax(), input: randomTensor([3, 11], &generator, low: -2, high: 2), step: 1e-3)
    }
}
