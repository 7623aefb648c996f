/// Snake on a grid: steer a growing snake to the food without hitting a wall
/// or its own body.
///
/// ## Description
///
/// A ``width`` × ``height`` board (default 10 × 10) with walls all around,
/// outside the board. The snake starts three cells long in the middle row,
/// head at column `width / 2` heading right, body trailing to the left. One
/// food item lies on a free cell drawn uniformly from the environment's own
/// ``Xoshiro256``. Each step the head moves one cell; the body follows. Eating
/// grows the snake by one cell (the tail stays that step) and places new food.
///
/// The tail leaves its cell in the same step the head moves, so the head may
/// enter the cell the tail is leaving (unless the snake is eating and the tail
/// stays). A move straight back into the neck is not possible: it is read as
/// "keep going straight".
///
/// ## Actions
///
/// ``actionSpace`` is `Discrete(4)`; ``Move`` names the absolute directions:
/// 0 up, 1 right, 2 down, 3 left.
///
/// ## Observation
///
/// A binary image `[3, height, width]` in `Box(0, 1)`, one plane per
/// ``Channel``: the head, the body (every cell of the snake but the head), and
/// the food. The heading shows as the body cell next to the head.
///
/// ## Rewards
///
/// +1 for each food eaten; ``deathReward`` (default 0) on the step that kills
/// the snake; 0 otherwise.
///
/// ## Start
///
/// The snake as described; the food on a uniformly random free cell.
///
/// ## Episode End
///
/// - Termination: the head leaves the board or enters the body (info
///   `"success": false`), or the snake fills the whole board (`"success": true`).
/// - Truncation: after ``maxSteps`` steps when set.
///
/// The final step's info also carries `"length"`: the snake's length.
public struct Snake: Environment, Sendable {
    /// The four absolute moves, as the integers the action space holds.
    public enum Move: Int, Sendable, CaseIterable {
        case up, right, down, left

        /// Column and row change of one move.
        var offset: (dx: Int, dy: Int) {
            switch self {
            case .up: return (0, -1)
            case .right: return (1, 0)
            case .down: return (0, 1)
            case .left: return (-1, 0)
            }
        }

        /// The move straight back.
        var opposite: Move { Move(rawValue: (rawValue + 2) % 4)! }
    }

    /// The observation planes, in order.
    public enum Channel: Int, Sendable, CaseIterable {
        case head, body, food
    }

    /// Columns of the board.
    public let width: Int
    /// Rows of the board.
    public let height: Int
    /// Steps after which an episode is truncated, or `nil` for none.
    public let maxSteps: Int?
    /// The reward on the step the snake dies.
    public let deathReward: Double
    public let observationSpace: Box
    public let actionSpace = Discrete(4)

    /// The snake's cells (row-major indices `y * width + x`), tail first, head last.
    public var body: [Int] {
        (0..<length).map { segments[(tailSlot + $0) % segments.count] }
    }
    /// The head's cell index.
    public var head: Int { segments[(tailSlot + length - 1) % segments.count] }
    /// The snake's length in cells.
    public private(set) var length = 0
    /// The food's cell index, or −1 when the board is full.
    public private(set) var food = -1
    /// The direction the head last moved.
    public private(set) var heading = Move.right
    /// Steps taken in the current episode.
    public private(set) var stepCount = 0

    /// A ring buffer of the snake's cells: `length` of them from `tailSlot`.
    private var segments: [Int]
    private var tailSlot = 0
    private var occupied: [Bool]
    private var generator: Xoshiro256
    private var phase = EpisodePhase.needsReset
    private var observation: [Float]

    /// Creates a board of `width` × `height` cells (each at least 4).
    public init(width: Int = 10, height: Int = 10, maxSteps: Int? = nil, deathReward: Double = 0) {
        precondition(width >= 4 && height >= 4, "Snake needs a board of at least 4x4, got \(width)x\(height)")
        precondition(maxSteps.map { $0 > 0 } ?? true, "Snake maxSteps must be positive")
        self.width = width
        self.height = height
        self.maxSteps = maxSteps
        self.deathReward = deathReward
        let cells = width * height
        observationSpace = Box(low: 0, high: 1, shape: [Channel.allCases.count, height, width])
        observation = [Float](repeating: 0, count: Channel.allCases.count * cells)
        segments = [Int](repeating: 0, count: cells)
        occupied = [Bool](repeating: false, count: cells)
        generator = Xoshiro256()
    }

    public var name: String { "Snake" }

    /// Starts an episode: the snake in the middle row heading right, new food.
    ///
    /// Reset options, for tests and hand-made positions (nothing is drawn for
    /// what they give):
    /// - `"body": .doubles([cells])`: the snake's cells `y·width + x`, tail
    ///   first, head last, each next to the one before (at least 2 cells); the
    ///   heading is the direction from the second-to-last cell to the head.
    /// - `"food": .int(cell)`: the first food's cell (a free one).
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   when `"body"` or `"food"` does not describe such cells.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let cells = width * height
        let row = height / 2, headColumn = width / 2
        var start = (0..<3).map { row * width + headColumn - 2 + $0 }
        if let given = options["body"] {
            start = try bodyCells(given)
        }
        let givenFood = try options.resetInteger("food", in: 0..<cells, of: name)
        if let givenFood, start.contains(givenFood) {
            throw .invalidResetOption(environment: name, option: "food", value: String(givenFood),
                                      expected: "a cell the snake's body does not occupy")
        }
        if let seed { generator = Xoshiro256(seed: seed) }
        // One bulk write: an element loop here kept a uniqueness check per cell
        // once reset could throw (Snake's bench went from 58 to 71 ns a step).
        occupied.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
        observation.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        tailSlot = 0
        length = start.count
        for (offset, cell) in start.enumerated() {
            segments[offset] = cell
            occupied[cell] = true
            observation[plane(offset == start.count - 1 ? .head : .body) + cell] = 1
        }
        let neck = start[start.count - 2], head = start[start.count - 1]
        heading = Move.allCases.first { head == neck + $0.offset.dx + $0.offset.dy * width } ?? .right
        stepCount = 0
        if let cell = givenFood {
            food = cell
            observation[plane(.food) + cell] = 1
        } else {
            placeFood()
        }
        phase = .running
        return Reset(observation: observation)
    }

    /// The cells of a `"body"` reset option, checked: at least two distinct
    /// cells of the board, each a neighbour of the one before.
    private func bodyCells(_ given: InfoValue) throws(EnvironmentError) -> [Int] {
        let cells = width * height
        func refuse(_ expected: String) -> EnvironmentError {
            .invalidResetOption(environment: name, option: "body", value: "\(given)", expected: expected)
        }
        guard let values = given.doublesValue, values.count >= 2,
              values.allSatisfy({ $0 >= 0 && $0 < Double(cells) && $0 == $0.rounded() }) else {
            throw refuse("a list of at least 2 cell indices in 0..<\(cells)")
        }
        let body = values.map { Int($0) }
        guard Set(body).count == body.count else { throw refuse("cells that do not repeat") }
        for (previous, next) in zip(body, body.dropFirst())
        where abs(previous % width - next % width) + abs(previous / width - next / width) != 1 {
            throw refuse("each cell next to the one before (\(previous) and \(next) are not neighbours)")
        }
        return body
    }

    /// Moves the snake one cell; see the type's rules.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        stepCount += 1
        var move = Move(rawValue: action)!
        if move == heading.opposite { move = heading }
        heading = move
        let oldHead = head
        let x = oldHead % width + move.offset.dx, y = oldHead / width + move.offset.dy
        let truncated = maxSteps.map { stepCount >= $0 } ?? false

        guard x >= 0, x < width, y >= 0, y < height else { return die(truncated: truncated) }
        let target = y * width + x
        let eats = target == food
        let tail = segments[tailSlot]
        // The tail moves out in the same step, so the head may take its cell,
        // unless the snake eats and the tail stays.
        if occupied[target] && (eats || target != tail) { return die(truncated: truncated) }
        if !eats {
            occupied[tail] = false
            observation[plane(.body) + tail] = 0
            tailSlot = (tailSlot + 1) % segments.count
            length -= 1
        }

        segments[(tailSlot + length) % segments.count] = target
        length += 1
        occupied[target] = true
        observation[plane(.head) + oldHead] = 0
        observation[plane(.body) + oldHead] = 1
        observation[plane(.head) + target] = 1
        var reward = 0.0
        if eats {
            reward = 1
            observation[plane(.food) + target] = 0
            placeFood()
            if food < 0 {
                phase = .ended
                return Step(observation: observation, reward: reward, terminated: true, truncated: truncated,
                            info: ["success": .bool(true), "length": .int(length)])
            }
        }
        if truncated {
            phase = .ended
            return Step(observation: observation, reward: reward, terminated: false, truncated: true,
                        info: ["success": .bool(false), "length": .int(length)])
        }
        return Step(observation: observation, reward: reward, terminated: false, truncated: false)
    }

    private mutating func die(truncated: Bool) -> Step<[Float]> {
        phase = .ended
        return Step(observation: observation, reward: deathReward, terminated: true, truncated: truncated,
                    info: ["success": .bool(false), "length": .int(length)])
    }

    /// The offset of `channel`'s plane in the observation.
    private func plane(_ channel: Channel) -> Int { channel.rawValue * width * height }

    /// Puts the food on a uniformly random free cell (the k-th free cell in
    /// row-major order, k drawn from the generator), or none when the board is full.
    private mutating func placeFood() {
        let cells = width * height
        let free = cells - length
        guard free > 0 else {
            food = -1
            return
        }
        var remaining = generator.nextInt(upperBound: free)
        for cell in 0..<cells where !occupied[cell] {
            if remaining == 0 {
                food = cell
                break
            }
            remaining -= 1
        }
        observation[plane(.food) + food] = 1
    }
}
