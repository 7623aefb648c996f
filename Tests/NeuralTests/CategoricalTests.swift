import XCTest
@testable import Neural

final class CategoricalTests: XCTestCase {
    func testProbabilitiesAndEntropyMatchTheDefinition() {
        let logits: [Float] = [0.5, -1, 2, 0]
        let distribution = logits.withUnsafeBufferPointer { Categorical(logits: $0.baseAddress!, count: 4) }
        let weights = logits.map { exp(Double($0)) }
        let total = weights.reduce(0, +)
        var entropy = 0.0
        for (index, weight) in weights.enumerated() {
            let p = weight / total
            XCTAssertEqual(distribution.probabilities[index], p, accuracy: 1e-7)
            XCTAssertEqual(distribution.logProbabilities[index], log(p), accuracy: 1e-6)
            entropy -= p * log(p)
        }
        XCTAssertEqual(distribution.entropy, entropy, accuracy: 1e-6)
        XCTAssertEqual(distribution.mode, 2)
    }

    func testHugeLogitsStayFinite() {
        let logits: [Float] = [1e30, -1e30, 1e30 - 1]
        let distribution = logits.withUnsafeBufferPointer { Categorical(logits: $0.baseAddress!, count: 3) }
        XCTAssertTrue(distribution.logProbabilities.allSatisfy(\.isFinite))
        XCTAssertEqual(distribution.probabilities.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertTrue(distribution.entropy.isFinite)
    }

    func testSamplingFollowsTheProbabilities() {
        let logits: [Float] = [0, log(3), log(6)]  // probabilities 0.1, 0.3, 0.6
        let distribution = logits.withUnsafeBufferPointer { Categorical(logits: $0.baseAddress!, count: 3) }
        var counts = [0, 0, 0]
        let draws = 10_000
        for draw in 0..<draws { counts[distribution.sample(uniform: (Double(draw) + 0.5) / Double(draws))] += 1 }
        XCTAssertEqual(counts, [1000, 3000, 6000])
        XCTAssertEqual(distribution.sample(uniform: 0), 0)
        XCTAssertEqual(distribution.sample(uniform: 0.999_999_999_999), 2)
    }

    /// The gradient of `w · log π(a) + v · H` against central differences, for a
    /// log-probability term alone, an entropy term alone and both.
    func testGradientMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 31)
        let count = 5
        let logits = randomTensor([count], &generator, low: -2, high: 2)
        for (weight, entropyWeight) in [(1.0, 0.0), (0.0, 1.0), (-0.7, 0.3)] {
            for action in [0, 3] {
                let analytic = Tensor(shape: [count])
                let distribution = Categorical(logits: logits.pointer, count: count)
                distribution.writeGradient(logProbabilityOf: action, logProbabilityWeight: weight, entropyWeight: entropyWeight,
                                           scale: 1, into: analytic.pointer)
                assertGradientMatches("w \(weight) v \(entropyWeight) a \(action)", variable: logits, analytic: analytic,
                                      step: 1e-2, tolerance: 1e-3) {
                    let current = Categorical(logits: logits.pointer, count: count)
                    return weight * current.logProbabilities[action] + entropyWeight * current.entropy
                }
            }
        }
    }

    func testScaleMultipliesTheGradient() {
        let logits: [Float] = [0.3, -0.2]
        let distribution = logits.withUnsafeBufferPointer { Categorical(logits: $0.baseAddress!, count: 2) }
        let once = Tensor(shape: [2]), half = Tensor(shape: [2])
        distribution.writeGradient(logProbabilityOf: 1, logProbabilityWeight: 1, entropyWeight: 0.5, scale: 1, into: once.pointer)
        distribution.writeGradient(logProbabilityOf: 1, logProbabilityWeight: 1, entropyWeight: 0.5, scale: 0.5, into: half.pointer)
        for index in 0..<2 { XCTAssertEqual(half[index], once[index] / 2, accuracy: 1e-7) }
    }

    func testSoftmaxAndLogSumExpAreStable() {
        let x: [Float] = [1000, 999, -1000]
        var y = [Float](repeating: 0, count: 3)
        x.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { softmaxRow(source.baseAddress!, $0.baseAddress!, count: 3) }
        }
        XCTAssertEqual(Double(y[0]), 1 / (1 + exp(-1.0)), accuracy: 1e-6)
        XCTAssertEqual(Double(y[1]), exp(-1.0) / (1 + exp(-1.0)), accuracy: 1e-6)
        XCTAssertEqual(y[2], 0)
        let (shift, logSum) = x.withUnsafeBufferPointer { logSumExp($0.baseAddress!, count: 3) }
        XCTAssertEqual(shift, 1000)
        XCTAssertEqual(Double(logSum), log(1 + exp(-1.0)), accuracy: 1e-6)
    }
}
