#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A differential-drive robot with a lidar drives to a goal among discs and
/// rectangles, in a continuous 2D world; each episode's shortest collision-free
/// path length is known from an A* oracle.
///
/// ## Description
/// A ``World`` of ``Configuration/worldSize`` × ``Configuration/worldSize``
/// metres (default 10 m) with ``Configuration/obstacleCount`` obstacles (discs
/// and rotated rectangles) is drawn from the environment's generator at every
/// reset. The robot is a disc of ``Configuration/robotRadius`` (0.2 m) with a
/// pose (x, y, heading). The world is drawn again until the ``AStarPlanner``
/// finds a path from start to goal for a disc ``Configuration/passageMargin``
/// (0.1 m) wider than the robot, so every episode can be solved with room to
/// spare, by passages at least 0.2 m wider than the robot (after 20 failed
/// draws, each further draw has one obstacle fewer, so generation always ends).
///
/// The robot moves as a unicycle: with linear speed `v` (m/s) and angular speed
/// `ω` (rad/s) held for ``Configuration/timeStep`` seconds, the pose follows the
/// exact arc (a straight line when `ω = 0`, a turn in place when `v = 0`).
/// Collisions are checked at the end of each step; a step moves at most
/// `forwardSpeed · timeStep` (0.1 m), less than the robot's diameter and the
/// thinnest obstacle (0.3 m), so no obstacle can be jumped over.
///
/// ## Actions
/// `Discrete(4)`, named by ``DriveAction``:
///
/// | Action | Meaning | v (m/s) | ω (rad/s) |
/// |--------|---------|---------|-----------|
/// | 0 (``DriveAction/forward``) | drive ahead | ``Configuration/forwardSpeed`` (1.0) | 0 |
/// | 1 (``DriveAction/turnLeft``) | turn in place, counter-clockwise | 0 | ``Configuration/turnRate`` (π/2) |
/// | 2 (``DriveAction/turnRight``) | turn in place, clockwise | 0 | −``Configuration/turnRate`` |
/// | 3 (``DriveAction/slowForward``) | creep ahead | ``Configuration/slowSpeed`` (0.25) | 0 |
///
/// With the defaults a step moves 0.1 m (forward), 0.025 m (slow forward) or
/// turns 9°. ``ContinuousRobotNavigation`` (`robot-nav-continuous`) takes the
/// velocities directly instead.
///
/// ## Observation
/// A `[Float]` of `beamCount + 3` entries in a ``Box``:
///
/// | Index | Observation | Min | Max |
/// |-------|-------------|-----|-----|
/// | 0 ..< N | lidar beam `i` (see ``Lidar``: beam 0 ahead, counter-clockwise) divided by ``Configuration/lidarRange`` | 0 | 1 |
/// | N | distance to the goal centre divided by the world's diagonal | 0 | 1 |
/// | N + 1 | sine of the goal's bearing in the robot's frame (positive: goal to the left) | −1 | 1 |
/// | N + 2 | cosine of the goal's bearing (1: goal straight ahead) | −1 | 1 |
///
/// The bearing is given as sine and cosine, so it has no jump at ±180°.
///
/// With ``Configuration/goalVisibleSteps`` = `K` and ``Configuration/goalPeriod``
/// = `P` (the `robot-nav-pomdp` registration: `K` = 1, `P` = 40) the goal is a
/// beacon that is heard only now and then: observations `t` with `t mod P < K`
/// (the reset's is `t` = 0) show it as above, from the robot's own pose, and
/// the others do not (with no period, only the first `K` show it). Every
/// observation carries odometry instead: the last step's motion in the robot's
/// frame before that step, as a real robot's wheel encoders and gyro give it.
/// The observation then has `beamCount + 7` entries:
///
/// | Index | Observation | Min | Max |
/// |-------|-------------|-----|-----|
/// | 0 ..< N | lidar, as above | 0 | 1 |
/// | N | 1 when the goal is shown, else 0 | 0 | 1 |
/// | N + 1 | distance to the goal centre divided by the world's diagonal (0 while hidden) | 0 | 1 |
/// | N + 2 | sine of the goal's bearing in the robot's frame (0 while hidden) | −1 | 1 |
/// | N + 3 | cosine of the goal's bearing (0 while hidden) | −1 | 1 |
/// | N + 4 | the last step's displacement ahead, divided by `forwardSpeed · timeStep` (0 at reset) | −1 | 1 |
/// | N + 5 | the last step's displacement to the left, likewise (0 for the discrete actions) | −1 | 1 |
/// | N + 6 | the last step's heading change divided by `turnRate · timeStep` (positive: left) | −1 | 1 |
///
/// With the discrete actions the last three entries are (1, 0, 0) after
/// ``DriveAction/forward``, (0.25, 0, 0) after ``DriveAction/slowForward`` and
/// (0, 0, ±1) after a turn: the previous action, which recurrent agents commonly
/// observe (the reward is not observed: its progress term would give the goal
/// away). Between pings memory must keep the goal, and the increments are what
/// it takes to keep it up to date: a turn by `dθ` rotates the remembered goal
/// vector by `−dθ`, a step ahead by `d` moves it `d` closer along the heading
/// (dead reckoning in small egocentric updates, which an LSTM learns far more
/// easily than start-frame coordinates). A period bounds how long the estimate
/// must hold: with the goal shown once (no period) recurrent PPO did not learn
/// to use it (training success near 5% through 4M steps, nine episodes in ten
/// truncated).
///
/// Why memory is needed: between pings a memoryless policy's input (lidar and
/// its own last action) is a function of the world and the pose alone, the
/// same wherever the goal lies, so it acts on the goal in one step of every
/// `P` and otherwise can only keep or change what it was doing: at best it
/// steers a course corrected once every `P` steps. With the registration's
/// defaults the memoryless ceiling is 50% success, measured rather than proved:
/// memoryless PPO trained with 10M steps reaches 0.41 (0.47 over 1000 further
/// episodes, SPL 0.21), a uniformly random policy 0.006, and recurrent PPO with
/// the same budget and hyperparameters 0.935 (SPL 0.82); the presets
/// `ppo/robot-nav-pomdp.yaml` and `ppo-lstm/robot-nav-pomdp.yaml` give the
/// details. The ceiling falls as `P` grows; with no period the goal shapes
/// only a memoryless policy's first action.
///
/// ## Rewards
/// Every step: the decrease of the straight-line distance to the goal centre
/// (metres, progress is positive), minus ``Configuration/stepCost`` (0.01).
/// The step that reaches the goal adds ``Configuration/goalReward`` (+10); the
/// step that collides adds −``Configuration/collisionPenalty`` (−10).
///
/// ## Start
/// At the world's random start (clearance at least `robotRadius + 0.3` m)
/// with a uniform heading; the goal has clearance at least
/// `robotRadius + goalRadius + 0.1` m (so reaching it never collides) and lies at
/// least half the world's side from the start.
///
/// ## Episode End
/// - Termination: the robot's centre comes within ``Configuration/goalRadius``
///   (0.3 m) of the goal (`"success": true`), or its disc touches an obstacle or
///   a wall (`"success": false`). Collision is checked first.
/// - Truncation: the step count reaches ``Configuration/maxSteps`` (500).
///
/// ## Info
/// Reset and the last step carry `"shortest_path"` (`.double`, metres): the
/// length of the shortest collision-free path from the start into the goal
/// region, i.e. the planned path to the goal centre minus `goalRadius` (exact,
/// since the goal region is free of obstacles), with the planner's accuracy (see
/// ``AStarPlanner``): it is the length of a real collision-free path, so an
/// upper bound on the optimum; about half the episodes have a clear straight
/// line, where it is exact; over the others it averages 0.4% above the path the
/// same planner finds on a 0.02 m grid (measured over 500 seeds), more only in
/// the rare world whose shortest route squeezes through a gap the 0.1 m grid
/// rounds shut. The last step also carries `"success"` (`.bool`)
/// and `"path_length"` (`.double`, metres driven: the sum of `|v| · timeStep`),
/// so evaluation can report success rate and path efficiency (shortest / driven).
/// Other steps carry an empty info, which costs nothing.
public struct RobotNavigation: Environment, Sendable {
    public typealias Observation = [Float]
    public typealias Action = Int

    /// The discrete actions; the raw value is the action number.
    public enum DriveAction: Int, Sendable, CaseIterable {
        /// Drive straight at ``Configuration/forwardSpeed``.
        case forward
        /// Turn counter-clockwise in place at ``Configuration/turnRate``.
        case turnLeft
        /// Turn clockwise in place at ``Configuration/turnRate``.
        case turnRight
        /// Drive straight at ``Configuration/slowSpeed``.
        case slowForward
    }

    /// Info keys this environment writes.
    public enum InfoKey {
        /// `.double`, metres: the shortest collision-free path from start to the goal region.
        public static let shortestPath = "shortest_path"
        /// `.bool`, last step only: whether the robot reached the goal.
        public static let success = "success"
        /// `.double`, metres, last step only: the distance driven in the episode.
        public static let pathLength = "path_length"
    }

    /// Everything that defines a robot-navigation task; lengths in metres,
    /// times in seconds, angles in radians.
    public struct Configuration: Equatable, Sendable {
        /// The side of the square world.
        public var worldSize = 10.0
        /// Obstacles drawn per world.
        public var obstacleCount = 10
        /// The radius of the robot's disc.
        public var robotRadius = 0.2
        /// The robot's centre must come this close to the goal centre.
        public var goalRadius = 0.3
        /// Lidar beams.
        public var beamCount = 16
        /// The lidar's maximum range (3.5 m, as the LDS-01 lidar of the TurtleBot3).
        public var lidarRange = 3.5
        /// Seconds per step.
        public var timeStep = 0.1
        /// Linear speed of ``DriveAction/forward`` and the largest continuous one, m/s.
        public var forwardSpeed = 1.0
        /// Linear speed of ``DriveAction/slowForward``, m/s.
        public var slowSpeed = 0.25
        /// Angular speed of the turns and the largest continuous one, rad/s.
        public var turnRate = Double.pi / 2
        /// The step count at which an episode is truncated.
        public var maxSteps = 500
        /// Subtracted from every step's reward.
        public var stepCost = 0.01
        /// Added on the step that reaches the goal.
        public var goalReward = 10.0
        /// Subtracted on the step that collides.
        public var collisionPenalty = 10.0
        /// `nil`: the goal is always observed; `K`: only in the first `K` observations (of
        /// every ``goalPeriod``, when set), with the last step's motion added (see the
        /// type's Observation section).
        public var goalVisibleSteps: Int? = nil
        /// With ``goalVisibleSteps`` = `K`: `nil` shows the goal only in the first `K`
        /// observations; `P` shows it again in the first `K` of every `P` (a beacon that
        /// pings every `P · timeStep` seconds), so memory must bridge `P − K` steps.
        public var goalPeriod: Int? = nil
        /// The planner's grid resolution.
        public var plannerCellSize = 0.1
        /// Worlds are kept only if a disc this much wider than the robot (in
        /// radius) can reach the goal, so every episode has passages at least
        /// `2 · passageMargin` wider than the robot, not just a hair's breadth.
        public var passageMargin = 0.1

        /// The default task (`robot-nav`).
        public init() {}

        /// Why this configuration cannot work, or `nil` when it is valid.
        public var validationProblem: String? {
            // A world of 1 km holds any task here; the bound keeps the planner's grid below finite.
            if !(worldSize >= 3 && worldSize <= 1000) { return "worldSize must lie in [3, 1000] m, got \(worldSize)" }
            let obstacleLimit = OptionLimits.obstacles(worldSize: worldSize)
            if obstacleCount < 0 || obstacleCount > obstacleLimit {
                return "obstacleCount must lie in [0, \(obstacleLimit)] for a \(worldSize) m world, got \(obstacleCount)"
            }
            if !(robotRadius > 0 && robotRadius <= worldSize / 10) { return "robotRadius must lie in (0, worldSize / 10], got \(robotRadius)" }
            if !(goalRadius > 0 && goalRadius <= worldSize / 10) { return "goalRadius must lie in (0, worldSize / 10], got \(goalRadius)" }
            if beamCount < 1 || beamCount > OptionLimits.lidarBeams { return "beamCount must lie in [1, \(OptionLimits.lidarBeams)], got \(beamCount)" }
            if !(lidarRange > 0 && lidarRange.isFinite) { return "lidarRange must be positive, got \(lidarRange)" }
            if !(timeStep > 0 && forwardSpeed > 0 && slowSpeed > 0 && turnRate > 0) { return "timeStep and speeds must be positive" }
            if forwardSpeed * timeStep >= 2 * robotRadius { return "a forward step (\(forwardSpeed * timeStep) m) must be shorter than the robot's diameter" }
            if maxSteps < 1 { return "maxSteps must be positive, got \(maxSteps)" }
            if let steps = goalVisibleSteps, steps < 1 { return "goalVisibleSteps must be at least 1, got \(steps)" }
            if let period = goalPeriod {
                // A period of K or less would show the goal always.
                guard let steps = goalVisibleSteps, period > steps else {
                    return "goalPeriod needs goalVisibleSteps and must exceed it, got \(period)"
                }
            }
            if !(plannerCellSize > 0 && plannerCellSize <= robotRadius) { return "plannerCellSize must lie in (0, robotRadius], got \(plannerCellSize)" }
            // The A* oracle allocates its grid from this ratio at every reset.
            if worldSize / plannerCellSize > Double(OptionLimits.gridSide) {
                return "plannerCellSize must be at least worldSize / \(OptionLimits.gridSide) = \(worldSize / Double(OptionLimits.gridSide)) m "
                    + "(at most \(OptionLimits.gridSide) cells per side), got \(plannerCellSize)"
            }
            if !(passageMargin >= 0 && passageMargin <= 0.2) { return "passageMargin must lie in [0, 0.2], got \(passageMargin)" }
            return nil
        }

        /// The world recipe: start and goal clearances as the type's documentation states.
        public var generation: World.Generation {
            World.Generation(width: worldSize, height: worldSize, obstacleCount: obstacleCount,
                             startClearance: robotRadius + 0.3, goalClearance: robotRadius + goalRadius + 0.1)
        }
    }

    // MARK: - Configuration

    /// The task.
    public let configuration: Configuration
    /// The lidar the observation reads.
    public let lidar: Lidar
    public let observationSpace: Box
    public let actionSpace: Discrete
    public let name: String

    // MARK: - State

    /// The current episode's world.
    public private(set) var world: World
    /// The robot's centre.
    public private(set) var position: Vector2
    /// The robot's heading, radians counter-clockwise from east, in `(-π, π]`.
    public private(set) var heading: Double
    /// Steps taken in the current episode.
    public private(set) var stepCount = 0
    /// Whether stepping is allowed now.
    public private(set) var phase = EpisodePhase.needsReset
    /// The oracle's path for this episode (start to goal centre).
    public private(set) var plannedPath: AStarPlanner.Path
    /// The ``InfoKey/shortestPath`` of this episode, in metres.
    public private(set) var shortestPathLength: Double
    /// Metres driven in this episode.
    public private(set) var drivenLength = 0.0
    /// The robot's centre after reset and after every step of this episode.
    public private(set) var trail: [Vector2] = []
    /// Whether the last step collided.
    public private(set) var collided = false
    /// Whether the last step reached the goal.
    public private(set) var reachedGoal = false
    /// The random stream that draws the worlds.
    public private(set) var generator: Xoshiro256
    private var planner = AStarPlanner()
    private var goalDistance = 0.0
    /// `cos(heading)` and `sin(heading)`, updated only when the heading changes.
    private var headingCosine = 1.0, headingSine = 0.0
    /// The last step's motion in the robot's frame before that step (metres ahead,
    /// metres to the left, radians turned): the partially observable variant's odometry.
    private var lastDisplacement = Vector2.zero, lastTurn = 0.0
    private var observation: [Float]

    /// Creates the environment and draws a first world (replaced at every reset).
    ///
    /// - Parameters:
    ///   - configuration: the task; see ``Configuration``.
    ///   - seed: seeds the generator; `nil` seeds it from system entropy.
    /// - Precondition: the configuration is valid (``Configuration/validationProblem``
    ///   is `nil`); the registry's factories check and throw instead.
    public init(configuration: Configuration = Configuration(), seed: UInt64? = nil) {
        if let problem = configuration.validationProblem { preconditionFailure("RobotNavigation: \(problem)") }
        self.configuration = configuration
        self.lidar = Lidar(beamCount: configuration.beamCount, maxRange: configuration.lidarRange)
        let beams = configuration.beamCount
        // The partially observable variant adds the "shown" flag and the three motion entries.
        let odometry = configuration.goalVisibleSteps == nil ? 0 : 4
        let goalLow: [Float] = configuration.goalVisibleSteps == nil ? [0, -1, -1] : [0, 0, -1, -1, -1, -1, -1]
        self.observationSpace = Box(low: [Float](repeating: 0, count: beams) + goalLow,
                                    high: [Float](repeating: 1, count: beams + 3 + odometry))
        self.actionSpace = Discrete(DriveAction.allCases.count)
        self.name = configuration.goalVisibleSteps.map { steps in
            "RobotNavigation(goal visible \(steps) steps" + (configuration.goalPeriod.map { " of every \($0)" } ?? "") + ")"
        } ?? "RobotNavigation"
        self.generator = seed.map(Xoshiro256.init(seed:)) ?? Xoshiro256()
        self.observation = [Float](repeating: 0, count: beams + 3 + odometry)
        let empty = World(width: configuration.worldSize, height: configuration.worldSize, obstacles: [], start: .zero, goal: .zero)
        self.world = empty
        self.position = .zero
        self.heading = 0
        self.plannedPath = AStarPlanner.Path(waypoints: [], length: 0, gridLength: 0)
        self.shortestPathLength = 0
        startEpisode()
    }

    // MARK: - Episode

    /// Starts an episode: reseeds when `seed` is given, draws a world with a
    /// path, and places the robot at its start. `options` are ignored.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        if let seed { generator = Xoshiro256(seed: seed) }
        startEpisode()
        phase = .running
        return Reset(observation: observation, info: [InfoKey.shortestPath: .double(shortestPathLength)])
    }

    /// Applies one discrete action; see the type's documentation for the rules.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard let named = DriveAction(rawValue: action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        switch named {
        case .forward: return drive(linearSpeed: configuration.forwardSpeed, angularSpeed: 0)
        case .turnLeft: return drive(linearSpeed: 0, angularSpeed: configuration.turnRate)
        case .turnRight: return drive(linearSpeed: 0, angularSpeed: -configuration.turnRate)
        case .slowForward: return drive(linearSpeed: configuration.slowSpeed, angularSpeed: 0)
        }
    }

    /// Holds the velocities for one time step and applies the rules. The caller
    /// has checked that the episode is running.
    mutating func drive(linearSpeed: Double, angularSpeed: Double) -> Step<[Float]> {
        let dt = configuration.timeStep
        stepCount += 1
        let previousPosition = position, previousCosine = headingCosine, previousSine = headingSine
        if angularSpeed == 0 {
            position = position + Vector2(x: headingCosine, y: headingSine) * (linearSpeed * dt)
        } else {
            let turned = heading + angularSpeed * dt
            let turnedCosine = cos(turned), turnedSine = sin(turned)
            if linearSpeed != 0 {
                let radius = linearSpeed / angularSpeed
                position = position + Vector2(x: turnedSine - headingSine, y: headingCosine - turnedCosine) * radius
            }
            heading = wrapAngle(turned)
            headingCosine = turnedCosine
            headingSine = turnedSine
        }
        drivenLength += abs(linearSpeed) * dt
        trail.append(position)
        lastDisplacement = (position - previousPosition).rotated(cosine: previousCosine, sine: -previousSine)
        lastTurn = angularSpeed * dt

        collided = world.collides(discAt: position, radius: configuration.robotRadius)
        let previousDistance = goalDistance
        goalDistance = position.distance(to: world.goal)
        reachedGoal = !collided && goalDistance <= configuration.goalRadius
        var reward = previousDistance - goalDistance - configuration.stepCost
        if reachedGoal { reward += configuration.goalReward }
        if collided { reward -= configuration.collisionPenalty }
        let terminated = collided || reachedGoal
        let truncated = !terminated && stepCount >= configuration.maxSteps
        writeObservation()

        guard terminated || truncated else {
            return Step(observation: observation, reward: reward, terminated: false, truncated: false)
        }
        phase = .ended
        let info: Info = [InfoKey.shortestPath: .double(shortestPathLength), InfoKey.success: .bool(reachedGoal),
                          InfoKey.pathLength: .double(drivenLength)]
        return Step(observation: observation, reward: reward, terminated: terminated, truncated: truncated, info: info)
    }

    /// Draws a world that has a path and puts the robot at its start.
    private mutating func startEpisode() {
        let configuration = self.configuration
        var recipe = configuration.generation
        var attempt = 0, emptyWorldAttempts = 0
        while true {
            attempt += 1
            if attempt > 20 { recipe.obstacleCount = max(0, recipe.obstacleCount - 1) }
            if recipe.obstacleCount == 0 { emptyWorldAttempts += 1 }
            precondition(emptyWorldAttempts <= 20, "RobotNavigation: no path even in an empty world; check the configuration")
            let candidate = World.random(recipe, using: &generator)
            guard let roomy = planner.plan(in: candidate, from: candidate.start, to: candidate.goal,
                                           clearance: configuration.robotRadius + configuration.passageMargin,
                                           cellSize: configuration.plannerCellSize) else { continue }
            // A path for the wider disc is one for the robot too, so this plan
            // succeeds; it may squeeze through narrower gaps and be shorter.
            let path = planner.plan(in: candidate, from: candidate.start, to: candidate.goal,
                                    clearance: configuration.robotRadius, cellSize: configuration.plannerCellSize) ?? roomy
            begin(in: candidate, plannedPath: path)
            return
        }
    }

    /// Starts an episode in a given world (for tests and hand-made scenarios),
    /// without touching the generator; `false` (and no change) when the planner
    /// finds no path in it.
    @discardableResult
    mutating func start(in world: World) -> Bool {
        guard let path = planner.plan(in: world, from: world.start, to: world.goal, clearance: configuration.robotRadius,
                                      cellSize: configuration.plannerCellSize) else { return false }
        begin(in: world, plannedPath: path)
        phase = .running
        return true
    }

    private mutating func begin(in world: World, plannedPath: AStarPlanner.Path) {
        self.world = world
        self.plannedPath = plannedPath
        shortestPathLength = max(0, plannedPath.length - configuration.goalRadius)
        position = world.start
        heading = wrapAngle(world.startHeading)
        headingCosine = cos(heading)
        headingSine = sin(heading)
        lastDisplacement = .zero
        lastTurn = 0
        stepCount = 0
        drivenLength = 0
        collided = false
        reachedGoal = false
        goalDistance = position.distance(to: world.goal)
        trail.removeAll(keepingCapacity: true)
        trail.reserveCapacity(min(configuration.maxSteps, 4095) + 1)
        trail.append(position)
        writeObservation()
    }

    // MARK: - Observation

    private mutating func writeObservation() {
        let lidar = self.lidar, world = self.world, position = self.position
        let cosine = headingCosine, sine = headingSine
        let beams = configuration.beamCount
        let inverseRange = 1 / configuration.lidarRange
        let diagonal = (world.width * world.width + world.height * world.height).squareRoot()
        observation.withUnsafeMutableBufferPointer { entries in
            lidar.scan(world, from: position, headingCosine: cosine, headingSine: sine) { beam, reading in
                entries[beam] = Float(reading * inverseRange)
            }
        }
        let toGoal = world.goal - position
        let distance = toGoal.length
        let goal = toGoal.rotated(cosine: cosine, sine: -sine)
        // The goal as the robot sees it now: scaled distance, then sine and cosine of the bearing.
        let goalEntries: (Float, Float, Float) = distance > 0
            ? (Float(min(1, distance / diagonal)), Float(goal.y / distance), Float(goal.x / distance)) : (0, 0, 1)
        guard let goalVisibleSteps = configuration.goalVisibleSteps else {
            (observation[beams], observation[beams + 1], observation[beams + 2]) = goalEntries
            return
        }
        let shown = (configuration.goalPeriod.map { stepCount % $0 } ?? stepCount) < goalVisibleSteps
        observation[beams] = shown ? 1 : 0
        (observation[beams + 1], observation[beams + 2], observation[beams + 3]) = shown ? goalEntries : (0, 0, 0)
        // Scaled by the largest step and turn, so each entry spans [-1, 1] and a
        // discrete action reads as 1, 0.25 or ±1 in one entry.
        let stepLength = configuration.forwardSpeed * configuration.timeStep
        observation[beams + 4] = Float(lastDisplacement.x / stepLength)
        observation[beams + 5] = Float(lastDisplacement.y / stepLength)
        observation[beams + 6] = Float(lastTurn / (configuration.turnRate * configuration.timeStep))
    }

    /// The current observation (the one the last reset or step returned).
    public var currentObservation: [Float] { observation }
}
