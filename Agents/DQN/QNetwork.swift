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
