import Environments
import Foundation

/// A run of the A* oracle agent on a path-planning environment (`robot-nav`,
/// `robot-nav-pomdp`, `robot-nav-continuous`, `robot-grid`), logged to a run
/// folder like ``RandomRun``, with success rate and path efficiency.
///
/// The agent reads the simulator's state, not the observation: it is a
/// baseline of what planning with full knowledge achieves.
/// - On ``RobotNavigation`` it plans its own path at reset with the
///   ``AStarPlanner`` for a disc ``safetyMargin`` metres wider than the robot
///   (narrower margins, down to none, if that finds no path), then follows it
///   with the discrete actions, pure-pursuit style: aim at the point
///   ``lookahead`` metres past the robot's projection on the current segment
///   (never past the segment's end), turn toward it while the heading is off by
///   more than half a turn step, drive forward when aligned; a segment is done
///   when the projection reaches its end or the robot comes within
///   ``waypointTolerance`` metres of it.
/// - On ``ContinuousRobotNavigation`` it tracks the path the same way with
///   velocities: an angular speed that removes the heading error in one step
///   (capped at the turn rate) and a linear speed that falls from full when
///   aligned to zero at a 0.5 rad error.
/// - On ``RobotGrid`` it takes the moves of the environment's own A* path.
///
/// Episode `i` is reset with ``SeedDerivation/episodeSeed(runSeed:index:)``, so
/// `rlrun replay` re-simulates every logged episode; the agent is deterministic.
public struct AStarRun {
    /// The name the agent is logged under.
    public static let agentName = "astar"
    /// The registered environments the agent can act in.
    public static let supportedEnvironments = ["robot-nav", "robot-nav-pomdp", "robot-nav-continuous", "robot-grid"]
    /// Extra clearance the agent keeps from obstacles, in metres.
    public static let safetyMargin = 0.15
    /// How close the robot must come to a waypoint to aim at the next one, in metres.
    public static let waypointTolerance = 0.05
    /// How far ahead of its projection on the current segment the robot aims, in metres.
    public static let lookahead = 0.3

    /// The registered environment name.
    public var environment: String
    /// Option overrides, as given by the user.
    public var optionOverrides: [String: InfoValue]
    /// The run seed.
    public var seed: UInt64
    /// The number of episodes to run.
    public var episodes: Int
    /// A safety cap on episode length (the environments truncate long before it).
    public var maxEpisodeSteps: Int
    /// Where the environment name is looked up.
    public var registry: EnvironmentRegistry

    /// Describes a run; nothing is resolved or written until ``run(in:startedAt:onEpisode:)``.
    public init(environment: String, options: [String: InfoValue] = [:], seed: UInt64, episodes: Int,
                maxEpisodeSteps: Int = 1_000_000, registry: EnvironmentRegistry = .standard) {
        self.environment = environment
        self.optionOverrides = options
        self.seed = seed
        self.episodes = episodes
        self.maxEpisodeSteps = maxEpisodeSteps
        self.registry = registry
    }

    /// Resolves the environment and its options, without writing anything.
    public func configuration(startedAt date: Date = Date()) throws -> RunConfiguration {
        try RunConfiguration.resolve(
            agent: AStarRun.agentName, environment: environment, overrides: optionOverrides, seed: seed, episodes: episodes,
            maxEpisodeSteps: maxEpisodeSteps, registry: registry, startedAt: date)
    }

    /// Runs every episode, writing `config.json` and `episodes.jsonl` as
    /// ``RandomRun`` does; `onEpisode` sees each record and its outcome.
    ///
    /// - Throws: ``RunError/unsupportedEnvironment(environment:agent:supported:)``
    ///   when the environment is not a path-planning one, besides the errors of ``RandomRun``.
    public func run(in folder: RunFolder, startedAt date: Date = Date(),
                    onEpisode: (EpisodeRecord, PathPlanningOutcome) -> Void = { _, _ in }) throws -> AStarRunSummary {
        let configuration = try configuration(startedAt: date)
        let instance = try registry.spec(named: environment).make(configuration.options)
        guard instance is RobotNavigation || instance is ContinuousRobotNavigation || instance is RobotGrid else {
            throw RunError.unsupportedEnvironment(environment: configuration.environment, agent: AStarRun.agentName,
                                                  supported: AStarRun.supportedEnvironments)
        }
        let writer = try folder.startEpisodeLog(for: configuration)
        var summary = AStarRunSummary(run: RunSummary(folder: folder, returns: [], lengths: []), outcomes: [])
        let record = { (episode: EpisodeRecord, outcome: PathPlanningOutcome) throws in
            try writer.append(episode)
            summary.run.returns.append(episode.episodeReturn)
            summary.run.lengths.append(episode.length)
            summary.outcomes.append(outcome)
            onEpisode(episode, outcome)
        }
        if var navigation = instance as? RobotNavigation {
            try runEpisodes(&navigation, configuration: configuration, makePolicy: NavigationFollower.init, record: record)
        } else if var continuous = instance as? ContinuousRobotNavigation {
            try runEpisodes(&continuous, configuration: configuration, makePolicy: ContinuousNavigationFollower.init, record: record)
        } else if var grid = instance as? RobotGrid {
            try runEpisodes(&grid, configuration: configuration, makePolicy: GridFollower.init, record: record)
        }
        return summary
    }

    /// The episode loop, specialised for the concrete environment and policy.
    private func runEpisodes<E: Environment, Policy: OraclePolicy>(
        _ environment: inout E, configuration: RunConfiguration, makePolicy: (E) -> Policy,
        record: (EpisodeRecord, PathPlanningOutcome) throws -> Void
    ) throws where E.Action: LoggableAction, Policy.Simulator == E, Policy.Action == E.Action {
        for index in 0..<configuration.episodes {
            let episodeSeed = SeedDerivation.episodeSeed(runSeed: configuration.seed, index: index)
            let reset = try environment.reset(seed: episodeSeed)
            let carried = environment.carriedResetOptions
            let shortest = reset.info[RobotNavigation.InfoKey.shortestPath]?.doubleValue ?? .nan
            var policy = makePolicy(environment)
            var actions: [LoggedAction] = []
            var rewards: [Double] = []
            while true {
                guard actions.count < configuration.maxEpisodeSteps else {
                    throw RunError.episodeNeverEnded(environment: configuration.environment, episode: index,
                                                     maxSteps: configuration.maxEpisodeSteps)
                }
                let action = policy.action(in: environment)
                let step = try environment.step(action)
                actions.append(action.loggedAction)
                rewards.append(step.reward)
                if step.terminated || step.truncated {
                    let outcome = PathPlanningOutcome(finalInfo: step.info)
                        ?? PathPlanningOutcome(success: false, shortestPath: shortest, pathLength: .nan)
                    try record(EpisodeRecord(index: index, seed: episodeSeed, actions: actions, rewards: rewards,
                                             terminated: step.terminated, truncated: step.truncated, resetOptions: carried), outcome)
                    break
                }
            }
        }
    }
}

// MARK: - Oracle policies

/// A policy that reads the simulator's state (not the observation) to act.
private protocol OraclePolicy {
    associatedtype Simulator
    associatedtype Action
    mutating func action(in simulator: Simulator) -> Action
}

/// Pure pursuit along the agent's own A* path with ``RobotNavigation``'s discrete actions.
private struct NavigationFollower: OraclePolicy {
    var waypoints: [Vector2]
    var target = 1

    init(_ environment: RobotNavigation) {
        let configuration = environment.configuration
        var planner = AStarPlanner()
        var found: [Vector2]?
        for margin in [AStarRun.safetyMargin, AStarRun.safetyMargin * 2 / 3, AStarRun.safetyMargin / 3, 0] {
            if let path = planner.plan(in: environment.world, from: environment.position, to: environment.world.goal,
                                       clearance: configuration.robotRadius + margin, cellSize: configuration.plannerCellSize) {
                found = path.waypoints
                break
            }
        }
        waypoints = found ?? environment.plannedPath.waypoints
        if waypoints.count < 2 { waypoints = [environment.position, environment.world.goal] }
    }

    mutating func action(in environment: RobotNavigation) -> Int {
        let configuration = environment.configuration
        let headingError = aim(in: environment)
        let halfTurn = configuration.turnRate * configuration.timeStep / 2
        if abs(headingError) > halfTurn {
            return (headingError > 0 ? RobotNavigation.DriveAction.turnLeft : .turnRight).rawValue
        }
        return RobotNavigation.DriveAction.forward.rawValue
    }

    /// Advances along the path and returns the heading error (radians,
    /// positive: turn left) toward the point to aim at.
    mutating func aim(in environment: RobotNavigation) -> Double {
        let position = environment.position
        // A segment is done once the robot's projection on it reaches its end,
        // or the robot is within the tolerance of the end.
        while target < waypoints.count - 1 {
            let start = waypoints[target - 1], end = waypoints[target]
            let along = end - start, length = along.length
            let progress = length > 0 ? (position - start).dot(along) / length : 0
            guard progress >= length || position.distance(to: end) < AStarRun.waypointTolerance else { break }
            target += 1
        }
        // Aim at the point `lookahead` past the robot's projection on the current
        // segment, never past its end: the robot tracks the segment's line
        // (pure pursuit) instead of drifting while it homes in on a point, and
        // turns only at the corner itself, so it never cuts it.
        let start = waypoints[target - 1], end = waypoints[target]
        let along = end - start, length = along.length
        var aim = end
        if length > 0 {
            let progress = max(0, (position - start).dot(along) / length)
            aim = start + along * (min(length, progress + AStarRun.lookahead) / length)
        }
        return wrapAngle((aim - position).angle - environment.heading)
    }
}

/// The same path tracking with velocity commands for ``ContinuousRobotNavigation``:
/// turn by the whole heading error in one step when the turn rate allows, and
/// drive at full speed when nearly aligned, slower as the error grows, not at
/// all beyond ``stopAngle``.
private struct ContinuousNavigationFollower: OraclePolicy {
    /// Heading errors beyond this (radians) turn in place.
    static let stopAngle = 0.5
    var tracker: NavigationFollower

    init(_ environment: ContinuousRobotNavigation) {
        tracker = NavigationFollower(environment.base)
    }

    mutating func action(in environment: ContinuousRobotNavigation) -> [Float] {
        let configuration = environment.base.configuration
        let headingError = tracker.aim(in: environment.base)
        let turnRate = Float(configuration.turnRate)
        let angular = min(turnRate, max(-turnRate, Float(headingError / configuration.timeStep)))
        let speedFraction = max(0, 1 - abs(headingError) / Self.stopAngle)
        let linear = min(Float(configuration.forwardSpeed), Float(configuration.forwardSpeed * speedFraction))
        return [linear, angular]
    }
}

/// The moves of ``RobotGrid``'s own shortest path.
private struct GridFollower: OraclePolicy {
    var cells: [Int]
    var next = 1

    init(_ environment: RobotGrid) {
        cells = environment.shortestPathCells
    }

    mutating func action(in environment: RobotGrid) -> Int {
        let size = environment.configuration.size
        let here = environment.robotCell
        if next < cells.count, cells[next] == here { next += 1 }
        let target = next < cells.count ? cells[next] : here
        let move: RobotGrid.Move
        switch (target % size - here % size, target / size - here / size) {
        case (1, _): move = .right
        case (-1, _): move = .left
        case (_, 1): move = .up
        default: move = .down
        }
        return move.rawValue
    }
}
