import XCTest
@testable import Neural

final class SigmoidTests: XCTestCase {
    func testForward() {
        let output = Sigmoid().forward(Tensor(shape: [4], scalars: [-200, 0, 2, 200]))
        XCTAssertEqual(output[0], 0)
        XCTAssertEqual(output[1], 0.5)
        XCTAssertEqual(output[2], Float(1 / (1 + exp(-2.0))), accuracy: 1e-7)
        XCTAssertEqual(output[3], 1)
    }

    func testGradients() {
        var generator = SplitMix64(seed: 12)
        assertLayerGradients(Sigmoid(), input: randomTensor([4, 5], &generator, low: -3, high: 3), step: 1e-3)
    }
}
