#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The acrobot swing-up task, with the dynamics, spaces, rewards and endings of
/// Gymnasium's `Acrobot-v1`.
///
/// ## Description
///
/// Two links hang in a chain from a fixed pivot; only the joint between them
/// is actuated. The agent applies a torque of −1, 0 or +1 N·m at that joint to
/// swing the free end above a line one link length above the pivot. The
/// dynamics are the "book" equations of Sutton and Barto (2nd ed., §16.1; the
/// acrobot of Spong 1995), integrated with one classical fourth-order
/// Runge–Kutta step of ``timeStep`` (0.2 s) per action, as Gymnasium does:
///
/// ```
/// d₁ = m₁l꜀₁² + m₂(l₁² + l꜀₂² + 2l₁l꜀₂cos θ₂) + I₁ + I₂
/// d₂ = m₂(l꜀₂² + l₁l꜀₂cos θ₂) + I₂
/// φ₂ = m₂l꜀₂g·cos(θ₁ + θ₂ − π/2)
/// φ₁ = −m₂l₁l꜀₂θ̇₂²sin θ₂ − 2m₂l₁l꜀₂θ̇₂θ̇₁sin θ₂ + (m₁l꜀₁ + m₂l₁)g·cos(θ₁ − π/2) + φ₂
/// θ̈₂ = (τ + d₂/d₁·φ₁ − m₂l₁l꜀₂θ̇₁²sin θ₂ − φ₂) / (m₂l꜀₂² + I₂ − d₂²/d₁)
/// θ̈₁ = −(d₂θ̈₂ + φ₁) / d₁
/// ```
///
/// After the step both angles are wrapped into [−π, π] and the angular
/// velocities clipped to ±4π and ±9π rad/s. The state is kept in `Double` (as
/// Gymnasium's float64) and rounded to `Float` only for the observation.
///
/// ## Actions
///
/// ``actionSpace`` is `Discrete(3)`; ``Torque`` names the values.
///
/// | Action | Meaning |
/// |--------|---------|
/// | 0 (``Torque/negative``) | torque −1 N·m on the actuated joint |
/// | 1 (``Torque/none``) | no torque |
/// | 2 (``Torque/positive``) | torque +1 N·m on the actuated joint |
///
/// ## Observation
///
/// A `[Float]` of six entries in a ``Box``: the sines and cosines of the two
/// joint angles (θ₁ from straight down, θ₂ relative to the first link) and the
/// two angular velocities.
///
/// | Index | Observation | Min | Max |
/// |-------|-------------|-----|-----|
/// | 0 | cos θ₁ | −1 | 1 |
/// | 1 | sin θ₁ | −1 | 1 |
/// | 2 | cos θ₂ | −1 | 1 |
/// | 3 | sin θ₂ | −1 | 1 |
/// | 4 | θ̇₁ (rad/s) | −4π | 4π |
/// | 5 | θ̇₂ (rad/s) | −9π | 9π |
///
/// ## Rewards
///
/// −1 for every step that does not reach the target height, 0 for the step
/// that does. ``rewardThreshold`` (−100) is the return at which `Acrobot-v1`
/// counts as solved.
///
/// ## Start
///
/// Each of θ₁, θ₂, θ̇₁, θ̇₂ uniform in [−0.1, 0.1) from the environment's own
/// ``Xoshiro256``, rounded to `Float` as Gymnasium stores its start state in
/// float32.
///
/// ## Episode End
///
/// - Termination: the free end is more than one link length above the pivot,
///   `−cos θ₁ − cos(θ₁ + θ₂) > 1`.
/// - Truncation: never by `Acrobot` itself. The registered `acrobot` wraps it in
///   ``TimeLimit`` with 500 steps, as `Acrobot-v1`.
///
/// ## Options
///
/// Reset options (all optional):
///
/// - `"state": .doubles([θ₁, θ₂, θ̇₁, θ̇₂])` starts from exactly this state and
///   draws nothing from the generator.
/// - `"low"` / `"high"`: `.double` bounds of the uniform start, default −0.1
///   and 0.1, as Gymnasium's reset options of the same names.
public struct Acrobot: Environment {
    /// The three torques, as the integers the action space holds.
    public enum Torque: Int, Sendable, CaseIterable {
        /// −1 N·m.
        case negative = 0
        /// No torque.
        case none = 1
        /// +1 N·m.
        case positive = 2

        /// The torque in N·m.
        public var newtonMetres: Double { Double(rawValue - 1) }
    }

    /// The physical state: Gymnasium's `(θ₁, θ₂, θ̇₁, θ̇₂)`.
    public struct State: Equatable, Hashable, Sendable {
        /// Angle of the first link from straight down, radians, in [−π, π].
        public var angle1: Double
        /// Angle of the second link relative to the first, radians, in [−π, π].
        public var angle2: Double
        /// Angular velocity of the first link, rad/s, in [−4π, 4π].
        public var angularVelocity1: Double
        /// Angular velocity of the second link, rad/s, in [−9π, 9π].
        public var angularVelocity2: Double

        /// Creates a state from its four entries.
        public init(angle1: Double, angle2: Double, angularVelocity1: Double, angularVelocity2: Double) {
            self.angle1 = angle1
            self.angle2 = angle2
            self.angularVelocity1 = angularVelocity1
            self.angularVelocity2 = angularVelocity2
        }

        /// The entries in Gymnasium's order: `[θ₁, θ₂, θ̇₁, θ̇₂]`.
        public var entries: [Double] { [angle1, angle2, angularVelocity1, angularVelocity2] }
    }

    // MARK: - Constants (Gymnasium's Acrobot-v1)

    /// Seconds integrated per action (one Runge–Kutta step).
    public static let timeStep: Double = 0.2
    /// Length of the first link, m.
    public static let linkLength1: Double = 1.0
    /// Length of the second link, m (only drawn; the dynamics need l₁, l꜀₁, l꜀₂).
    public static let linkLength2: Double = 1.0
    /// Mass of the first link, kg.
    public static let linkMass1: Double = 1.0
    /// Mass of the second link, kg.
    public static let linkMass2: Double = 1.0
    /// Distance from the pivot to the first link's centre of mass, m.
    public static let linkCenterOfMass1: Double = 0.5
    /// Distance from the joint to the second link's centre of mass, m.
    public static let linkCenterOfMass2: Double = 0.5
    /// Moment of inertia of either link, kg·m².
    public static let linkMomentOfInertia: Double = 1.0
    /// Gravitational acceleration, m/s².
    public static let gravity: Double = 9.8
    /// The bound on θ̇₁, rad/s.
    public static let maximumVelocity1: Double = 4 * Double.pi
    /// The bound on θ̇₂, rad/s.
    public static let maximumVelocity2: Double = 9 * Double.pi
    /// The return at which `Acrobot-v1` counts as solved.
    public static let rewardThreshold: Double = -100
    /// The time limit of `Acrobot-v1`, in steps (applied by ``TimeLimit``).
    public static let maxEpisodeSteps = 500

    // MARK: - State

    /// The current physical state (read-only; set it through the `"state"` reset option).
    public private(set) var state: State

    public let observationSpace: Box
    public let actionSpace = Discrete(3)

    private var generator: Xoshiro256
    private var phase: EpisodePhase = .needsReset
    /// Kept between steps and overwritten in place.
    private var observation: [Float]

    /// Creates the environment. Until the first seeded reset the generator is
    /// seeded from the operating system, as Gymnasium does.
    public init() {
        let high: [Float] = [1, 1, 1, 1, Float(Self.maximumVelocity1), Float(Self.maximumVelocity2)]
        observationSpace = Box(low: high.map { -$0 }, high: high)
        state = State(angle1: 0, angle2: 0, angularVelocity1: 0, angularVelocity2: 0)
        generator = Xoshiro256()
        observation = [Float](repeating: 0, count: 6)
    }

    public var name: String { "Acrobot" }

    /// Starts an episode; see the type's Start and Options sections.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   unless a `"state"` option has exactly four finite numbers, and `"low"`
    ///   and `"high"` are numbers with `low` ≤ `high`.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let start = try options.resetNumbers("state", count: 4, meaning: "[theta1, theta2, dtheta1, dtheta2]", of: name)
        let (low, high) = try options.resetRange(low: -0.1, high: 0.1, of: name)
        if let seed { generator = Xoshiro256(seed: seed) }
        if let entries = start {
            state = State(angle1: entries[0], angle2: entries[1], angularVelocity1: entries[2], angularVelocity2: entries[3])
        } else {
            func draw() -> Double { Double(Float(generator.nextDouble(in: low, high))) }
            state = State(angle1: draw(), angle2: draw(), angularVelocity1: draw(), angularVelocity2: draw())
        }
        phase = .running
        writeObservation()
        return Reset(observation: observation)
    }

    /// Applies one torque for ``timeStep`` seconds; see the type's Rewards and Episode End.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        let torque = Torque(rawValue: action)!.newtonMetres
        var next = Self.rungeKuttaStep(state, torque: torque)
        next.angle1 = Self.wrap(next.angle1)
        next.angle2 = Self.wrap(next.angle2)
        next.angularVelocity1 = min(max(next.angularVelocity1, -Self.maximumVelocity1), Self.maximumVelocity1)
        next.angularVelocity2 = min(max(next.angularVelocity2, -Self.maximumVelocity2), Self.maximumVelocity2)
        state = next

        let cosAngle1 = cos(next.angle1)
        let terminated = -cosAngle1 - cos(next.angle2 + next.angle1) > 1.0
        if terminated { phase = .ended }
        writeObservation(cosAngle1: cosAngle1)
        return Step(observation: observation, reward: terminated ? 0 : -1, terminated: terminated, truncated: false)
    }

    // MARK: - Dynamics

    /// The time derivative of the state under `torque`: `(θ̇₁, θ̇₂, θ̈₁, θ̈₂)`,
    /// written in Gymnasium's operation order so the float64 results agree.
    static func derivatives(_ s: State, torque: Double) -> State {
        let m1 = linkMass1, m2 = linkMass2, l1 = linkLength1
        let lc1 = linkCenterOfMass1, lc2 = linkCenterOfMass2
        let i1 = linkMomentOfInertia, i2 = linkMomentOfInertia
        let g = gravity
        let theta1 = s.angle1, theta2 = s.angle2
        let dtheta1 = s.angularVelocity1, dtheta2 = s.angularVelocity2
        // Each sine and cosine once (the same call gives the same bits); the
        // cosines of shifted angles stay as Gymnasium writes them, not as sines.
        let cosTheta2 = cos(theta2), sinTheta2 = sin(theta2)
        let d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1) + (lc2 * lc2) + 2 * l1 * lc2 * cosTheta2) + i1 + i2
        let d2 = m2 * ((lc2 * lc2) + l1 * lc2 * cosTheta2) + i2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sinTheta2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinTheta2
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2 = (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sinTheta2 - phi2)
            / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return State(angle1: dtheta1, angle2: dtheta2, angularVelocity1: ddtheta1, angularVelocity2: ddtheta2)
    }

    /// One classical Runge–Kutta step of ``timeStep`` seconds (Gymnasium's `rk4`
    /// over the times `[0, dt]`), the torque held constant.
    static func rungeKuttaStep(_ s: State, torque: Double) -> State {
        let dt = timeStep, halfStep = timeStep / 2.0
        func offset(_ base: State, _ scale: Double, _ slope: State) -> State {
            State(angle1: base.angle1 + scale * slope.angle1, angle2: base.angle2 + scale * slope.angle2,
                  angularVelocity1: base.angularVelocity1 + scale * slope.angularVelocity1,
                  angularVelocity2: base.angularVelocity2 + scale * slope.angularVelocity2)
        }
        let k1 = derivatives(s, torque: torque)
        let k2 = derivatives(offset(s, halfStep, k1), torque: torque)
        let k3 = derivatives(offset(s, halfStep, k2), torque: torque)
        let k4 = derivatives(offset(s, dt, k3), torque: torque)
        func combine(_ y: Double, _ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double {
            y + dt / 6.0 * (a + 2 * b + 2 * c + d)
        }
        return State(
            angle1: combine(s.angle1, k1.angle1, k2.angle1, k3.angle1, k4.angle1),
            angle2: combine(s.angle2, k1.angle2, k2.angle2, k3.angle2, k4.angle2),
            angularVelocity1: combine(s.angularVelocity1, k1.angularVelocity1, k2.angularVelocity1, k3.angularVelocity1, k4.angularVelocity1),
            angularVelocity2: combine(s.angularVelocity2, k1.angularVelocity2, k2.angularVelocity2, k3.angularVelocity2, k4.angularVelocity2))
    }

    /// Wraps an angle into [−π, π] by whole turns, as Gymnasium's `wrap`.
    static func wrap(_ angle: Double) -> Double {
        var angle = angle
        let turn = Double.pi - -Double.pi
        while angle > Double.pi { angle -= turn }
        while angle < -Double.pi { angle += turn }
        return angle
    }

    @inline(__always)
    private mutating func writeObservation(cosAngle1: Double? = nil) {
        let state = state
        let cosAngle1 = cosAngle1 ?? cos(state.angle1)
        observation.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = Float(cosAngle1)
            buffer[1] = Float(sin(state.angle1))
            buffer[2] = Float(cos(state.angle2))
            buffer[3] = Float(sin(state.angle2))
            buffer[4] = Float(state.angularVelocity1)
            buffer[5] = Float(state.angularVelocity2)
        }
    }
}
