/// Clips every reward to `[minimum, maximum]`, as Gymnasium's `ClipReward`.
///
/// DQN on Atari clips rewards to `[−1, 1]` so one learning rate suits every
/// game; the episode statistics an agent reports should come from inside this
/// wrapper if the true return matters. Observations, endings and info pass
/// through unchanged.
public struct ClipReward<Wrapped: Environment>: Environment {
    /// The environment whose rewards are clipped.
    public var wrapped: Wrapped
    /// The smallest reward passed on.
    public let minimum: Double
    /// The largest reward passed on.
    public let maximum: Double

    /// Clips `wrapped`'s rewards to `[minimum, maximum]` (`minimum ≤ maximum`).
    public init(_ wrapped: Wrapped, minimum: Double = -1, maximum: Double = 1) {
        precondition(minimum <= maximum, "ClipReward needs minimum <= maximum, got \(minimum) and \(maximum)")
        self.wrapped = wrapped
        self.minimum = minimum
        self.maximum = maximum
    }

    @inlinable public var observationSpace: Wrapped.ObservationSpace { wrapped.observationSpace }
    @inlinable public var actionSpace: Wrapped.ActionSpace { wrapped.actionSpace }
    public var name: String { "ClipReward<\(wrapped.name)>" }

    public mutating func reset(seed: UInt64?, options: Info) -> Reset<Wrapped.Observation> {
        wrapped.reset(seed: seed, options: options)
    }

    @inlinable
    public mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
        var result = try wrapped.step(action)
        result.reward = min(max(result.reward, minimum), maximum)
        return result
    }

    public func render() -> Frame? { wrapped.render() }
    public func renderANSI() -> String? { wrapped.renderANSI() }
}
