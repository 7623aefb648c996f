#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mountain-car task, with the dynamics, spaces, rewards and endings of
/// Gymnasium's `MountainCar-v0`.
///
/// ## Description
///
/// A car sits in a valley between two hills (the track's height is
/// `0.45·sin(3x) + 0.55`). Its engine is too weak to drive straight up the
/// right hill, so it must rock back and forth to build momentum. This is the
/// task of Moore (1990), as written by Sutton and Barto. Each step:
///
/// ```
/// v ← clip(v + (a − 1)·force − cos(3x)·gravity, −0.07, 0.07)
/// x ← clip(x + v, −1.2, 0.6)
/// if x = −1.2 and v < 0 then v ← 0     (an inelastic left wall)
/// ```
///
/// The state is kept in `Double`, as Gymnasium keeps it in float64, and
/// rounded to `Float` only for the observation.
///
/// ## Actions
///
/// ``actionSpace`` is `Discrete(3)`; ``Push`` names the values.
///
/// | Action | Meaning |
/// |--------|---------|
/// | 0 (``Push/left``) | accelerate to the left |
/// | 1 (``Push/none``) | do not accelerate |
/// | 2 (``Push/right``) | accelerate to the right |
///
/// ## Observation
///
/// A `[Float]` of two entries in a ``Box``:
///
/// | Index | Observation | Min | Max |
/// |-------|-------------|-----|-----|
/// | 0 | car position along the x axis | −1.2 | 0.6 |
/// | 1 | car velocity (position units per step) | −0.07 | 0.07 |
///
/// ## Rewards
///
/// −1 for every step, the terminating step included. ``rewardThreshold``
/// (−110) is the return at which `MountainCar-v0` counts as solved.
///
/// ## Start
///
/// Position uniform in [−0.6, −0.4) from the environment's own ``Xoshiro256``;
/// velocity 0.
///
/// ## Episode End
///
/// - Termination: position ≥ 0.5 (``goalPosition``, the top of the right hill)
///   with velocity ≥ ``goalVelocity`` (0 by default).
/// - Truncation: never by `MountainCar` itself. The registered `mountaincar`
///   wraps it in ``TimeLimit`` with 200 steps, as `MountainCar-v0`.
///
/// ## Options
///
/// Reset options (all optional):
///
/// - `"state": .doubles([x, v])` starts from exactly this state and draws
///   nothing from the generator.
/// - `"low"` / `"high"`: `.double` bounds of the uniform start position,
///   default −0.6 and −0.4, as Gymnasium's reset options of the same names.
public struct MountainCar: Environment {
    /// The three accelerations, as the integers the action space holds.
    public enum Push: Int, Sendable, CaseIterable {
        /// Accelerate towards −x.
        case left = 0
        /// Coast.
        case none = 1
        /// Accelerate towards +x.
        case right = 2
    }

    /// The physical state: Gymnasium's `(position, velocity)`.
    public struct State: Equatable, Hashable, Sendable {
        /// Position along the x axis; the valley's bottom is near −0.52.
        public var position: Double
        /// Velocity, position units per step.
        public var velocity: Double

        /// Creates a state from its two entries.
        public init(position: Double, velocity: Double) {
            self.position = position
            self.velocity = velocity
        }

        /// The entries in observation order: `[x, v]`.
        public var entries: [Double] { [position, velocity] }
    }

    // MARK: - Constants (Gymnasium's MountainCar-v0)

    /// The left end of the track (an inelastic wall).
    public static let minimumPosition: Double = -1.2
    /// The right end of the track.
    public static let maximumPosition: Double = 0.6
    /// The largest speed, position units per step.
    public static let maximumSpeed: Double = 0.07
    /// The position the car must reach: the top of the right hill.
    public static let goalPosition: Double = 0.5
    /// The engine's acceleration per step, position units per step².
    public static let force: Double = 0.001
    /// The gravity term's scale, position units per step².
    public static let gravity: Double = 0.0025
    /// The return at which `MountainCar-v0` counts as solved.
    public static let rewardThreshold: Double = -110
    /// The time limit of `MountainCar-v0`, in steps (applied by ``TimeLimit``).
    public static let maxEpisodeSteps = 200

    /// The least velocity at the goal that terminates (Gymnasium's `goal_velocity`).
    public let goalVelocity: Double

    // MARK: - State

    /// The current physical state (read-only; set it through the `"state"` reset option).
    public private(set) var state: State

    public let observationSpace: Box
    public let actionSpace = Discrete(3)

    private var generator: Xoshiro256
    private var phase: EpisodePhase = .needsReset
    /// Kept between steps and overwritten in place.
    private var observation: [Float]

    /// Creates the environment; `goalVelocity` is Gymnasium's `goal_velocity`.
    /// Until the first seeded reset the generator is seeded from the operating system.
    public init(goalVelocity: Double = 0) {
        self.goalVelocity = goalVelocity
        observationSpace = Box(
            low: [Float(Self.minimumPosition), Float(-Self.maximumSpeed)],
            high: [Float(Self.maximumPosition), Float(Self.maximumSpeed)])
        state = State(position: 0, velocity: 0)
        generator = Xoshiro256()
        observation = [0, 0]
    }

    public var name: String { "MountainCar" }

    /// Starts an episode; see the type's Start and Options sections.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   unless a `"state"` option has exactly two finite numbers, and `"low"`
    ///   and `"high"` are numbers with `low` ≤ `high`.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let start = try options.resetNumbers("state", count: 2, meaning: "[position, velocity]", of: name)
        let (low, high) = try options.resetRange(low: -0.6, high: -0.4, of: name)
        if let seed { generator = Xoshiro256(seed: seed) }
        if let entries = start {
            state = State(position: entries[0], velocity: entries[1])
        } else {
            state = State(position: generator.nextDouble(in: low, high), velocity: 0)
        }
        phase = .running
        writeObservation()
        return Reset(observation: observation)
    }

    /// Applies one acceleration; see the type's Description, Rewards and Episode End.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        var position = state.position, velocity = state.velocity
        // Gymnasium's operation order, so the float64 results agree bit for bit.
        velocity += Double(action - 1) * Self.force + cos(3 * position) * (-Self.gravity)
        velocity = min(max(velocity, -Self.maximumSpeed), Self.maximumSpeed)
        position += velocity
        position = min(max(position, Self.minimumPosition), Self.maximumPosition)
        if position == Self.minimumPosition && velocity < 0 { velocity = 0 }
        state = State(position: position, velocity: velocity)

        let terminated = position >= Self.goalPosition && velocity >= goalVelocity
        if terminated { phase = .ended }
        writeObservation()
        return Step(observation: observation, reward: -1, terminated: terminated, truncated: false)
    }

    @inline(__always)
    private mutating func writeObservation() {
        let state = state
        observation.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(state.position)
            buffer[1] = Float(state.velocity)
        }
    }
}
