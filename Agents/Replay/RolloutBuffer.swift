/// The transitions of one PPO rollout, `environmentCount` sequences of `steps`
/// steps each, with advantages by generalised advantage estimation (GAE(λ),
/// Schulman, Moritz, Levine, Jordan and Abbeel 2016, "High-Dimensional
/// Continuous Control Using Generalized Advantage Estimation").
///
/// Storage is environment-major: the row of step `t` of copy `n` is
/// `n · steps + t`, so one copy's sequence is a contiguous block of rows and a
/// recurrent minibatch of whole sequences is a few contiguous copies.
///
/// `episodeStarts[row]` says that the observation of that row is the first of
/// an episode: the recurrent state is reset before it, and no value is
/// bootstrapped into the step before it.
public final class RolloutBuffer {
    /// Copies of the environment, one sequence each.
    public let environmentCount: Int
    /// Steps of each sequence.
    public let steps: Int
    /// Floats of one observation.
    public let observationSize: Int
    /// Observations as the policy saw them (normalised when that is on), `[rows, observationSize]`.
    public internal(set) var observations: [Float]
    /// Components of one continuous action; 0 when actions are discrete.
    public let actionSize: Int
    /// The discrete action taken at each row (unused for continuous actions).
    public internal(set) var actions: [Int]
    /// The continuous action sampled at each row, `[rows, actionSize]`, as the
    /// policy drew it (before any clipping to the action space), so that its
    /// log-probability can be taken again; empty for discrete actions.
    public internal(set) var continuousActions: [Float]
    /// The reward of each row (with γ·V(final observation) added where a time limit cut the episode).
    public internal(set) var rewards: [Float]
    /// The value estimate of each row's observation when it was acted on.
    public internal(set) var values: [Float]
    /// The log-probability of each row's action under the acting policy.
    public internal(set) var logProbabilities: [Float]
    /// Whether each row's observation starts an episode.
    public internal(set) var episodeStarts: [Bool]
    /// GAE(λ) advantages, filled by ``computeAdvantages(lastValues:nextEpisodeStarts:gamma:lambda:)``.
    public internal(set) var advantages: [Float]
    /// Value targets: advantages plus values.
    public internal(set) var returns: [Float]
    /// Steps stored so far in every sequence.
    public internal(set) var stepsStored = 0

    /// An empty buffer for `environmentCount` sequences of `steps` steps, with
    /// discrete actions (`actionSize` 0) or continuous ones of `actionSize` components.
    public init(environmentCount: Int, steps: Int, observationSize: Int, actionSize: Int = 0) {
        self.environmentCount = environmentCount
        self.steps = steps
        self.observationSize = observationSize
        self.actionSize = actionSize
        let rows = environmentCount * steps
        observations = [Float](repeating: 0, count: rows * observationSize)
        actions = [Int](repeating: 0, count: rows)
        continuousActions = [Float](repeating: 0, count: rows * actionSize)
        rewards = [Float](repeating: 0, count: rows)
        values = [Float](repeating: 0, count: rows)
        logProbabilities = [Float](repeating: 0, count: rows)
        episodeStarts = [Bool](repeating: false, count: rows)
        advantages = [Float](repeating: 0, count: rows)
        returns = [Float](repeating: 0, count: rows)
    }

    /// The number of rows, `environmentCount · steps`.
    public var rowCount: Int { environmentCount * steps }

    /// Whether every sequence holds `steps` steps.
    public var isFull: Bool { stepsStored == steps }

    /// The row of step `step` of copy `environment`.
    @inlinable
    public func row(environment: Int, step: Int) -> Int { environment * steps + step }

    /// Empties the buffer (the storage is kept).
    public func clear() { stepsStored = 0 }

    /// Computes advantages and returns from the rewards and values, bootstrapping
    /// the last step of each sequence from `lastValues` (the values of the
    /// observations after the rollout) unless `nextEpisodeStarts` says that
    /// observation starts a new episode:
    ///
    ///     δ_t = r_t + γ · V(s_{t+1}) · (1 − start_{t+1}) − V(s_t)
    ///     A_t = δ_t + γ · λ · (1 − start_{t+1}) · A_{t+1}
    public func computeAdvantages(lastValues: [Float], nextEpisodeStarts: [Bool], gamma: Float, lambda: Float) {
        precondition(isFull, "advantages need a full rollout")
        for environment in 0..<environmentCount {
            var advantage: Float = 0
            for step in stride(from: steps - 1, through: 0, by: -1) {
                let row = row(environment: environment, step: step)
                let nextValue: Float, nextStarts: Bool
                if step == steps - 1 {
                    nextValue = lastValues[environment]
                    nextStarts = nextEpisodeStarts[environment]
                } else {
                    nextValue = values[row + 1]
                    nextStarts = episodeStarts[row + 1]
                }
                let nonTerminal: Float = nextStarts ? 0 : 1
                let delta = rewards[row] + gamma * nextValue * nonTerminal - values[row]
                advantage = delta + gamma * lambda * nonTerminal * advantage
                advantages[row] = advantage
                returns[row] = advantage + values[row]
            }
        }
    }
}
