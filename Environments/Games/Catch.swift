/// bsuite's Catch: move a paddle along the bottom row to catch a falling ball.
///
/// ## Description
///
/// A board of ``rows`` × ``columns`` cells (bsuite's 10 × 5 by default). At the
/// start a ball appears in a random column of the top row and the paddle sits
/// in the middle column (`columns / 2`) of the bottom row. Each step the paddle
/// moves one column left, stays, or moves one column right (it stops at the
/// edges), then the ball falls one row. When the ball reaches the bottom row
/// the episode ends, after `rows − 1` steps: caught if the paddle is in the
/// ball's column. These are the rules of bsuite's `catch` (Osband et al. 2020).
///
/// ## Actions
///
/// ``actionSpace`` is `Discrete(3)`; ``Move`` names the values: 0 left, 1 stay, 2 right.
///
/// ## Observation
///
/// A binary image `[1, rows, columns]` (one channel, channels-first) in
/// `Box(0, 1)`: 1 at the ball's cell and at the paddle's cell, 0 elsewhere.
///
/// ## Rewards
///
/// +1 when the ball lands on the paddle, −1 when it misses; 0 on every other step.
///
/// ## Start
///
/// The ball's column is uniform over `0..<columns`, from the environment's own
/// ``Xoshiro256``.
///
/// ## Episode End
///
/// - Termination: the ball reaches the bottom row (always after `rows − 1` steps).
/// - Truncation: never.
///
/// The final step's info carries `"success"`: whether the ball was caught.
public struct Catch: Environment, Sendable {
    /// The paddle's moves, as the integers the action space holds.
    public enum Move: Int, Sendable, CaseIterable {
        case left = 0, stay = 1, right = 2
    }

    /// bsuite's default number of rows.
    public static let defaultRows = 10
    /// bsuite's default number of columns.
    public static let defaultColumns = 5

    /// Rows of the board (the ball falls `rows − 1` times).
    public let rows: Int
    /// Columns of the board.
    public let columns: Int
    public let observationSpace: Box
    public let actionSpace = Discrete(3)

    /// The ball's column.
    public private(set) var ballColumn = 0
    /// The ball's row, 0 at the top.
    public private(set) var ballRow = 0
    /// The paddle's column (its row is always `rows − 1`).
    public private(set) var paddleColumn = 0

    private var generator: Xoshiro256
    private var phase = EpisodePhase.needsReset
    private var observation: [Float]

    /// Creates a board of `rows` (≥ 2) by `columns` (≥ 1) cells.
    public init(rows: Int = Catch.defaultRows, columns: Int = Catch.defaultColumns) {
        precondition(rows >= 2 && columns >= 1, "Catch needs at least 2 rows and 1 column, got \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        observationSpace = Box(low: 0, high: 1, shape: [1, rows, columns])
        observation = [Float](repeating: 0, count: rows * columns)
        generator = Xoshiro256()
    }

    public var name: String { "Catch" }

    /// Starts an episode: a new ball column from the generator. `options` may
    /// hold `"ball_column": .int(c)` to choose the column (nothing is drawn then).
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   when `"ball_column"` is not an int in `0..<columns`.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let givenColumn = try options.resetInteger("ball_column", in: 0..<columns, of: name)
        if let seed { generator = Xoshiro256(seed: seed) }
        if let column = givenColumn {
            ballColumn = column
        } else {
            ballColumn = generator.nextInt(upperBound: columns)
        }
        ballRow = 0
        paddleColumn = columns / 2
        phase = .running
        observation.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        observation[ballColumn] = 1
        observation[(rows - 1) * columns + paddleColumn] = 1
        return Reset(observation: observation)
    }

    /// Moves the paddle, then drops the ball one row; see the type's Rewards.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        let bottom = (rows - 1) * columns
        observation[bottom + paddleColumn] = 0
        observation[ballRow * columns + ballColumn] = 0
        paddleColumn = min(max(paddleColumn + action - 1, 0), columns - 1)
        ballRow += 1
        observation[ballRow * columns + ballColumn] = 1
        observation[bottom + paddleColumn] = 1
        guard ballRow == rows - 1 else {
            return Step(observation: observation, reward: 0, terminated: false, truncated: false)
        }
        phase = .ended
        let caught = paddleColumn == ballColumn
        return Step(observation: observation, reward: caught ? 1 : -1, terminated: true, truncated: false,
                    info: ["success": .bool(caught)])
    }
}
