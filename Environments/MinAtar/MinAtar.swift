/// The MinAtar games (Young & Tian 2019, kenjyoung/MinAtar 1.0.15): five
/// miniature Atari games on a 10×10 grid, designed for CNN-based agents on a CPU.
///
/// Each game's rules live in a ``MinAtarGame`` (``Breakout``, ``SpaceInvaders``,
/// ``Freeway``, ``Asterix``, ``Seaquest``); ``MinAtarEnvironment`` turns any of
/// them into an ``Environment`` with MinAtar's shared machinery: the six-action
/// alphabet (``MinAtarAction``), the optional minimal action set, sticky actions
/// and the binary observation planes.
///
/// The rules follow the reference implementation in effect line for line (the
/// order of updates within a frame, the timers, the spawn rules, the draws from
/// the generator in the reference's order). The random numbers come from the
/// environment's own ``Xoshiro256`` instead of NumPy; fed the same numbers, the
/// reference produces the same frames (the tests replay it that way).
///
/// Differences from the reference, all outside the rules:
/// - Freeway's 2500-frame end is reported as truncation, not termination
///   (see ``Freeway``).
/// - Stepping a finished episode throws ``EnvironmentError`` instead of
///   returning zero reward.
/// - Where the reference removes an object from a list by value
///   (`list.remove`), this removes it by position; the two differ only if two
///   objects of a list were equal in every field, which the rules do not let
///   happen in practice.
public enum MinAtar {
    /// Cells per side of every game's grid.
    public static let gridSize = 10
    /// Cells per observation plane (`gridSize²`).
    public static let cellsPerPlane = gridSize * gridSize
}

/// MinAtar's action alphabet, shared by every game: the integer is the action's
/// index in the full six-action space.
public enum MinAtarAction: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Do nothing.
    case noOp = 0
    /// Move left (towards x = 0).
    case left = 1
    /// Move up (towards row 0, the top of the screen).
    case up = 2
    /// Move right (towards x = 9).
    case right = 3
    /// Move down (towards row 9, the bottom of the screen).
    case down = 4
    /// Fire (in the games that shoot).
    case fire = 5

    public var description: String {
        switch self {
        case .noOp: return "no-op"
        case .left: return "left"
        case .up: return "up"
        case .right: return "right"
        case .down: return "down"
        case .fire: return "fire"
        }
    }
}

extension MinAtar {
    /// A set of cells of the 10×10 grid, one bit per cell: bit `10·y + x`, so the
    /// bits run in the same row-major order as an observation plane.
    ///
    /// Whole-plane moves (a wave of aliens stepping sideways, bullets rising) are
    /// shifts of one 128-bit integer instead of loops over cells.
    public struct CellMask: Equatable, Hashable, Sendable {
        /// The cells as bits; only the low 100 bits are ever set.
        public var bits: UInt128

        /// Creates a mask from its bits (the caller keeps bits 100 and above clear).
        @inlinable public init(bits: UInt128) { self.bits = bits }

        /// No cell.
        public static var empty: CellMask { CellMask(bits: 0) }
        /// Every cell of the grid.
        public static var full: CellMask { CellMask(bits: allCellBits) }

        /// Bits 0–99 (literal constants, so hot code needs no lazy global).
        @usableFromInline static var allCellBits: UInt128 { 0xF_FFFF_FFFF_FFFF_FFFF_FFFF_FFFF }
        /// Bit `10·y` of every row: column 0.
        @usableFromInline static var firstColumnBits: UInt128 { 0x401_0040_1004_0100_4010_0401 }
        /// Bit `10·y + 9` of every row: column 9.
        @usableFromInline static var lastColumnBits: UInt128 { 0x802_0080_2008_0200_8020_0802_00 }

        /// The one cell at column `x`, row `y`.
        @inlinable public static func cell(x: Int, y: Int) -> CellMask {
            CellMask(bits: 1 &<< UInt128(truncatingIfNeeded: 10 * y + x))
        }

        /// Every cell of row `y`.
        @inlinable public static func row(_ y: Int) -> CellMask {
            CellMask(bits: UInt128(0x3FF) &<< UInt128(truncatingIfNeeded: 10 * y))
        }

        /// Every cell of rows `rows` (rows outside 0..<10 are ignored).
        public static func rows(_ rows: Range<Int>) -> CellMask {
            var mask = CellMask.empty
            for y in rows.clamped(to: 0..<10) { mask.bits |= row(y).bits }
            return mask
        }

        /// Every cell of column `x`.
        @inlinable public static func column(_ x: Int) -> CellMask {
            CellMask(bits: firstColumnBits &<< UInt128(truncatingIfNeeded: x))
        }

        /// Every cell of column 0.
        public static var columnZero: CellMask { CellMask(bits: firstColumnBits) }

        /// The rectangle of rows `rows` and columns `columns` (clamped to the grid).
        public static func rectangle(rows: Range<Int>, columns: Range<Int>) -> CellMask {
            var mask = CellMask.empty
            for y in rows.clamped(to: 0..<10) {
                for x in columns.clamped(to: 0..<10) { mask.insert(x: x, y: y) }
            }
            return mask
        }

        /// Whether the cell at column `x`, row `y` is in the set.
        @inlinable public func contains(x: Int, y: Int) -> Bool {
            (bits &>> UInt128(truncatingIfNeeded: 10 * y + x)) & 1 == 1
        }

        /// Adds the cell at column `x`, row `y`.
        @inlinable public mutating func insert(x: Int, y: Int) {
            bits |= 1 &<< UInt128(truncatingIfNeeded: 10 * y + x)
        }

        /// Removes the cell at column `x`, row `y`.
        @inlinable public mutating func remove(x: Int, y: Int) {
            bits &= ~(1 &<< UInt128(truncatingIfNeeded: 10 * y + x))
        }

        /// The number of cells in the set.
        @inlinable public var count: Int { bits.nonzeroBitCount }

        /// Whether the set has no cell.
        @inlinable public var isEmpty: Bool { bits == 0 }

        /// Whether the two sets share a cell.
        @inlinable public func intersects(_ other: CellMask) -> Bool { bits & other.bits != 0 }

        /// The cells in both sets.
        @inlinable public func intersection(_ other: CellMask) -> CellMask { CellMask(bits: bits & other.bits) }

        /// The cells in either set.
        @inlinable public func union(_ other: CellMask) -> CellMask { CellMask(bits: bits | other.bits) }

        /// The cells of this set that are not in `other`.
        @inlinable public func subtracting(_ other: CellMask) -> CellMask { CellMask(bits: bits & ~other.bits) }

        /// Every cell moved one row down; the bottom row's cells wrap to the top
        /// row (NumPy's `roll(…, 1, axis=0)`).
        @inlinable public var rolledDown: CellMask {
            CellMask(bits: ((bits << 10) | (bits >> 90)) & CellMask.allCellBits)
        }

        /// Every cell moved one row down; the bottom row's cells leave the grid.
        @inlinable public var shiftedDown: CellMask {
            CellMask(bits: (bits << 10) & CellMask.allCellBits)
        }

        /// Every cell moved one row up; the top row's cells leave the grid.
        @inlinable public var shiftedUp: CellMask { CellMask(bits: bits >> 10) }

        /// Every cell moved one column right within its row; column 9 wraps to
        /// column 0 (NumPy's `roll(…, 1, axis=1)`).
        @inlinable public var rolledRight: CellMask {
            let lastColumn = CellMask.lastColumnBits
            return CellMask(bits: ((bits & ~lastColumn) << 1) | ((bits & lastColumn) >> 9))
        }

        /// Every cell moved one column left within its row; column 0 wraps to
        /// column 9 (NumPy's `roll(…, -1, axis=1)`).
        @inlinable public var rolledLeft: CellMask {
            let firstColumn = CellMask.firstColumnBits
            return CellMask(bits: ((bits & ~firstColumn) >> 1) | ((bits & firstColumn) << 9))
        }

        /// The lowest row (largest `y`) holding a cell of the set, or `nil` when empty.
        @inlinable public var lowestRow: Int? {
            bits == 0 ? nil : (127 - bits.leadingZeroBitCount) / 10
        }
    }

    /// The observation planes of one frame: one ``CellMask`` per channel, in
    /// channel order. Games draw into it; the environment turns it into floats.
    ///
    /// The masks live inline (no heap storage), so drawing a frame allocates
    /// nothing and pays no copy-on-write checks.
    public struct Planes: Equatable, Sendable {
        /// The most channels a game may have (Seaquest's ten).
        public static let maxChannelCount = 10

        /// The number of channels.
        public let channelCount: Int
        private var storage: InlineArray<10, CellMask>

        /// Creates `channelCount` empty planes.
        ///
        /// - Precondition: `0 < channelCount <= maxChannelCount`.
        public init(channelCount: Int) {
            precondition(channelCount > 0 && channelCount <= Self.maxChannelCount,
                         "MinAtar games have 1 to \(Self.maxChannelCount) channels, got \(channelCount)")
            self.channelCount = channelCount
            storage = InlineArray(repeating: CellMask(bits: 0))
        }

        /// Every channel's mask, in channel order.
        public var masks: [CellMask] { (0..<channelCount).map { storage[$0] } }

        /// The mask of channel `index`.
        @inline(__always) public subscript(index: Int) -> CellMask {
            get { storage[index] }
            set { storage[index] = newValue }
        }

        /// The mask of `channel` (a game's `Channel` case).
        @inline(__always) public subscript<C: RawRepresentable>(channel: C) -> CellMask where C.RawValue == Int {
            get { storage[channel.rawValue] }
            set { storage[channel.rawValue] = newValue }
        }

        /// Marks the cell at column `x`, row `y` in `channel`.
        @inline(__always) public mutating func insert<C: RawRepresentable>(_ channel: C, x: Int, y: Int) where C.RawValue == Int {
            storage[channel.rawValue].insert(x: x, y: y)
        }

        /// Empties every plane.
        @inline(__always) public mutating func removeAll() {
            for index in 0..<Self.maxChannelCount { storage[index] = .empty }
        }

        public static func == (lhs: Planes, rhs: Planes) -> Bool {
            guard lhs.channelCount == rhs.channelCount else { return false }
            for index in 0..<lhs.channelCount where lhs.storage[index] != rhs.storage[index] { return false }
            return true
        }
    }

    /// What one frame of a game produced.
    public struct Outcome: Equatable, Sendable {
        /// The points scored in the frame.
        public var reward: Int
        /// The game reached a terminal state (the player died).
        public var terminated: Bool
        /// The game ended on a clock the observation does not show (Freeway's
        /// 2500 frames): not a terminal state, so agents should bootstrap.
        public var truncated: Bool

        /// Creates an outcome.
        @inlinable public init(reward: Int = 0, terminated: Bool = false, truncated: Bool = false) {
            self.reward = reward
            self.terminated = terminated
            self.truncated = truncated
        }
    }
}

/// The rules of one MinAtar game, stepped one frame per action.
///
/// A game owns its state and no generator: ``MinAtarEnvironment`` passes its own
/// ``Xoshiro256`` to ``reset(using:)`` and ``act(_:using:)``, so one seed decides
/// the whole episode, sticky actions included.
public protocol MinAtarGame: Sendable {
    /// The observation channels, with MinAtar's names and order as raw values `0..<n`.
    associatedtype Channel: RawRepresentable, CaseIterable where Channel.RawValue == Int

    /// The game's name, such as `"Breakout"`.
    static var gameName: String { get }
    /// The actions that have a distinct effect in this game, in MinAtar's order
    /// (the reference's `minimal_action_set()`).
    static var minimalActions: [MinAtarAction] { get }

    /// Creates a game in its start state, with or without difficulty ramping
    /// (games without a ramp ignore the flag). The start state may be
    /// provisional: the environment calls ``reset(using:)`` before the first frame.
    init(difficultyRamping: Bool)

    /// Puts the game in its start state, drawing any random choices from `generator`.
    mutating func reset(using generator: inout Xoshiro256)

    /// Advances one frame with `action` (already resolved from sticky actions).
    mutating func act(_ action: MinAtarAction, using generator: inout Xoshiro256) -> MinAtar.Outcome

    /// Marks the cells of every channel into `planes`, which arrive empty.
    func draw(into planes: inout MinAtar.Planes)

    /// The difficulty ramp's current level (the reference's `difficulty_ramp()`),
    /// or `nil` for games without a ramp.
    var difficultyLevel: Int? { get }
}

extension MinAtarGame {
    /// The number of observation channels.
    public static var channelCount: Int { Channel.allCases.count }
}
