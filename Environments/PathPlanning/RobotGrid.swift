/// ``RobotNavigation``'s task on a grid: a robot moves one cell at a time to a
/// goal among obstacles, seen as a multi-channel binary image for CNN encoders,
/// with the shortest path known from A*.
///
/// ## Description
/// Each reset draws a continuous ``World`` as ``RobotNavigation`` does (a
/// square of ``Configuration/worldSize`` metres with discs and rotated
/// rectangles) and rasterizes it onto ``Configuration/size`` ×
/// ``Configuration/size`` cells: a cell is blocked when its centre lies closer
/// than half a cell to an obstacle (roughly: the obstacle covers a good part of
/// the cell). The world's start and goal fall in free cells at least half the
/// side apart; the world is drawn again until the goal can be reached with the
/// four moves (A*, ``AStarPlanner/Connectivity/four``). After 20 failed draws,
/// each further draw has one obstacle fewer, so generation always ends.
///
/// ## Actions
/// `Discrete(4)`, named by ``Move``: up (north, towards row 0 of the
/// observation), right (east), down (south), left (west).
///
/// ## Observation
/// Binary planes, Float32, channels-first `[3, size, size]` in
/// `Box(low: 0, high: 1)`; see ``Channel``: obstacles, the robot's cell, the
/// goal's cell. Row 0 is the northern edge, column 0 the western edge.
///
/// ## Rewards
/// As ``RobotNavigation``, measured in cells: every step gives the decrease of
/// the straight-line distance between the robot's and the goal's cell centres
/// (in cells) minus ``Configuration/stepCost`` (0.01); reaching the goal adds
/// +10, a collision −10.
///
/// ## Start
/// The robot in the world's start cell, the goal in the goal cell.
///
/// ## Episode End
/// - Termination: the robot enters the goal cell (`"success": true`), or tries
///   to move into a blocked cell or off the grid (a collision: it stays where
///   it was, `"success": false`).
/// - Truncation: the step count reaches ``Configuration/maxSteps`` (200).
///
/// ## Info
/// Reset and the last step carry `"shortest_path"` (`.double`): the fewest moves
/// from start to goal (exact: A* on the grid). The last step also carries
/// `"success"` (`.bool`) and `"path_length"` (`.double`, the moves made, the
/// refused colliding move not counted).
public struct RobotGrid: Environment, Sendable {
    public typealias Observation = [Float]
    public typealias Action = Int

    /// The four moves; the raw value is the action number.
    public enum Move: Int, Sendable, CaseIterable {
        /// North: one row up in the observation.
        case up
        /// East.
        case right
        /// South.
        case down
        /// West.
        case left
    }

    /// The observation planes, in order.
    public enum Channel: Int, Sendable, CaseIterable {
        /// Blocked cells.
        case obstacle
        /// The robot's cell.
        case robot
        /// The goal's cell.
        case goal
    }

    /// Everything that defines a grid task.
    public struct Configuration: Equatable, Sendable {
        /// Cells per side.
        public var size = 16
        /// The side of the continuous world that is rasterized, in metres.
        public var worldSize = 10.0
        /// Obstacles drawn per world.
        public var obstacleCount = 10
        /// The step count at which an episode is truncated.
        public var maxSteps = 200
        /// Subtracted from every step's reward.
        public var stepCost = 0.01
        /// Added on the step that reaches the goal.
        public var goalReward = 10.0
        /// Subtracted on the step that collides.
        public var collisionPenalty = 10.0

        /// The default task (`robot-grid`).
        public init() {}

        /// Why this configuration cannot work, or `nil` when it is valid.
        public var validationProblem: String? {
            if size < 4 || size > OptionLimits.gridSide { return "size must be in [4, \(OptionLimits.gridSide)] cells, got \(size)" }
            if !(worldSize > 0 && worldSize.isFinite) { return "worldSize must be positive, got \(worldSize)" }
            let obstacleLimit = OptionLimits.obstacles(worldSize: worldSize)
            if obstacleCount < 0 || obstacleCount > obstacleLimit {
                return "obstacleCount must be in [0, \(obstacleLimit)] for a \(worldSize) m world, got \(obstacleCount)"
            }
            if maxSteps < 1 { return "maxSteps must be positive, got \(maxSteps)" }
            return nil
        }

        /// The side of a cell, in metres.
        public var cellSize: Double { worldSize / Double(size) }
    }

    // MARK: - Configuration

    /// The task.
    public let configuration: Configuration
    public let observationSpace: Box
    public let actionSpace: Discrete
    public let name: String

    // MARK: - State

    /// The continuous world this episode's grid was rasterized from.
    public private(set) var world: World
    /// The episode's grid (row 0 south, as ``OccupancyGrid`` stores it).
    public private(set) var grid: OccupancyGrid
    /// The robot's cell index in ``grid``.
    public private(set) var robotCell: Int
    /// The goal's cell index in ``grid``.
    public private(set) var goalCell: Int
    /// The A* shortest path's cells from start to goal, both included.
    public private(set) var shortestPathCells: [Int] = []
    /// Steps taken in the current episode.
    public private(set) var stepCount = 0
    /// Moves made (refused colliding moves not counted).
    public private(set) var movesMade = 0
    /// The robot's cell after reset and after every move of this episode.
    public private(set) var trail: [Int] = []
    /// Whether the last step collided.
    public private(set) var collided = false
    /// Whether stepping is allowed now.
    public private(set) var phase = EpisodePhase.needsReset
    /// The random stream that draws the worlds.
    public private(set) var generator: Xoshiro256
    private var planner = AStarPlanner()
    private var goalDistance = 0.0
    private var observation: [Float]

    /// Creates the environment and draws a first world (replaced at every reset).
    ///
    /// - Precondition: the configuration is valid (``Configuration/validationProblem``).
    public init(configuration: Configuration = Configuration(), seed: UInt64? = nil) {
        if let problem = configuration.validationProblem { preconditionFailure("RobotGrid: \(problem)") }
        self.configuration = configuration
        let size = configuration.size
        self.observationSpace = Box(low: 0, high: 1, shape: [Channel.allCases.count, size, size])
        self.actionSpace = Discrete(Move.allCases.count)
        self.name = "RobotGrid(\(size)x\(size))"
        self.generator = seed.map(Xoshiro256.init(seed:)) ?? Xoshiro256()
        self.observation = [Float](repeating: 0, count: Channel.allCases.count * size * size)
        self.world = World(width: configuration.worldSize, height: configuration.worldSize, obstacles: [], start: .zero, goal: .zero)
        self.grid = OccupancyGrid(columns: size, rows: size, cellSize: configuration.cellSize)
        self.robotCell = 0
        self.goalCell = 0
        startEpisode()
    }

    /// The fewest moves from this episode's start to its goal.
    public var shortestPathLength: Int { shortestPathCells.count - 1 }

    // MARK: - Episode

    /// Starts an episode: reseeds when `seed` is given, draws a world whose grid
    /// has a path, and places the robot at its start. `options` are ignored.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        if let seed { generator = Xoshiro256(seed: seed) }
        startEpisode()
        phase = .running
        return Reset(observation: observation, info: [RobotNavigation.InfoKey.shortestPath: .double(Double(shortestPathLength))])
    }

    /// Applies one move; see the type's documentation for the rules.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard let move = Move(rawValue: action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        stepCount += 1
        let size = configuration.size
        let column = robotCell % size, row = robotCell / size
        let target: (column: Int, row: Int)
        switch move {
        case .up: target = (column, row + 1)
        case .right: target = (column + 1, row)
        case .down: target = (column, row - 1)
        case .left: target = (column - 1, row)
        }
        var reward = -configuration.stepCost
        collided = grid[target.column, target.row]
        if collided {
            reward -= configuration.collisionPenalty
        } else {
            let previousCell = robotCell
            robotCell = target.row * size + target.column
            movesMade += 1
            trail.append(robotCell)
            let previousDistance = goalDistance
            goalDistance = cellDistance(robotCell, goalCell)
            reward += previousDistance - goalDistance
            observation[observationIndex(.robot, previousCell)] = 0
            observation[observationIndex(.robot, robotCell)] = 1
        }
        let reachedGoal = robotCell == goalCell
        if reachedGoal { reward += configuration.goalReward }
        let terminated = collided || reachedGoal
        let truncated = !terminated && stepCount >= configuration.maxSteps
        guard terminated || truncated else {
            return Step(observation: observation, reward: reward, terminated: false, truncated: false)
        }
        phase = .ended
        let info: Info = [RobotNavigation.InfoKey.shortestPath: .double(Double(shortestPathLength)),
                          RobotNavigation.InfoKey.success: .bool(reachedGoal),
                          RobotNavigation.InfoKey.pathLength: .double(Double(movesMade))]
        return Step(observation: observation, reward: reward, terminated: terminated, truncated: truncated, info: info)
    }

    /// The straight-line distance between two cells' centres, in cells.
    private func cellDistance(_ a: Int, _ b: Int) -> Double {
        let size = configuration.size
        let dx = Double(a % size - b % size), dy = Double(a / size - b / size)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The offset of `cell`'s entry on `channel`'s plane (north at row 0).
    private func observationIndex(_ channel: Channel, _ cell: Int) -> Int {
        let size = configuration.size
        return (channel.rawValue * size + (size - 1 - cell / size)) * size + cell % size
    }

    private mutating func startEpisode() {
        let configuration = self.configuration
        // Start and goal need only land in free cells, which `begin` checks; a
        // little clearance just makes that likely.
        let clearance = min(configuration.cellSize, configuration.worldSize / 8)
        var recipe = World.Generation(width: configuration.worldSize, height: configuration.worldSize,
                                      obstacleCount: configuration.obstacleCount,
                                      startClearance: clearance, goalClearance: clearance)
        var attempt = 0, emptyWorldAttempts = 0
        while true {
            attempt += 1
            if attempt > 20 { recipe.obstacleCount = max(0, recipe.obstacleCount - 1) }
            if recipe.obstacleCount == 0 { emptyWorldAttempts += 1 }
            precondition(emptyWorldAttempts <= 20, "RobotGrid: no path even in an empty world; check the configuration")
            if begin(in: World.random(recipe, using: &generator)) { return }
        }
    }

    /// Starts an episode in a given world (for tests and hand-made scenarios),
    /// without touching the generator; `false` when its grid has no path (the
    /// grid is then left rasterized from `world`, and the episode must not be stepped).
    @discardableResult
    mutating func start(in world: World) -> Bool {
        guard begin(in: world) else { return false }
        phase = .running
        return true
    }

    /// Rasterizes `world` and, when its start and goal cells differ and are
    /// connected, starts an episode in it.
    private mutating func begin(in world: World) -> Bool {
        grid.rasterize(world, inflation: configuration.cellSize / 2, includeWalls: false)
        guard let start = grid.cell(containing: world.start), let goal = grid.cell(containing: world.goal),
              start != goal,
              let path = planner.shortestPath(on: grid, from: start, to: goal, connectivity: .four) else { return false }
        self.world = world
        robotCell = start
        goalCell = goal
        shortestPathCells = path.cells
        stepCount = 0
        movesMade = 0
        collided = false
        goalDistance = cellDistance(robotCell, goalCell)
        trail.removeAll(keepingCapacity: true)
        trail.append(robotCell)
        let size = configuration.size
        observation.withUnsafeMutableBufferPointer { planes in planes.update(repeating: 0) }
        for cell in 0..<(size * size) where grid.blocked[cell] {
            observation[observationIndex(.obstacle, cell)] = 1
        }
        observation[observationIndex(.robot, robotCell)] = 1
        observation[observationIndex(.goal, goalCell)] = 1
        return true
    }

    /// The current observation (the one the last reset or step returned).
    public var currentObservation: [Float] { observation }
}
