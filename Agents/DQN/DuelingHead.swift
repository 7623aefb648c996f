import Neural

/// The dueling head of Wang et al. (2016): `Q(s, a) = V(s) + A(s, a) − mean_a A(s, a)`.
///
/// - Input: `[N, inputSize]` features. Output: `[N, actionCount]` Q-values.
/// - Parameters, in order: the value stream `Dense(inputSize → 1)` then the
///   advantage stream `Dense(inputSize → actionCount)`, each with PyTorch's
///   default initialisation.
public final class DuelingHead: Layer {
    public var name: String
    /// The state-value stream.
    public let value: Dense
    /// The advantage stream.
    public let advantage: Dense
    /// The number of actions.
    public let actionCount: Int

    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let valueGradient = Tensor(shape: [0])
    private let advantageGradient = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    /// Creates both streams with weights drawn from `generator`.
    public init(inputSize: Int, actionCount: Int, generator: inout some RandomNumberGenerator, name: String = "DuelingHead") {
        self.name = name
        self.actionCount = actionCount
        value = Dense(inputSize: inputSize, outputSize: 1, generator: &generator, name: "value")
        advantage = Dense(inputSize: inputSize, outputSize: actionCount, generator: &generator, name: "advantage")
        // Each stream's parameters carry its name, so the two weights (and biases)
        // stay distinct in a checkpoint once a Sequential prefixes them with the index.
        for parameter in value.parameters { parameter.name = "value." + parameter.name }
        for parameter in advantage.parameters { parameter.name = "advantage." + parameter.name }
    }

    public var parameters: [Parameter] { value.parameters + advantage.parameters }

    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape[0], actionCount] }

    public func forward(_ input: Tensor) -> Tensor {
        combine(values: value.forward(input), advantages: advantage.forward(input), rows: input.shape[0], into: output)
    }

    /// Bit for bit the output of ``forward(_:)``, leaving the backward pass's state intact.
    public func inference(_ input: Tensor) -> Tensor {
        combine(values: value.inference(input), advantages: advantage.inference(input), rows: input.shape[0],
                into: inferenceOutput)
    }

    /// `Q = V + A − mean(A)`, row by row.
    private func combine(values: Tensor, advantages: Tensor, rows: Int, into output: Tensor) -> Tensor {
        output.resize(to: [rows, actionCount])
        for row in 0..<rows {
            let base = advantages.pointer + row * actionCount
            var mean: Float = 0
            for action in 0..<actionCount { mean += base[action] }
            mean /= Float(actionCount)
            for action in 0..<actionCount {
                output[row * actionCount + action] = values[row] + base[action] - mean
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let rows = outputGradient.shape[0]
        valueGradient.resize(to: [rows, 1])
        advantageGradient.resize(to: [rows, actionCount])
        for row in 0..<rows {
            let base = outputGradient.pointer + row * actionCount
            var sum: Float = 0
            for action in 0..<actionCount { sum += base[action] }
            valueGradient[row] = sum
            let mean = sum / Float(actionCount)
            for action in 0..<actionCount {
                advantageGradient[row * actionCount + action] = base[action] - mean
            }
        }
        let fromValue = value.backward(valueGradient)
        inputGradient.assign(fromValue)
        let fromAdvantage = advantage.backward(advantageGradient)
        for index in 0..<inputGradient.count { inputGradient[index] += fromAdvantage[index] }
        return inputGradient
    }
}
