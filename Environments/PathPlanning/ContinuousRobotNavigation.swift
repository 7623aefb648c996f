/// ``RobotNavigation`` driven by velocities instead of four discrete actions.
///
/// ## Actions
/// A `[Float]` `[v, ω]` in `Box(low: [0, −turnRate], high: [forwardSpeed, turnRate])`
/// (defaults `[0, −π/2]` to `[1, π/2]`): the linear speed in m/s (forward only)
/// and the angular speed in rad/s (positive turns counter-clockwise), held for
/// one ``RobotNavigation/Configuration/timeStep``. The pose follows the exact
/// unicycle arc. An action outside the box (or NaN) throws
/// ``EnvironmentError/invalidAction(environment:action:space:)``; clip before
/// stepping.
///
/// Everything else (world, observation, rewards, endings, info, rendering) is
/// ``RobotNavigation``'s; ``base`` exposes its state.
public struct ContinuousRobotNavigation: Environment, Sendable {
    public typealias Observation = [Float]
    public typealias Action = [Float]

    /// The simulator this environment drives.
    public private(set) var base: RobotNavigation
    public let actionSpace: Box
    public let name: String

    /// Creates the environment; see ``RobotNavigation/init(configuration:seed:)``.
    public init(configuration: RobotNavigation.Configuration = .init(), seed: UInt64? = nil) {
        base = RobotNavigation(configuration: configuration, seed: seed)
        actionSpace = Box(low: [0, -Float(configuration.turnRate)],
                          high: [Float(configuration.forwardSpeed), Float(configuration.turnRate)])
        name = "Continuous" + base.name
    }

    public var observationSpace: Box { base.observationSpace }

    /// Starts an episode exactly as ``RobotNavigation/reset(seed:options:)``.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        try base.reset(seed: seed, options: options)
    }

    /// Holds `[v, ω]` for one time step; see the type's documentation.
    public mutating func step(_ action: [Float]) throws(EnvironmentError) -> Step<[Float]> {
        try base.phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: "\(action)", space: actionSpace.description)
        }
        return base.drive(linearSpeed: Double(action[0]), angularSpeed: Double(action[1]))
    }

    /// Starts an episode in a given world; see ``RobotNavigation``'s `start(in:)`.
    @discardableResult
    mutating func start(in world: World) -> Bool { base.start(in: world) }

    public func render() -> Frame? { base.render() }

    public func renderANSI() -> String? { base.renderANSI() }
}
