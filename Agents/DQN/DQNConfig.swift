/// Every hyperparameter of ``DQNAgent``, with Stable-Baselines3's defaults where SB3 has one.
///
/// Preset files (Experiments/Presets/dqn/*.yaml) use the same snake_case keys.
/// Intervals are counted in environment steps, as SB3 counts them.
public struct DQNConfig: AgentConfiguration {
    /// Environment steps to train for.
    public var totalSteps = 100_000
    /// Step size of the optimiser.
    public var learningRate = 1e-4
    /// Learning rate at the end of training; `nil` keeps it constant.
    public var finalLearningRate: Double? = nil
    /// The optimiser: `adam`, `rmsprop`, or `rmsprop_centered` (MinAtar's choice).
    public var optimizer = "adam"
    /// The optimiser's ε (Adam: 1e-8 as PyTorch; MinAtar's centred RMSProp: 0.01).
    public var optimizerEpsilon = 1e-8
    /// RMSProp's smoothing constant α (MinAtar uses 0.95).
    public var rmspropDecay = 0.99
    /// Transitions the replay buffer holds.
    public var bufferSize = 1_000_000
    /// Observation storage in the replay buffer: `auto` (bits when the observation
    /// space is the unit box, else float32), `bits`, or `float32`.
    public var observationStorage = "auto"
    /// Environment steps of uniformly random actions before learning starts.
    public var learningStarts = 100
    /// Transitions per gradient step.
    public var batchSize = 32
    /// Discount factor γ.
    public var gamma = 0.99
    /// Train every this many environment steps.
    public var trainFrequency = 4
    /// Gradient steps each time training is due.
    public var gradientSteps = 1
    /// Update the target network every this many environment steps.
    public var targetUpdateInterval = 10_000
    /// Polyak coefficient of target updates: 1 copies the online network (hard update).
    public var tau = 1.0
    /// Fraction of `totalSteps` over which ε decays linearly.
    public var explorationFraction = 0.1
    /// ε at the start.
    public var explorationInitialEpsilon = 1.0
    /// ε after the decay.
    public var explorationFinalEpsilon = 0.05
    /// Global gradient-norm clip; 0 turns clipping off (as the MinAtar paper's DQN has it).
    public var maxGradNorm = 10.0
    /// Double-DQN targets: the online network picks the next action, the target network values it.
    public var doubleDQN = true
    /// A dueling head (state value plus mean-centred advantages).
    public var dueling = false
    /// Steps summed into each return before bootstrapping (1: one-step TD).
    public var nStep = 1
    /// Hindsight experience replay: relabelled copies stored per transition, each
    /// with a goal the episode reached later ("future" strategy, as SB3's
    /// `HerReplayBuffer` `n_sampled_goal`); 0 turns it off. Needs an environment
    /// whose observations show their goal (``HindsightGoalProviding``).
    public var nSampledGoal = 0
    /// `huber` (smooth L1, δ = 1) or `mse`.
    public var loss = "huber"
    /// Hidden layer sizes of the MLP (vector observations) or of the dense part after the CNN.
    public var hiddenSizes = [64, 64]
    /// Output channels of each convolution, for `[C, H, W]` observations.
    public var convolutionChannels = [16]
    /// Square kernel size of each convolution.
    public var convolutionKernel = 3
    /// Stride of each convolution.
    public var convolutionStride = 1
    /// Zero padding of each convolution.
    public var convolutionPadding = 0
    /// Use a CNN for `[C, H, W]` observations (`false` flattens them into an MLP).
    public var useCNN = true

    /// Creates the default configuration.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case totalSteps = "total_steps"
        case learningRate = "learning_rate"
        case finalLearningRate = "final_learning_rate"
        case optimizer
        case optimizerEpsilon = "optimizer_epsilon"
        case rmspropDecay = "rmsprop_decay"
        case bufferSize = "buffer_size"
        case observationStorage = "observation_storage"
        case learningStarts = "learning_starts"
        case batchSize = "batch_size"
        case gamma
        case trainFrequency = "train_frequency"
        case gradientSteps = "gradient_steps"
        case targetUpdateInterval = "target_update_interval"
        case tau
        case explorationFraction = "exploration_fraction"
        case explorationInitialEpsilon = "exploration_initial_epsilon"
        case explorationFinalEpsilon = "exploration_final_epsilon"
        case maxGradNorm = "max_grad_norm"
        case doubleDQN = "double_dqn"
        case dueling
        case nStep = "n_step"
        case nSampledGoal = "n_sampled_goal"
        case loss
        case hiddenSizes = "hidden_sizes"
        case convolutionChannels = "conv_channels"
        case convolutionKernel = "conv_kernel"
        case convolutionStride = "conv_stride"
        case convolutionPadding = "conv_padding"
        case useCNN = "use_cnn"
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
        try read(.learningRate, &learningRate)
        finalLearningRate = try container.decodeIfPresent(Double.self, forKey: .finalLearningRate)
        try read(.optimizer, &optimizer)
        try read(.optimizerEpsilon, &optimizerEpsilon)
        try read(.rmspropDecay, &rmspropDecay)
        try read(.bufferSize, &bufferSize)
        try read(.observationStorage, &observationStorage)
        try read(.learningStarts, &learningStarts)
        try read(.batchSize, &batchSize)
        try read(.gamma, &gamma)
        try read(.trainFrequency, &trainFrequency)
        try read(.gradientSteps, &gradientSteps)
        try read(.targetUpdateInterval, &targetUpdateInterval)
        try read(.tau, &tau)
        try read(.explorationFraction, &explorationFraction)
        try read(.explorationInitialEpsilon, &explorationInitialEpsilon)
        try read(.explorationFinalEpsilon, &explorationFinalEpsilon)
        try read(.maxGradNorm, &maxGradNorm)
        try read(.doubleDQN, &doubleDQN)
        try read(.dueling, &dueling)
        try read(.nStep, &nStep)
        try read(.nSampledGoal, &nSampledGoal)
        try read(.loss, &loss)
        try read(.hiddenSizes, &hiddenSizes)
        try read(.convolutionChannels, &convolutionChannels)
        try read(.convolutionKernel, &convolutionKernel)
        try read(.convolutionStride, &convolutionStride)
        try read(.convolutionPadding, &convolutionPadding)
        try read(.useCNN, &useCNN)
    }

    /// Checks ranges and names; the message names the offending key and value.
    public func validate() throws(DQNConfigError) {
        func require(_ condition: Bool, _ key: CodingKeys, _ value: Any, _ expectation: String) throws(DQNConfigError) {
            if !condition { throw DQNConfigError(key: key.rawValue, value: "\(value)", expectation: expectation) }
        }
        func sizes(_ list: [Int], upTo limit: Int) -> Bool { list.count <= AgentLimits.layerCount && list.allSatisfy { (1...limit).contains($0) } }
        try require((1...AgentLimits.totalSteps).contains(totalSteps), .totalSteps, totalSteps, "a number of steps in [1, \(AgentLimits.totalSteps)]")
        try require(learningRate > 0 && learningRate.isFinite, .learningRate, learningRate, "a positive number")
        if let finalLearningRate {
            try require(finalLearningRate >= 0 && finalLearningRate.isFinite, .finalLearningRate, finalLearningRate, "zero or more")
        }
        try require(["adam", "rmsprop", "rmsprop_centered"].contains(optimizer), .optimizer, optimizer, "adam, rmsprop or rmsprop_centered")
        try require(optimizerEpsilon > 0 && optimizerEpsilon.isFinite, .optimizerEpsilon, optimizerEpsilon, "a positive number")
        try require(rmspropDecay > 0 && rmspropDecay < 1, .rmspropDecay, rmspropDecay, "a number in (0, 1)")
        try require((1...AgentLimits.bufferSize).contains(bufferSize), .bufferSize, bufferSize, "a number of transitions in [1, \(AgentLimits.bufferSize)]")
        try require(["auto", "bits", "float32"].contains(observationStorage), .observationStorage, observationStorage, "auto, bits or float32")
        try require(learningStarts >= 0, .learningStarts, learningStarts, "zero or more steps")
        try require((1...AgentLimits.batchSize).contains(batchSize), .batchSize, batchSize, "a number in [1, \(AgentLimits.batchSize)]")
        try require(gamma >= 0 && gamma <= 1, .gamma, gamma, "a number in [0, 1]")
        try require(trainFrequency > 0, .trainFrequency, trainFrequency, "a positive number of steps")
        try require((1...AgentLimits.stepsPerUpdate).contains(gradientSteps), .gradientSteps, gradientSteps,
                    "a number in [1, \(AgentLimits.stepsPerUpdate)]")
        try require(targetUpdateInterval > 0, .targetUpdateInterval, targetUpdateInterval, "a positive number of steps")
        try require(tau > 0 && tau <= 1, .tau, tau, "a number in (0, 1]")
        try require(explorationFraction >= 0 && explorationFraction <= 1, .explorationFraction, explorationFraction, "a number in [0, 1]")
        try require((0...1).contains(explorationInitialEpsilon), .explorationInitialEpsilon, explorationInitialEpsilon, "a number in [0, 1]")
        try require((0...1).contains(explorationFinalEpsilon), .explorationFinalEpsilon, explorationFinalEpsilon, "a number in [0, 1]")
        try require(maxGradNorm >= 0 && maxGradNorm.isFinite, .maxGradNorm, maxGradNorm, "a positive number, or 0 for no clipping")
        // The n-step window must fit in the replay that stores it.
        let nStepLimit = min(bufferSize, AgentLimits.stepsPerUpdate)
        try require((1...nStepLimit).contains(nStep), .nStep, nStep, "a number of steps in [1, \(nStepLimit)] (at most buffer_size and \(AgentLimits.stepsPerUpdate))")
        try require((0...AgentLimits.sampledGoals).contains(nSampledGoal), .nSampledGoal, nSampledGoal,
                    "a number of relabelled copies in [0, \(AgentLimits.sampledGoals)]")
        try require(["huber", "mse"].contains(loss), .loss, loss, "huber or mse")
        try require(sizes(hiddenSizes, upTo: AgentLimits.layerWidth), .hiddenSizes, hiddenSizes,
                    "at most \(AgentLimits.layerCount) layer sizes, each in [1, \(AgentLimits.layerWidth)]")
        try require(sizes(convolutionChannels, upTo: AgentLimits.convolutionChannels), .convolutionChannels, convolutionChannels,
                    "at most \(AgentLimits.layerCount) channel counts, each in [1, \(AgentLimits.convolutionChannels)]")
        try require((1...AgentLimits.convolutionKernel).contains(convolutionKernel), .convolutionKernel, convolutionKernel,
                    "a kernel size in [1, \(AgentLimits.convolutionKernel)]")
        try require((1...AgentLimits.convolutionKernel).contains(convolutionStride), .convolutionStride, convolutionStride,
                    "a stride in [1, \(AgentLimits.convolutionKernel)]")
        // Padding of a kernel's size or more only adds outputs that see nothing but zeros.
        try require((0..<convolutionKernel).contains(convolutionPadding), .convolutionPadding, convolutionPadding,
                    "a padding in [0, conv_kernel - 1 = \(convolutionKernel - 1)]")
    }

    /// ε after `step` environment steps: linear from the initial to the final value
    /// over `explorationFraction * totalSteps` steps, then constant (SB3's schedule).
    public func epsilon(atStep step: Int) -> Double {
        let decaySteps = explorationFraction * Double(totalSteps)
        guard decaySteps > 0 else { return explorationFinalEpsilon }
        let progress = min(1, Double(step) / decaySteps)
        return explorationInitialEpsilon + (explorationFinalEpsilon - explorationInitialEpsilon) * progress
    }

    /// The learning rate after `step` environment steps (linear when `finalLearningRate` is set).
    public func learningRate(atStep step: Int) -> Double {
        guard let finalLearningRate else { return learningRate }
        let progress = min(1, Double(step) / Double(totalSteps))
        return learningRate + (finalLearningRate - learningRate) * progress
    }
}
