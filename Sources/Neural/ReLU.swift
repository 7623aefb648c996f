import NeuralKernels

/// The rectifier `max(0, x)`, elementwise.
///
/// - Input: any shape. Output: the same shape.
/// - No parameters. The gradient at 0 is taken as 0, as in PyTorch.
public final class ReLU: Layer, CustomStringConvertible {
    public var name: String
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(name: String = "ReLU") { self.name = name }

    public var parameters: [Parameter] { [] }
    public var description: String { "ReLU" }
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        apply(input, into: output)
    }

    public func inference(_ input: Tensor) -> Tensor {
        apply(input, into: inferenceOutput)
    }

    private func apply(_ input: Tensor, into output: Tensor) -> Tensor {
        output.resize(like: input)
        nk_relu_forward(input.pointer, output.pointer, input.count)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "ReLU.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        inputGradient.resize(like: output)
        nk_relu_backward(output.pointer, outputGradient.pointer, inputGradient.pointer, output.count)
        return inputGradient
    }
}
