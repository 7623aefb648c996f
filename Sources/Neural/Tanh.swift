/// The hyperbolic tangent, elementwise.
///
/// - Input: any shape. Output: the same shape.
/// - No parameters. Computed as `1 − 2 / (e^{2x} + 1)` through `expf`, several
///   times faster than glibc's `tanhf` and within a few ulps of it; saturates
///   cleanly to ±1.
public final class Tanh: Layer, CustomStringConvertible {
    public var name: String
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(name: String = "Tanh") { self.name = name }

    public var parameters: [Parameter] { [] }
    public var description: String { "Tanh" }
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        apply(input, into: output)
    }

    public func inference(_ input: Tensor) -> Tensor {
        apply(input, into: inferenceOutput)
    }

    private func apply(_ input: Tensor, into output: Tensor) -> Tensor {
        output.resize(like: input)
        let x = input.pointer, y = output.pointer
        for i in 0..<input.count { y[i] = hyperbolicTangent(x[i]) }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "Tanh.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        inputGradient.resize(like: output)
        let y = output.pointer, dy = outputGradient.pointer, dx = inputGradient.pointer
        for i in 0..<output.count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        return inputGradient
    }
}
