/// The logistic function `1 / (1 + e^{−x})`, elementwise.
///
/// - Input: any shape. Output: the same shape.
/// - No parameters.
public final class Sigmoid: Layer, CustomStringConvertible {
    public var name: String
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(name: String = "Sigmoid") { self.name = name }

    public var parameters: [Parameter] { [] }
    public var description: String { "Sigmoid" }
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
        for i in 0..<input.count { y[i] = sigmoid(x[i]) }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "Sigmoid.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        inputGradient.resize(like: output)
        let y = output.pointer, dy = outputGradient.pointer, dx = inputGradient.pointer
        for i in 0..<output.count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        return inputGradient
    }
}
