/// A grid of square cells laid over a ``World``, each blocked or free: the map
/// the ``AStarPlanner`` searches.
///
/// Cell `(column, row)` covers `[column·s, (column+1)·s) × [row·s, (row+1)·s)`
/// for cell size `s`: row 0 is the southern edge (y = 0), as in the world.
/// Cells are stored row-major: index `row * columns + column`.
///
/// ``rasterize(_:inflation:includeWalls:)`` blocks a cell when its centre lies
/// closer than `inflation` to an obstacle (or to a wall, when walls count).
/// Inflating by the robot's radius turns the robot into a point: a free centre
/// is a position the robot's disc can stand on without touching anything.
public struct OccupancyGrid: Equatable, Sendable {
    /// Cells along x.
    public let columns: Int
    /// Cells along y.
    public let rows: Int
    /// The side of a cell, in metres.
    public let cellSize: Double
    /// `true` for a blocked cell, indexed `row * columns + column`.
    public var blocked: [Bool]

    /// Creates a grid of free cells.
    public init(columns: Int, rows: Int, cellSize: Double) {
        precondition(columns > 0 && rows > 0 && cellSize > 0, "OccupancyGrid needs a positive size, got \(columns) x \(rows) of \(cellSize)")
        self.columns = columns
        self.rows = rows
        self.cellSize = cellSize
        self.blocked = [Bool](repeating: false, count: columns * rows)
    }

    /// Creates the grid that covers `world` with cells of `cellSize` metres
    /// (the last row and column may stick out past the world's edge) and
    /// rasterizes it.
    public init(world: World, cellSize: Double, inflation: Double, includeWalls: Bool = true) {
        self.init(columns: max(1, Int((world.width / cellSize).rounded(.up))),
                  rows: max(1, Int((world.height / cellSize).rounded(.up))), cellSize: cellSize)
        rasterize(world, inflation: inflation, includeWalls: includeWalls)
    }

    /// The number of cells.
    @inlinable public var cellCount: Int { columns * rows }

    /// Whether cell (`column`, `row`) is blocked; cells outside the grid are blocked.
    @inlinable public subscript(column: Int, row: Int) -> Bool {
        guard column >= 0, column < columns, row >= 0, row < rows else { return true }
        return blocked[row * columns + column]
    }

    /// The centre of cell `index`, in metres.
    @inlinable public func center(ofCell index: Int) -> Vector2 {
        Vector2(x: (Double(index % columns) + 0.5) * cellSize, y: (Double(index / columns) + 0.5) * cellSize)
    }

    /// The index of the cell holding `point`, or `nil` outside the grid.
    @inlinable public func cell(containing point: Vector2) -> Int? {
        let column = Int((point.x / cellSize).rounded(.down)), row = Int((point.y / cellSize).rounded(.down))
        guard point.x >= 0, point.y >= 0, column < columns, row < rows else { return nil }
        return row * columns + column
    }

    /// Recomputes every cell from `world`: a cell is blocked when its centre lies
    /// closer than `inflation` metres to an obstacle, or, with `includeWalls`,
    /// to one of the world's walls (or outside the world).
    ///
    /// Each obstacle visits only the cells within its bounding disc grown by
    /// `inflation`, so the cost is one pass over the cells plus the obstacles' areas.
    public mutating func rasterize(_ world: World, inflation: Double, includeWalls: Bool = true) {
        let columns = self.columns, rows = self.rows, size = cellSize
        blocked.withUnsafeMutableBufferPointer { cells in
            if includeWalls {
                for row in 0..<rows {
                    let y = (Double(row) + 0.5) * size
                    let rowBlocked = min(y, world.height - y) < inflation
                    for column in 0..<columns {
                        let x = (Double(column) + 0.5) * size
                        cells[row * columns + column] = rowBlocked || min(x, world.width - x) < inflation
                    }
                }
            } else {
                cells.update(repeating: false)
            }
            for obstacle in world.obstacles {
                let reach = obstacle.boundingRadius + inflation
                let center = obstacle.center
                let firstColumn = max(0, Int(((center.x - reach) / size - 0.5).rounded(.up)))
                let lastColumn = min(columns - 1, Int(((center.x + reach) / size - 0.5).rounded(.down)))
                let firstRow = max(0, Int(((center.y - reach) / size - 0.5).rounded(.up)))
                let lastRow = min(rows - 1, Int(((center.y + reach) / size - 0.5).rounded(.down)))
                guard firstColumn <= lastColumn, firstRow <= lastRow else { continue }
                for row in firstRow...lastRow {
                    let y = (Double(row) + 0.5) * size
                    for column in firstColumn...lastColumn where !cells[row * columns + column] {
                        let point = Vector2(x: (Double(column) + 0.5) * size, y: y)
                        if obstacle.distance(to: point) < inflation { cells[row * columns + column] = true }
                    }
                }
            }
        }
    }
}
