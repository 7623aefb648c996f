import XCTest
@testable import Neural

final class TanhTests: XCTestCase {
    func testMatchesTanhIncludingSaturation() {
        let inputs: [Float] = [-100, -20, -3, -0.5, -1e-4, 0, 1e-4, 0.5, 3, 20, 100]
        let output = Tanh().forward(Tensor(shape: [inputs.count], scalars: inputs))
        for (x, y) in zip(inputs, output.scalars) {
            XCTAssertEqual(y, Float(tanh(Double(x))), accuracy: 2e-7, "tanh(\(x))")
        }
    }

    func testGradients() {
        var generator = SplitMix64(seed: 11)
        assertLayerGradients(Tanh(), input: randomTensor([4, 5], &generator, low: -2, high: 2), step: 1e-3)
    }
}
