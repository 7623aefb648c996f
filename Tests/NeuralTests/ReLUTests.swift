import XCTest
@testable import Neural

final class ReLUTests: XCTestCase {
    func testForward() {
        let output = ReLU().forward(Tensor(shape: [1, 4], scalars: [-2, -0.5, 0, 3]))
        XCTAssertEqual(output.scalars, [0, 0, 0, 3])
    }

    func testGradients() {
        var generator = SplitMix64(seed: 10)
        // Keep inputs away from the kink at 0, where central differences are wrong.
        let input = randomTensor([3, 7], &generator)
        for i in 0..<input.count where abs(input[i]) < 0.05 { input[i] = input[i] < 0 ? -0.3 : 0.3 }
        assertLayerGradients(ReLU(), input: input)
    }
}
