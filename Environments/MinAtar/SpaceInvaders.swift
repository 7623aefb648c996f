/// MinAtar Space Invaders: shoot down a wave of aliens before it reaches you.
///
/// ## Description
///
/// The cannon moves along the bottom row (row 9) and fires bullets straight up
/// (one cell per frame, at most one shot every ``shotCooldown`` frames). A wave
/// of 4×6 aliens starts in rows 0–3, columns 2–7, moving left. The wave moves
/// one cell sideways every few frames; when an alien touches the edge it is
/// moving towards, the whole wave instead steps one row down and turns around.
/// The wave moves every `min(aliens left, move interval)` frames, so it speeds
/// up as it thins out (a single alien moves every frame). Every
/// ``alienShotInterval`` frames the lowest alien of the column nearest the
/// cannon (ties to the left) drops a bullet that falls one cell per frame.
/// A friendly bullet that meets an alien removes both. A cleared wave is
/// replaced by a fresh one; with difficulty ramping (on by default) each new
/// wave's move interval is one frame shorter, from ``initialAlienMoveInterval``
/// (12) down to 6.
///
/// ## Actions
///
/// Left and right move the cannon; fire shoots when the cooldown allows; up and
/// down do nothing. Minimal set: no-op, left, right, fire.
///
/// ## Observation
///
/// Six channels (``Channel``): cannon, alien, alien-left and alien-right (the
/// alien cells again, in the channel of the wave's direction), friendly bullet,
/// enemy bullet.
///
/// ## Rewards
///
/// +1 per alien shot.
///
/// ## Start
///
/// The cannon is at column 5; a full wave moving left; no bullets. This game
/// draws no random numbers: only sticky actions make episodes differ.
///
/// ## Episode End
///
/// - Termination: an enemy bullet or an alien reaches the cannon's cell, or the
///   wave must step down while it occupies the bottom row.
public struct SpaceInvaders: MinAtarGame {
    /// The observation channels, in MinAtar's order.
    public enum Channel: Int, CaseIterable, Sendable {
        case cannon = 0, alien, alienLeft, alienRight, friendlyBullet, enemyBullet
    }

    public static let gameName = "Space Invaders"
    public static let minimalActions: [MinAtarAction] = [.noOp, .left, .right, .fire]
    /// Frames between the cannon's shots.
    public static let shotCooldown = 5
    /// The first wave's move interval, in frames.
    public static let initialAlienMoveInterval = 12
    /// The shortest move interval ramping reaches.
    public static let fastestAlienMoveInterval = 6
    /// Frames between alien shots.
    public static let alienShotInterval = 10
    /// A fresh wave: rows 0–3, columns 2–7.
    public static let freshWave = MinAtar.CellMask.rectangle(rows: 0..<4, columns: 2..<8)

    /// Whether each cleared wave makes the next one faster.
    public let difficultyRamping: Bool
    /// The cannon's column.
    public internal(set) var cannonX = 5
    /// The aliens.
    public internal(set) var aliens = SpaceInvaders.freshWave
    /// The wave's direction, −1 (left) or +1 (right).
    public internal(set) var alienDirection = -1
    /// The cannon's bullets in flight.
    public internal(set) var friendlyBullets = MinAtar.CellMask.empty
    /// The aliens' bullets in flight.
    public internal(set) var enemyBullets = MinAtar.CellMask.empty
    /// Frames between wave moves (before the thinning speed-up).
    public internal(set) var alienMoveInterval = SpaceInvaders.initialAlienMoveInterval
    /// Frames until the wave next moves.
    public internal(set) var alienMoveTimer = SpaceInvaders.initialAlienMoveInterval
    /// Frames until the next alien shot.
    public internal(set) var alienShotTimer = SpaceInvaders.alienShotInterval
    /// Frames until the cannon may fire again.
    public internal(set) var shotTimer = 0
    /// Waves that were made faster so far.
    public internal(set) var rampIndex = 0
    public var difficultyLevel: Int? { rampIndex }

    public init(difficultyRamping: Bool) {
        self.difficultyRamping = difficultyRamping
    }

    public mutating func reset(using generator: inout Xoshiro256) {
        cannonX = 5
        friendlyBullets = .empty
        enemyBullets = .empty
        aliens = Self.freshWave
        alienDirection = -1
        alienMoveInterval = Self.initialAlienMoveInterval
        alienMoveTimer = alienMoveInterval
        alienShotTimer = Self.alienShotInterval
        rampIndex = 0
        shotTimer = 0
    }

    public mutating func act(_ action: MinAtarAction, using generator: inout Xoshiro256) -> MinAtar.Outcome {
        var outcome = MinAtar.Outcome()
        if action == .fire {
            if shotTimer == 0 {
                friendlyBullets.insert(x: cannonX, y: 9)
                shotTimer = Self.shotCooldown
            }
        } else if action == .left {
            cannonX = max(0, cannonX - 1)
        } else if action == .right {
            cannonX = min(9, cannonX + 1)
        }

        friendlyBullets = friendlyBullets.shiftedUp
        enemyBullets = enemyBullets.shiftedDown
        if enemyBullets.contains(x: cannonX, y: 9) { outcome.terminated = true }

        if aliens.contains(x: cannonX, y: 9) { outcome.terminated = true }
        if alienMoveTimer == 0 {
            alienMoveTimer = min(aliens.count, alienMoveInterval)
            let touchesEdge = alienDirection < 0 ? aliens.intersects(.column(0)) : aliens.intersects(.column(9))
            if touchesEdge {
                alienDirection = -alienDirection
                if aliens.intersects(.row(9)) { outcome.terminated = true }
                aliens = aliens.rolledDown
            } else {
                aliens = alienDirection < 0 ? aliens.rolledLeft : aliens.rolledRight
            }
            if aliens.contains(x: cannonX, y: 9) { outcome.terminated = true }
        }
        if alienShotTimer == 0 {
            alienShotTimer = Self.alienShotInterval
            if let shooter = nearestAlien(toColumn: cannonX) {
                enemyBullets.insert(x: shooter.x, y: shooter.y)
            }
        }

        let hits = aliens.intersection(friendlyBullets)
        outcome.reward += hits.count
        aliens = aliens.subtracting(hits)
        friendlyBullets = friendlyBullets.subtracting(hits)

        if shotTimer > 0 { shotTimer -= 1 }
        alienMoveTimer -= 1
        alienShotTimer -= 1
        if aliens.isEmpty {
            if alienMoveInterval > Self.fastestAlienMoveInterval, difficultyRamping {
                alienMoveInterval -= 1
                rampIndex += 1
            }
            aliens = Self.freshWave
        }
        return outcome
    }

    /// The lowest alien of the nonempty column nearest `column` (the left one on
    /// a tie), or `nil` when there are no aliens.
    private func nearestAlien(toColumn column: Int) -> (x: Int, y: Int)? {
        for distance in 0..<10 {
            let left = column - distance, right = column + distance
            if left >= 0, let y = aliens.intersection(.column(left)).lowestRow { return (left, y) }
            if distance > 0, right <= 9, let y = aliens.intersection(.column(right)).lowestRow { return (right, y) }
        }
        return nil
    }

    @inline(__always)
    public func draw(into planes: inout MinAtar.Planes) {
        planes.insert(Channel.cannon, x: cannonX, y: 9)
        planes[Channel.alien] = aliens
        planes[alienDirection < 0 ? Channel.alienLeft : Channel.alienRight] = aliens
        planes[Channel.friendlyBullet] = friendlyBullets
        planes[Channel.enemyBullet] = enemyBullets
    }
}
