#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cart-pole balancing task, with the dynamics, spaces, rewards and endings
/// of Gymnasium's `CartPole-v1`.
///
/// ## Description
///
/// A pole is attached by an unactuated hinge to a cart that moves along a
/// frictionless track. The pole starts nearly upright; the agent pushes the cart
/// left or right with a fixed force to keep it balanced. This is the cart-pole
/// problem of Barto, Sutton and Anderson (1983), with the equations of motion of
/// Florian (2007) integrated by explicit Euler steps of ``timeStep`` seconds:
///
/// ```
/// temp      = (force + m_p·l·θ̇²·sin θ) / (m_c + m_p)
/// θ̈         = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
/// ẍ         = temp − m_p·l·θ̈·cos θ / (m_c + m_p)
/// x  += τ·ẋ;   ẋ += τ·ẍ;   θ += τ·θ̇;   θ̇ += τ·θ̈
/// ```
///
/// where `l` is the pole's half-length (``poleHalfLength``). The state is kept in
/// `Double`, as Gymnasium keeps it in float64, and rounded to `Float` only for
/// the observation.
///
/// ## Actions
///
/// ``actionSpace`` is `Discrete(2)`; ``Push`` names the values.
///
/// | Action | Meaning |
/// |--------|---------|
/// | 0 (``Push/left``) | push the cart to the left with ``forceMagnitude`` |
/// | 1 (``Push/right``) | push the cart to the right with ``forceMagnitude`` |
///
/// ## Observation
///
/// A `[Float]` of four entries; ``observationSpace`` is a ``Box`` with
/// Gymnasium's bounds (twice the termination thresholds for position and
/// angle, so the observation of a terminating step still lies inside):
///
/// | Index | Observation | Min | Max |
/// |-------|-------------|-----|-----|
/// | 0 | cart position (m) | −4.8 | 4.8 |
/// | 1 | cart velocity (m/s) | −`Float.greatestFiniteMagnitude` | `Float.greatestFiniteMagnitude` |
/// | 2 | pole angle from upright, clockwise positive (rad) | ≈ −0.419 (−24°) | ≈ 0.419 (24°) |
/// | 3 | pole angular velocity (rad/s) | −`Float.greatestFiniteMagnitude` | `Float.greatestFiniteMagnitude` |
///
/// The entries are the velocities, not finite differences, and a positive angle
/// means the pole leans right (towards +x).
///
/// ## Rewards
///
/// +1 for every step, including the step that terminates the episode
/// (Gymnasium's `v1` semantics). An episode's return is its length.
/// ``rewardThreshold`` (475) is the return at which the task counts as solved.
///
/// ## Start
///
/// Each of the four state entries is drawn independently and uniformly from
/// [−0.05, 0.05) with the environment's own ``Xoshiro256``, in the order
/// position, velocity, angle, angular velocity.
///
/// ## Episode End
///
/// - Termination: the cart position leaves [−2.4, 2.4] m (``positionThreshold``;
///   `|x| > 2.4`, so exactly 2.4 still runs).
/// - Termination: the pole angle leaves [−12°, 12°] (``angleThreshold``,
///   `12·2π/360` rad; exactly 12° still runs).
/// - Truncation: never by `CartPole` itself. The registered `cartpole`
///   environment wraps it in ``TimeLimit`` with 500 steps, as `CartPole-v1`.
///
/// Stepping after termination throws ``EnvironmentError/episodeEnded(environment:)``
/// instead of Gymnasium's warning and zero reward.
///
/// ## Options
///
/// Reset options (all optional):
///
/// - `"state": .doubles([x, ẋ, θ, θ̇])` starts from exactly this state and draws
///   nothing from the generator (for tests and for replaying Gymnasium
///   trajectories).
/// - `"low"` / `"high"`: `.double` bounds of the uniform start distribution,
///   default −0.05 and 0.05, as Gymnasium's reset options of the same names.
public struct CartPole: Environment {
    /// The two pushes, as the integers the action space holds.
    public enum Push: Int, Sendable, CaseIterable {
        /// Push the cart towards −x.
        case left = 0
        /// Push the cart towards +x.
        case right = 1
    }

    /// The physical state: Gymnasium's `(x, x_dot, theta, theta_dot)`.
    public struct State: Equatable, Hashable, Sendable, CustomStringConvertible {
        /// Cart position along the track, metres; 0 is the track's centre.
        public var cartPosition: Double
        /// Cart velocity, metres per second.
        public var cartVelocity: Double
        /// Pole angle from upright, radians; positive leans towards +x.
        public var poleAngle: Double
        /// Pole angular velocity, radians per second.
        public var poleAngularVelocity: Double

        /// Creates a state from its four entries.
        public init(cartPosition: Double, cartVelocity: Double, poleAngle: Double, poleAngularVelocity: Double) {
            self.cartPosition = cartPosition
            self.cartVelocity = cartVelocity
            self.poleAngle = poleAngle
            self.poleAngularVelocity = poleAngularVelocity
        }

        /// The entries in observation order: `[x, ẋ, θ, θ̇]`.
        public var entries: [Double] { [cartPosition, cartVelocity, poleAngle, poleAngularVelocity] }

        public var description: String {
            "State(x: \(cartPosition), xDot: \(cartVelocity), theta: \(poleAngle), thetaDot: \(poleAngularVelocity))"
        }
    }

    // MARK: - Constants (Gymnasium's CartPole-v1)

    /// Gravitational acceleration, m/s².
    public static let gravity: Double = 9.8
    /// Mass of the cart, kg.
    public static let cartMass: Double = 1.0
    /// Mass of the pole, kg.
    public static let poleMass: Double = 0.1
    /// Half the pole's length (hinge to centre of mass), m.
    public static let poleHalfLength: Double = 0.5
    /// Magnitude of the force of either push, N.
    public static let forceMagnitude: Double = 10.0
    /// Seconds between state updates (Gymnasium's `tau`).
    public static let timeStep: Double = 0.02
    /// The cart position beyond which the episode terminates, m.
    public static let positionThreshold: Double = 2.4
    /// The pole angle beyond which the episode terminates: 12°, in radians.
    public static let angleThreshold: Double = 12 * 2 * Double.pi / 360
    /// The return at which `CartPole-v1` counts as solved.
    public static let rewardThreshold: Double = 475
    /// The time limit of `CartPole-v1`, in steps (applied by ``TimeLimit``).
    public static let maxEpisodeSteps = 500

    /// Cart plus pole, kg; summed as Gymnasium sums it so results match bit for bit.
    static let totalMass: Double = poleMass + cartMass
    /// Pole mass times half-length, kg·m.
    static let poleMassLength: Double = poleMass * poleHalfLength

    // MARK: - State

    /// The current physical state (read-only; set it through the `"state"` reset option).
    public private(set) var state: State

    public let observationSpace: Box
    public let actionSpace = Discrete(2)

    private var generator: Xoshiro256
    private var phase: EpisodePhase = .needsReset
    /// Kept between steps and overwritten in place, so stepping allocates nothing
    /// while the caller does not hold on to the previous observation.
    private var observation: [Float]

    /// Creates the environment. Until the first seeded reset the generator is
    /// seeded from the operating system, as Gymnasium does.
    public init() {
        let high: [Float] = [
            Float(2 * Self.positionThreshold),
            .greatestFiniteMagnitude,
            Float(2 * Self.angleThreshold),
            .greatestFiniteMagnitude,
        ]
        observationSpace = Box(low: high.map { -$0 }, high: high)
        state = State(cartPosition: 0, cartVelocity: 0, poleAngle: 0, poleAngularVelocity: 0)
        generator = Xoshiro256()
        observation = [0, 0, 0, 0]
    }

    public var name: String { "CartPole" }

    /// Starts an episode; see the type's Start and Options sections.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   unless a `"state"` option has exactly four finite numbers, and `"low"`
    ///   and `"high"` are numbers with `low` ≤ `high`.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let start = try options.resetNumbers("state", count: 4, meaning: "[x, xDot, theta, thetaDot]", of: name)
        let (low, high) = try options.resetRange(low: -0.05, high: 0.05, of: name)
        if let seed { generator = Xoshiro256(seed: seed) }
        if let entries = start {
            state = State(cartPosition: entries[0], cartVelocity: entries[1], poleAngle: entries[2], poleAngularVelocity: entries[3])
        } else {
            state = State(
                cartPosition: generator.nextDouble(in: low, high),
                cartVelocity: generator.nextDouble(in: low, high),
                poleAngle: generator.nextDouble(in: low, high),
                poleAngularVelocity: generator.nextDouble(in: low, high))
        }
        phase = .running
        writeObservation()
        return Reset(observation: observation)
    }

    /// Applies one push for ``timeStep`` seconds; see the type's Rewards and Episode End.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        let force = action == Push.right.rawValue ? Self.forceMagnitude : -Self.forceMagnitude
        var x = state.cartPosition, xDot = state.cartVelocity
        var theta = state.poleAngle, thetaDot = state.poleAngularVelocity
        let cosTheta = cos(theta), sinTheta = sin(theta)

        // Written in Gymnasium's operation order so the floating-point results agree.
        let temp = (force + Self.poleMassLength * (thetaDot * thetaDot) * sinTheta) / Self.totalMass
        let thetaAcceleration = (Self.gravity * sinTheta - cosTheta * temp)
            / (Self.poleHalfLength * (4.0 / 3.0 - Self.poleMass * (cosTheta * cosTheta) / Self.totalMass))
        let xAcceleration = temp - Self.poleMassLength * thetaAcceleration * cosTheta / Self.totalMass

        x += Self.timeStep * xDot
        xDot += Self.timeStep * xAcceleration
        theta += Self.timeStep * thetaDot
        thetaDot += Self.timeStep * thetaAcceleration
        state = State(cartPosition: x, cartVelocity: xDot, poleAngle: theta, poleAngularVelocity: thetaDot)

        let terminated = x < -Self.positionThreshold || x > Self.positionThreshold
            || theta < -Self.angleThreshold || theta > Self.angleThreshold
        if terminated { phase = .ended }
        writeObservation()
        return Step(observation: observation, reward: 1, terminated: terminated, truncated: false)
    }

    /// Copies the state into the kept observation buffer, in place.
    @inline(__always)
    private mutating func writeObservation() {
        let state = state
        observation.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(state.cartPosition)
            buffer[1] = Float(state.cartVelocity)
            buffer[2] = Float(state.poleAngle)
            buffer[3] = Float(state.poleAngularVelocity)
        }
    }
}
