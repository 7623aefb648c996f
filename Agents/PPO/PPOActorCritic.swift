import Environments
import Neural

/// PPO's network and its one forward path: an encoder chosen by the observation's
/// shape (convolutions and a dense layer for `[C, H, W]`, nothing for vectors) →
/// an optional LSTM, shared by both heads or one for each → a policy head (hidden
/// layers, then one logit per discrete action, or one mean per component of a
/// `Box` action) and a value head (hidden layers, then one value); for a `Box`,
/// also the Gaussian's log standard deviations, one learned vector `log_std`
/// that no observation changes.
///
/// ``forward(_:memory:heads:)`` serves acting (one step, LSTM states advanced in
/// place), value estimates (one step on copies of the states) and training (whole
/// sequences from given initial states, or memoryless rows); ``backward(logitGradient:valueGradient:)``
/// back-propagates the last training forward pass, adding to every parameter's gradient.
final class PPOActorCritic {
    /// The encoder of `[C, H, W]` observations; nil for vectors.
    let encoder: Sequential?
    /// The LSTM of the policy (and of the value when shared); nil when memoryless.
    let actorLSTM: LSTM?
    /// The value's own LSTM; nil when shared or memoryless.
    let criticLSTM: LSTM?
    /// Hidden layers and logits.
    let policyHead: Sequential
    /// Hidden layers and the value.
    let valueHead: Sequential
    /// The Gaussian policy's log standard deviations, `[components]`, for `Box`
    /// actions (the last parameter); nil for discrete actions. Its gradient is
    /// the loss's own business: ``backward(logitGradient:valueGradient:rows:)`` leaves it alone.
    let logStd: Parameter?
    /// Every trainable parameter, in checkpoint order.
    let parameters: [Parameter]
    /// Each parameter's checkpoint name (`encoder.0.weight`, `actor_lstm.bias`, ...).
    let parameterNames: [String]

    /// Which heads a forward pass computes.
    struct Heads: OptionSet {
        let rawValue: Int
        static let policy = Heads(rawValue: 1)
        static let value = Heads(rawValue: 2)
        static let both: Heads = [.policy, .value]
    }

    /// A recurrent state, `[batch, hiddenSize]` each.
    typealias State = (hidden: Tensor, cell: Tensor)

    /// How the LSTMs (if any) run in a forward pass.
    enum Memory {
        /// No LSTM, or rows without memory: features go straight to the heads.
        case none
        /// One step per row from these states, which are advanced in place. Only
        /// the LSTMs that the requested heads read are stepped.
        case step(actor: State, critic: State)
        /// Whole sequences, input `[sequences · time, ...]` sequence-major, from
        /// these initial states; a nonzero `episodeStarts[s, t]` zeroes the state
        /// before step `t` of sequence `s`.
        case sequences(count: Int, time: Int, actor: State, critic: State, episodeStarts: Tensor)
    }

    private let sequenceInput = Tensor(shape: [0, 0, 0])
    private let summedGradient = Tensor(shape: [0])
    private let featureGradient = Tensor(shape: [0])

    /// Builds the layers with weights drawn from `generator`, in a fixed order
    /// (encoder, actor LSTM, critic LSTM, policy head, value head), then (`Box`
    /// actions) `log_std`, filled with `log_std_init` (no draw, so a discrete and
    /// a continuous network of the same sizes get the same weights).
    init(observationShape: [Int], actionSpace: PPOActionSpace, config: PPOConfig, generator: inout Xoshiro256) {
        let actionCount = actionSpace.policyOutputs
        let observationSize = observationShape.reduce(1, *)
        let relu = config.activation == "relu"
        let hiddenInit: WeightInitializer = config.orthogonalInit ? .orthogonal(gain: Float(2).squareRoot()) : .pytorchDefault

        var names: [String] = [], parameters: [Parameter] = []
        func collect(_ prefix: String, _ list: [Parameter]) {
            for parameter in list {
                names.append(prefix + "." + parameter.name)
                parameters.append(parameter)
            }
        }
        var features = observationSize
        if observationShape.count == 3 && config.useCNN {
            var layers: [any Layer] = []
            var channels = observationShape[0], height = observationShape[1], width = observationShape[2]
            for outputChannels in config.convolutionChannels {
                layers.append(Conv2D(inputChannels: channels, outputChannels: outputChannels, kernelSize: config.convolutionKernel,
                                     stride: config.convolutionStride, padding: config.convolutionPadding,
                                     weightInitializer: hiddenInit, generator: &generator))
                layers.append(ReLU())
                channels = outputChannels
                height = (height + 2 * config.convolutionPadding - config.convolutionKernel) / config.convolutionStride + 1
                width = (width + 2 * config.convolutionPadding - config.convolutionKernel) / config.convolutionStride + 1
            }
            layers.append(Flatten())
            features = channels * height * width
            if config.encoderFeatures > 0 {
                layers.append(Dense(inputSize: features, outputSize: config.encoderFeatures, weightInitializer: hiddenInit,
                                    generator: &generator))
                layers.append(ReLU())
                features = config.encoderFeatures
            }
            let network = Sequential(layers)
            network.computesInputGradient = false
            encoder = network
            collect("encoder", network.parameters)
        } else {
            encoder = nil
        }
        var headInput = features
        if config.isRecurrent {
            let actor = LSTM(inputSize: features, hiddenSize: config.lstmHiddenSize, generator: &generator)
            actorLSTM = actor
            collect("actor_lstm", actor.parameters)
            if config.sharedLSTM {
                criticLSTM = nil
            } else {
                let critic = LSTM(inputSize: features, hiddenSize: config.lstmHiddenSize, generator: &generator)
                criticLSTM = critic
                collect("critic_lstm", critic.parameters)
            }
            headInput = config.lstmHiddenSize
        } else {
            actorLSTM = nil
            criticLSTM = nil
        }
        func head(_ hidden: [Int], outputs: Int, outputGain: Float) -> Sequential {
            var layers: [any Layer] = []
            var width = headInput
            for size in hidden {
                layers.append(Dense(inputSize: width, outputSize: size, weightInitializer: hiddenInit, generator: &generator))
                layers.append(relu ? ReLU() as any Layer : Tanh())
                width = size
            }
            layers.append(Dense(inputSize: width, outputSize: outputs,
                                weightInitializer: config.orthogonalInit ? .orthogonal(gain: outputGain) : .pytorchDefault,
                                generator: &generator))
            return Sequential(layers)
        }
        policyHead = head(config.policyLayers, outputs: actionCount, outputGain: 0.01)
        valueHead = head(config.valueLayers, outputs: 1, outputGain: 1)
        // The heads' input gradient feeds an LSTM or an encoder; raw observations need none.
        let headsNeedInputGradient = config.isRecurrent || encoder != nil
        policyHead.computesInputGradient = headsNeedInputGradient
        valueHead.computesInputGradient = headsNeedInputGradient
        collect("policy", policyHead.parameters)
        collect("value", valueHead.parameters)
        if actionSpace.isContinuous {
            let values = Tensor(shape: [actionSpace.actionSize])
            values.fill(Float(config.logStdInit))
            let parameter = Parameter(name: "log_std", value: values)
            logStd = parameter
            names.append(parameter.name)
            parameters.append(parameter)
        } else {
            logStd = nil
        }
        self.parameters = parameters
        parameterNames = names
    }

    /// Builds a network for `actionCount` discrete actions.
    convenience init(observationShape: [Int], actionCount: Int, config: PPOConfig, generator: inout Xoshiro256) {
        self.init(observationShape: observationShape, actionSpace: .discrete(count: actionCount), config: config,
                  generator: &generator)
    }

    /// Whether the network has an LSTM.
    var isRecurrent: Bool { actorLSTM != nil }

    /// Runs `input` (`[batch, ...]`: `[batch, C, H, W]` for the CNN, else
    /// `[batch, observationSize]`) through the encoder, the LSTMs as `memory`
    /// says, and the requested heads. Returns the logits `[batch, actions]` and
    /// the values `[batch, 1]` (nil for a head not requested; for `Box` actions the
    /// "logits" are the Gaussian's means), owned by the heads
    /// and valid until their next forward pass.
    func forward(_ input: Tensor, memory: Memory, heads: Heads) -> (logits: Tensor?, values: Tensor?) {
        let features = encoder?.forward(input) ?? input
        var policyInput = features, valueInput = features
        if let actorLSTM {
            switch memory {
            case .none:
                break
            case .step(let actor, let critic):
                // A separate critic LSTM leaves the actor's state alone when only the value is asked for.
                if heads.contains(.policy) || criticLSTM == nil {
                    actorLSTM.step(input: features, hidden: actor.hidden, cell: actor.cell)
                }
                policyInput = actor.hidden
                valueInput = actor.hidden
                if let criticLSTM {
                    if heads.contains(.value) { criticLSTM.step(input: features, hidden: critic.hidden, cell: critic.cell) }
                    valueInput = critic.hidden
                }
            case .sequences(let count, let time, let actor, let critic, let episodeStarts):
                let width = features.itemCount
                sequenceInput.resize(count, time, width)
                sequenceInput.pointer.update(from: features.pointer, count: count * time * width)
                policyInput = actorLSTM.forward(sequenceInput, initialHidden: actor.hidden, initialCell: actor.cell,
                                                episodeStarts: episodeStarts)
                valueInput = policyInput
                if let criticLSTM {
                    valueInput = criticLSTM.forward(sequenceInput, initialHidden: critic.hidden, initialCell: critic.cell,
                                                    episodeStarts: episodeStarts)
                }
            }
        }
        let logits = heads.contains(.policy) ? policyHead.forward(policyInput) : nil
        let values = heads.contains(.value) ? valueHead.forward(valueInput) : nil
        return (logits, values)
    }

    /// Back-propagates the gradients of the loss with respect to the logits and
    /// values of the last training forward pass (both heads, `.none` or
    /// `.sequences` memory over `rows` inputs), adding to every parameter's gradient.
    ///
    /// Where one tensor feeds two consumers (a shared LSTM's output read by both
    /// heads, or the encoder's features read by two LSTMs or both heads), the
    /// gradients arriving from the consumers are summed first, so the producer runs
    /// its backward pass once.
    func backward(logitGradient: Tensor, valueGradient: Tensor, rows: Int) {
        let policyInputGradient = policyHead.backward(logitGradient)
        let valueInputGradient = valueHead.backward(valueGradient)
        guard isRecurrent || encoder != nil else { return }
        var fromActor = policyInputGradient, fromCritic: Tensor? = valueInputGradient
        if let actorLSTM {
            if let criticLSTM {
                fromActor = actorLSTM.backward(policyInputGradient)
                fromCritic = criticLSTM.backward(valueInputGradient)
            } else {
                summedGradient.assign(policyInputGradient)
                summedGradient.add(valueInputGradient)
                fromActor = actorLSTM.backward(summedGradient)
                fromCritic = nil
            }
        }
        guard let encoder else { return }
        featureGradient.resize(to: [rows, fromActor.count / rows])
        featureGradient.pointer.update(from: fromActor.pointer, count: fromActor.count)
        if let fromCritic { featureGradient.add(fromCritic) }
        _ = encoder.backward(featureGradient)
    }
}

extension PPOConfig {
    /// The actor-critic ``PPOActorCritic`` builds, planned from shapes alone.
    func plan(observationShape: [Int], actionCount: Int) throws(NetworkShapeError) -> NetworkPlan {
        guard actionCount > 0 else { throw NetworkShapeError("the policy head needs at least one action, the action space has \(actionCount)") }
        var encoder: NetworkPlan
        if observationShape.count == 3 && useCNN {
            encoder = try .convolutions(observationShape: observationShape, channels: convolutionChannels, kernel: convolutionKernel,
                                        stride: convolutionStride, padding: convolutionPadding)
            if encoderFeatures > 0 { encoder.dense([encoderFeatures]) }
        } else {
            encoder = NetworkPlan(features: try NetworkPlan.observationSize(observationShape))
        }
        var whole = encoder
        var headInput = NetworkPlan(features: encoder.features)
        if isRecurrent {
            var lstm = NetworkPlan(features: encoder.features)
            lstm.lstm(hiddenSize: lstmHiddenSize)
            whole.add(lstm)
            if !sharedLSTM { whole.add(lstm) }
            headInput = NetworkPlan(features: lstmHiddenSize)
        }
        var policy = headInput, value = headInput
        policy.dense(policyLayers + [actionCount])
        value.dense(valueLayers + [1])
        whole.add(policy)
        whole.add(value)
        return whole
    }

    /// Checks that the actor-critic of this configuration fits observations of
    /// `observationShape` and `actionCount` actions, before any layer is built.
    ///
    /// - Throws: ``NetworkShapeError`` naming the layer that does not fit and why.
    public func checkNetworkShapes(observationShape: [Int], actionCount: Int) throws(NetworkShapeError) {
        _ = try plan(observationShape: observationShape, actionCount: actionCount)
    }

    /// Estimates what a ``PPOAgent`` of this configuration and its `n_envs`
    /// environment copies allocate: the rollout buffer, the network with gradients
    /// and Adam's moments, a minibatch's activations, the copies' acting passes,
    /// and the copies themselves (taken as four observations each and 64 kB of
    /// state, since an environment's own size is not known from its space).
    ///
    /// - Throws: ``NetworkShapeError`` when the network does not fit the observation.
    public func memoryEstimate(observationSpace: Box, actionCount: Int) throws(NetworkShapeError) -> MemoryEstimate {
        let plan = try plan(observationShape: observationSpace.shape, actionCount: actionCount)
        let observationSize = Double(try NetworkPlan.observationSize(observationSpace.shape))
        let copies = Double(environmentCount)
        // Observations, then actions (Int), rewards, values, log-probabilities, advantages, returns, starts.
        let rollout: Double = Double(rolloutSize) * (4 * observationSize + 8 + 4 * 5 + 1)
        // Weights, gradients and Adam's two moments.
        let networks: Double = 4 * plan.parameters * 4
        let training: Double = Double(batchSize) * plan.trainingFloatsPerSample
        let acting: Double = 2 * copies * plan.inferenceFloatsPerSample
        let minibatches: Double = 4 * Double(batchSize) * observationSize
        let environments: Double = copies * (4 * 4 * observationSize + 65_536)
        return MemoryEstimate([("rollout buffer", rollout), ("networks", networks), ("activations", 4 * (training + acting)),
                               ("minibatches", minibatches), ("environment copies", environments)])
    }
}
