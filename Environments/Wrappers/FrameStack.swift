/// Shows the agent its last `k` observations, concatenated along the first axis.
///
/// For an observation of shape `[C, H, W]` (channels-first) the stacked
/// observation has shape `[k·C, H, W]`; for a vector of shape `[n]` it is
/// `[k·n]`. The oldest observation comes first and the newest last, as in
/// Gymnasium's `FrameStackObservation` and SB3's `VecFrameStack` with channels
/// first. ``reset(seed:options:)`` fills all `k` slots with the first
/// observation (Gymnasium's `padding_type="reset"`), so the first stack is
/// already full-size and an agent needs no special case.
///
/// Each step moves the older `k − 1` observations one slot towards the front
/// and writes the newest at the end, in the stacked buffer the wrapper keeps:
/// `k × C·H·W` floats copied, no allocation while the caller does not hold on
/// to the previous stacked observation.
///
/// Needs a `Box` observation space (checked when created).
public struct FrameStack<Wrapped: Environment>: ObservationWrapper
where Wrapped.Observation == [Float] {
    /// The environment whose observations are stacked.
    public var wrapped: Wrapped
    /// How many observations are stacked (at least 1).
    public let stackSize: Int
    /// The wrapped observation space repeated ``stackSize`` times along its first axis.
    public let observationSpace: Box
    /// The number of floats in one wrapped observation.
    @usableFromInline let frameSize: Int
    /// The stacked observation, oldest first; updated in place.
    @usableFromInline var stacked: [Float]

    /// Stacks the last `stackSize` (≥ 1) observations of `wrapped`.
    public init(_ wrapped: Wrapped, stackSize: Int) {
        precondition(stackSize >= 1, "FrameStack needs stackSize >= 1, got \(stackSize)")
        let space = boxObservationSpace(of: wrapped, wrapper: "FrameStack")
        self.wrapped = wrapped
        self.stackSize = stackSize
        frameSize = space.low.count
        var shape = space.shape
        shape[0] *= stackSize
        observationSpace = Box(
            low: Array([[Float]](repeating: space.low, count: stackSize).joined()),
            high: Array([[Float]](repeating: space.high, count: stackSize).joined()),
            shape: shape)
        stacked = [Float](repeating: 0, count: frameSize * stackSize)
    }

    /// Fills every slot with the first observation, as the stack has no older ones yet.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let first = try wrapped.reset(seed: seed, options: options)
        let frameSize = frameSize, stackSize = stackSize
        precondition(first.observation.count == frameSize,
                     "\(wrapped.name) returned \(first.observation.count) floats, its space has \(frameSize)")
        stacked.withUnsafeMutableBufferPointer { stack in
            first.observation.withUnsafeBufferPointer { frame in
                for slot in 0..<stackSize {
                    _ = UnsafeMutableBufferPointer(rebasing: stack[slot * frameSize..<(slot + 1) * frameSize])
                        .update(fromContentsOf: frame)
                }
            }
        }
        return Reset(observation: stacked, info: first.info)
    }

    // Written out, not left to the refinement's default: a stack built by
    // registry option runs unspecialised, and there the default's generic
    // witness-table lookups made each step measurably slower (`rlrun bench envs`,
    // "by option" row: 85 → 125 ns per step with one ClipReward).
    @inlinable
    public mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<[Float]> {
        let step = try wrapped.step(action)
        return Step(observation: observation(step.observation), reward: step.reward, terminated: step.terminated,
                    truncated: step.truncated, info: step.info)
    }

    /// Drops the oldest observation and appends `observation` as the newest.
    @inlinable
    public mutating func observation(_ observation: [Float]) -> [Float] {
        let frameSize = frameSize, total = stacked.count
        stacked.withUnsafeMutableBufferPointer { stack in
            guard let base = stack.baseAddress else { return }
            // Overlapping ranges: `update(from:count:)` handles them like memmove.
            base.update(from: base + frameSize, count: total - frameSize)
            observation.withUnsafeBufferPointer { frame in
                (base + total - frameSize).update(from: frame.baseAddress!, count: min(frameSize, frame.count))
            }
        }
        return stacked
    }
}
