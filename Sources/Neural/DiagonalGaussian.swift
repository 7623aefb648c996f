#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Gaussian distribution over `dimension`-vectors with independent components
/// (a diagonal covariance), given by a mean `μ` and a log standard deviation
/// `log σ` per component, as policy-gradient methods use for continuous actions
/// (SB3's `DiagGaussianDistribution`, CleanRL's `ppo_continuous_action`): the
/// log-probability of an action (summed over components), the entropy, sampling,
/// and the gradient of a weighted log-probability plus a weighted entropy with
/// respect to `μ` and `log σ`.
///
///     log p(a) = Σ_i −(a_i − μ_i)² / (2σ_i²) − log σ_i − ½ log 2π
///     H        = Σ_i log σ_i + ½ (1 + log 2π)
///
/// Computed in `Double` from `Float` inputs. Reuse one value for many rows:
/// ``set(mean:logStd:)`` overwrites it without allocating.
public struct DiagonalGaussian: Sendable {
    /// The number of components.
    public let dimension: Int
    /// `μ_i`.
    public private(set) var mean: [Double]
    /// `log σ_i`.
    public private(set) var logStd: [Double]
    /// `σ_i = e^{log σ_i}`.
    public private(set) var std: [Double]
    /// `H`, which depends on `log σ` only.
    public private(set) var entropy: Double

    /// `½ log 2π`.
    public static let halfLogTwoPi = 0.5 * log(2 * Double.pi)

    /// The standard normal distribution in `dimension ≥ 1` components, until ``set(mean:logStd:)``.
    public init(dimension: Int) {
        precondition(dimension > 0, "a Gaussian distribution needs at least one component")
        self.dimension = dimension
        mean = [Double](repeating: 0, count: dimension)
        logStd = mean
        std = [Double](repeating: 1, count: dimension)
        entropy = Double(dimension) * (0.5 + Self.halfLogTwoPi)
    }

    /// The distribution with the ``dimension`` means at `mean` and log standard deviations at `logStd`.
    public init(mean: UnsafePointer<Float>, logStd: UnsafePointer<Float>, dimension: Int) {
        self.init(dimension: dimension)
        set(mean: mean, logStd: logStd)
    }

    /// Becomes the distribution with the ``dimension`` means at `mean` and log standard deviations at `logStd`.
    public mutating func set(mean newMean: UnsafePointer<Float>, logStd newLogStd: UnsafePointer<Float>) {
        entropy = 0
        for index in 0..<dimension {
            mean[index] = Double(newMean[index])
            logStd[index] = Double(newLogStd[index])
            std[index] = exp(logStd[index])
            entropy += logStd[index] + 0.5 + Self.halfLogTwoPi
        }
    }

    /// `log p(a)` of the ``dimension`` components at `action`, summed over components.
    public func logProbability(of action: UnsafePointer<Float>) -> Double {
        var total = 0.0
        for index in 0..<dimension {
            // (a − μ)/σ rather than (a − μ)²/σ² keeps a tiny σ from overflowing the square first.
            let z = (Double(action[index]) - mean[index]) / std[index]
            total -= 0.5 * z * z + logStd[index] + Self.halfLogTwoPi
        }
        return total
    }

    /// Writes the sample `μ_i + σ_i · ε_i` for the standard normal draws `ε` at
    /// `standardNormals` to `action` (both ``dimension`` long). The caller draws,
    /// so any seeded generator can drive it.
    public func sample(standardNormals: UnsafePointer<Double>, into action: UnsafeMutablePointer<Float>) {
        for index in 0..<dimension {
            action[index] = Float(mean[index] + std[index] * standardNormals[index])
        }
    }

    /// Writes `scale · ∂(w · log p(a) + v · H)/∂μ` to `meanGradient` and
    /// `scale · ∂(w · log p(a) + v · H)/∂log σ` to `logStdGradient` (``dimension``
    /// scalars each), with `w` = `logProbabilityWeight` and `v` = `entropyWeight`; using
    /// `∂ log p(a)/∂μ_i = (a_i − μ_i)/σ_i²`, `∂ log p(a)/∂log σ_i = (a_i − μ_i)²/σ_i² − 1`,
    /// `∂H/∂μ_i = 0` and `∂H/∂log σ_i = 1`.
    public func writeGradient(
        logProbabilityOf action: UnsafePointer<Float>, logProbabilityWeight: Double, entropyWeight: Double, scale: Double,
        meanGradient: UnsafeMutablePointer<Float>, logStdGradient: UnsafeMutablePointer<Float>
    ) {
        for index in 0..<dimension {
            let z = (Double(action[index]) - mean[index]) / std[index]
            meanGradient[index] = Float(logProbabilityWeight * z / std[index] * scale)
            logStdGradient[index] = Float((logProbabilityWeight * (z * z - 1) + entropyWeight) * scale)
        }
    }
}
