import Environments
import Neural

/// Builds the Q-network that ``DQNAgent`` trains: ``makeEncoder(observationShape:config:generator:)``
/// followed by ``makeQHead(inputSize:actionCount:dueling:generator:)``.
func makeQNetwork(observationShape: [Int], actionCount: Int, config: DQNConfig, generator: inout some RandomNumberGenerator) -> Sequential {
    var (layers, features) = makeEncoder(observationShape: observationShape, config: config, generator: &generator)
    layers.append(makeQHead(inputSize: features, actionCount: actionCount, dueling: config.dueling, generator: &generator))
    return Sequential(layers)
}

/// The encoder of a Q-network, chosen by the observation's shape, and the number
/// of features it puts out per observation.
///
/// - `[C, H, W]` observations (with `useCNN`): convolutions with ReLU
///   (`convChannels`, square kernel, stride, padding), flattened, then the dense
///   hidden layers with ReLU. MinAtar's network is `conv_channels: [16]`,
///   `conv_kernel: 3`, `hidden_sizes: [128]`.
/// - Anything else: flattened into an MLP of the hidden sizes with ReLU.
func makeEncoder(observationShape: [Int], config: DQNConfig, generator: inout some RandomNumberGenerator) -> (layers: [any Layer], features: Int) {
    var layers: [any Layer] = []
    var features: Int
    if observationShape.count == 3 && config.useCNN {
        var channels = observationShape[0], height = observationShape[1], width = observationShape[2]
        for outputChannels in config.convolutionChannels {
            layers.append(Conv2D(inputChannels: channels, outputChannels: outputChannels, kernelSize: config.convolutionKernel,
                                 stride: config.convolutionStride, padding: config.convolutionPadding, generator: &generator))
            layers.append(ReLU())
            channels = outputChannels
            height = (height + 2 * config.convolutionPadding - config.convolutionKernel) / config.convolutionStride + 1
            width = (width + 2 * config.convolutionPadding - config.convolutionKernel) / config.convolutionStride + 1
        }
        layers.append(Flatten())
        features = channels * height * width
    } else {
        if observationShape.count > 1 { layers.append(Flatten()) }
        features = observationShape.reduce(1, *)
    }
    for size in config.hiddenSizes {
        layers.append(Dense(inputSize: features, outputSize: size, generator: &generator))
        layers.append(ReLU())
        features = size
    }
    return (layers, features)
}

/// The last layer of a Q-network: a Dense layer to one value per action, or a ``DuelingHead``.
func makeQHead(inputSize: Int, actionCount: Int, dueling: Bool, generator: inout some RandomNumberGenerator) -> any Layer {
    dueling ? DuelingHead(inputSize: inputSize, actionCount: actionCount, generator: &generator)
        : Dense(inputSize: inputSize, outputSize: actionCount, generator: &generator)
}

/// The encoder ``makeEncoder(observationShape:config:generator:)`` builds, planned
/// from shapes alone.
///
/// - Throws: ``NetworkShapeError`` when a convolution does not fit its input.
func planEncoder(observationShape: [Int], config: DQNConfig) throws(NetworkShapeError) -> NetworkPlan {
    var plan: NetworkPlan
    if observationShape.count == 3 && config.useCNN {
        plan = try .convolutions(observationShape: observationShape, channels: config.convolutionChannels,
                                 kernel: config.convolutionKernel, stride: config.convolutionStride, padding: config.convolutionPadding)
    } else {
        plan = NetworkPlan(features: try NetworkPlan.observationSize(observationShape))
    }
    plan.dense(config.hiddenSizes)
    return plan
}

/// Checks the number of actions a Q head needs.
func checkActionCount(_ actionCount: Int) throws(NetworkShapeError) {
    guard actionCount > 0 else { throw NetworkShapeError("the Q head needs at least one action, the action space has \(actionCount)") }
}

extension DQNConfig {
    /// Checks that the Q-network of this configuration fits observations of
    /// `observationShape` and `actionCount` actions, before any layer is built.
    ///
    /// - Throws: ``NetworkShapeError`` naming the layer that does not fit and why.
    public func checkNetworkShapes(observationShape: [Int], actionCount: Int) throws(NetworkShapeError) {
        try checkActionCount(actionCount)
        _ = try planEncoder(observationShape: observationShape, config: self)
    }

    /// Estimates what a ``DQNAgent`` of this configuration allocates: the replay
    /// (by its observation storage), the online network with gradients and
    /// optimiser state, the target copy, and a training batch's activations.
    ///
    /// - Throws: ``NetworkShapeError`` when the network does not fit the observation.
    public func memoryEstimate(observationSpace: Box, actionCount: Int) throws(NetworkShapeError) -> MemoryEstimate {
        try checkActionCount(actionCount)
        var plan = try planEncoder(observationShape: observationSpace.shape, config: self)
        plan.dense([dueling ? actionCount + 1 : actionCount])
        let observationSize = try NetworkPlan.observationSize(observationSpace.shape)
        // Online weights and gradients, optimiser state, target weights and (unused) gradients.
        let floatsPerParameter = 2 + optimizerFloatsPerParameter(optimizer) + 2
        let batch = Double(batchSize)
        let replay: Double = replayBytes(capacity: bufferSize, observationSize: observationSize,
                                         storage: replayStorage(self, observationSpace: observationSpace))
        let networks: Double = 4 * plan.parameters * floatsPerParameter
        // The online network trains on a batch; it and the target also infer on one.
        let activations: Double = 4 * batch * (plan.trainingFloatsPerSample + 2 * plan.inferenceFloatsPerSample)
        let batches: Double = 4 * batch * 2 * Double(observationSize)
        return MemoryEstimate([("replay buffer", replay), ("networks", networks), ("activations", activations), ("sampled batches", batches)])
    }
}

extension DRQNConfig {
    /// Checks that the recurrent Q-network fits observations of `observationShape`
    /// and `actionCount` actions, before any layer is built.
    ///
    /// - Throws: ``NetworkShapeError`` naming the layer that does not fit and why.
    public func checkNetworkShapes(observationShape: [Int], actionCount: Int) throws(NetworkShapeError) {
        try dqn.checkNetworkShapes(observationShape: observationShape, actionCount: actionCount)
    }

    /// Estimates what a ``DRQNAgent`` of this configuration allocates: the sequence
    /// replay, both networks with gradients and optimiser state, and the activations
    /// of a batch of windows (burn-in and trained steps, through the encoder and LSTM).
    ///
    /// - Throws: ``NetworkShapeError`` when the network does not fit the observation.
    public func memoryEstimate(observationSpace: Box, actionCount: Int) throws(NetworkShapeError) -> MemoryEstimate {
        try checkActionCount(actionCount)
        var plan = try planEncoder(observationShape: observationSpace.shape, config: dqn)
        plan.lstm(hiddenSize: lstmHiddenSize)
        plan.dense([dqn.dueling ? actionCount + 1 : actionCount])
        let observationSize = try NetworkPlan.observationSize(observationSpace.shape)
        let floatsPerParameter = 2 + optimizerFloatsPerParameter(dqn.optimizer) + 2
        // Every window carries one step more than it trains on: the bootstrap state.
        let rows = Double(dqn.batchSize) * Double(burnIn + sequenceLength + 1)
        // The ring, and one episode-start flag per row.
        let replay: Double = replayBytes(capacity: dqn.bufferSize, observationSize: observationSize,
                                         storage: replayStorage(dqn, observationSpace: observationSpace)) + Double(dqn.bufferSize)
        let networks: Double = 4 * plan.parameters * floatsPerParameter
        let activations: Double = 4 * rows * (plan.trainingFloatsPerSample + 2 * plan.inferenceFloatsPerSample)
        let batches: Double = 4 * rows * Double(observationSize)
        return MemoryEstimate([("replay buffer", replay), ("networks", networks), ("activations", activations), ("sampled batches", batches)])
    }
}
