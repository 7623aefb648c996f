/// MinAtar Asterix: collect gold and dodge enemies that cross the screen.
///
/// ## Description
///
/// The player moves freely in the four directions within rows 1–8. Each of rows
/// 1–8 (a slot) holds at most one entity, an enemy or gold, that enters at the
/// left or right edge and crosses the screen, one cell every ``moveInterval``
/// frames, leaving at the far edge. A new entity spawns every ``spawnInterval``
/// frames in a random free slot (nothing spawns when all eight are taken); it is
/// gold with probability ⅓ and enters from either side with probability ½.
/// Touching gold, before or after the entities move, collects it; touching an
/// enemy ends the game.
///
/// Difficulty ramping (on by default): every ``rampInterval`` + 2 frames, while
/// there is room to speed up, the spawn interval drops by one (down to 1), and
/// at every second ramp step the move interval drops by one (down to 1).
///
/// ## Actions
///
/// Left, up, right and down move the player one cell; no-op and fire do nothing.
/// Minimal set: no-op, left, up, right, down.
///
/// ## Observation
///
/// Four channels (``Channel``): player, enemy, trail (the cell behind each
/// entity, when inside the grid) and gold.
///
/// ## Rewards
///
/// +1 per gold collected.
///
/// ## Start
///
/// The player is at column 5, row 5; no entities. The first entity spawns in
/// the 11th frame.
///
/// ## Episode End
///
/// - Termination: the player and an enemy share a cell.
public struct Asterix: MinAtarGame {
    /// The observation channels, in MinAtar's order.
    public enum Channel: Int, CaseIterable, Sendable {
        case player = 0, enemy, trail, gold
    }

    /// An enemy or gold crossing its row.
    public struct Entity: Equatable, Sendable {
        /// Column, 0–9.
        public var x: Int
        /// Whether it moves right (it entered at the left edge).
        public var movesRight: Bool
        /// Gold (collect it) rather than an enemy (avoid it).
        public var isGold: Bool
    }

    public static let gameName = "Asterix"
    public static let minimalActions: [MinAtarAction] = [.noOp, .left, .up, .right, .down]
    /// Frames between difficulty ramp steps, less the two frames the reference's countdown adds.
    public static let rampInterval = 100
    /// The spawn interval at the start, in frames.
    public static let initialSpawnInterval = 10
    /// The move interval at the start, in frames.
    public static let initialMoveInterval = 5

    /// Whether the difficulty ramps up over time.
    public let difficultyRamping: Bool
    /// The player's column.
    public internal(set) var playerX = 5
    /// The player's row (1–8).
    public internal(set) var playerY = 5
    /// The entity of each row 1–8, stored inline so frames pay no copy-on-write checks.
    var entityStorage = InlineArray<8, Entity?>(repeating: nil)
    /// The entity of each row 1–8 (index 0 is row 1), or `nil` when the row is free.
    public internal(set) var entities: [Entity?] {
        get { (0..<8).map { entityStorage[$0] } }
        set { for slot in 0..<8 { entityStorage[slot] = newValue[slot] } }
    }
    /// Frames between spawns.
    public internal(set) var spawnInterval = Asterix.initialSpawnInterval
    /// Frames until the next spawn.
    public internal(set) var spawnTimer = Asterix.initialSpawnInterval
    /// Frames between entity moves.
    public internal(set) var moveInterval = Asterix.initialMoveInterval
    /// Frames until the entities next move.
    public internal(set) var moveTimer = Asterix.initialMoveInterval
    /// The reference's countdown to the next ramp step.
    public internal(set) var rampTimer = Asterix.rampInterval
    /// Ramp steps taken so far.
    public internal(set) var rampIndex = 0
    public var difficultyLevel: Int? { rampIndex }

    public init(difficultyRamping: Bool) {
        self.difficultyRamping = difficultyRamping
    }

    public mutating func reset(using generator: inout Xoshiro256) {
        playerX = 5
        playerY = 5
        for slot in entityStorage.indices { entityStorage[slot] = nil }
        spawnInterval = Self.initialSpawnInterval
        spawnTimer = spawnInterval
        moveInterval = Self.initialMoveInterval
        moveTimer = moveInterval
        rampTimer = Self.rampInterval
        rampIndex = 0
    }

    public mutating func act(_ action: MinAtarAction, using generator: inout Xoshiro256) -> MinAtar.Outcome {
        var outcome = MinAtar.Outcome()
        if spawnTimer == 0 {
            spawnEntity(using: &generator)
            spawnTimer = spawnInterval
        }

        switch action {
        case .left: playerX = max(0, playerX - 1)
        case .right: playerX = min(9, playerX + 1)
        case .up: playerY = max(1, playerY - 1)
        case .down: playerY = min(8, playerY + 1)
        default: break
        }

        for slot in entityStorage.indices {
            guard let entity = entityStorage[slot] else { continue }
            touch(entity, slot: slot, outcome: &outcome)
        }
        if moveTimer == 0 {
            moveTimer = moveInterval
            for slot in entityStorage.indices {
                guard var entity = entityStorage[slot] else { continue }
                entity.x += entity.movesRight ? 1 : -1
                if entity.x < 0 || entity.x > 9 {
                    entityStorage[slot] = nil
                } else {
                    entityStorage[slot] = entity
                    touch(entity, slot: slot, outcome: &outcome)
                }
            }
        }

        spawnTimer -= 1
        moveTimer -= 1

        if difficultyRamping, spawnInterval > 1 || moveInterval > 1 {
            if rampTimer >= 0 {
                rampTimer -= 1
            } else {
                if moveInterval > 1, rampIndex % 2 == 1 { moveInterval -= 1 }
                if spawnInterval > 1 { spawnInterval -= 1 }
                rampIndex += 1
                rampTimer = Self.rampInterval
            }
        }
        return outcome
    }

    /// Collects gold or ends the game when `entity` shares the player's cell.
    private mutating func touch(_ entity: Entity, slot: Int, outcome: inout MinAtar.Outcome) {
        guard entity.x == playerX, slot + 1 == playerY else { return }
        if entity.isGold {
            entityStorage[slot] = nil
            outcome.reward += 1
        } else {
            outcome.terminated = true
        }
    }

    /// Puts a new entity in a random free row; the side and kind are drawn even
    /// when no row is free, as in the reference.
    private mutating func spawnEntity(using generator: inout Xoshiro256) {
        let movesRight = generator.nextBool(probability: 1.0 / 2)
        let isGold = generator.nextBool(probability: 1.0 / 3)
        var freeCount = 0
        for slot in entityStorage.indices where entityStorage[slot] == nil { freeCount += 1 }
        guard freeCount > 0 else { return }
        var pick = generator.nextInt(upperBound: freeCount)
        for slot in entityStorage.indices where entityStorage[slot] == nil {
            if pick == 0 {
                entityStorage[slot] = Entity(x: movesRight ? 0 : 9, movesRight: movesRight, isGold: isGold)
                return
            }
            pick -= 1
        }
    }

    @inline(__always)
    public func draw(into planes: inout MinAtar.Planes) {
        planes.insert(Channel.player, x: playerX, y: playerY)
        for slot in entityStorage.indices {
            guard let entity = entityStorage[slot] else { continue }
            let y = slot + 1
            planes.insert(entity.isGold ? Channel.gold : Channel.enemy, x: entity.x, y: y)
            let backX = entity.movesRight ? entity.x - 1 : entity.x + 1
            if (0...9).contains(backX) { planes.insert(Channel.trail, x: backX, y: y) }
        }
    }
}
