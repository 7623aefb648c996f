/// A cell of a grid: column `x` from the left, row `y` from the top, both from 0.
public struct GridPosition: Hashable, Sendable, CustomStringConvertible {
    /// Column, counted from the left edge, starting at 0.
    public var x: Int
    /// Row, counted from the top edge, starting at 0.
    public var y: Int

    /// Creates the position of column `x`, row `y`.
    @inlinable
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    /// The neighbouring cell one step in `direction`.
    @inlinable
    public func moved(_ direction: GridWorld.Direction) -> GridPosition {
        switch direction {
        case .up: return GridPosition(x: x, y: y - 1)
        case .right: return GridPosition(x: x + 1, y: y)
        case .down: return GridPosition(x: x, y: y + 1)
        case .left: return GridPosition(x: x - 1, y: y)
        }
    }

    public var description: String { "(\(x), \(y))" }
}
