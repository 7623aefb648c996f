#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loss comparing a prediction tensor with a target tensor of the same count.
///
/// **Reduction** (all losses here, as PyTorch's `reduction="mean"`): the mean of
/// the elementwise losses over *all* `N · D` elements of a `[N, D]` prediction
/// (`[N]` counts as `D = 1`). With per-sample `weights` (shape `[N]`, for example
/// importance-sampling weights of a prioritised replay buffer) every element of
/// sample `i` is multiplied by `weights[i]` and the sum is still divided by `N · D`
/// (not by the sum of the weights).
///
/// ``compute(prediction:target:weights:)`` returns the loss and leaves the gradient
/// of that loss with respect to the prediction in ``gradient``, a tensor owned by the
/// loss object and overwritten by its next call (no allocation after the first call
/// with a given batch size).
public protocol RegressionLoss: AnyObject {
    /// The gradient of the last loss with respect to its prediction (same shape).
    var gradient: Tensor { get }
    /// Computes the loss of `prediction` against `target`, optionally weighted per
    /// sample, and stores its gradient in ``gradient``.
    @discardableResult
    func compute(prediction: Tensor, target: Tensor, weights: Tensor?) -> Float
}

extension RegressionLoss {
    /// Computes the unweighted loss; see ``compute(prediction:target:weights:)``.
    @discardableResult
    public func compute(prediction: Tensor, target: Tensor) -> Float {
        compute(prediction: prediction, target: target, weights: nil)
    }
}

/// Scales elementwise losses and gradients by per-sample weights, then applies the
/// mean reduction; returns the loss.
private func reduce(
    elementLosses: Tensor, gradient: Tensor, batchSize: Int, weights: Tensor?
) -> Float {
    let count = gradient.count
    let losses = elementLosses.pointer, g = gradient.pointer
    if let weights {
        precondition(weights.count == batchSize, "loss weights have \(weights.count) scalars for a batch of \(batchSize)")
        let width = batchSize == 0 ? 0 : count / batchSize
        let w = weights.pointer
        for i in 0..<batchSize {
            let weight = w[i]
            for j in (i * width)..<((i + 1) * width) {
                losses[j] *= weight
                g[j] *= weight
            }
        }
    }
    if count == 0 { return 0 }
    let inverse = 1 / Float(count)
    for i in 0..<count { g[i] *= inverse }
    return vectorSum(losses, count: count) * inverse
}

/// Mean squared error: the mean of `(prediction − target)²` (PyTorch's `MSELoss`).
///
/// Gradient: `2 · weight · (prediction − target) / (N · D)`.
public final class MSELoss: RegressionLoss {
    public let gradient = Tensor(shape: [0])
    private let elementLosses = Tensor(shape: [0])

    /// Creates the loss.
    public init() {}

    @discardableResult
    public func compute(prediction: Tensor, target: Tensor, weights: Tensor?) -> Float {
        precondition(prediction.count == target.count, "MSELoss: prediction \(prediction.shape) and target \(target.shape) differ in size")
        gradient.resize(like: prediction)
        elementLosses.resize(like: prediction)
        let p = prediction.pointer, t = target.pointer, g = gradient.pointer, l = elementLosses.pointer
        for i in 0..<prediction.count {
            let difference = p[i] - t[i]
            l[i] = difference * difference
            g[i] = 2 * difference
        }
        return reduce(elementLosses: elementLosses, gradient: gradient, batchSize: prediction.batchSize, weights: weights)
    }
}

/// The Huber loss (PyTorch's `HuberLoss`; equal to `SmoothL1Loss` at the default
/// `delta = 1`, the loss DQN uses): with `d = prediction − target`, `½d²` where
/// `|d| < δ` and `δ · (|d| − ½δ)` elsewhere, mean-reduced.
///
/// Gradient: `weight · clamp(d, −δ, δ) / (N · D)`.
public final class HuberLoss: RegressionLoss {
    /// The threshold between the quadratic and the linear parts.
    public let delta: Float
    public let gradient = Tensor(shape: [0])
    private let elementLosses = Tensor(shape: [0])

    /// Creates the loss with threshold `delta > 0`.
    public init(delta: Float = 1) {
        precondition(delta > 0, "HuberLoss needs delta > 0, got \(delta)")
        self.delta = delta
    }

    @discardableResult
    public func compute(prediction: Tensor, target: Tensor, weights: Tensor?) -> Float {
        precondition(prediction.count == target.count, "HuberLoss: prediction \(prediction.shape) and target \(target.shape) differ in size")
        gradient.resize(like: prediction)
        elementLosses.resize(like: prediction)
        let p = prediction.pointer, t = target.pointer, g = gradient.pointer, l = elementLosses.pointer
        let delta = delta
        for i in 0..<prediction.count {
            let difference = p[i] - t[i]
            let magnitude = abs(difference)
            let quadratic = magnitude < delta
            l[i] = quadratic ? 0.5 * difference * difference : delta * (magnitude - 0.5 * delta)
            g[i] = min(max(difference, -delta), delta)
        }
        return reduce(elementLosses: elementLosses, gradient: gradient, batchSize: prediction.batchSize, weights: weights)
    }
}

/// Softmax cross-entropy from logits with integer class labels (PyTorch's
/// `CrossEntropyLoss` on logits): for logits `[N, C]` and labels in `0..<C`,
/// `loss = (1/N) Σᵢ wᵢ · (log Σⱼ e^{xᵢⱼ} − xᵢ,yᵢ)`, computed stably.
///
/// **Reduction**: mean over the `N` samples; per-sample weights multiply each
/// sample's term and the sum is still divided by `N`.
///
/// Gradient with respect to the logits: `wᵢ · (softmax(xᵢ) − onehot(yᵢ)) / N`.
public final class SoftmaxCrossEntropyLoss {
    /// The gradient of the last loss with respect to the logits (same shape).
    public let gradient = Tensor(shape: [0])

    /// Creates the loss.
    public init() {}

    /// Computes the loss of `logits` (`[N, C]`) against `labels` (`N` integers in
    /// `0..<C`), optionally weighted per sample (`[N]`), and stores its gradient in
    /// ``gradient``.
    @discardableResult
    public func compute(logits: Tensor, labels: [Int], weights: Tensor? = nil) -> Float {
        let classes = logits.shape.last ?? 1
        let rows = classes == 0 ? 0 : logits.count / classes
        precondition(labels.count == rows, "SoftmaxCrossEntropyLoss: \(labels.count) labels for \(rows) rows of logits \(logits.shape)")
        if let weights {
            precondition(weights.count == rows, "SoftmaxCrossEntropyLoss: \(weights.count) weights for \(rows) samples")
        }
        gradient.resize(like: logits)
        if rows == 0 { return 0 }
        let inverseRows = 1 / Float(rows)
        var total: Float = 0
        labels.withUnsafeBufferPointer { labels in
            for r in 0..<rows {
                let label = labels[r]
                precondition(label >= 0 && label < classes, "SoftmaxCrossEntropyLoss: label \(label) outside 0..<\(classes)")
                let x = logits.pointer + r * classes, g = gradient.pointer + r * classes
                let weight = weights?.pointer[r] ?? 1
                let (shift, logSum) = logSumExp(x, count: classes)
                total += weight * (logSum - (x[label] - shift))
                softmaxRow(x, g, count: classes)
                g[label] -= 1
                let scale = weight * inverseRows
                for j in 0..<classes { g[j] *= scale }
            }
        }
        return total * inverseRows
    }
}
