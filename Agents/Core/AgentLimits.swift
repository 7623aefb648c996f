/// Upper bounds of the size-like hyperparameters, checked by each configuration's
/// `validate()` before anything is allocated from them.
///
/// Each bound lies far above any published or preset value, yet keeps every
/// product of sizes that the agents compute (rows × observation size, fan-in ×
/// fan-out, envs × steps) within `Int`, so that a typo is refused with its limit
/// instead of trapping on an overflow or an allocation. Whether a configuration
/// within the bounds fits the machine is a separate question, answered by the
/// configuration's memory estimate.
public enum AgentLimits {
    /// Environment steps of one run: 10¹² is about a year at 30,000 steps per second.
    public static let totalSteps = 1_000_000_000_000
    /// Transitions of a replay buffer: 10⁸ (Atari DQN uses 10⁶).
    public static let bufferSize = 100_000_000
    /// Transitions or steps per gradient step: 65,536 (the presets use 32 to 256).
    public static let batchSize = 65_536
    /// Width of one dense or LSTM layer, and of PPO's encoder features: 65,536.
    public static let layerWidth = 65_536
    /// Hidden layers of one stack (MLP, heads, convolutions): 64.
    public static let layerCount = 64
    /// Output channels of one convolution: 4,096 (Nature DQN uses 64).
    public static let convolutionChannels = 4_096
    /// Kernel size and stride of the convolutions: 64 (Nature DQN's largest kernel is 8).
    public static let convolutionKernel = 64
    /// Steps summed into an n-step return, gradient steps per training call,
    /// PPO epochs, DRQN sequence length and burn-in: 10,000.
    public static let stepsPerUpdate = 10_000
    /// Hindsight copies stored per transition: 64 (HER uses 4 to 8).
    public static let sampledGoals = 64
    /// Environment copies of an on-policy run: 4,096 (the presets use 8 to 16).
    public static let environmentCount = 4_096
    /// Steps per copy of one on-policy rollout: 10⁶.
    public static let rolloutSteps = 1_000_000
    /// Rows of one on-policy rollout (`n_envs · n_steps`): 10⁸, as a replay buffer.
    public static let rolloutSize = 100_000_000
}
