import Foundation
import Neural

/// PPO's loss on one minibatch and its gradient with respect to the logits and
/// values, written by hand:
///
///     L = −mean(min(ρ·Â, clip(ρ, 1−ε, 1+ε)·Â)) + c_v · mean((R − V′)²) − c_e · mean(H)
///
/// with ρ the probability ratio of the taken action under the current and the
/// rollout's policy, Â the advantages (normalised in the minibatch when
/// `normalize_advantage` is on), V′ the value, clipped to `clip_range_vf` around
/// the rollout's value when set (SB3's rule), and H the policy's entropy.
///
/// The policy is a ``Categorical`` over logits for discrete actions; for `Box`
/// actions a ``DiagonalGaussian`` over the means and the shared log standard
/// deviations, its log-probability and entropy summed over components (as SB3
/// and CleanRL), of the unclipped sample the rollout stored.
struct PPOLoss {
    /// `c_v`.
    let valueCoefficient: Double
    /// `c_e`.
    let entropyCoefficient: Double
    /// Whether advantages are normalised within each minibatch.
    let normalizesAdvantage: Bool
    /// `clip_range_vf`, or nil for an unclipped value.
    let valueClipRange: Double?

    init(config: PPOConfig) {
        valueCoefficient = config.valueCoefficient
        entropyCoefficient = config.entropyCoefficient
        normalizesAdvantage = config.normalizeAdvantage
        valueClipRange = config.valueClipRange
    }

    /// The loss terms of the minibatch `rows` of `buffer` given the network's
    /// `logits` (`[rows.count, actions]`; with `logStd`, the Gaussian's means) and
    /// `values` (one per row), with clip range `clip`. When `logitGradient` and
    /// `valueGradient` are given, they are resized and filled with `∂L/∂logits`
    /// and `∂L/∂values`, and with `logStd`, `logStdGradient` with `∂L/∂log σ`.
    func evaluate(
        logits: Tensor, logStd: Tensor? = nil, values: Tensor, rows: [Int], buffer: RolloutBuffer, clip: Float,
        logitGradient: Tensor?, logStdGradient: Tensor? = nil, valueGradient: Tensor?
    ) -> PPOUpdateStatistics {
        let count = rows.count, actions = logits.shape.last ?? 1
        var advantageMean = 0.0, advantageStd = 1.0
        if normalizesAdvantage && count > 1 {
            var sum = 0.0
            for row in rows { sum += Double(buffer.advantages[row]) }
            advantageMean = sum / Double(count)
            var squares = 0.0
            for row in rows {
                let deviation = Double(buffer.advantages[row]) - advantageMean
                squares += deviation * deviation
            }
            // torch.std is the unbiased estimate; SB3 adds 1e-8.
            advantageStd = (squares / Double(count - 1)).squareRoot() + 1e-8
        }
        logitGradient?.resize(like: logits)
        valueGradient?.resize(like: values)
        let scale = 1 / Double(count)
        var policyLoss = 0.0, valueLoss = 0.0, entropySum = 0.0, approximateKL = 0.0, clipped = 0
        var policy = Categorical(count: actions)
        var gaussian = DiagonalGaussian(dimension: actions)
        // ∂L/∂log σ sums over rows; each row's share is written here first.
        var rowLogStdGradient = [Float](repeating: 0, count: logStd == nil ? 0 : actions)
        var logStdGradientSum = [Double](repeating: 0, count: rowLogStdGradient.count)
        for (index, row) in rows.enumerated() {
            let logProbability: Double, entropy: Double
            if let logStd {
                gaussian.set(mean: logits.pointer + index * actions, logStd: logStd.pointer)
                logProbability = buffer.continuousActions.withUnsafeBufferPointer {
                    gaussian.logProbability(of: $0.baseAddress! + row * actions)
                }
                entropy = gaussian.entropy
            } else {
                policy.setLogits(logits.pointer + index * actions)
                logProbability = policy.logProbabilities[buffer.actions[row]]
                entropy = policy.entropy
            }
            let logRatio = logProbability - Double(buffer.logProbabilities[row])
            let ratio = exp(logRatio)
            let advantage = (Double(buffer.advantages[row]) - advantageMean) / advantageStd
            let unclipped = ratio * advantage
            let clippedRatio = min(max(ratio, 1 - Double(clip)), 1 + Double(clip))
            let surrogate = min(unclipped, clippedRatio * advantage)
            policyLoss -= surrogate
            entropySum += entropy
            approximateKL += (ratio - 1) - logRatio
            if abs(ratio - 1) > Double(clip) { clipped += 1 }

            let value = Double(values[index]), oldValue = Double(buffer.values[row])
            var predicted = value, valueSlope = 1.0
            if let range = valueClipRange {
                let change = value - oldValue
                if change > range { predicted = oldValue + range; valueSlope = 0 }
                if change < -range { predicted = oldValue - range; valueSlope = 0 }
            }
            let error = predicted - Double(buffer.returns[row])
            valueLoss += error * error

            guard let logitGradient, let valueGradient else { continue }
            // d(−surrogate)/d log π(a): −ρ·Â where the unclipped term is the minimum, else 0
            // (the clipped term is flat in the parameters).
            let surrogateSlope = unclipped <= clippedRatio * advantage ? -ratio * advantage : 0
            if logStd != nil {
                buffer.continuousActions.withUnsafeBufferPointer {
                    gaussian.writeGradient(logProbabilityOf: $0.baseAddress! + row * actions, logProbabilityWeight: surrogateSlope,
                                           entropyWeight: -entropyCoefficient, scale: scale,
                                           meanGradient: logitGradient.pointer + index * actions,
                                           logStdGradient: &rowLogStdGradient)
                }
                for component in 0..<actions { logStdGradientSum[component] += Double(rowLogStdGradient[component]) }
            } else {
                policy.writeGradient(logProbabilityOf: buffer.actions[row], logProbabilityWeight: surrogateSlope,
                                     entropyWeight: -entropyCoefficient, scale: scale,
                                     into: logitGradient.pointer + index * actions)
            }
            valueGradient[index] = Float(valueCoefficient * 2 * error * valueSlope * scale)
        }
        if let logStdGradient, logitGradient != nil, !logStdGradientSum.isEmpty {
            logStdGradient.resize(to: [actions])
            for component in 0..<actions { logStdGradient[component] = Float(logStdGradientSum[component]) }
        }
        var statistics = PPOUpdateStatistics()
        statistics.policyLoss = policyLoss * scale
        statistics.valueLoss = valueLoss * scale
        statistics.entropy = entropySum * scale
        statistics.approximateKL = approximateKL * scale
        statistics.clipFraction = Double(clipped) * scale
        statistics.loss = Float(statistics.policyLoss + valueCoefficient * statistics.valueLoss - entropyCoefficient * statistics.entropy)
        return statistics
    }
}

/// Means over the minibatches of one update.
public struct PPOUpdateStatistics: Codable, Sendable, Equatable {
    /// The total loss.
    public var loss: Float = 0
    /// The clipped-surrogate loss.
    public var policyLoss = 0.0
    /// The value loss (before `vf_coef`).
    public var valueLoss = 0.0
    /// The policy's mean entropy.
    public var entropy = 0.0
    /// `mean((ρ − 1) − log ρ)`, an estimate of KL(old ‖ new).
    public var approximateKL = 0.0
    /// The fraction of samples whose ratio left the clip range.
    public var clipFraction = 0.0
    /// The global gradient norm before clipping.
    public var gradientNorm = 0.0
    /// The learning rate of the update.
    public var learningRate = 0.0
    /// The clip range of the update.
    public var clipRange = 0.0

    /// Zero.
    public init() {}

    mutating func add(_ other: PPOUpdateStatistics) {
        loss += other.loss
        policyLoss += other.policyLoss
        valueLoss += other.valueLoss
        entropy += other.entropy
        approximateKL += other.approximateKL
        clipFraction += other.clipFraction
    }

    mutating func divide(by count: Int) {
        let n = Double(max(count, 1))
        loss /= Float(n)
        policyLoss /= n
        valueLoss /= n
        entropy /= n
        approximateKL /= n
        clipFraction /= n
        gradientNorm /= n
    }
}
