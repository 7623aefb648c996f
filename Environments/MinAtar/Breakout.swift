/// MinAtar Breakout: bounce a ball off a paddle to break three rows of bricks.
///
/// ## Description
///
/// The paddle moves along the bottom row (row 9). The ball travels only along
/// diagonals, one cell per frame. It reflects off the side walls, the ceiling
/// and bricks; a brick it strikes disappears. When the ball comes down to the
/// bottom row it bounces back up if it comes straight from above the paddle
/// (reflected vertically) or lands on the paddle's cell from the side
/// (reflected in both directions); otherwise it falls out and the game ends.
/// When every brick is gone, three fresh rows appear the next time the ball
/// reaches the bottom row. A ball that strikes a brick in two consecutive
/// frames passes into the second brick's cell without breaking it (the
/// reference's `strike` flag).
///
/// ## Actions
///
/// Left and right move the paddle one cell (stopping at the walls); the other
/// actions do nothing. Minimal set: no-op, left, right.
///
/// ## Observation
///
/// Four channels (``Channel``): paddle, ball, trail (the ball's previous cell,
/// which shows its direction) and brick.
///
/// ## Rewards
///
/// +1 per brick broken.
///
/// ## Start
///
/// Bricks fill rows 1–3. The paddle is at column 4. The ball is in row 3 at
/// column 0 moving down-right or at column 9 moving down-left, each with
/// probability ½.
///
/// ## Episode End
///
/// - Termination: the ball reaches the bottom row and misses the paddle.
public struct Breakout: MinAtarGame {
    /// The observation channels, in MinAtar's order.
    public enum Channel: Int, CaseIterable, Sendable {
        case paddle = 0, ball, trail, brick
    }

    public static let gameName = "Breakout"
    public static let minimalActions: [MinAtarAction] = [.noOp, .left, .right]

    /// The paddle's column (its row is always 9).
    public internal(set) var paddleX = 4
    /// The ball's column.
    public internal(set) var ballX = 0
    /// The ball's row.
    public internal(set) var ballY = 3
    /// The ball's horizontal direction, −1 (left) or +1 (right).
    public internal(set) var ballDeltaX = 1
    /// The ball's vertical direction, −1 (up) or +1 (down).
    public internal(set) var ballDeltaY = 1
    /// The ball's column in the previous frame.
    public internal(set) var lastBallX = 0
    /// The ball's row in the previous frame.
    public internal(set) var lastBallY = 3
    /// The bricks still standing.
    public internal(set) var bricks = Breakout.startingBricks
    /// Whether the ball struck a brick in the previous frame.
    public internal(set) var struckLastFrame = false
    public var difficultyLevel: Int? { nil }

    /// A fresh wall: rows 1–3 full of bricks.
    public static let startingBricks = MinAtar.CellMask.rows(1..<4)

    public init(difficultyRamping: Bool) {}

    public mutating func reset(using generator: inout Xoshiro256) {
        ballY = 3
        if generator.nextInt(upperBound: 2) == 0 {
            ballX = 0
            ballDeltaX = 1
        } else {
            ballX = 9
            ballDeltaX = -1
        }
        ballDeltaY = 1
        paddleX = 4
        bricks = Self.startingBricks
        struckLastFrame = false
        lastBallX = ballX
        lastBallY = ballY
    }

    public mutating func act(_ action: MinAtarAction, using generator: inout Xoshiro256) -> MinAtar.Outcome {
        var outcome = MinAtar.Outcome()
        switch action {
        case .left: paddleX = max(0, paddleX - 1)
        case .right: paddleX = min(9, paddleX + 1)
        default: break
        }

        lastBallX = ballX
        lastBallY = ballY
        var newX = ballX + ballDeltaX
        var newY = ballY + ballDeltaY
        var strikesBrick = false
        if newX < 0 || newX > 9 {
            newX = min(max(newX, 0), 9)
            ballDeltaX = -ballDeltaX
        }
        if newY < 0 {
            newY = 0
            ballDeltaY = -ballDeltaY
        } else if bricks.contains(x: newX, y: newY) {
            strikesBrick = true
            if !struckLastFrame {
                outcome.reward += 1
                struckLastFrame = true
                bricks.remove(x: newX, y: newY)
                newY = lastBallY
                ballDeltaY = -ballDeltaY
            }
        } else if newY == 9 {
            if bricks.isEmpty { bricks = Self.startingBricks }
            if ballX == paddleX {
                ballDeltaY = -ballDeltaY
                newY = lastBallY
            } else if newX == paddleX {
                ballDeltaX = -ballDeltaX
                ballDeltaY = -ballDeltaY
                newY = lastBallY
            } else {
                outcome.terminated = true
            }
        }
        if !strikesBrick { struckLastFrame = false }
        ballX = newX
        ballY = newY
        return outcome
    }

    @inline(__always)
    public func draw(into planes: inout MinAtar.Planes) {
        planes.insert(Channel.ball, x: ballX, y: ballY)
        planes.insert(Channel.paddle, x: paddleX, y: 9)
        planes.insert(Channel.trail, x: lastBallX, y: lastBallY)
        planes[Channel.brick] = bricks
    }
}
