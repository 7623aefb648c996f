/// What PPO's policy chooses, and so which distribution its policy head
/// parameterises.
///
/// - `discrete`: one of `count` actions, numbered from 0, from a ``Categorical``
///   over the head's `count` logits.
/// - `box`: a vector with one component per bound, from a ``DiagonalGaussian``
///   whose means are the head's outputs and whose log standard deviations are one
///   learned vector that does not depend on the observation (SB3's and CleanRL's
///   `log_std`). The sample is what the rollout stores and what log-probabilities
///   are taken of; the environment gets it clipped to `[low, high]` (SB3 does the
///   same), so the bounds never bias the likelihood.
public enum PPOActionSpace: Sendable, Equatable, CustomStringConvertible {
    /// `count ≥ 1` discrete actions.
    case discrete(count: Int)
    /// Vectors in the product of intervals `[low[i], high[i]]`.
    case box(low: [Float], high: [Float])

    /// The policy head's outputs: logits, or the Gaussian's means.
    public var policyOutputs: Int {
        switch self {
        case .discrete(let count): return count
        case .box(let low, _): return low.count
        }
    }

    /// Components of one action: 0 for a discrete action (stored as an `Int`).
    public var actionSize: Int {
        switch self {
        case .discrete: return 0
        case .box(let low, _): return low.count
        }
    }

    /// Whether actions are vectors in a box.
    public var isContinuous: Bool { actionSize > 0 }

    /// The `actionSize` components at `action`, clipped to the box.
    func clipped(_ action: UnsafePointer<Float>) -> [Float] {
        guard case .box(let low, let high) = self else { preconditionFailure("only a box clips actions") }
        return (0..<low.count).map { min(max(action[$0], low[$0]), high[$0]) }
    }

    public var description: String {
        switch self {
        case .discrete(let count): return "Discrete(\(count))"
        case .box(let low, let high): return "Box(low: \(low), high: \(high))"
        }
    }
}
