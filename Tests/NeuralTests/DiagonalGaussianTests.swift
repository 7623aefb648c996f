import XCTest
@testable import Neural

final class DiagonalGaussianTests: XCTestCase {
    /// μ = [0.5, −1], σ = [1, 2], a = [1, 0]: both components sit half a standard
    /// deviation from their mean (z = 0.5), so by hand
    /// log p = −2·0.125 − log 2 − log 2π = −2.781024246969…, H = log 2 + 1 + log 2π = 3.531024246969…,
    /// ∂ log p/∂μ = z/σ = [0.5, 0.25], ∂ log p/∂log σ = z² − 1 = [−0.75, −0.75].
    func testLogProbabilityEntropyAndGradientMatchHandValues() {
        let mean: [Float] = [0.5, -1], logStd: [Float] = [0, Float(log(2.0))], action: [Float] = [1, 0]
        let distribution = DiagonalGaussian(mean: mean, logStd: logStd, dimension: 2)
        XCTAssertEqual(distribution.logProbability(of: action), -2.781024246969291, accuracy: 1e-6)
        XCTAssertEqual(distribution.entropy, 3.531024246969291, accuracy: 1e-6)
        XCTAssertEqual(distribution.std[1], 2, accuracy: 1e-6)
        var meanGradient: [Float] = [0, 0], logStdGradient: [Float] = [0, 0]
        distribution.writeGradient(logProbabilityOf: action, logProbabilityWeight: 1, entropyWeight: 0, scale: 1,
                                   meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        XCTAssertEqual(meanGradient[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(meanGradient[1], 0.25, accuracy: 1e-6)
        XCTAssertEqual(logStdGradient[0], -0.75, accuracy: 1e-6)
        XCTAssertEqual(logStdGradient[1], -0.75, accuracy: 1e-6)
        // The entropy's gradient is 1 for every log σ and 0 for every mean.
        distribution.writeGradient(logProbabilityOf: action, logProbabilityWeight: 0, entropyWeight: 1, scale: 1,
                                   meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        XCTAssertEqual(meanGradient, [0, 0])
        XCTAssertEqual(logStdGradient, [1, 1])
    }

    /// One component is the textbook normal density: log p(μ) = −log σ − ½ log 2π,
    /// and H = ½ log(2πe σ²).
    func testOneComponentMatchesTheNormalDensity() {
        let sigma = 0.3
        let mean: [Float] = [2], logStd: [Float] = [Float(log(sigma))]
        let distribution = DiagonalGaussian(mean: mean, logStd: logStd, dimension: 1)
        XCTAssertEqual(distribution.logProbability(of: [2]), log(1 / (sigma * (2 * Double.pi).squareRoot())), accuracy: 1e-6)
        XCTAssertEqual(distribution.entropy, 0.5 * log(2 * Double.pi * exp(1) * sigma * sigma), accuracy: 1e-6)
        let x = 2.45, density = exp(-(x - 2) * (x - 2) / (2 * sigma * sigma)) / (sigma * (2 * Double.pi).squareRoot())
        XCTAssertEqual(distribution.logProbability(of: [Float(x)]), log(density), accuracy: 1e-6)
    }

    func testSamplesAreMeanPlusStdTimesTheDraws() {
        let mean: [Float] = [1, -2, 0], logStd: [Float] = [0, Float(log(0.5)), Float(log(3.0))]
        let distribution = DiagonalGaussian(mean: mean, logStd: logStd, dimension: 3)
        let draws: [Double] = [0.5, -2, 1]
        var action: [Float] = [0, 0, 0]
        distribution.sample(standardNormals: draws, into: &action)
        XCTAssertEqual(action[0], 1.5, accuracy: 1e-6)
        XCTAssertEqual(action[1], -3, accuracy: 1e-6)
        XCTAssertEqual(action[2], 3, accuracy: 1e-6)
    }

    /// The default value is the standard normal: `set` replaces everything.
    func testSetOverwritesTheDistribution() {
        var distribution = DiagonalGaussian(dimension: 2)
        XCTAssertEqual(distribution.entropy, 2 * (0.5 + DiagonalGaussian.halfLogTwoPi), accuracy: 1e-12)
        let mean: [Float] = [3, 4], logStd: [Float] = [1, -1]
        distribution.set(mean: mean, logStd: logStd)
        XCTAssertEqual(distribution.mean, [3, 4])
        XCTAssertEqual(distribution.entropy, 2 * (0.5 + DiagonalGaussian.halfLogTwoPi), accuracy: 1e-12)
        XCTAssertEqual(distribution.std[0], exp(1), accuracy: 1e-6)
    }

    /// The gradient of `w · log p(a) + v · H` against central differences, with
    /// respect to the means and the log standard deviations, for a log-probability
    /// term alone, an entropy term alone and both.
    func testGradientMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 47)
        let dimension = 4
        let mean = randomTensor([dimension], &generator, low: -1, high: 1)
        let logStd = randomTensor([dimension], &generator, low: -1, high: 0.5)
        let action = randomTensor([dimension], &generator, low: -2, high: 2)
        for (weight, entropyWeight) in [(1.0, 0.0), (0.0, 1.0), (-0.7, 0.3)] {
            let meanGradient = Tensor(shape: [dimension]), logStdGradient = Tensor(shape: [dimension])
            DiagonalGaussian(mean: mean.pointer, logStd: logStd.pointer, dimension: dimension)
                .writeGradient(logProbabilityOf: action.pointer, logProbabilityWeight: weight, entropyWeight: entropyWeight,
                               scale: 1, meanGradient: meanGradient.pointer, logStdGradient: logStdGradient.pointer)
            func objective() -> Double {
                let current = DiagonalGaussian(mean: mean.pointer, logStd: logStd.pointer, dimension: dimension)
                return weight * current.logProbability(of: action.pointer) + entropyWeight * current.entropy
            }
            assertGradientMatches("μ, w \(weight) v \(entropyWeight)", variable: mean, analytic: meanGradient,
                                  step: 1e-2, tolerance: 1e-3, loss: objective)
            assertGradientMatches("log σ, w \(weight) v \(entropyWeight)", variable: logStd, analytic: logStdGradient,
                                  step: 1e-2, tolerance: 1e-3, loss: objective)
        }
    }

    func testScaleMultipliesTheGradient() {
        let mean: [Float] = [0.3, -0.2], logStd: [Float] = [-0.5, 0.2], action: [Float] = [1, 1]
        let distribution = DiagonalGaussian(mean: mean, logStd: logStd, dimension: 2)
        var onceMean: [Float] = [0, 0], onceLogStd: [Float] = [0, 0], halfMean: [Float] = [0, 0], halfLogStd: [Float] = [0, 0]
        distribution.writeGradient(logProbabilityOf: action, logProbabilityWeight: 1, entropyWeight: 0.5, scale: 1,
                                   meanGradient: &onceMean, logStdGradient: &onceLogStd)
        distribution.writeGradient(logProbabilityOf: action, logProbabilityWeight: 1, entropyWeight: 0.5, scale: 0.5,
                                   meanGradient: &halfMean, logStdGradient: &halfLogStd)
        for index in 0..<2 {
            XCTAssertEqual(halfMean[index], onceMean[index] / 2, accuracy: 1e-7)
            XCTAssertEqual(halfLogStd[index], onceLogStd[index] / 2, accuracy: 1e-7)
        }
    }
}
