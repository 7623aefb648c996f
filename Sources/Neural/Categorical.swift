#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A categorical distribution over `count` classes given by logits (unnormalised
/// log-probabilities), as policy-gradient methods use for discrete actions: its
/// log-probabilities, probabilities and entropy, sampling, and the gradient of a
/// weighted log-probability plus a weighted entropy with respect to the logits.
///
/// Computed in `Double` from `Float` logits, stably (the largest logit is
/// subtracted before exponentiating, so no logit overflows and no probability's
/// log is taken after it underflowed). Reuse one value for many rows: ``setLogits(_:)``
/// overwrites it without allocating.
public struct Categorical: Sendable {
    /// The number of classes.
    public let count: Int
    /// `log π(k)` for each class `k`.
    public private(set) var logProbabilities: [Double]
    /// `π(k)` for each class `k`.
    public private(set) var probabilities: [Double]
    /// `H = −Σ π(k) log π(k)`.
    public private(set) var entropy = 0.0
    /// `e^{z_k − max z}`, the unnormalised probabilities sampling walks through.
    private var weights: [Double]
    private var total = 1.0

    /// A uniform distribution over `count ≥ 1` classes, until ``setLogits(_:)``.
    public init(count: Int) {
        precondition(count > 0, "a categorical distribution needs at least one class")
        self.count = count
        logProbabilities = [Double](repeating: -log(Double(count)), count: count)
        probabilities = [Double](repeating: 1 / Double(count), count: count)
        weights = [Double](repeating: 1, count: count)
        total = Double(count)
        entropy = log(Double(count))
    }

    /// The distribution of the ``count`` logits at `logits`.
    public init(logits: UnsafePointer<Float>, count: Int) {
        self.init(count: count)
        setLogits(logits)
    }

    /// Becomes the distribution of the ``count`` logits at `logits`.
    public mutating func setLogits(_ logits: UnsafePointer<Float>) {
        var largest = logits[0]
        for index in 1..<count { largest = max(largest, logits[index]) }
        total = 0
        for index in 0..<count {
            weights[index] = exp(Double(logits[index] - largest))
            total += weights[index]
        }
        let logTotal = log(total)
        entropy = 0
        for index in 0..<count {
            // x − max − log Σ keeps the precision that x − (max + log Σ) would round away.
            logProbabilities[index] = Double(logits[index] - largest) - logTotal
            probabilities[index] = exp(logProbabilities[index])
            entropy -= probabilities[index] * logProbabilities[index]
        }
    }

    /// The class that a uniform draw `uniform` in `[0, 1)` selects (inverse-CDF
    /// sampling). The caller draws, so any seeded generator can drive it.
    public func sample(uniform: Double) -> Int {
        var draw = uniform * total
        for index in 0..<count {
            draw -= weights[index]
            if draw < 0 { return index }
        }
        // Rounding can leave a sliver of the draw beyond the last weight.
        return count - 1
    }

    /// The class with the largest probability (the first on ties).
    public var mode: Int {
        var best = 0
        for index in 1..<count where logProbabilities[index] > logProbabilities[best] { best = index }
        return best
    }

    /// Writes `scale · ∂(w · log π(action) + v · H)/∂z` for every logit `z` to
    /// `gradient` (``count`` scalars), with `w` = `logProbabilityWeight` and `v` =
    /// `entropyWeight`; using
    /// `∂ log π(a)/∂z_k = [k = a] − π(k)` and `∂H/∂z_k = −π(k) (log π(k) + H)`.
    public func writeGradient(
        logProbabilityOf action: Int, logProbabilityWeight: Double, entropyWeight: Double, scale: Double,
        into gradient: UnsafeMutablePointer<Float>
    ) {
        for index in 0..<count {
            let p = probabilities[index]
            let indicator = index == action ? 1.0 : 0.0
            let value = logProbabilityWeight * (indicator - p) - entropyWeight * p * (logProbabilities[index] + entropy)
            gradient[index] = Float(value * scale)
        }
    }
}
