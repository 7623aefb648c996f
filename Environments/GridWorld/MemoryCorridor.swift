/// A MiniGrid Memory-like task: a cue seen at the start of a corridor tells
/// which of its two ends is correct, and the ends are out of the cue's sight.
///
/// ## Description
///
/// A one-cell-wide corridor of ``corridorLength`` floor cells runs east from
/// the start; at its east end a junction opens to two dead ends, one north
/// and one south. West of the start, in the wall, sits the cue: one of two
/// colours drawn per episode from the environment's own ``Xoshiro256``.
/// ``Cue/north`` means the north end is correct, ``Cue/south`` the south end.
/// The ends look the same. With the default length 5 the map is:
///
/// ```
/// ########
/// ######n#
/// #cA....#      c: the cue, A: the agent's start,
/// ######s#      n, s: the north and south ends
/// ########
/// ```
///
/// ## Why a memoryless policy cannot beat chance
///
/// The agent sees only the ``viewSize`` × ``viewSize`` cells around it
/// (world-aligned, centred on it), so the cue is in view only within
/// `viewSize / 2` columns of it; the length must be at least `viewSize / 2 + 1`,
/// so at least one corridor cell, and the junction beyond it, never shows the
/// cue. Every way from a cell that shows the cue to an end passes through the
/// first cell that does not, and from there on what the agent sees (and so
/// what a memoryless policy does, even a random one) is the same for both
/// cues. The chance of arriving at the north end first is therefore the same
/// for both cues, and as the cue is north or south with probability 1/2 each,
/// such a policy succeeds in exactly half the episodes. Only a policy that
/// remembers the cue can do better; an optimal one succeeds always, in
/// `corridorLength` steps.
///
/// ## Actions
///
/// `Discrete(4)`, GridWorld's absolute ``GridWorld/Move``: up, right, down,
/// left. A move into a wall (the cue's cell included) leaves the agent in place.
///
/// ## Observation
///
/// One-hot planes `[5, k, k]` (`k` = ``viewSize``, default 3) in `Box(0, 1)`,
/// one per ``Channel``: floor, wall, end, north cue, south cue. The agent is
/// always at the centre cell (whose floor plane is set). Cells outside the map
/// read as wall.
///
/// ## Rewards
///
/// Reaching the correct end: `1 − 0.9 · steps / maxSteps` (MiniGrid's goal
/// reward, the final step counted). Reaching the wrong end: 0. Every other step: 0.
///
/// ## Episode End
///
/// - Termination: the agent enters either end (info `"success"` says which).
/// - Truncation: the step count reaches ``maxSteps`` (default `4 · width · height`),
///   `"success": false`.
public struct MemoryCorridor: Environment, Sendable {
    /// The two cues.
    public enum Cue: Int, Sendable, CaseIterable {
        /// The north end is correct.
        case north
        /// The south end is correct.
        case south
    }

    /// The observation planes, in order.
    public enum Channel: Int, Sendable, CaseIterable {
        case floor, wall, end, northCue, southCue
    }

    /// Floor cells from the start to the junction, inclusive.
    public let corridorLength: Int
    /// The side of the agent's view in cells (odd, at least 3).
    public let viewSize: Int
    /// The step count at which an episode is truncated.
    public let maxSteps: Int
    /// The map: walls, floor and the two ends (as ``GridCell/goal`` cells).
    public let map: GridMap
    /// The cue's cell, west of the start.
    public let cuePosition: GridPosition
    /// The north end's cell.
    public let northEnd: GridPosition
    /// The south end's cell.
    public let southEnd: GridPosition
    public let observationSpace: Box
    public let actionSpace = Discrete(4)

    /// This episode's cue.
    public private(set) var cue = Cue.north
    /// The agent's cell.
    public private(set) var agentPosition: GridPosition
    /// Steps taken in the current episode.
    public private(set) var stepCount = 0

    private var generator: Xoshiro256
    private var phase = EpisodePhase.needsReset
    private var observation: [Float]

    /// Creates the task.
    ///
    /// - Precondition: `viewSize` is odd and at least 3, `corridorLength ≥ viewSize / 2 + 1`
    ///   (see the type's discussion), `maxSteps` positive when given.
    public init(corridorLength: Int = 5, viewSize: Int = 3, maxSteps: Int? = nil) {
        precondition(viewSize >= 3 && viewSize % 2 == 1, "MemoryCorridor view must be odd and at least 3, got \(viewSize)")
        precondition(corridorLength >= viewSize / 2 + 1,
                     "MemoryCorridor corridor must be at least \(viewSize / 2 + 1) long for a \(viewSize)x\(viewSize) view, got \(corridorLength)")
        precondition(maxSteps.map { $0 > 0 } ?? true, "MemoryCorridor maxSteps must be positive")
        self.corridorLength = corridorLength
        self.viewSize = viewSize
        let width = corridorLength + 3, height = 5
        var cells = [GridCell](repeating: .wall, count: width * height)
        for x in 2..<(2 + corridorLength) { cells[2 * width + x] = .floor }
        let junction = 1 + corridorLength
        cells[1 * width + junction] = .goal
        cells[3 * width + junction] = .goal
        map = GridMap(width: width, height: height, cells: cells, start: GridPosition(x: 2, y: 2))
        cuePosition = GridPosition(x: 1, y: 2)
        northEnd = GridPosition(x: junction, y: 1)
        southEnd = GridPosition(x: junction, y: 3)
        self.maxSteps = maxSteps ?? 4 * width * height
        agentPosition = map.start
        observationSpace = Box(low: 0, high: 1, shape: [Channel.allCases.count, viewSize, viewSize])
        observation = [Float](repeating: 0, count: Channel.allCases.count * viewSize * viewSize)
        generator = Xoshiro256()
    }

    public var name: String { "MemoryCorridor" }

    /// The end the cue points to this episode.
    public var correctEnd: GridPosition { cue == .north ? northEnd : southEnd }

    /// Starts an episode: draws the cue (or takes `"cue": .int(0 north / 1 south)`
    /// from `options`, drawing nothing) and puts the agent on the start.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   when `"cue"` is not 0 or 1.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let givenCue = try options.resetInteger("cue", in: 0..<2, of: name)
        if let seed { generator = Xoshiro256(seed: seed) }
        if let givenCue {
            cue = Cue(rawValue: givenCue)!
        } else {
            cue = Cue(rawValue: generator.nextInt(upperBound: 2))!
        }
        agentPosition = map.start
        stepCount = 0
        phase = .running
        writeView()
        return Reset(observation: observation)
    }

    /// Moves the agent; see the type's Rewards and Episode End.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        stepCount += 1
        let target = agentPosition.moved(GridWorld.Direction(rawValue: action)!)
        if map[target].isPassable { agentPosition = target }
        writeView()
        let atEnd = agentPosition == northEnd || agentPosition == southEnd
        let truncated = !atEnd && stepCount >= maxSteps
        guard atEnd || truncated else {
            return Step(observation: observation, reward: 0, terminated: false, truncated: false)
        }
        phase = .ended
        let success = agentPosition == correctEnd
        let reward = success ? 1 - 0.9 * Double(stepCount) / Double(maxSteps) : 0
        return Step(observation: observation, reward: reward, terminated: atEnd, truncated: truncated,
                    info: [GridWorld.InfoKey.success: .bool(success)])
    }

    /// The channel a map cell shows in the view.
    private func channel(x: Int, y: Int) -> Channel {
        if x == cuePosition.x && y == cuePosition.y { return cue == .north ? .northCue : .southCue }
        switch map[x, y] {
        case .floor: return .floor
        case .goal: return .end
        case .wall, .lava: return .wall
        }
    }

    /// Writes the world-aligned view centred on the agent.
    private mutating func writeView() {
        let size = viewSize, half = viewSize / 2, planeSize = viewSize * viewSize
        var view = observation
        observation = []
        view.withUnsafeMutableBufferPointer { planes in
            planes.update(repeating: 0)
            for row in 0..<size {
                for column in 0..<size {
                    let plane = channel(x: agentPosition.x - half + column, y: agentPosition.y - half + row)
                    planes[plane.rawValue * planeSize + row * size + column] = 1
                }
            }
        }
        observation = view
    }
}
