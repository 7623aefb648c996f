/// When a ``VectorEnvironment`` resets a copy whose episode ended.
///
/// Both are Gymnasium's (`gymnasium.vector.AutoresetMode`); they differ in which
/// step carries the reset observation.
public enum AutoresetMode: String, Sendable, CaseIterable {
    /// Gymnasium's default. The step that ends an episode returns that episode's
    /// last observation, reward and flags, as a single environment would. The
    /// next step of that copy does not step it: it resets it, ignores the
    /// action, and returns the reset observation with reward 0, `terminated`
    /// and `truncated` false, and the reset's info. Training code must skip
    /// that transition (its "previous observation" is a final one).
    case nextStep = "next_step"
    /// The step that ends an episode resets the copy at once: its slot in the
    /// observation batch holds the new episode's first observation, the reward
    /// and flags are the ending step's, and the copy's info holds the ending
    /// step's info plus ``VectorEnvironment/finalObservationKey`` with the
    /// episode's last observation (the reset's info is not reported). Every
    /// action is taken; no step is wasted.
    case sameStep = "same_step"
}

/// How a ``VectorEnvironment`` spreads its copies over threads.
public enum VectorScheduling: Sendable, Equatable {
    /// One thread, the caller's.
    case serial
    /// Persistent worker threads, each owning a fixed chunk of copies, that
    /// poll a mailbox of their own between steps (50 µs flat out, then
    /// yielding the core until 500 µs) and then sleep; the caller's thread
    /// takes the first chunk, and any chunk whose worker has not started it.
    /// Meant for steps that follow each other closely and are each small,
    /// where waking threads would cost more than the work.
    case workerThreads(Int)
    /// `DispatchQueue.concurrentPerform` over the chunks at every step.
    case dispatch(Int)

    /// The number of threads (chunks) the copies are split over.
    public var threadCount: Int {
        switch self {
        case .serial: return 1
        case .workerThreads(let count), .dispatch(let count): return max(1, count)
        }
    }
}

/// What ``VectorEnvironment/reset(seed:options:)`` returns.
public struct VectorReset: Sendable {
    /// The first observations of every copy, copy after copy: `[N, ...]` row-major.
    public var observations: [Float]
    /// Each copy's reset info.
    public var infos: [Info]

    /// Creates a reset result.
    @inlinable
    public init(observations: [Float], infos: [Info]) {
        self.observations = observations
        self.infos = infos
    }
}

/// What ``VectorEnvironment/step(_:)`` returns: one entry per copy.
public struct VectorStep: Sendable {
    /// Every copy's observation, copy after copy: `[N, ...]` row-major.
    public var observations: [Float]
    /// Each copy's reward.
    public var rewards: [Double]
    /// Each copy's `terminated` flag (see ``AutoresetMode`` for the step after).
    public var terminated: [Bool]
    /// Each copy's `truncated` flag.
    public var truncated: [Bool]
    /// Each copy's info.
    public var infos: [Info]

    /// The key of the final observation in a copy's info (``AutoresetMode/sameStep``),
    /// as `.doubles`, the observation's entries in order.
    public static var finalObservationKey: String { "final_observation" }

    /// The last observation of copy `index`'s episode when this step ended it in
    /// ``AutoresetMode/sameStep`` mode (its slot in ``observations`` already holds
    /// the next episode's first one), or `nil` when it did not end here.
    /// Exact: every `Float` survives the `.doubles` round trip.
    public func finalObservation(ofCopy index: Int) -> [Float]? {
        guard case .doubles(let values) = infos[index][Self.finalObservationKey] else { return nil }
        return values.map(Float.init)
    }

    /// Creates a step result.
    @inlinable
    public init(observations: [Float], rewards: [Double], terminated: [Bool], truncated: [Bool], infos: [Info]) {
        self.observations = observations
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.infos = infos
    }
}
