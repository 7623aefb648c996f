/// A fully connected layer: `y = x · W + b`.
///
/// - Input: `[..., inputSize]` (usually `[N, inputSize]`; leading dimensions are
///   flattened into rows).
/// - Output: `[..., outputSize]`.
/// - Parameters, in order: `weight` of shape `[inputSize, outputSize]` (stored
///   input-major, the transpose of PyTorch's `nn.Linear.weight`, so the forward pass
///   is one plain `sgemm`), then `bias` of shape `[outputSize]`.
/// - Initialisation: PyTorch's default for `nn.Linear` (``WeightInitializer/pytorchDefault``:
///   weight and bias from `U(-1/√inputSize, 1/√inputSize)`), or another
///   ``WeightInitializer``.
public final class Dense: InputGradientOptional, CustomStringConvertible {
    public var name: String
    /// The number of input features.
    public let inputSize: Int
    /// The number of output features.
    public let outputSize: Int
    /// `[inputSize, outputSize]`.
    public let weight: Parameter
    /// `[outputSize]`.
    public let bias: Parameter
    public var computesInputGradient = true

    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates a layer with weights drawn from `generator`.
    public init(
        inputSize: Int, outputSize: Int,
        weightInitializer: WeightInitializer = .pytorchDefault,
        generator: inout some RandomNumberGenerator,
        name: String = "Dense"
    ) {
        precondition(inputSize > 0 && outputSize > 0, "Dense needs positive sizes, got \(inputSize) → \(outputSize)")
        self.name = name
        self.inputSize = inputSize
        self.outputSize = outputSize
        weight = Parameter(name: "weight", value: Tensor(shape: [inputSize, outputSize]))
        bias = Parameter(name: "bias", value: Tensor(shape: [outputSize]))
        weightInitializer.initialize(
            weight: weight.value, bias: bias.value, fanIn: inputSize, fanOut: outputSize,
            outputCount: outputSize, weightIsOutputMajor: false, using: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public var description: String { "Dense(\(inputSize) → \(outputSize))" }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.last == inputSize, "Dense(\(inputSize) → \(outputSize)) got input shape \(inputShape)")
        return inputShape.dropLast() + [outputSize]
    }

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return apply(input, into: output)
    }

    /// Bit for bit the output of ``forward(_:)``.
    public func inference(_ input: Tensor) -> Tensor {
        apply(input, into: inferenceOutput)
    }

    private func apply(_ input: Tensor, into output: Tensor) -> Tensor {
        precondition(input.shape.last == inputSize, "Dense(\(inputSize) → \(outputSize)) got input shape \(input.shape)")
        let rows = input.count / inputSize
        output.resize(shape: input.shape, replacingLast: outputSize)
        let y = output.pointer, b = bias.value.pointer
        for r in 0..<rows {
            (y + r * outputSize).update(from: b, count: outputSize)
        }
        BLAS.gemm(
            m: rows, n: outputSize, k: inputSize,
            a: input.pointer, b: weight.value.pointer, beta: 1, c: y)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Dense.backward called before forward") }
        precondition(outputGradient.count == output.count, "Dense.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        let rows = input.count / inputSize
        let dy = outputGradient.pointer
        // dW += xᵀ · dy
        BLAS.gemm(
            transposeA: true, m: inputSize, n: outputSize, k: rows,
            a: input.pointer, b: dy, beta: 1, c: weight.gradient.pointer)
        // db += column sums of dy
        let db = bias.gradient.pointer
        for r in 0..<rows {
            let row = dy + r * outputSize
            for j in 0..<outputSize { db[j] += row[j] }
        }
        inputGradient.resize(like: input)
        if computesInputGradient {
            // dx = dy · Wᵀ
            BLAS.gemm(
                transposeB: true, m: rows, n: inputSize, k: outputSize,
                a: dy, b: weight.value.pointer, c: inputGradient.pointer)
        }
        return inputGradient
    }
}
