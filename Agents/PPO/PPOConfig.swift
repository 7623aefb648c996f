import Neural

/// Every hyperparameter of ``PPOAgent``, with Stable-Baselines3's defaults where SB3 has one.
///
/// Preset files (Experiments/Presets/ppo/*.yaml and ppo-lstm/*.yaml) use the same
/// snake_case keys. `lstm_hidden_size: 0` gives the memoryless PPO; a positive
/// size puts an LSTM between the encoder and the heads (sb3-contrib's RecurrentPPO).
public struct PPOConfig: AgentConfiguration {
    /// Environment steps to train for, over all environment copies.
    public var totalSteps = 100_000
    /// Environment copies stepped together.
    public var environmentCount = 8
    /// Steps of each copy per rollout (a rollout holds `n_envs · n_steps` transitions).
    public var rolloutSteps = 128
    /// Transitions per minibatch. Recurrent: a minibatch is whole environment
    /// sequences, `batch_size / n_steps` of them (rounded down, at least one).
    public var batchSize = 64
    /// Passes over each rollout.
    public var epochs = 10
    /// Discount factor γ.
    public var gamma = 0.99
    /// GAE's λ.
    public var gaeLambda = 0.95
    /// The optimiser's step size at the start.
    public var learningRate = 3e-4
    /// Learning rate at the end of training (linear decay); `nil` keeps it constant.
    public var finalLearningRate: Double? = nil
    /// The surrogate's clip range ε at the start.
    public var clipRange = 0.2
    /// The clip range at the end of training (linear); `nil` keeps it constant.
    public var finalClipRange: Double? = nil
    /// Clip the value prediction to this distance from the rollout's value (SB3's
    /// `clip_range_vf`); `nil` gives the plain squared error.
    public var valueClipRange: Double? = nil
    /// Weight of the entropy bonus.
    public var entropyCoefficient = 0.0
    /// Weight of the value loss.
    public var valueCoefficient = 0.5
    /// Global gradient-norm clip.
    public var maxGradNorm = 0.5
    /// Normalise advantages within each minibatch.
    public var normalizeAdvantage = true
    /// Normalise observations with running mean and variance (clipped to ±10),
    /// as SB3's VecNormalize; frozen during evaluation and saved in checkpoints.
    public var normalizeObservations = false
    /// Divide rewards by the running standard deviation of each copy's discounted
    /// return (clipped to ±10), as SB3's VecNormalize `norm_reward`, which
    /// rl-baselines3-zoo turns on with `normalize: true`. Keeps value targets near
    /// unit scale; training only (evaluation reports raw returns).
    public var normalizeRewards = false
    /// Adam's ε (SB3 uses 1e-5 for PPO).
    public var optimizerEpsilon = 1e-5
    /// Hidden state size of the LSTM; 0 for no LSTM.
    public var lstmHiddenSize = 0
    /// One LSTM feeding both heads (`true`) or one for the policy and one for the
    /// value (`false`, sb3-contrib's `enable_critic_lstm`).
    public var sharedLSTM = false
    /// Hidden layers of the policy head (after the LSTM, or after the encoder).
    public var policyLayers = [64, 64]
    /// Hidden layers of the value head.
    public var valueLayers = [64, 64]
    /// `tanh` (SB3's default) or `relu`.
    public var activation = "tanh"
    /// Orthogonal initialisation (gain √2 for hidden layers, 0.01 policy output,
    /// 1 value output) as SB3's `ortho_init`; `false` keeps PyTorch's defaults.
    public var orthogonalInit = true
    /// Output channels of each convolution of the encoder, for `[C, H, W]` observations.
    public var convolutionChannels = [16, 32]
    /// Square kernel size of each convolution.
    public var convolutionKernel = 3
    /// Stride of each convolution.
    public var convolutionStride = 1
    /// Zero padding of each convolution.
    public var convolutionPadding = 0
    /// Width of the dense layer after the convolutions (0: none).
    public var encoderFeatures = 128
    /// Use a CNN encoder for `[C, H, W]` observations (`false` flattens them, as vectors).
    public var useCNN = true
    /// The initial log standard deviation of every component of a Gaussian policy
    /// (`Box` actions); 0 (σ = 1) as SB3's `log_std_init` and CleanRL. Unused for
    /// discrete actions.
    public var logStdInit = 0.0

    /// Creates the default configuration.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case totalSteps = "total_steps"
        case environmentCount = "n_envs"
        case rolloutSteps = "n_steps"
        case batchSize = "batch_size"
        case epochs = "n_epochs"
        case gamma
        case gaeLambda = "gae_lambda"
        case learningRate = "learning_rate"
        case finalLearningRate = "final_learning_rate"
        case clipRange = "clip_range"
        case finalClipRange = "final_clip_range"
        case valueClipRange = "clip_range_vf"
        case entropyCoefficient = "ent_coef"
        case valueCoefficient = "vf_coef"
        case maxGradNorm = "max_grad_norm"
        case normalizeAdvantage = "normalize_advantage"
        case normalizeObservations = "normalize_observations"
        case normalizeRewards = "normalize_rewards"
        case optimizerEpsilon = "optimizer_epsilon"
        case lstmHiddenSize = "lstm_hidden_size"
        case sharedLSTM = "shared_lstm"
        case policyLayers = "policy_layers"
        case valueLayers = "value_layers"
        case activation
        case orthogonalInit = "ortho_init"
        case convolutionChannels = "conv_channels"
        case convolutionKernel = "conv_kernel"
        case convolutionStride = "conv_stride"
        case convolutionPadding = "conv_padding"
        case encoderFeatures = "encoder_features"
        case useCNN = "use_cnn"
        case logStdInit = "log_std_init"
    }

    /// The preset-file keys, in declaration order.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Reads present keys and keeps defaults for absent ones.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try container.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.totalSteps, &totalSteps)
        try read(.environmentCount, &environmentCount)
        try read(.rolloutSteps, &rolloutSteps)
        try read(.batchSize, &batchSize)
        try read(.epochs, &epochs)
        try read(.gamma, &gamma)
        try read(.gaeLambda, &gaeLambda)
        try read(.learningRate, &learningRate)
        finalLearningRate = try container.decodeIfPresent(Double.self, forKey: .finalLearningRate)
        try read(.clipRange, &clipRange)
        finalClipRange = try container.decodeIfPresent(Double.self, forKey: .finalClipRange)
        valueClipRange = try container.decodeIfPresent(Double.self, forKey: .valueClipRange)
        try read(.entropyCoefficient, &entropyCoefficient)
        try read(.valueCoefficient, &valueCoefficient)
        try read(.maxGradNorm, &maxGradNorm)
        try read(.normalizeAdvantage, &normalizeAdvantage)
        try read(.normalizeObservations, &normalizeObservations)
        try read(.normalizeRewards, &normalizeRewards)
        try read(.optimizerEpsilon, &optimizerEpsilon)
        try read(.lstmHiddenSize, &lstmHiddenSize)
        try read(.sharedLSTM, &sharedLSTM)
        try read(.policyLayers, &policyLayers)
        try read(.valueLayers, &valueLayers)
        try read(.activation, &activation)
        try read(.orthogonalInit, &orthogonalInit)
        try read(.convolutionChannels, &convolutionChannels)
        try read(.convolutionKernel, &convolutionKernel)
        try read(.convolutionStride, &convolutionStride)
        try read(.convolutionPadding, &convolutionPadding)
        try read(.encoderFeatures, &encoderFeatures)
        try read(.useCNN, &useCNN)
        try read(.logStdInit, &logStdInit)
    }

    /// Whether the agent has an LSTM.
    public var isRecurrent: Bool { lstmHiddenSize > 0 }

    /// Transitions per rollout, `n_envs · n_steps`.
    public var rolloutSize: Int { environmentCount * rolloutSteps }

    /// Checks ranges and names; the message names the offending key and value.
    public func validate() throws(AgentConfigError) {
        func require(_ condition: Bool, _ key: CodingKeys, _ value: Any, _ expectation: String) throws(AgentConfigError) {
            if !condition { throw AgentConfigError(key: key.rawValue, value: "\(value)", expectation: expectation) }
        }
        func sizes(_ list: [Int], upTo limit: Int) -> Bool { list.count <= AgentLimits.layerCount && list.allSatisfy { (1...limit).contains($0) } }
        func finite(_ value: Double?) -> Bool { value?.isFinite ?? true }
        try require((1...AgentLimits.totalSteps).contains(totalSteps), .totalSteps, totalSteps, "a number of steps in [1, \(AgentLimits.totalSteps)]")
        try require((1...AgentLimits.environmentCount).contains(environmentCount), .environmentCount, environmentCount,
                    "a number of environments in [1, \(AgentLimits.environmentCount)]")
        try require((1...AgentLimits.rolloutSteps).contains(rolloutSteps), .rolloutSteps, rolloutSteps,
                    "a number of steps in [1, \(AgentLimits.rolloutSteps)]")
        // Both factors are bounded above, so the product cannot overflow.
        try require(rolloutSize <= AgentLimits.rolloutSize, .rolloutSteps, rolloutSteps,
                    "a rollout n_envs · n_steps = \(rolloutSize) of at most \(AgentLimits.rolloutSize) rows")
        try require(batchSize > 0 && batchSize <= rolloutSize, .batchSize, batchSize, "between 1 and n_envs · n_steps = \(rolloutSize)")
        try require((1...AgentLimits.stepsPerUpdate).contains(epochs), .epochs, epochs, "a number in [1, \(AgentLimits.stepsPerUpdate)]")
        try require(gamma >= 0 && gamma <= 1, .gamma, gamma, "a number in [0, 1]")
        try require(gaeLambda >= 0 && gaeLambda <= 1, .gaeLambda, gaeLambda, "a number in [0, 1]")
        try require(learningRate > 0 && learningRate.isFinite, .learningRate, learningRate, "a positive number")
        try require((finalLearningRate ?? 0) >= 0 && finite(finalLearningRate), .finalLearningRate, finalLearningRate ?? 0, "zero or more")
        try require(clipRange > 0 && clipRange.isFinite, .clipRange, clipRange, "a positive number")
        try require((finalClipRange ?? 0) >= 0 && finite(finalClipRange), .finalClipRange, finalClipRange ?? 0, "zero or more")
        try require((valueClipRange ?? 1) > 0 && finite(valueClipRange), .valueClipRange, valueClipRange ?? 1, "a positive number")
        try require(entropyCoefficient >= 0 && entropyCoefficient.isFinite, .entropyCoefficient, entropyCoefficient, "zero or more")
        try require(valueCoefficient >= 0 && valueCoefficient.isFinite, .valueCoefficient, valueCoefficient, "zero or more")
        try require(maxGradNorm > 0 && maxGradNorm.isFinite, .maxGradNorm, maxGradNorm, "a positive number")
        try require(optimizerEpsilon > 0 && optimizerEpsilon.isFinite, .optimizerEpsilon, optimizerEpsilon, "a positive number")
        try require((0...AgentLimits.layerWidth).contains(lstmHiddenSize), .lstmHiddenSize, lstmHiddenSize,
                    "0 (no LSTM) or a size up to \(AgentLimits.layerWidth)")
        try require(sizes(policyLayers, upTo: AgentLimits.layerWidth), .policyLayers, policyLayers,
                    "at most \(AgentLimits.layerCount) layer sizes, each in [1, \(AgentLimits.layerWidth)]")
        try require(sizes(valueLayers, upTo: AgentLimits.layerWidth), .valueLayers, valueLayers,
                    "at most \(AgentLimits.layerCount) layer sizes, each in [1, \(AgentLimits.layerWidth)]")
        try require(["tanh", "relu"].contains(activation), .activation, activation, "tanh or relu")
        try require(sizes(convolutionChannels, upTo: AgentLimits.convolutionChannels), .convolutionChannels, convolutionChannels,
                    "at most \(AgentLimits.layerCount) channel counts, each in [1, \(AgentLimits.convolutionChannels)]")
        try require((1...AgentLimits.convolutionKernel).contains(convolutionKernel), .convolutionKernel, convolutionKernel,
                    "a kernel size in [1, \(AgentLimits.convolutionKernel)]")
        try require((1...AgentLimits.convolutionKernel).contains(convolutionStride), .convolutionStride, convolutionStride,
                    "a stride in [1, \(AgentLimits.convolutionKernel)]")
        // Padding of a kernel's size or more only adds outputs that see nothing but zeros.
        try require((0..<convolutionKernel).contains(convolutionPadding), .convolutionPadding, convolutionPadding,
                    "a padding in [0, conv_kernel - 1 = \(convolutionKernel - 1)]")
        try require((0...AgentLimits.layerWidth).contains(encoderFeatures), .encoderFeatures, encoderFeatures,
                    "zero or a size up to \(AgentLimits.layerWidth)")
        // e^±20 is already far beyond any action scale; larger magnitudes only overflow σ or σ².
        try require(logStdInit.isFinite && abs(logStdInit) <= 20, .logStdInit, logStdInit, "a number in [-20, 20]")
    }

    /// The learning rate once `step` environment steps are done: linear from
    /// `learning_rate` to `final_learning_rate` over `total_steps` (SB3's `lin_x`
    /// schedules end at 0).
    public func learningRate(atStep step: Int) -> Double {
        guard let finalLearningRate else { return learningRate }
        return LinearSchedule(start: learningRate, end: finalLearningRate, duration: totalSteps).value(at: step)
    }

    /// The clip range once `step` environment steps are done (linear when `final_clip_range` is set).
    public func clipRange(atStep step: Int) -> Double {
        guard let finalClipRange else { return clipRange }
        return LinearSchedule(start: clipRange, end: finalClipRange, duration: totalSteps).value(at: step)
    }
}
