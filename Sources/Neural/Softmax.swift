#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The softmax over the last dimension: `y_j = e^{x_j} / Σ_k e^{x_k}`.
///
/// - Input: `[..., classes]`. Output: the same shape, each last-dimension row a
///   probability vector.
/// - No parameters. Numerically stable: the row maximum is subtracted first.
/// - For training a classifier prefer ``SoftmaxCrossEntropyLoss`` on logits, which
///   fuses both steps and is better conditioned.
public final class Softmax: Layer, CustomStringConvertible {
    public var name: String
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(name: String = "Softmax") { self.name = name }

    public var parameters: [Parameter] { [] }
    public var description: String { "Softmax" }
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        apply(input, into: output)
    }

    public func inference(_ input: Tensor) -> Tensor {
        apply(input, into: inferenceOutput)
    }

    private func apply(_ input: Tensor, into output: Tensor) -> Tensor {
        output.resize(like: input)
        let width = input.shape.last ?? 1
        let rows = width == 0 ? 0 : input.count / width
        for r in 0..<rows {
            softmaxRow(input.pointer + r * width, output.pointer + r * width, count: width)
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "Softmax.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        inputGradient.resize(like: output)
        let width = output.shape.last ?? 1
        let rows = width == 0 ? 0 : output.count / width
        for r in 0..<rows {
            let y = output.pointer + r * width
            let dy = outputGradient.pointer + r * width
            let dx = inputGradient.pointer + r * width
            // dx = y ⊙ (dy − ⟨dy, y⟩)
            let projection = vectorDot(dy, y, count: width)
            for j in 0..<width { dx[j] = y[j] * (dy[j] - projection) }
        }
        return inputGradient
    }
}

/// Writes the softmax of `count ≥ 1` scalars at `x` to `y` (stable: shifts by the
/// maximum, so no exponential overflows). `x` and `y` may be the same memory.
@inlinable
public func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    let shift = vectorMax(x, count: count)
    for j in 0..<count { y[j] = expf(x[j] - shift) }
    let inverse = 1 / vectorSum(y, count: count)
    for j in 0..<count { y[j] *= inverse }
}

/// The log of the sum of exponentials of `count` scalars, computed stably, as the
/// maximum `shift` and `log Σ e^{x − shift}` separately: `x_j − shift − logSum`
/// keeps full precision where `x_j − (shift + logSum)` would round. `count ≥ 1`.
@inlinable
public func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> (shift: Float, logSum: Float) {
    let shift = vectorMax(x, count: count)
    var accumulator = SIMD8<Float>()
    var j = 0
    while j + 8 <= count {
        var lanes = SIMD8<Float>()
        for lane in 0..<8 { lanes[lane] = expf(x[j + lane] - shift) }
        accumulator += lanes
        j += 8
    }
    var total = accumulator.sum()
    while j < count {
        total += expf(x[j] - shift)
        j += 1
    }
    return (shift, logf(total))
}
