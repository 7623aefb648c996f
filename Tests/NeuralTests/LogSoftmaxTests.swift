import XCTest
@testable import Neural

final class LogSoftmaxTests: XCTestCase {
    func testStableForLargeLogits() {
        let output = LogSoftmax().forward(Tensor(shape: [1, 3], scalars: [1000, 1000, -1000]))
        XCTAssertEqual(output[0], -Float(log(2.0)), accuracy: 1e-6)
        XCTAssertEqual(output[1], -Float(log(2.0)), accuracy: 1e-6)
        XCTAssertEqual(output[2], -2000 - Float(log(2.0)), accuracy: 1e-3)
        XCTAssertTrue(output.scalars.allSatisfy(\.isFinite))
    }

    func testGradients() {
        var generator = SplitMix64(seed: 14)
        assertLayerGradients(LogSoftmax(), input: randomTensor([3, 9], &generator, low: -2, high: 2), step: 1e-3)
    }
}
