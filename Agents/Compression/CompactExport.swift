import Neural

/// An agent whose greedy policy can be written as a ``CompactModel``: the network
/// path from an observation to the scores the greedy action is chosen from, and
/// nothing that only training needs (target network, critic, optimiser state).
public protocol CompactExportable: AnyObject {
    /// The greedy policy's network, float32 weights as trained.
    ///
    /// - Throws: ``CompactExportError`` when the network holds a layer a compact
    ///   model cannot express.
    func compactModel() throws -> CompactModel
}

/// A network that cannot be written as a compact model.
public struct CompactExportError: Error, Equatable, CustomStringConvertible {
    /// What could not be expressed.
    public var reason: String

    public var description: String { "cannot compress this policy: \(reason)" }
}

extension DQNAgent: CompactExportable {
    /// The online Q-network: encoder, hidden layers and Q head.
    public func compactModel() throws -> CompactModel {
        var shape = observationShape
        let layers = try compactLayers(of: online.layers, shape: &shape)
        return CompactModel(inputSize: observationShape.reduce(1, *), layers: layers)
    }
}

extension DRQNAgent: CompactExportable {
    /// The online network's acting step: encoder, LSTM (`W_ih` and `W_hh`), Q head.
    public func compactModel() throws -> CompactModel {
        var shape = observationShape
        var layers = try compactLayers(of: online.encoder.layers, shape: &shape)
        layers.append(compactLSTM(online.lstm))
        shape = [online.hiddenSize]
        layers += try compactLayers(of: [online.head], shape: &shape)
        return CompactModel(inputSize: observationShape.reduce(1, *), layers: layers)
    }
}

extension PPOAgent: CompactExportable {
    /// The greedy path of the actor: observation normalisation (frozen statistics),
    /// encoder, the actor's LSTM and the policy head, to the logits.
    public func compactModel() throws -> CompactModel {
        var layers: [CompactLayer] = []
        let size = observationShape.reduce(1, *)
        if let statistics = observationStatistics {
            layers.append(.normalize(mean: statistics.mean,
                                     deviation: statistics.variance.map { ($0 + PPONormalization.varianceEpsilon).squareRoot() },
                                     clip: PPONormalization.observationClip))
        }
        var shape = observationShape
        if let encoder = network.encoder {
            layers += try compactLayers(of: encoder.layers, shape: &shape)
        } else {
            shape = [size]
        }
        if let lstm = network.actorLSTM {
            layers.append(compactLSTM(lstm))
            shape = [lstm.hiddenSize]
        }
        layers += try compactLayers(of: network.policyHead.layers, shape: &shape)
        return CompactModel(inputSize: size, layers: layers)
    }
}

/// An LSTM's weights, transposed to output-major (`W_ih` `[4H, inputs]`, `W_hh` `[4H, H]`).
func compactLSTM(_ lstm: LSTM) -> CompactLayer {
    .lstm(inputWeight: outputMajor(lstm.inputWeight.value, rows: lstm.inputSize, columns: 4 * lstm.hiddenSize),
          hiddenWeight: outputMajor(lstm.hiddenWeight.value, rows: lstm.hiddenSize, columns: 4 * lstm.hiddenSize),
          bias: lstm.bias.value.scalars)
}

/// A `[rows = inputs, columns = outputs]` weight (Dense's and LSTM's layout) as an output-major matrix.
func outputMajor(_ weight: Tensor, rows: Int, columns: Int) -> CompactMatrix {
    let source = weight.scalars
    var transposed = [Float](repeating: 0, count: rows * columns)
    for row in 0..<rows {
        for column in 0..<columns { transposed[column * rows + row] = source[row * columns + column] }
    }
    return CompactMatrix(outputs: columns, inputs: rows, weights: transposed)
}

/// The compact stages of `layers` applied to one observation of `shape` (without
/// the batch dimension), which is updated to the last layer's output shape.
func compactLayers(of layers: [any Layer], shape: inout [Int]) throws -> [CompactLayer] {
    var result: [CompactLayer] = []
    for layer in layers {
        switch layer {
        case let dense as Dense:
            result.append(.dense(weight: outputMajor(dense.weight.value, rows: dense.inputSize, columns: dense.outputSize),
                                 bias: dense.bias.value.scalars))
            shape = [dense.outputSize]
        case let convolution as Conv2D:
            guard shape.count == 3 else { throw CompactExportError(reason: "a convolution on input of shape \(shape)") }
            let geometry = ConvolutionGeometry(inputChannels: shape[0], height: shape[1], width: shape[2],
                                               outputChannels: convolution.outputChannels, kernelSize: convolution.kernelSize,
                                               stride: convolution.stride, padding: convolution.padding)
            // [C_out, C_in, k, k] is already output-major with taps in im2col order.
            result.append(.convolution(weight: CompactMatrix(outputs: geometry.outputChannels, inputs: geometry.taps,
                                                             weights: convolution.weight.value.scalars),
                                       bias: convolution.bias.value.scalars, geometry: geometry))
            shape = [geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
        case is ReLU:
            result.append(.relu)
        case is Tanh:
            result.append(.tanh)
        case is Flatten:
            // Channel-major flattening is how the compact stages already lay features out.
            shape = [shape.reduce(1, *)]
        case let nested as Sequential:
            result += try compactLayers(of: nested.layers, shape: &shape)
        case let dueling as DuelingHead:
            let value = dueling.value, advantage = dueling.advantage
            result.append(.dueling(
                valueWeight: outputMajor(value.weight.value, rows: value.inputSize, columns: 1),
                valueBias: value.bias.value.scalars,
                advantageWeight: outputMajor(advantage.weight.value, rows: advantage.inputSize, columns: advantage.outputSize),
                advantageBias: advantage.bias.value.scalars))
            shape = [dueling.actionCount]
        default:
            throw CompactExportError(reason: "layer \(type(of: layer)) has no compact form")
        }
    }
    return result
}

/// A greedy ``Policy`` that runs a ``CompactModel`` (pruned, quantised or as
/// trained) through a ``CompactNetwork``: the action with the highest score, the
/// first on ties; a recurrent model's state is cleared at each episode start.
public final class CompactPolicy: Policy {
    /// The network run for each action.
    public let network: CompactNetwork

    /// A policy running `model`.
    public init(model: CompactModel) {
        network = CompactNetwork(model)
    }

    public func beginEpisode() { network.resetState() }

    public func action(for observation: [Float]) -> Int { network.greedyIndex(for: observation) }
}
