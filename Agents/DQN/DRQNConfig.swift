/// Every hyperparameter of ``DRQNAgent``: those it shares with DQN (in ``dqn``,
/// with the same preset keys and meanings) plus the recurrent ones.
///
/// Differences in meaning from DQN:
/// - `batch_size` counts sequences (windows), not transitions; a gradient step
///   sees up to `batch_size · sequence_length` trained steps.
/// - `hidden_sizes` are the dense layers of the encoder, before the LSTM; the
///   Q head (Dense or dueling) sits on the LSTM's output.
/// - `n_step` is not a key: targets are one-step (the window supplies the
///   bootstrap state), so ``dqn``'s `nStep` stays 1.
///
/// Preset files (Experiments/Presets/drqn/*.yaml) hold all keys in one flat mapping.
public struct DRQNConfig: AgentConfiguration {
    /// The hyperparameters shared with DQN (optimiser, replay, ε schedule, targets, encoder).
    public var dqn = DQNConfig()
    /// Trained steps per sampled window (the loss covers these).
    public var sequenceLength = 8
    /// Steps before the trained part of each window that only warm the LSTM state
    /// up from zero (no loss), as R2D2's burn-in (Kapturowski et al. 2019).
    public var burnIn = 4
    /// Features of the LSTM's hidden and cell state.
    public var lstmHiddenSize = 64

    /// Creates the default configuration.
    public init() {}

    /// Environment steps to train for (``dqn``'s).
    public var totalSteps: Int {
        get { dqn.totalSteps }
        set { dqn.totalSteps = newValue }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sequenceLength = "sequence_length"
        case burnIn = "burn_in"
        case lstmHiddenSize = "lstm_hidden_size"
    }

    /// The preset-file keys: DQN's (without `n_step`), then the recurrent ones.
    public static var keys: [String] { DQNConfig.keys.filter { $0 != "n_step" } + CodingKeys.allCases.map(\.rawValue) }

    /// Reads present keys and keeps defaults for absent ones.
    public init(from decoder: any Decoder) throws {
        dqn = try DQNConfig(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequenceLength = try container.decodeIfPresent(Int.self, forKey: .sequenceLength) ?? sequenceLength
        burnIn = try container.decodeIfPresent(Int.self, forKey: .burnIn) ?? burnIn
        lstmHiddenSize = try container.decodeIfPresent(Int.self, forKey: .lstmHiddenSize) ?? lstmHiddenSize
    }

    /// Writes one flat mapping: DQN's keys and the recurrent ones.
    public func encode(to encoder: any Encoder) throws {
        try dqn.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequenceLength, forKey: .sequenceLength)
        try container.encode(burnIn, forKey: .burnIn)
        try container.encode(lstmHiddenSize, forKey: .lstmHiddenSize)
    }

    /// Checks ranges (DQN's checks first); the message names the offending key and value.
    public func validate() throws(AgentConfigError) {
        try dqn.validate()
        func require(_ condition: Bool, _ key: String, _ value: Any, _ expectation: String) throws(AgentConfigError) {
            if !condition { throw AgentConfigError(key: key, value: "\(value)", expectation: expectation) }
        }
        try require(dqn.nStep == 1, "n_step", dqn.nStep, "1 (DRQN's targets are one-step)")
        let steps = AgentLimits.stepsPerUpdate
        try require((1...steps).contains(sequenceLength), CodingKeys.sequenceLength.rawValue, sequenceLength, "a number of steps in [1, \(steps)]")
        try require((0...steps).contains(burnIn), CodingKeys.burnIn.rawValue, burnIn, "a number of steps in [0, \(steps)]")
        // A window (burn-in and trained steps) must fit in the replay it is sampled from.
        try require(burnIn + sequenceLength <= dqn.bufferSize, CodingKeys.sequenceLength.rawValue, sequenceLength,
                    "a window (burn_in + sequence_length = \(burnIn + sequenceLength)) no longer than buffer_size = \(dqn.bufferSize)")
        try require((1...AgentLimits.layerWidth).contains(lstmHiddenSize), CodingKeys.lstmHiddenSize.rawValue, lstmHiddenSize,
                    "a size in [1, \(AgentLimits.layerWidth)]")
    }
}
