/// Ends episodes after a fixed number of steps by setting `truncated`.
///
/// For environments with no time limit of their own, this is the only source of
/// truncation. A step that both terminates and reaches the limit reports
/// `terminated` and `truncated` together, as Gymnasium does; agents must treat
/// `terminated` as the stronger signal. After it truncates an episode, stepping
/// throws ``EnvironmentError/episodeEnded(environment:)`` until the next reset,
/// as the wrapped environment itself does after termination. Generic over the
/// wrapped environment, so a composition of wrappers is one specialised type with no existential call
/// per step; its ``name`` shows the nesting, such as `TimeLimit<CartPole>`.
public struct TimeLimit<Wrapped: Environment>: Wrapper {
    /// The environment being limited.
    public var wrapped: Wrapped
    /// Steps after which an episode is truncated.
    public let maxEpisodeSteps: Int
    /// Steps taken in the current episode.
    public var elapsedSteps: Int { stepsTaken }
    @usableFromInline var stepsTaken = 0
    /// Set when this wrapper truncated the episode: the wrapped environment would
    /// still step, so the wrapper itself refuses until the next reset.
    @usableFromInline var hasTruncated = false

    /// Limits every episode of `wrapped` to `maxEpisodeSteps` steps (> 0).
    public init(_ wrapped: Wrapped, maxEpisodeSteps: Int) {
        precondition(maxEpisodeSteps > 0, "TimeLimit needs maxEpisodeSteps > 0, got \(maxEpisodeSteps)")
        self.wrapped = wrapped
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Wrapped.Observation> {
        let first = try wrapped.reset(seed: seed, options: options)
        stepsTaken = 0
        hasTruncated = false
        return first
    }

    @inlinable
    public mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
        if hasTruncated { throw .episodeEnded(environment: name) }
        var result = try wrapped.step(action)
        stepsTaken += 1
        if stepsTaken >= maxEpisodeSteps {
            result.truncated = true
            hasTruncated = true
        }
        return result
    }
}
