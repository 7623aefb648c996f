import Environments

/// PPO's observation and reward normalisation, as SB3's VecNormalize does it:
/// running statistics of the observations (each observation is then shifted,
/// scaled and clipped) and of each copy's discounted return (each reward is then
/// divided by the returns' standard deviation and clipped). Either half is off
/// when its statistics are nil.
struct PPONormalization {
    /// The clip of normalised observations (VecNormalize's `clip_obs`).
    static let observationClip: Float = 10
    /// Added to the variance before the square root (VecNormalize's ε).
    static let varianceEpsilon = 1e-8
    /// The clip of normalised rewards (VecNormalize's `clip_reward`).
    static let rewardClip = 10.0

    /// Running observation statistics; nil when observations pass unchanged.
    var observationStatistics: RunningMeanStd?
    /// Running statistics of the copies' discounted returns; nil when rewards pass unchanged.
    var returnStatistics: RunningMeanStd?
    /// Each copy's discounted sum of raw rewards since its episode began (what
    /// ``returnStatistics`` measures).
    var discountedReturns: [Double]
    /// The discount of ``discountedReturns``.
    let gamma: Double
    private let observationSize: Int
    private var normalized: [Float]

    init(observationSize: Int, environmentCount: Int, config: PPOConfig) {
        self.observationSize = observationSize
        gamma = config.gamma
        observationStatistics = config.normalizeObservations ? RunningMeanStd(size: observationSize) : nil
        returnStatistics = config.normalizeRewards ? RunningMeanStd(size: 1) : nil
        discountedReturns = [Double](repeating: 0, count: environmentCount)
        normalized = [Float](repeating: 0, count: observationSize)
    }

    /// Takes a batch of `count` observations (copy by copy) into the statistics,
    /// then returns each normalised with the updated statistics; unchanged when
    /// observation normalisation is off.
    mutating func updateAndNormalize(_ observations: [Float], count: Int) -> [Float] {
        guard observationStatistics != nil else { return observations }
        observationStatistics!.update(batch: observations, batchCount: count)
        var result = observations
        for copy in 0..<count {
            let range = copy * observationSize..<(copy + 1) * observationSize
            normalize(Array(observations[range]))
            result.replaceSubrange(range, with: normalized)
        }
        return result
    }

    /// `observation` normalised with the statistics as they are (they do not change).
    mutating func normalized(_ observation: [Float]) -> [Float] {
        guard observationStatistics != nil else { return observation }
        normalize(observation)
        return normalized
    }

    private mutating func normalize(_ observation: [Float]) {
        guard let statistics = observationStatistics else { return }
        let clip = Self.observationClip
        for index in 0..<observationSize {
            let scaled = (Double(observation[index]) - statistics.mean[index])
                / (statistics.variance[index] + Self.varianceEpsilon).squareRoot()
            normalized[index] = min(max(Float(scaled), -clip), clip)
        }
    }

    /// `rewards` (one per copy) scaled: each copy's discounted return (restarted
    /// where `episodeStarts` says its current episode began) takes the reward in,
    /// the statistics take every copy's return in, then each reward is divided by
    /// the returns' standard deviation and clipped. Unchanged when reward
    /// normalisation is off.
    mutating func scaled(_ rewards: [Double], episodeStarts: [Bool]) -> [Double] {
        guard returnStatistics != nil else { return rewards }
        for copy in 0..<discountedReturns.count {
            if episodeStarts[copy] { discountedReturns[copy] = 0 }
            discountedReturns[copy] = discountedReturns[copy] * gamma + rewards[copy]
        }
        returnStatistics!.update(batch: discountedReturns.map(Float.init), batchCount: discountedReturns.count)
        let deviation = (returnStatistics!.variance[0] + Self.varianceEpsilon).squareRoot()
        return rewards.map { min(max($0 / deviation, -Self.rewardClip), Self.rewardClip) }
    }
}
