/// MinAtar Seaquest: a submarine shoots fish and enemy subs, rescues divers and
/// surfaces for oxygen.
///
/// ## Description
///
/// The player's submarine occupies two cells, front and back, which show the
/// way it faces. It moves in four directions (rows 0–8; row 0 is the surface)
/// and fires bullets that travel one cell per frame from its front (at most one
/// shot every ``shotCooldown`` frames). Enemy fish and enemy subs enter rows 1–8
/// from either edge (one attempt every spawn interval; an enemy is a sub with
/// probability ⅓, and none appears when the row already holds an enemy going
/// the other way); they move one cell every `moveInterval + 1` frames, and
/// subs fire a bullet every ``enemyShotInterval`` + 1 frames that travels one
/// cell per frame. A friendly bullet that meets an enemy removes both.
///
/// Divers enter rows 1–8 every ``diverSpawnInterval`` frames and move one cell
/// every ``diverMoveInterval`` + 1 frames; the submarine picks a diver up by
/// sharing its cell while it carries fewer than 6.
///
/// Oxygen starts at ``maxOxygen`` (200) and drops by one each frame spent below
/// the surface. Arriving at the surface with divers on board refills the oxygen
/// and drops one diver, or, with all six on board, drops all six and pays one
/// point per full tenth of oxygen left (`oxygen · 10 / 200`, rounded down).
/// Each such surfacing ramps the difficulty (on by default): the spawn interval
/// drops by one (down to 1) and at every second surfacing the move interval
/// drops by one (down to 2).
///
/// As in the reference (1.0.15), surfacing with six divers leaves the diver count
/// at −1 (all six are dropped, then one more), so the next surfacing with no
/// diver picked up since does not end the game; the diver gauge shows no cells
/// while the count is not positive.
///
/// ## Actions
///
/// All six have a distinct effect: left and right move and turn the submarine,
/// up and down move it, fire shoots, no-op waits. Minimal set: all six.
///
/// ## Observation
///
/// Ten channels (``Channel``): submarine front, submarine back, friendly
/// bullet, trail (the cell behind each fish, enemy sub and diver, when inside
/// the grid), enemy bullet, enemy fish, enemy sub, oxygen gauge (row 9,
/// columns 0 ..< oxygen · 10 / 200), diver gauge (row 9, the `count` columns
/// ending at column 8) and diver.
///
/// ## Rewards
///
/// +1 per enemy shot; the oxygen bonus above when surfacing with six divers.
///
/// ## Start
///
/// The submarine is at the surface, column 5, facing left, with full oxygen and
/// no divers. The first enemy spawns in the 21st frame, the first diver in the
/// 31st.
///
/// ## Episode End
///
/// - Termination: an enemy fish, sub or bullet shares the submarine's cell; the
///   oxygen has run out (checked before the frame's use of oxygen, so the frame
///   after the one that empties it); or the submarine arrives at the surface
///   with no diver on board.
///
/// The frame that terminates still runs to its end, as in the reference, so it
/// can score.
public struct Seaquest: MinAtarGame {
    /// The observation channels, in MinAtar's order.
    public enum Channel: Int, CaseIterable, Sendable {
        case submarineFront = 0, submarineBack, friendlyBullet, trail, enemyBullet,
             enemyFish, enemySubmarine, oxygenGauge, diverGauge, diver
    }

    /// A bullet: it moves one cell per frame along its row.
    public struct Bullet: Equatable, Sendable {
        /// Column; the bullet is removed when it leaves 0–9.
        public var x: Int
        /// Row.
        public var y: Int
        /// Whether it flies right.
        public var movesRight: Bool
    }

    /// A fish, an enemy submarine or a diver crossing a row.
    public struct Swimmer: Equatable, Sendable {
        /// Column.
        public var x: Int
        /// Row, 1–8.
        public var y: Int
        /// Whether it moves right (it entered at the left edge).
        public var movesRight: Bool
        /// Frames until its next move.
        public var moveTimer: Int
        /// Frames until its next shot (enemy submarines only).
        public var shotTimer: Int = 0
    }

    public static let gameName = "Seaquest"
    public static let minimalActions: [MinAtarAction] = MinAtarAction.allCases
    /// Full oxygen.
    public static let maxOxygen = 200
    /// The enemy spawn interval at the start, in frames.
    public static let initialEnemySpawnInterval = 20
    /// Frames between diver spawns.
    public static let diverSpawnInterval = 30
    /// The enemies' move timer's reset value at the start.
    public static let initialMoveInterval = 5
    /// Frames between the submarine's shots.
    public static let shotCooldown = 5
    /// The enemy submarines' shot timer's reset value.
    public static let enemyShotInterval = 10
    /// The divers' move timer's reset value.
    public static let diverMoveInterval = 5
    /// Divers the submarine can carry.
    public static let diverCapacity = 6

    /// Whether each surfacing makes the game harder.
    public let difficultyRamping: Bool
    /// Oxygen left (0–200).
    public internal(set) var oxygen = Seaquest.maxOxygen
    /// Divers on board; −1 after surfacing with six (see the type's documentation).
    public internal(set) var diverCount = 0
    /// The submarine's front column.
    public internal(set) var submarineX = 5
    /// The submarine's row (0 is the surface).
    public internal(set) var submarineY = 0
    /// Whether the submarine faces right.
    public internal(set) var facesRight = false
    /// The submarine's bullets in flight.
    public internal(set) var friendlyBullets: [Bullet] = []
    /// The enemy submarines' bullets in flight.
    public internal(set) var enemyBullets: [Bullet] = []
    /// Enemy fish.
    public internal(set) var fish: [Swimmer] = []
    /// Enemy submarines.
    public internal(set) var enemySubmarines: [Swimmer] = []
    /// Divers waiting to be picked up.
    public internal(set) var divers: [Swimmer] = []
    /// Frames between enemy spawns.
    public internal(set) var enemySpawnInterval = Seaquest.initialEnemySpawnInterval
    /// Frames until the next enemy spawn.
    public internal(set) var enemySpawnTimer = Seaquest.initialEnemySpawnInterval
    /// Frames until the next diver spawn.
    public internal(set) var diverSpawnTimer = Seaquest.diverSpawnInterval
    /// The enemies' move timer's reset value.
    public internal(set) var moveInterval = Seaquest.initialMoveInterval
    /// Frames until the submarine may fire again.
    public internal(set) var shotTimer = 0
    /// Surfacings that ramped the difficulty.
    public internal(set) var rampIndex = 0
    /// Whether the submarine was at the surface in the previous frame (only
    /// arriving at the surface counts as surfacing).
    public internal(set) var isSurfaced = true
    public var difficultyLevel: Int? { rampIndex }

    public init(difficultyRamping: Bool) {
        self.difficultyRamping = difficultyRamping
        // Room for the most that can be in play at once, so frames never allocate.
        friendlyBullets.reserveCapacity(16)
        enemyBullets.reserveCapacity(64)
        fish.reserveCapacity(32)
        enemySubmarines.reserveCapacity(32)
        divers.reserveCapacity(32)
    }

    public mutating func reset(using generator: inout Xoshiro256) {
        oxygen = Self.maxOxygen
        diverCount = 0
        submarineX = 5
        submarineY = 0
        facesRight = false
        friendlyBullets.removeAll(keepingCapacity: true)
        enemyBullets.removeAll(keepingCapacity: true)
        fish.removeAll(keepingCapacity: true)
        enemySubmarines.removeAll(keepingCapacity: true)
        divers.removeAll(keepingCapacity: true)
        enemySpawnInterval = Self.initialEnemySpawnInterval
        enemySpawnTimer = enemySpawnInterval
        diverSpawnTimer = Self.diverSpawnInterval
        moveInterval = Self.initialMoveInterval
        rampIndex = 0
        shotTimer = 0
        isSurfaced = true
    }

    public mutating func act(_ action: MinAtarAction, using generator: inout Xoshiro256) -> MinAtar.Outcome {
        var outcome = MinAtar.Outcome()
        if enemySpawnTimer == 0 {
            spawnEnemy(using: &generator)
            enemySpawnTimer = enemySpawnInterval
        }
        if diverSpawnTimer == 0 {
            spawnDiver(using: &generator)
            diverSpawnTimer = Self.diverSpawnInterval
        }

        switch action {
        case .fire:
            if shotTimer == 0 {
                friendlyBullets.append(Bullet(x: submarineX, y: submarineY, movesRight: facesRight))
                shotTimer = Self.shotCooldown
            }
        case .left:
            submarineX = max(0, submarineX - 1)
            facesRight = false
        case .right:
            submarineX = min(9, submarineX + 1)
            facesRight = true
        case .up:
            submarineY = max(0, submarineY - 1)
        case .down:
            submarineY = min(8, submarineY + 1)
        case .noOp:
            break
        }

        moveFriendlyBullets(outcome: &outcome)
        moveDivers()
        moveEnemySubmarines(outcome: &outcome)
        moveEnemyBullets(outcome: &outcome)
        moveFish(outcome: &outcome)

        if enemySpawnTimer > 0 { enemySpawnTimer -= 1 }
        if diverSpawnTimer > 0 { diverSpawnTimer -= 1 }
        if shotTimer > 0 { shotTimer -= 1 }
        if oxygen <= 0 { outcome.terminated = true }
        if submarineY > 0 {
            oxygen -= 1
            isSurfaced = false
        } else if !isSurfaced {
            if diverCount == 0 {
                outcome.terminated = true
            } else {
                outcome.reward += surface()
            }
        }
        return outcome
    }

    // MARK: - Movers (each walks its list from the back, as the reference does)

    private func isAtSubmarine(x: Int, y: Int) -> Bool {
        x == submarineX && y == submarineY
    }

    private mutating func moveFriendlyBullets(outcome: inout MinAtar.Outcome) {
        var index = friendlyBullets.count - 1
        while index >= 0 {
            defer { index -= 1 }
            friendlyBullets[index].x += friendlyBullets[index].movesRight ? 1 : -1
            let bullet = friendlyBullets[index]
            if bullet.x < 0 || bullet.x > 9 {
                friendlyBullets.remove(at: index)
            } else if let hit = fish.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
                fish.remove(at: hit)
                friendlyBullets.remove(at: index)
                outcome.reward += 1
            } else if let hit = enemySubmarines.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
                enemySubmarines.remove(at: hit)
                friendlyBullets.remove(at: index)
                outcome.reward += 1
            }
        }
    }

    private mutating func moveDivers() {
        var index = divers.count - 1
        while index >= 0 {
            defer { index -= 1 }
            if isAtSubmarine(x: divers[index].x, y: divers[index].y), diverCount < Self.diverCapacity {
                divers.remove(at: index)
                diverCount += 1
            } else if divers[index].moveTimer == 0 {
                divers[index].moveTimer = Self.diverMoveInterval
                divers[index].x += divers[index].movesRight ? 1 : -1
                if divers[index].x < 0 || divers[index].x > 9 {
                    divers.remove(at: index)
                } else if isAtSubmarine(x: divers[index].x, y: divers[index].y), diverCount < Self.diverCapacity {
                    divers.remove(at: index)
                    diverCount += 1
                }
            } else {
                divers[index].moveTimer -= 1
            }
        }
    }

    private mutating func moveEnemySubmarines(outcome: inout MinAtar.Outcome) {
        var index = enemySubmarines.count - 1
        while index >= 0 {
            defer { index -= 1 }
            var enemy = enemySubmarines[index]
            var removed = false
            if isAtSubmarine(x: enemy.x, y: enemy.y) { outcome.terminated = true }
            if enemy.moveTimer == 0 {
                enemy.moveTimer = moveInterval
                enemy.x += enemy.movesRight ? 1 : -1
                if enemy.x < 0 || enemy.x > 9 {
                    removed = true
                } else if isAtSubmarine(x: enemy.x, y: enemy.y) {
                    outcome.terminated = true
                } else if let hit = friendlyBullets.firstIndex(where: { $0.x == enemy.x && $0.y == enemy.y }) {
                    friendlyBullets.remove(at: hit)
                    outcome.reward += 1
                    removed = true
                }
            } else {
                enemy.moveTimer -= 1
            }
            // The reference updates the shot timer even of a submarine it just
            // removed, so a submarine shot down (or leaving) this frame still fires.
            if enemy.shotTimer == 0 {
                enemy.shotTimer = Self.enemyShotInterval
                enemyBullets.append(Bullet(x: enemy.x, y: enemy.y, movesRight: enemy.movesRight))
            } else {
                enemy.shotTimer -= 1
            }
            if removed {
                enemySubmarines.remove(at: index)
            } else {
                enemySubmarines[index] = enemy
            }
        }
    }

    private mutating func moveEnemyBullets(outcome: inout MinAtar.Outcome) {
        var index = enemyBullets.count - 1
        while index >= 0 {
            defer { index -= 1 }
            if isAtSubmarine(x: enemyBullets[index].x, y: enemyBullets[index].y) { outcome.terminated = true }
            enemyBullets[index].x += enemyBullets[index].movesRight ? 1 : -1
            if enemyBullets[index].x < 0 || enemyBullets[index].x > 9 {
                enemyBullets.remove(at: index)
            } else if isAtSubmarine(x: enemyBullets[index].x, y: enemyBullets[index].y) {
                outcome.terminated = true
            }
        }
    }

    private mutating func moveFish(outcome: inout MinAtar.Outcome) {
        var index = fish.count - 1
        while index >= 0 {
            defer { index -= 1 }
            if isAtSubmarine(x: fish[index].x, y: fish[index].y) { outcome.terminated = true }
            guard fish[index].moveTimer == 0 else {
                fish[index].moveTimer -= 1
                continue
            }
            fish[index].moveTimer = moveInterval
            fish[index].x += fish[index].movesRight ? 1 : -1
            let swimmer = fish[index]
            if swimmer.x < 0 || swimmer.x > 9 {
                fish.remove(at: index)
            } else if isAtSubmarine(x: swimmer.x, y: swimmer.y) {
                outcome.terminated = true
            } else if let hit = friendlyBullets.firstIndex(where: { $0.x == swimmer.x && $0.y == swimmer.y }) {
                fish.remove(at: index)
                friendlyBullets.remove(at: hit)
                outcome.reward += 1
            }
        }
    }

    // MARK: - Surfacing and spawning

    /// Refills the oxygen, drops divers (all six with the oxygen bonus, else one)
    /// and ramps the difficulty; returns the bonus.
    private mutating func surface() -> Int {
        isSurfaced = true
        var bonus = 0
        if diverCount == Self.diverCapacity {
            diverCount = 0
            bonus = oxygen * 10 / Self.maxOxygen
        }
        oxygen = Self.maxOxygen
        diverCount -= 1
        if difficultyRamping, enemySpawnInterval > 1 || moveInterval > 2 {
            if moveInterval > 2, rampIndex % 2 == 1 { moveInterval -= 1 }
            if enemySpawnInterval > 1 { enemySpawnInterval -= 1 }
            rampIndex += 1
        }
        return bonus
    }

    /// Adds a fish or an enemy submarine at an edge of a random row, unless the
    /// row holds an enemy moving the other way.
    private mutating func spawnEnemy(using generator: inout Xoshiro256) {
        let movesRight = generator.nextBool(probability: 1.0 / 2)
        let isSubmarine = generator.nextBool(probability: 1.0 / 3)
        let y = 1 + generator.nextInt(upperBound: 8)
        let blocked = enemySubmarines.contains { $0.y == y && $0.movesRight != movesRight }
            || fish.contains { $0.y == y && $0.movesRight != movesRight }
        guard !blocked else { return }
        let x = movesRight ? 0 : 9
        if isSubmarine {
            enemySubmarines.append(Swimmer(x: x, y: y, movesRight: movesRight, moveTimer: moveInterval,
                                           shotTimer: Self.enemyShotInterval))
        } else {
            fish.append(Swimmer(x: x, y: y, movesRight: movesRight, moveTimer: moveInterval))
        }
    }

    /// Adds a diver at an edge of a random row.
    private mutating func spawnDiver(using generator: inout Xoshiro256) {
        let movesRight = generator.nextBool(probability: 1.0 / 2)
        let y = 1 + generator.nextInt(upperBound: 8)
        divers.append(Swimmer(x: movesRight ? 0 : 9, y: y, movesRight: movesRight, moveTimer: Self.diverMoveInterval))
    }

    // MARK: - Observation

    @inline(__always)
    public func draw(into planes: inout MinAtar.Planes) {
        planes.insert(Channel.submarineFront, x: submarineX, y: submarineY)
        let backX = facesRight ? submarineX - 1 : submarineX + 1
        if (0...9).contains(backX) { planes.insert(Channel.submarineBack, x: backX, y: submarineY) }
        // Row 9: the oxygen gauge fills columns from 0; the diver gauge ends at
        // column 8 and is empty while the count is not positive.
        let oxygenCells = max(0, oxygen) * 10 / Self.maxOxygen
        planes[Channel.oxygenGauge] = Self.bottomRow(columns: 0, count: oxygenCells)
        planes[Channel.diverGauge] = Self.bottomRow(columns: 9 - diverCount, count: max(0, diverCount))
        for bullet in friendlyBullets { planes.insert(Channel.friendlyBullet, x: bullet.x, y: bullet.y) }
        for bullet in enemyBullets { planes.insert(Channel.enemyBullet, x: bullet.x, y: bullet.y) }
        for swimmer in fish { draw(swimmer, as: .enemyFish, into: &planes) }
        for swimmer in enemySubmarines { draw(swimmer, as: .enemySubmarine, into: &planes) }
        for swimmer in divers { draw(swimmer, as: .diver, into: &planes) }
    }

    /// `count` cells of row 9 starting at column `first`.
    private static func bottomRow(columns first: Int, count: Int) -> MinAtar.CellMask {
        let run: UInt128 = (1 &<< UInt128(truncatingIfNeeded: count)) &- 1
        return MinAtar.CellMask(bits: run &<< UInt128(truncatingIfNeeded: 90 + first))
    }

    private func draw(_ swimmer: Swimmer, as channel: Channel, into planes: inout MinAtar.Planes) {
        planes.insert(channel, x: swimmer.x, y: swimmer.y)
        let backX = swimmer.movesRight ? swimmer.x - 1 : swimmer.x + 1
        if (0...9).contains(backX) { planes.insert(Channel.trail, x: backX, y: swimmer.y) }
    }
}
