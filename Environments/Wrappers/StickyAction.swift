/// With probability ``probability`` the environment repeats the previous
/// action instead of the agent's, as the Arcade Learning Environment's sticky
/// actions (Machado et al. 2018) and Gymnasium's `StickyAction`.
///
/// The first step of every episode always takes the agent's action (there is no
/// previous one; MinAtar instead starts from no-op). The action actually taken
/// becomes the previous action, so a stuck action can stay stuck for several
/// steps. The draws come from the wrapper's own ``Xoshiro256``, reseeded by
/// ``reset(seed:options:)`` from the seed (mixed with a fixed constant, so the
/// stream differs from the wrapped environment's), and otherwise continuing
/// across episodes; a seed therefore fixes which steps stick.
public struct StickyAction<Wrapped: Environment>: Wrapper {
    /// The environment whose actions may stick.
    public var wrapped: Wrapped
    /// The chance, in `[0, 1]`, that a step repeats the previous action.
    public let probability: Double
    @usableFromInline var generator: Xoshiro256
    @usableFromInline var previousAction: Wrapped.Action?

    /// Makes `wrapped`'s actions stick with `probability` (in `[0, 1]`).
    public init(_ wrapped: Wrapped, probability: Double) {
        precondition(probability >= 0 && probability <= 1, "StickyAction probability must lie in [0, 1], got \(probability)")
        self.wrapped = wrapped
        self.probability = probability
        generator = Xoshiro256()
    }

    /// Mixed into the reset seed so the wrapper's stream is not the environment's.
    static var seedSalt: UInt64 { 0x5711_C4A0_7105_0000 }

    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Wrapped.Observation> {
        let first = try wrapped.reset(seed: seed, options: options)
        if let seed { generator = Xoshiro256(seed: seed ^ Self.seedSalt) }
        previousAction = nil
        return first
    }

    /// Steps with `action`, or with the previous action when it sticks. The
    /// agent's action is checked against the action space either way (by the
    /// wrapped environment when it is taken).
    @inlinable
    public mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
        var taken = action
        // One draw per step, stuck or not, so the stream position depends only on the step count.
        let sticks = generator.nextUnitDouble() < probability
        if sticks, let previous = previousAction { taken = previous }
        let result = try wrapped.step(taken)
        previousAction = taken
        return result
    }
}
