/// A grid world with MiniGrid's rules: walk from the start to a goal, avoid lava.
///
/// ## Description
/// The agent stands on one cell of a rectangular grid (a ``Layout``: an empty
/// room, MiniGrid's four rooms, a lava crossing, a maze, or a ``GridMap`` from
/// text). Walls block; lava and goals end the episode. Layouts that are random
/// per episode are drawn from the environment's own generator at reset, so a
/// seed fixes the whole episode.
///
/// ## Actions
/// ``ActionMode/absolute`` (default), `Discrete(4)`: ``Move`` up, right, down,
/// left; the agent then faces the way it tried to move.
/// ``ActionMode/egocentric``, `Discrete(3)`, MiniGrid's navigation actions:
/// ``EgocentricAction`` turn left, turn right, forward (one cell the way the
/// agent faces). A move into a wall leaves the agent in place; the step counts.
///
/// ## Observation
/// One-hot planes, Float32, channels-first `[C, H, W]`, in
/// `Box(low: 0, high: 1, shape: [C, H, W])`; see ``Channel``. Every cell has
/// exactly one of the terrain planes (floor, wall, goal, lava) set, and the
/// agent's cell has one agent plane set as well.
/// - Full grid (default): `H × W` is the map. With absolute actions there is one
///   agent plane (C = 5); with egocentric actions the facing direction must be
///   seen, so there is one agent plane per ``Direction`` (C = 8, plane
///   `Channel.agent.rawValue + facing.rawValue`).
/// - `view: k` (odd, at least 3): only the `k × k` cells around the agent
///   (C = 5). With egocentric actions the view is MiniGrid's: the agent sits at
///   the bottom centre facing up and the view turns with it (MiniGrid's default
///   is 7 × 7). With absolute actions the view is world-aligned (north up) and
///   centred on the agent. Cells outside the grid read as walls. Walls do not
///   occlude: every cell in the view is seen (MiniGrid hides cells behind walls
///   by default; this is simpler and says more, not less).
///
/// ## Rewards
/// Reaching a goal gives `1 - 0.9 * stepCount / maxSteps`, with the step that
/// reaches it counted (MiniGrid's formula). Every other step gives 0, lava too.
///
/// ## Start
/// At the layout's start cell, facing right (random cell and facing in four rooms).
///
/// ## Episode End
/// - Termination: the agent enters a goal (info `"success": true`) or lava
///   (`"success": false`).
/// - Truncation: the step count reaches ``maxSteps`` (default `4 * width * height`),
///   `"success": false`.
///
/// ## Info
/// Reset and the final step of an episode carry `"shortest_path"`: the fewest
/// absolute moves from the episode's start to the nearest goal avoiding walls
/// and lava (-1 if no goal is reachable), computed once per reset. The final
/// step also carries `"success"` and `"path_length"`, the steps taken (every
/// action counts, turns and bumps into walls too), so evaluations report path
/// efficiency and SPL as for the robot. Other steps carry an empty info, which
/// costs nothing; a one-entry dictionary per step would allocate.
public struct GridWorld: Environment, Sendable {
    public typealias Observation = [Float]
    public typealias Action = Int

    // MARK: - Named actions, directions and planes

    /// The absolute moves of ``ActionMode/absolute``; the raw value is the action.
    public enum Move: Int, Sendable, CaseIterable {
        case up, right, down, left
    }

    /// MiniGrid's turn-and-walk actions of ``ActionMode/egocentric``; the raw
    /// value is the action (MiniGrid's numbering).
    public enum EgocentricAction: Int, Sendable, CaseIterable {
        /// Turn 90° anticlockwise in place.
        case turnLeft
        /// Turn 90° clockwise in place.
        case turnRight
        /// Step one cell in the facing direction (if it is not a wall).
        case forward
    }

    /// How the agent's actions are read.
    public enum ActionMode: String, Sendable, CaseIterable {
        /// Four moves on the map's axes, `Discrete(4)`.
        case absolute
        /// Turn left, turn right, forward, `Discrete(3)`.
        case egocentric
    }

    /// A facing direction on the map, clockwise from up (north is row 0's side).
    public enum Direction: Int, Sendable, CaseIterable {
        case up, right, down, left

        /// The direction after a quarter turn clockwise.
        @inlinable public var turnedRight: Direction { Direction(rawValue: (rawValue + 1) & 3)! }
        /// The direction after a quarter turn anticlockwise.
        @inlinable public var turnedLeft: Direction { Direction(rawValue: (rawValue + 3) & 3)! }
    }

    /// The observation planes, in order.
    public enum Channel: Int, Sendable, CaseIterable {
        /// Open floor (including the start cell).
        case floor
        /// Walls, and in a view every cell outside the grid.
        case wall
        /// Goal cells.
        case goal
        /// Lava cells.
        case lava
        /// The agent's cell. With egocentric actions and the full grid, the agent
        /// is on plane `agent.rawValue + facing.rawValue` (up, right, down, left).
        case agent
    }

    /// Info keys this environment writes.
    public enum InfoKey {
        /// `.int`: BFS shortest path length from the episode's start to a goal, or -1.
        public static let shortestPath = "shortest_path"
        /// `.bool`: on the final step, whether the agent reached a goal.
        public static let success = "success"
        /// `.int`: on the final step, the steps the episode took.
        public static let pathLength = "path_length"
    }

    // MARK: - Configuration

    /// Where the walls, lava, goals and start come from.
    public let layout: Layout
    /// How actions are read.
    public let actionMode: ActionMode
    /// The side of the egocentric view in cells, or `nil` for the full grid.
    public let viewSize: Int?
    /// The step count at which an episode is truncated.
    public let maxSteps: Int
    /// Columns of the grid (fixed for a configuration).
    public let width: Int
    /// Rows of the grid (fixed for a configuration).
    public let height: Int
    public let observationSpace: Box
    public let actionSpace: Discrete
    public let name: String

    // MARK: - State

    /// The current episode's map (regenerated at reset for random layouts).
    public private(set) var map: GridMap
    /// The agent's cell.
    public private(set) var agentPosition: GridPosition
    /// The way the agent faces.
    public private(set) var facing: Direction
    /// Steps taken in the current episode.
    public private(set) var stepCount = 0
    /// Whether stepping is allowed now.
    public private(set) var phase = EpisodePhase.needsReset
    /// The current episode's ``InfoKey/shortestPath`` (-1: no goal reachable).
    public private(set) var shortestPathLength: Int
    /// The random stream that draws random layouts.
    public private(set) var generator: Xoshiro256
    private var startFacing: Direction
    /// Kept between steps and updated in place: only cells that change are written.
    private var observation: [Float]
    private let planeCount: Int

    /// Creates a grid world.
    ///
    /// - Parameters:
    ///   - layout: the map or map generator.
    ///   - actionMode: absolute moves (default) or MiniGrid's egocentric actions.
    ///   - viewSize: `nil` for the full grid, or the odd side `k >= 3` of the egocentric view.
    ///   - maxSteps: the truncation step count; `nil` means `4 * width * height`.
    ///   - seed: seeds the generator; `nil` seeds it from system entropy, as Gymnasium does.
    /// - Precondition: the layout's sizes are valid (see ``Layout``), `viewSize`
    ///   is odd and at least 3, `maxSteps` is positive. The registry's factories
    ///   check these and throw instead.
    public init(layout: Layout, actionMode: ActionMode = .absolute, viewSize: Int? = nil, maxSteps: Int? = nil, seed: UInt64? = nil) {
        if let problem = layout.validationProblem { preconditionFailure(problem) }
        if let viewSize {
            precondition(viewSize >= 3 && viewSize % 2 == 1, "GridWorld view must be odd and at least 3, got \(viewSize)")
        }
        precondition(maxSteps.map { $0 > 0 } ?? true, "GridWorld maxSteps must be positive")
        var generator = seed.map(Xoshiro256.init(seed:)) ?? Xoshiro256()
        let generated = layout.generate(using: &generator)
        self.layout = layout
        self.actionMode = actionMode
        self.viewSize = viewSize
        self.width = generated.map.width
        self.height = generated.map.height
        self.maxSteps = maxSteps ?? 4 * generated.map.width * generated.map.height
        self.generator = generator
        self.map = generated.map
        self.agentPosition = generated.map.start
        self.facing = generated.facing
        self.startFacing = generated.facing
        self.shortestPathLength = generated.map.shortestPathLength() ?? -1
        let fullGridAgentPlanes = actionMode == .egocentric ? Direction.allCases.count : 1
        self.planeCount = Channel.agent.rawValue + (viewSize == nil ? fullGridAgentPlanes : 1)
        let observedHeight = viewSize ?? generated.map.height, observedWidth = viewSize ?? generated.map.width
        self.observation = [Float](repeating: 0, count: planeCount * observedHeight * observedWidth)
        self.observationSpace = Box(low: 0, high: 1, shape: [planeCount, observedHeight, observedWidth])
        self.actionSpace = Discrete(actionMode == .absolute ? Move.allCases.count : EgocentricAction.allCases.count)
        self.name = "GridWorld(\(layout.name))"
        writeWholeObservation()
    }

    // MARK: - Episode

    /// Starts an episode: reseeds when `seed` is given, draws a new layout when
    /// the layout is random, and places the agent at the start. `options` are ignored.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        if let seed { generator = Xoshiro256(seed: seed) }
        if layout.isRandomPerEpisode {
            let generated = layout.generate(using: &generator)
            map = generated.map
            startFacing = generated.facing
            shortestPathLength = map.shortestPathLength() ?? -1
        }
        // Static layouts keep the map and its shortest path from the previous episode.
        agentPosition = map.start
        facing = startFacing
        stepCount = 0
        phase = .running
        writeWholeObservation()
        return Reset(observation: observation, info: [InfoKey.shortestPath: .int(shortestPathLength)])
    }

    /// Applies one action; see the type's documentation for the rules.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard action >= 0, action < actionSpace.n else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        stepCount += 1
        let previousPosition = agentPosition, previousFacing = facing
        var walks = true
        switch actionMode {
        case .absolute:
            facing = Direction(rawValue: action)!
        case .egocentric:
            switch EgocentricAction(rawValue: action)! {
            case .turnLeft: facing = facing.turnedLeft; walks = false
            case .turnRight: facing = facing.turnedRight; walks = false
            case .forward: break
            }
        }
        if walks {
            let target = agentPosition.moved(facing)
            if map[target].isPassable { agentPosition = target }
        }

        let cell = map[agentPosition]
        let terminated = cell.endsEpisode
        let reward = cell == .goal ? Self.goalReward(stepCount: stepCount, maxSteps: maxSteps) : 0
        let truncated = !terminated && stepCount >= maxSteps
        updateObservation(previousPosition: previousPosition, previousFacing: previousFacing)

        guard terminated || truncated else {
            return Step(observation: observation, reward: reward, terminated: false, truncated: false)
        }
        phase = .ended
        let info: Info = [InfoKey.shortestPath: .int(shortestPathLength), InfoKey.success: .bool(cell == .goal),
                          InfoKey.pathLength: .int(stepCount)]
        return Step(observation: observation, reward: reward, terminated: terminated, truncated: truncated, info: info)
    }

    /// MiniGrid's reward for reaching a goal on the step that makes the episode `stepCount` steps long.
    static func goalReward(stepCount: Int, maxSteps: Int) -> Double {
        1 - 0.9 * Double(stepCount) / Double(maxSteps)
    }

    // MARK: - Observation

    /// The offset of the agent's entry in the full-grid observation.
    private func agentIndex(_ position: GridPosition, _ facing: Direction) -> Int {
        let plane = Channel.agent.rawValue + (actionMode == .egocentric ? facing.rawValue : 0)
        return (plane * height + position.y) * width + position.x
    }

    private mutating func updateObservation(previousPosition: GridPosition, previousFacing: Direction) {
        guard viewSize == nil else {
            writeView()
            return
        }
        let oldIndex = agentIndex(previousPosition, previousFacing)
        let newIndex = agentIndex(agentPosition, facing)
        if oldIndex != newIndex {
            observation[oldIndex] = 0
            observation[newIndex] = 1
        }
    }

    private mutating func writeWholeObservation() {
        guard viewSize == nil else {
            writeView()
            return
        }
        let cellCount = width * height
        let cells = map.cells
        observation.withUnsafeMutableBufferPointer { planes in
            planes.update(repeating: 0)
            for index in 0..<cellCount {
                planes[Int(cells[index].rawValue) * cellCount + index] = 1
            }
        }
        observation[agentIndex(agentPosition, facing)] = 1
    }

    /// Writes the k × k view around the agent (see the type's documentation).
    private mutating func writeView() {
        guard let size = viewSize else { return }
        let half = size / 2
        let map = self.map
        let agent = agentPosition
        // Map steps per view column (right) and per view row (down).
        let columnStep: GridPosition, rowStep: GridPosition, origin: GridPosition
        switch actionMode {
        case .absolute:
            columnStep = GridPosition(x: 1, y: 0)
            rowStep = GridPosition(x: 0, y: 1)
            origin = GridPosition(x: agent.x - half, y: agent.y - half)
        case .egocentric:
            let ahead = GridPosition(x: 0, y: 0).moved(facing)
            let right = GridPosition(x: 0, y: 0).moved(facing.turnedRight)
            columnStep = right
            rowStep = GridPosition(x: -ahead.x, y: -ahead.y)
            // View cell (0, 0) lies size - 1 cells ahead of the agent and half to its left.
            origin = GridPosition(x: agent.x + ahead.x * (size - 1) - right.x * half,
                                  y: agent.y + ahead.y * (size - 1) - right.y * half)
        }
        let agentViewRow = actionMode == .egocentric ? size - 1 : half
        let planeSize = size * size
        observation.withUnsafeMutableBufferPointer { planes in
            planes.update(repeating: 0)
            for row in 0..<size {
                for column in 0..<size {
                    let x = origin.x + column * columnStep.x + row * rowStep.x
                    let y = origin.y + column * columnStep.y + row * rowStep.y
                    planes[Int(map[x, y].rawValue) * planeSize + row * size + column] = 1
                }
            }
            planes[Channel.agent.rawValue * planeSize + agentViewRow * size + half] = 1
        }
    }

    /// The current observation (the one the last reset or step returned).
    public var currentObservation: [Float] { observation }
}
