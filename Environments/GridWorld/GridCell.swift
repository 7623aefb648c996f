/// What occupies one cell of a grid world.
///
/// The capabilities are computed from the case, as MiniGrid's world objects
/// answer `can_overlap` and `see_behind`, so rules ask the cell instead of
/// listing cases. Cells outside a map read as ``wall``.
public enum GridCell: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Open ground: the agent may stand here.
    case floor
    /// Blocks movement: a move into a wall leaves the agent where it was.
    case wall
    /// Entering it ends the episode (terminated) with a positive reward.
    case goal
    /// Entering it ends the episode (terminated) with reward 0.
    case lava

    /// Whether the agent can move onto the cell (lava is passable, and deadly).
    @inlinable public var isPassable: Bool { self != .wall }

    /// Whether entering the cell terminates the episode.
    @inlinable public var endsEpisode: Bool { self == .goal || self == .lava }

    /// Whether entering the cell terminates the episode without reward.
    @inlinable public var isDeadly: Bool { self == .lava }

    /// Whether the cell hides what lies behind it (MiniGrid's `see_behind` is false).
    ///
    /// ``GridWorld``'s egocentric view does not occlude; this is for callers that do.
    @inlinable public var blocksSight: Bool { self == .wall }

    /// The character that stands for the cell in a ``GridMap`` text.
    public var symbol: Character {
        switch self {
        case .floor: return "."
        case .wall: return "#"
        case .goal: return "G"
        case .lava: return "L"
        }
    }

    /// The cell a map character stands for; the start `S` is floor with the
    /// agent on it, so it is not a cell of its own and gives `nil` here.
    public init?(symbol: Character) {
        switch symbol {
        case ".": self = .floor
        case "#": self = .wall
        case "G": self = .goal
        case "L": self = .lava
        default: return nil
        }
    }

    public var description: String { String(symbol) }
}
