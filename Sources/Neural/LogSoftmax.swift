#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The log-softmax over the last dimension: `y_j = x_j − log Σ_k e^{x_k}`.
///
/// - Input: `[..., classes]`. Output: the same shape (log-probabilities).
/// - No parameters. Numerically stable (log-sum-exp with the row maximum
///   subtracted), so it never takes the log of an underflowed probability.
public final class LogSoftmax: Layer, CustomStringConvertible {
    public var name: String
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(name: String = "LogSoftmax") { self.name = name }

    public var parameters: [Parameter] { [] }
    public var description: String { "LogSoftmax" }
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
            let x = input.pointer + r * width, y = output.pointer + r * width
            let (shift, logSum) = logSumExp(x, count: width)
            for j in 0..<width { y[j] = (x[j] - shift) - logSum }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "LogSoftmax.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        inputGradient.resize(like: output)
        let width = output.shape.last ?? 1
        let rows = width == 0 ? 0 : output.count / width
        for r in 0..<rows {
            let y = output.pointer + r * width
            let dy = outputGradient.pointer + r * width
            let dx = inputGradient.pointer + r * width
            // dx = dy − softmax(x) · Σ dy
            let total = vectorSum(dy, count: width)
            for j in 0..<width { dx[j] = dy[j] - expf(y[j]) * total }
        }
        return inputGradient
    }
}
