/// Repeats each action ``repeatCount`` times and returns the sum of the
/// rewards, as the frame skip of DQN on Atari (without the max over frames).
///
/// The repetition stops early when an inner step ends the episode; the returned
/// step then carries that step's observation, `terminated`, `truncated` and
/// info. Otherwise it carries the last inner step's observation and info. A
/// ``TimeLimit`` inside this wrapper counts inner steps.
public struct ActionRepeat<Wrapped: Environment>: Wrapper {
    /// The environment stepped several times per action.
    public var wrapped: Wrapped
    /// How many inner steps each action takes (at least 1).
    public let repeatCount: Int

    /// Repeats every action `repeatCount` (≥ 1) times.
    public init(_ wrapped: Wrapped, repeatCount: Int) {
        precondition(repeatCount >= 1, "ActionRepeat needs repeatCount >= 1, got \(repeatCount)")
        self.wrapped = wrapped
        self.repeatCount = repeatCount
    }

    @inlinable
    public mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
        var result = try wrapped.step(action)
        var totalReward = result.reward
        var repeats = 1
        while repeats < repeatCount && !result.terminated && !result.truncated {
            result = try wrapped.step(action)
            totalReward += result.reward
            repeats += 1
        }
        result.reward = totalReward
        return result
    }
}
