import Neural

/// A Q-network with memory: an encoder (CNN or MLP by observation shape, as
/// ``DQNAgent``'s) applied to every step, an ``LSTM`` over the steps, and a Q
/// head (Dense or ``DuelingHead``) on each step's hidden state.
///
/// - ``forward(_:batch:time:episodeStarts:)`` runs whole windows from a zero
///   state: input `[batch · time, observation shape...]` (window-major), output
///   `[batch · time, actionCount]`; ``backward(_:)`` back-propagates through time.
/// - ``step(_:hidden:cell:)`` advances one acting state by one observation.
/// - Parameters are named `encoder.*`, `lstm.*` and `head.*`.
public final class RecurrentQNetwork {
    /// The per-step encoder.
    public let encoder: Sequential
    /// The memory.
    public let lstm: LSTM
    /// The Q head.
    public let head: any Layer
    /// Features the encoder puts out per observation.
    public let featureSize: Int
    /// The number of actions.
    public let actionCount: Int
    /// Every parameter: encoder, LSTM, head.
    public let parameters: [Parameter]

    private var batch = 0, time = 0
    private let sequenceFeatures = Tensor(shape: [0, 0, 0])
    private let flatHidden = Tensor(shape: [0, 0])
    private let hiddenGradient = Tensor(shape: [0, 0, 0])
    private let featureGradient = Tensor(shape: [0, 0])
    private let stepInput = Tensor(shape: [0])

    /// Builds the layers with weights drawn from `generator` (encoder, LSTM, head, in that order).
    public init(observationShape: [Int], actionCount: Int, config: DRQNConfig, generator: inout some RandomNumberGenerator) {
        let (layers, features) = makeEncoder(observationShape: observationShape, config: config.dqn, generator: &generator)
        encoder = Sequential(layers, name: "encoder")
        // Nothing consumes the gradient with respect to the observations.
        encoder.computesInputGradient = false
        lstm = LSTM(inputSize: features, hiddenSize: config.lstmHiddenSize, generator: &generator)
        head = makeQHead(inputSize: config.lstmHiddenSize, actionCount: actionCount, dueling: config.dqn.dueling, generator: &generator)
        featureSize = features
        self.actionCount = actionCount
        for parameter in encoder.parameters { parameter.name = "encoder." + parameter.name }
        for parameter in lstm.parameters { parameter.name = "lstm." + parameter.name }
        for parameter in head.parameters { parameter.name = "head." + parameter.name }
        parameters = encoder.parameters + lstm.parameters + head.parameters
        stepInput.resize(to: [1] + observationShape)
    }

    /// The LSTM's state size.
    public var hiddenSize: Int { lstm.hiddenSize }

    /// Q-values of every position of `batch` windows of `time` steps, each window
    /// starting from a zero state; `episodeStarts` (`[batch, time]`, or nil) resets
    /// the state before the marked positions. The result is owned by the network.
    public func forward(_ observations: Tensor, batch: Int, time: Int, episodeStarts: Tensor?) -> Tensor {
        precondition(observations.batchSize == batch * time, "expected \(batch * time) observations, got \(observations.shape)")
        self.batch = batch
        self.time = time
        let features = encoder.forward(observations)
        sequenceFeatures.resize(batch, time, featureSize)
        sequenceFeatures.pointer.update(from: features.pointer, count: batch * time * featureSize)
        let hidden = lstm.forward(sequenceFeatures, initialHidden: nil, initialCell: nil, episodeStarts: episodeStarts)
        flatHidden.resize(batch * time, hiddenSize)
        flatHidden.pointer.update(from: hidden.pointer, count: hidden.count)
        return head.forward(flatHidden)
    }

    /// Back-propagates `gradient` (`[batch · time, actionCount]`) through the last
    /// ``forward(_:batch:time:episodeStarts:)``, adding to every parameter's gradient.
    public func backward(_ gradient: Tensor) {
        let fromHead = head.backward(gradient)
        hiddenGradient.resize(batch, time, hiddenSize)
        hiddenGradient.pointer.update(from: fromHead.pointer, count: fromHead.count)
        let fromLSTM = lstm.backward(hiddenGradient)
        featureGradient.resize(batch * time, featureSize)
        featureGradient.pointer.update(from: fromLSTM.pointer, count: fromLSTM.count)
        _ = encoder.backward(featureGradient)
    }

    /// Advances the acting state (`hidden` and `cell`, `[1, hiddenSize]`) by one
    /// observation and returns that step's Q-values (owned by the network).
    public func step(_ observation: [Float], hidden: Tensor, cell: Tensor) -> Tensor {
        stepInput.assign(observation)
        let features = encoder.forward(stepInput)
        lstm.step(input: features, hidden: hidden, cell: cell)
        return head.forward(hidden)
    }
}
