/// Flattens every dimension after the first: `[N, d₁, d₂, …]` → `[N, d₁·d₂·…]`
/// (row-major, so channels-first images flatten as PyTorch's `nn.Flatten`).
///
/// - No parameters. The output is a copy in the layer's own buffer.
public final class Flatten: Layer, CustomStringConvertible {
    public var name: String
    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates the layer.
    public init(name: String = "Flatten") { self.name = name }

    public var parameters: [Parameter] { [] }
    public var description: String { "Flatten" }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(!inputShape.isEmpty, "Flatten needs a batch dimension")
        return [inputShape[0], inputShape.dropFirst().reduce(1, *)]
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(!input.shape.isEmpty, "Flatten needs a batch dimension")
        Tensor.copyElements(of: input.shape, into: &inputShape)
        output.resize(input.batchSize, input.itemCount)
        output.pointer.update(from: input.pointer, count: input.count)
        return output
    }

    public func inference(_ input: Tensor) -> Tensor {
        precondition(!input.shape.isEmpty, "Flatten needs a batch dimension")
        inferenceOutput.resize(input.batchSize, input.itemCount)
        inferenceOutput.pointer.update(from: input.pointer, count: input.count)
        return inferenceOutput
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "Flatten.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        inputGradient.copyShape(inputShape)
        inputGradient.pointer.update(from: outputGradient.pointer, count: outputGradient.count)
        return inputGradient
    }
}
