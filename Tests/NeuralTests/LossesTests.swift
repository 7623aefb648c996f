import XCTest
@testable import Neural

final class LossesTests: XCTestCase {
    func testMSEValueAndGradient() {
        let loss = MSELoss()
        let prediction = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let target = Tensor(shape: [2, 2], scalars: [0, 2, 5, 4])
        XCTAssertEqual(loss.compute(prediction: prediction, target: target), 5.0 / 4, accuracy: 1e-6)
        XCTAssertEqual(loss.gradient.scalars, [0.5, 0, -1, 0])
    }

    func testHuberMatchesPyTorchSmoothL1() {
        let loss = HuberLoss()
        // Differences 0.5 (quadratic), -3 (linear), 1 (boundary: linear branch, same value).
        let prediction = Tensor(shape: [3], scalars: [0.5, -3, 1])
        let target = Tensor(shape: [3], scalars: [0, 0, 0])
        let expected = (0.125 + 2.5 + 0.5) / 3.0
        XCTAssertEqual(Double(loss.compute(prediction: prediction, target: target)), expected, accuracy: 1e-6)
        XCTAssertEqual(loss.gradient[0], 0.5 / 3, accuracy: 1e-7)
        XCTAssertEqual(loss.gradient[1], -1.0 / 3, accuracy: 1e-7)
        XCTAssertEqual(loss.gradient[2], 1.0 / 3, accuracy: 1e-7)
    }

    func testHuberWithOtherDelta() {
        let loss = HuberLoss(delta: 2)
        let value = loss.compute(prediction: Tensor(shape: [2], scalars: [1, 5]), target: Tensor(shape: [2], scalars: [0, 0]))
        XCTAssertEqual(value, (0.5 + 2 * (5 - 1)) / 2, accuracy: 1e-6)
        XCTAssertEqual(loss.gradient.scalars, [0.5, 1])
    }

    func testPerSampleWeightsScaleEachSample() {
        let loss = MSELoss()
        let prediction = Tensor(shape: [2, 2], scalars: [1, 1, 1, 1])
        let target = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])
        let weights = Tensor(shape: [2], scalars: [2, 0])
        XCTAssertEqual(loss.compute(prediction: prediction, target: target, weights: weights), 1, accuracy: 1e-6)
        XCTAssertEqual(loss.gradient.scalars, [1, 1, 0, 0])
    }

    func testCrossEntropyValue() {
        let loss = SoftmaxCrossEntropyLoss()
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 1000])
        let value = loss.compute(logits: logits, labels: [2, 0])
        let first = log(exp(1.0) + exp(2.0) + exp(3.0)) - 3
        XCTAssertEqual(Double(value), (first + 1000) / 2, accuracy: 1e-3)
        XCTAssertTrue(loss.gradient.scalars.allSatisfy(\.isFinite))
        XCTAssertEqual(loss.gradient[3], -0.5, accuracy: 1e-6)
        XCTAssertEqual(loss.gradient[5], 0.5, accuracy: 1e-6)
    }

    func testRegressionGradientsNumerically() {
        var generator = SplitMix64(seed: 20)
        let prediction = randomTensor([4, 3], &generator, low: -2, high: 2)
        let target = randomTensor([4, 3], &generator, low: -2, high: 2)
        let weights = randomTensor([4], &generator, low: 0, high: 2)
        for loss in [MSELoss(), HuberLoss(), HuberLoss(delta: 0.7)] as [RegressionLoss] {
            for sampleWeights in [nil, weights] {
                loss.compute(prediction: prediction, target: target, weights: sampleWeights)
                let analytic = loss.gradient.copy()
                assertGradientMatches("\(type(of: loss))", variable: prediction, analytic: analytic, step: 1e-3) {
                    Double(loss.compute(prediction: prediction, target: target, weights: sampleWeights))
                }
            }
        }
    }

    func testCrossEntropyGradientNumerically() {
        var generator = SplitMix64(seed: 21)
        let logits = randomTensor([5, 4], &generator, low: -3, high: 3)
        let labels = [0, 3, 1, 1, 2]
        let weights = randomTensor([5], &generator, low: 0, high: 2)
        let loss = SoftmaxCrossEntropyLoss()
        for sampleWeights in [nil, weights] {
            loss.compute(logits: logits, labels: labels, weights: sampleWeights)
            let analytic = loss.gradient.copy()
            assertGradientMatches("cross-entropy", variable: logits, analytic: analytic, step: 1e-3) {
                Double(loss.compute(logits: logits, labels: labels, weights: sampleWeights))
            }
        }
    }
}
