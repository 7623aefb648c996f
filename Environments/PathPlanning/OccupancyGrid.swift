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
            cells.update(repeating: false)
            if includeWalls {
                // Only the border strips lie within `inflation` of a wall (or outside the world).
                for row in 0..<rows {
                    let y = (Double(row) + 0.5) * size
                    if min(y, world.height - y) < inflation {
                        for column in 0..<columns { cells[row * columns + column] = true }
                        continue
                    }
                    var column = 0
                    while column < columns, (Double(column) + 0.5) * size < inflation {
                        cells[row * columns + column] = true
                        column += 1
                    }
                    column = columns - 1
                    while column >= 0, world.width - (Double(column) + 0.5) * size < inflation {
                        cells[row * columns + column] = true
                        column -= 1
                    }
                }
            }
            for obstacle in world.obstacles {
                let reach = obstacle.boundingRadius + inflation
                let center = obstacle.center
                let firstRow = max(0, Int(((center.y - reach) / size - 0.5).rounded(.up)))
                let lastRow = min(rows - 1, Int(((center.y + reach) / size - 0.5).rounded(.down)))
                guard firstRow <= lastRow else { continue }
                switch obstacle {
                case .circle(let circle):
                    // Each row's blocked cells form one run: |x − cx| < √((r + i)² − dy²).
                    let grown = circle.radius + inflation
                    for row in firstRow...lastRow {
                        let dy = (Double(row) + 0.5) * size - center.y
                        let halfSpanSquared = grown * grown - dy * dy
                        guard halfSpanSquared > 0 else { continue }
                        let halfSpan = halfSpanSquared.squareRoot()
                        // Centres strictly inside: (column + 0.5)·size in (cx − h, cx + h).
                        var first = Int(((center.x - halfSpan) / size - 0.5).rounded(.up))
                        if (Double(first) + 0.5) * size <= center.x - halfSpan { first += 1 }
                        var last = Int(((center.x + halfSpan) / size - 0.5).rounded(.down))
                        if (Double(last) + 0.5) * size >= center.x + halfSpan { last -= 1 }
                        first = max(first, 0)
                        last = min(last, columns - 1)
                        guard first <= last else { continue }
                        for column in first...last { cells[row * columns + column] = true }
                    }
                case .rectangle(let rectangle):
                    // Each row's blocked cells form one run too: the rectangle grown
                    // by `inflation` is convex, the union of the rectangle widened
                    // along each of its axes and four discs on its corners.
                    let corners = rectangle.corners
                    for row in firstRow...lastRow {
                        let y = (Double(row) + 0.5) * size
                        guard let (low, high) = Self.rowInterval(of: rectangle, corners: corners, inflation: inflation, y: y) else { continue }
                        var first = Int((low / size - 0.5).rounded(.up))
                        if (Double(first) + 0.5) * size <= low { first += 1 }
                        var last = Int((high / size - 0.5).rounded(.down))
                        if (Double(last) + 0.5) * size >= high { last -= 1 }
                        first = max(first, 0)
                        last = min(last, columns - 1)
                        guard first <= last else { continue }
                        for column in first...last { cells[row * columns + column] = true }
                    }
                }
            }
        }
    }

    /// The x interval where the horizontal line at height `y` lies closer than
    /// `inflation` to `rectangle` (whose `corners` are given), or `nil`.
    static func rowInterval(of rectangle: OrientedRectangle, corners: [Vector2], inflation: Double, y: Double) -> (Double, Double)? {
        var low = Double.infinity, high = -Double.infinity
        // The line x ↦ (x, y) in the rectangle's frame, parametrised by u = x − cx.
        let origin = rectangle.local(Vector2(x: rectangle.center.x, y: y))
        let direction = Vector2(x: rectangle.cosine, y: -rectangle.sine)
        for (halfWidth, halfHeight) in [(rectangle.halfWidth + inflation, rectangle.halfHeight),
                                        (rectangle.halfWidth, rectangle.halfHeight + inflation)] {
            if let (entry, exit) = OrientedRectangle.slabInterval(origin: origin, direction: direction, halfWidth: halfWidth,
                                                                  halfHeight: halfHeight, from: -.infinity, upTo: .infinity) {
                low = min(low, rectangle.center.x + entry)
                high = max(high, rectangle.center.x + exit)
            }
        }
        for corner in corners {
            let dy = y - corner.y
            let halfSpanSquared = inflation * inflation - dy * dy
            guard halfSpanSquared > 0 else { continue }
            let halfSpan = halfSpanSquared.squareRoot()
            low = min(low, corner.x - halfSpan)
            high = max(high, corner.x + halfSpan)
        }
        return low < high ? (low, high) : nil
    }
}
