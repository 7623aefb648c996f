/// A* search over an ``OccupancyGrid``, and the path planner of the
/// path-planning environments: the oracle that gives each episode its shortest
/// collision-free path length.
///
/// ## Grid search
/// ``shortestPath(on:from:to:connectivity:)`` is A* (Hart, Nilsson & Raphael
/// 1968) on the free cells. With ``Connectivity/eight`` a move goes to any of
/// the eight neighbours, costing 1 cell straight and √2 diagonally; a diagonal
/// move needs both cells it passes between to be free (no corner cutting). The
/// heuristic is the octile distance (Manhattan with ``Connectivity/four``),
/// which is consistent. The open set is a bucket queue (Dial 1969) over
/// `f = cost + heuristic` with lazy deletion: with four neighbours every f is a
/// whole number and each bucket holds one f, so the search is exact A* and the
/// cost is the fewest moves; with eight neighbours a bucket spans 1/64 of a
/// cell of f (``bucketsPerCell``), so among entries whose f differ by less than
/// that the newest is expanded first: the cost can exceed the optimum only by
/// such sub-millimetre orderings (the tests find the exact optimum). Buckets
/// make a push and a pop O(1), several times faster than a binary heap here.
/// All buffers are flat arrays kept between searches and marked with a search
/// stamp, so a search allocates only its result.
///
/// ## World planning and what the length means
/// ``plan(in:from:to:clearance:cellSize:smoothing:)`` answers "how long is the shortest
/// path a disc of radius `clearance` can slide along from `start` to `goal`":
/// 0. If the straight segment from start to goal is exactly clear, it is the
///    answer (the true optimum), and no grid is built.
/// 1. Rasterize the world with inflation `ρ = √(clearance² + h²)`, where
///    `h = cellSize·√2/2` is half the longest move. A free cell centre is at
///    least `ρ` from every obstacle point `q`; a move (a segment of length at
///    most `2h`) whose two ends lie outside the disc of radius `ρ` around `q`
///    can pass no closer to `q` than `√(ρ² − h²) = clearance` (the chord
///    argument), and walls are flat. So every grid path is exactly
///    collision-free, while the inflation exceeds the clearance by only about
///    1 cm at 0.1 m cells for a 0.2 m robot.
/// 2. A* with eight neighbours from the start's cell to the goal's cell; the
///    path is start → cell centres → goal.
/// 3. String pulling and refinement: the path is cut down to a subset of its
///    vertices joined by segments that are exactly clear
///    (``World/isSegmentClear(from:to:clearance:)``, exact segment–disc and
///    segment–rectangle distances), and each kept corner slides along the grid
///    path to where the two segments beside it are shortest. This turns the
///    8-direction staircase into an any-angle path.
///
/// The result is a real collision-free path, so its length is an upper bound on
/// the true continuous optimum. The grid alone overestimates by up to
/// `1 / cos(22.5°) − 1 ≈ 8.2%` on open ground (8 directions); after pulling and
/// refinement the remaining excess comes from corners sitting on cell centres a
/// little outside the tightest line: around a disc the path is 0.58% longer
/// than the analytic shortest path at 0.1 m cells and 0.19% at 0.025 m (the
/// raw grid path 10.0% and 8.4%). Passages narrower than `2ρ` (plus up to a cell of rounding) are
/// treated as closed, so the planner may miss a path that squeezes through such
/// a gap and report a longer one; it never reports a path that does not exist.
public struct AStarPlanner: Sendable {
    /// Which neighbours a grid move may reach.
    public enum Connectivity: Sendable, Equatable {
        /// North, east, south, west; every move costs 1 cell.
        case four
        /// The four, plus the diagonals at √2 cells each.
        case eight
    }

    /// A path through grid cells.
    public struct GridPath: Equatable, Sendable {
        /// Cell indices from start to goal, both included.
        public var cells: [Int]
        /// The path's cost in cells (moves for four neighbours; 1 or √2 per move for eight).
        public var cost: Double
    }

    /// A planned path in the world.
    public struct Path: Equatable, Sendable {
        /// The vertices from start to goal, both included.
        public var waypoints: [Vector2]
        /// The length of the polyline through ``waypoints``, in metres.
        public var length: Double
        /// The length of the grid path before string pulling, in metres (equal to
        /// ``length`` when the straight line was clear and no grid was searched).
        public var gridLength: Double
    }

    /// An open-set entry: the cell with its column and row (so expanding it
    /// needs no integer division) and the next entry in its bucket's list.
    private struct OpenEntry {
        var cell: Int32
        var column: Int32
        var row: Int32
        var next: Int32
    }

    /// Open-set buckets per unit of f (one cell of cost) with eight neighbours.
    public static let bucketsPerCell = 64

    private var costs: [Double] = []
    private var parents: [Int32] = []
    private var seen: [UInt32] = []
    private var closed: [UInt32] = []
    private var entries: [OpenEntry] = []
    private var bucketHeads: [Int32] = []
    private var stamp: UInt32 = 0
    /// The occupancy grid of the last ``plan(in:from:to:clearance:cellSize:smoothing:)``
    /// that searched a grid (a clear straight line needs none).
    public private(set) var grid: OccupancyGrid?
    /// How many cells the last search expanded (closed), for tests and tuning.
    public private(set) var expandedCellCount = 0

    /// Creates a planner; its buffers grow to the largest grid it searches.
    public init() {}

    // MARK: - Grid search

    /// The least-cost path from cell `start` to cell `goal` over free cells, or
    /// `nil` when either is blocked or no path exists.
    public mutating func shortestPath(on grid: OccupancyGrid, from start: Int, to goal: Int,
                                      connectivity: Connectivity = .eight) -> GridPath? {
        let cellCount = grid.cellCount
        precondition(start >= 0 && start < cellCount && goal >= 0 && goal < cellCount, "cells \(start), \(goal) outside a grid of \(cellCount)")
        expandedCellCount = 0
        guard !grid.blocked[start], !grid.blocked[goal] else { return nil }
        if costs.count < cellCount {
            costs = [Double](repeating: 0, count: cellCount)
            parents = [Int32](repeating: -1, count: cellCount)
            seen = [UInt32](repeating: 0, count: cellCount)
            closed = [UInt32](repeating: 0, count: cellCount)
        }
        stamp &+= 1
        if stamp == 0 {
            // The stamp wrapped: old marks could alias the new one, so clear them.
            for index in seen.indices { seen[index] = 0; closed[index] = 0 }
            stamp = 1
        }
        let eightNeighbours = connectivity == .eight
        let diagonal = Search.diagonal
        // f never drops along an expansion (consistent heuristic) and a push
        // raises it by at most twice the longest move, so the live keys span
        // fewer than `bucketCount` buckets and a ring of buckets holds them.
        let quantum = eightNeighbours ? Double(Self.bucketsPerCell) : 1
        let bucketCount = Int(2 * (eightNeighbours ? diagonal : 1) * quantum) + 3
        // Work on locals (moved out, so still uniquely referenced) to keep the hot
        // loop free of exclusivity checks on self.
        var costs = self.costs, parents = self.parents, seen = self.seen, closed = self.closed
        var entries = self.entries, bucketHeads = self.bucketHeads
        self.costs = []; self.parents = []; self.seen = []; self.closed = []; self.entries = []; self.bucketHeads = []
        defer {
            self.costs = costs; self.parents = parents; self.seen = seen; self.closed = closed
            self.entries = entries; self.bucketHeads = bucketHeads
        }
        entries.removeAll(keepingCapacity: true)
        bucketHeads.removeAll(keepingCapacity: true)
        bucketHeads.append(contentsOf: repeatElement(-1, count: bucketCount))

        let columns = grid.columns, rows = grid.rows
        let goalColumn = goal % columns, goalRow = goal / columns
        let startColumn = start % columns, startRow = start / columns
        let baseF = Search.heuristic(dx: abs(startColumn - goalColumn), dy: abs(startRow - goalRow), eightNeighbours: eightNeighbours)

        let stamp = self.stamp
        var search = Search(columns: columns, rows: rows, goal: goal, goalColumn: goalColumn, goalRow: goalRow,
                            eightNeighbours: eightNeighbours, quantum: quantum, baseF: baseF, bucketCount: bucketCount, stamp: stamp)
        var found = false
        grid.blocked.withUnsafeBufferPointer { blocked in
            costs.withUnsafeMutableBufferPointer { costs in
            parents.withUnsafeMutableBufferPointer { parents in
            seen.withUnsafeMutableBufferPointer { seen in
            closed.withUnsafeMutableBufferPointer { closed in
            bucketHeads.withUnsafeMutableBufferPointer { bucketHeads in
                found = search.run(from: start, column: startColumn, row: startRow, blocked: blocked.baseAddress!,
                                   costs: costs.baseAddress!, parents: parents.baseAddress!, seen: seen.baseAddress!,
                                   closed: closed.baseAddress!, bucketHeads: bucketHeads.baseAddress!, entries: &entries)
            }
            }
            }
            }
            }
        }
        let expanded = search.expanded
        expandedCellCount = expanded
        guard found else { return nil }
        var cells: [Int] = []
        var cell = goal
        while cell != -1 {
            cells.append(cell)
            cell = Int(parents[cell])
        }
        cells.reverse()
        return GridPath(cells: cells, cost: costs[goal])
    }

    /// One A* search's constants and counters; its loop works on raw buffers
    /// and takes everything as parameters, so nothing is captured by a closure
    /// (captured variables would pay dynamic exclusivity checks in the hot loop).
    private struct Search {
        static let diagonal = 2.0.squareRoot()
        let columns: Int, rows: Int, goal: Int, goalColumn: Int, goalRow: Int
        let eightNeighbours: Bool, quantum: Double, baseF: Double, bucketCount: Int, stamp: UInt32
        var currentKey = 0, openCount = 0, expanded = 0

        /// Octile distance (Manhattan with four neighbours) in cells. Columns and
        /// rows are passed in, never divided out of a cell index: an integer
        /// division per relaxation would cost more than the rest of it.
        @inline(__always)
        static func heuristic(dx: Int, dy: Int, eightNeighbours: Bool) -> Double {
            guard eightNeighbours else { return Double(dx + dy) }
            return Double(max(dx, dy) - min(dx, dy)) + diagonal * Double(min(dx, dy))
        }

        // Bucket queue (Dial 1969) keyed by f in steps of 1/quantum; within a
        // bucket the newest entry comes first, which prefers deeper cells among
        // near-equal f.
        @inline(__always)
        mutating func push(_ cell: Int, _ column: Int, _ row: Int, f: Double,
                           bucketHeads: UnsafeMutablePointer<Int32>, entries: inout [OpenEntry]) {
            let key = max(currentKey, Int(((f - baseF) * quantum).rounded(.down)))
            let slot = key % bucketCount
            entries.append(OpenEntry(cell: Int32(cell), column: Int32(column), row: Int32(row), next: bucketHeads[slot]))
            bucketHeads[slot] = Int32(entries.count - 1)
            openCount += 1
        }

        @inline(__always)
        mutating func relax(_ neighbour: Int, _ column: Int, _ row: Int, from cell: Int, cost: Double,
                            costs: UnsafeMutablePointer<Double>, parents: UnsafeMutablePointer<Int32>,
                            seen: UnsafeMutablePointer<UInt32>, closed: UnsafeMutablePointer<UInt32>,
                            bucketHeads: UnsafeMutablePointer<Int32>, entries: inout [OpenEntry]) {
            if closed[neighbour] == stamp { return }
            if seen[neighbour] == stamp, costs[neighbour] <= cost { return }
            seen[neighbour] = stamp
            costs[neighbour] = cost
            parents[neighbour] = Int32(cell)
            let f = cost + Self.heuristic(dx: abs(column - goalColumn), dy: abs(row - goalRow), eightNeighbours: eightNeighbours)
            push(neighbour, column, row, f: f, bucketHeads: bucketHeads, entries: &entries)
        }

        /// Runs A* from `start`; `true` when the goal was reached.
        mutating func run(from start: Int, column startColumn: Int, row startRow: Int, blocked: UnsafePointer<Bool>,
                          costs: UnsafeMutablePointer<Double>, parents: UnsafeMutablePointer<Int32>,
                          seen: UnsafeMutablePointer<UInt32>, closed: UnsafeMutablePointer<UInt32>,
                          bucketHeads: UnsafeMutablePointer<Int32>, entries: inout [OpenEntry]) -> Bool {
            costs[start] = 0
            parents[start] = -1
            seen[start] = stamp
            push(start, startColumn, startRow, f: baseF, bucketHeads: bucketHeads, entries: &entries)
            let diagonal = Self.diagonal
            while openCount > 0 {
                var slot = currentKey % bucketCount
                while bucketHeads[slot] < 0 {
                    currentKey += 1
                    slot = currentKey % bucketCount
                }
                let entry = entries[Int(bucketHeads[slot])]
                bucketHeads[slot] = entry.next
                openCount -= 1
                let cell = Int(entry.cell)
                if closed[cell] == stamp { continue }
                closed[cell] = stamp
                expanded += 1
                if cell == goal { return true }
                let column = Int(entry.column), row = Int(entry.row)
                let cost = costs[cell]
                let west = column > 0 && !blocked[cell - 1]
                let east = column < columns - 1 && !blocked[cell + 1]
                let south = row > 0 && !blocked[cell - columns]
                let north = row < rows - 1 && !blocked[cell + columns]
                if west {
                    relax(cell - 1, column - 1, row, from: cell, cost: cost + 1, costs: costs, parents: parents, seen: seen,
                          closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                if east {
                    relax(cell + 1, column + 1, row, from: cell, cost: cost + 1, costs: costs, parents: parents, seen: seen,
                          closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                if south {
                    relax(cell - columns, column, row - 1, from: cell, cost: cost + 1, costs: costs, parents: parents, seen: seen,
                          closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                if north {
                    relax(cell + columns, column, row + 1, from: cell, cost: cost + 1, costs: costs, parents: parents, seen: seen,
                          closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                guard eightNeighbours else { continue }
                if south && west && !blocked[cell - columns - 1] {
                    relax(cell - columns - 1, column - 1, row - 1, from: cell, cost: cost + diagonal, costs: costs, parents: parents,
                          seen: seen, closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                if south && east && !blocked[cell - columns + 1] {
                    relax(cell - columns + 1, column + 1, row - 1, from: cell, cost: cost + diagonal, costs: costs, parents: parents,
                          seen: seen, closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                if north && west && !blocked[cell + columns - 1] {
                    relax(cell + columns - 1, column - 1, row + 1, from: cell, cost: cost + diagonal, costs: costs, parents: parents,
                          seen: seen, closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
                if north && east && !blocked[cell + columns + 1] {
                    relax(cell + columns + 1, column + 1, row + 1, from: cell, cost: cost + diagonal, costs: costs, parents: parents,
                          seen: seen, closed: closed, bucketHeads: bucketHeads, entries: &entries)
                }
            }
            return false
        }
    }

    // MARK: - World planning

    /// The shortest path found for a disc of radius `clearance` from `start` to
    /// `goal` in `world` (see the type's documentation for the method and its
    /// accuracy), or `nil` when the grid has none (or start or goal lies in a
    /// blocked cell).
    ///
    /// - Parameters:
    ///   - cellSize: the grid's resolution in metres (default 0.1).
    ///   - smoothing: apply string pulling (default); without it the path is the
    ///     grid path itself.
    public mutating func plan(in world: World, from start: Vector2, to goal: Vector2, clearance: Double,
                              cellSize: Double = 0.1, smoothing: Bool = true) -> Path? {
        // A clear straight line is the shortest path outright: no grid needed.
        if smoothing, world.isSegmentClear(from: start, to: goal, clearance: clearance) {
            let length = start.distance(to: goal)
            return Path(waypoints: [start, goal], length: length, gridLength: length)
        }
        let halfMove = cellSize * 0.5 * 2.0.squareRoot()
        let inflation = (clearance * clearance + halfMove * halfMove).squareRoot()
        var grid = self.grid ?? OccupancyGrid(world: world, cellSize: cellSize, inflation: inflation)
        if grid.cellSize != cellSize || grid.columns != Int((world.width / cellSize).rounded(.up))
            || grid.rows != Int((world.height / cellSize).rounded(.up)) {
            grid = OccupancyGrid(world: world, cellSize: cellSize, inflation: inflation)
        } else if self.grid != nil {
            grid.rasterize(world, inflation: inflation)
        }
        self.grid = grid
        guard let startCell = grid.cell(containing: start), let goalCell = grid.cell(containing: goal),
              let gridPath = shortestPath(on: grid, from: startCell, to: goalCell, connectivity: .eight) else { return nil }
        var points = [start]
        points.reserveCapacity(gridPath.cells.count + 2)
        for cell in gridPath.cells { points.append(grid.center(ofCell: cell)) }
        points.append(goal)
        let gridLength = Self.length(of: points)
        guard smoothing else { return Path(waypoints: points, length: gridLength, gridLength: gridLength) }
        let pulled = Self.pullString(points, in: world, clearance: clearance)
        return Path(waypoints: pulled, length: Self.length(of: pulled), gridLength: gridLength)
    }

    /// Shortens the grid path `points` to an any-angle path through a subset of
    /// its vertices, every segment exactly clear:
    /// 1. string pulling: from the start, keep the farthest path vertex the last
    ///    kept vertex sees (by galloping search: visibility along a path is
    ///    nearly monotone, and every kept segment is checked exactly);
    /// 2. up to three refinement passes: each kept interior vertex slides along
    ///    the path, each way, while both segments touching it stay clear, to the
    ///    position where they are shortest, and is dropped when its neighbours
    ///    see each other.
    /// Pulling alone follows the grid path's own shape (a staircase may stay a
    /// detour); refinement lets corners slide to where the path bends tightest.
    static func pullString(_ points: [Vector2], in world: World, clearance: Double) -> [Vector2] {
        guard points.count > 2 else { return points }
        func clear(_ a: Int, _ b: Int) -> Bool { world.isSegmentClear(from: points[a], to: points[b], clearance: clearance) }
        let last = points.count - 1
        var kept = [0]
        var anchor = 0
        while anchor < last {
            // The farthest vertex the anchor sees, found by galloping then
            // bisecting: O(log n) segment checks instead of one per vertex. The
            // next vertex is always taken (a grid move is clear by construction).
            var visible = anchor + 1, hidden = -1, stride = 1
            while visible < last {
                let probe = min(visible + stride, last)
                if clear(anchor, probe) {
                    visible = probe
                    stride *= 2
                } else {
                    hidden = probe
                    break
                }
            }
            if hidden >= 0 {
                while hidden - visible > 1 {
                    let middle = (visible + hidden) / 2
                    if clear(anchor, middle) { visible = middle } else { hidden = middle }
                }
            }
            kept.append(visible)
            anchor = visible
        }
        for _ in 0..<3 {
            var changed = false
            var k = 1
            while k < kept.count - 1 {
                let previous = kept[k - 1], next = kept[k + 1]
                if clear(previous, next) {
                    kept.remove(at: k)
                    changed = true
                    continue
                }
                let before = points[previous], after = points[next]
                func detour(_ index: Int) -> Double { before.distance(to: points[index]) + points[index].distance(to: after) }
                // Slide the corner along the path each way while it stays visible
                // from both neighbours, keeping the shortest position; a few
                // non-improving steps in a row (a staircase is not monotone) end a walk.
                var best = kept[k]
                var bestLength = detour(best)
                for direction in [-1, 1] {
                    var candidate = kept[k] + direction, stale = 0
                    while candidate > previous, candidate < next, stale <= 3,
                          clear(previous, candidate), clear(candidate, next) {
                        let length = detour(candidate)
                        if length < bestLength - 1e-12 {
                            best = candidate
                            bestLength = length
                            stale = 0
                        } else {
                            stale += 1
                        }
                        candidate += direction
                    }
                }
                if best != kept[k] {
                    kept[k] = best
                    changed = true
                }
                k += 1
            }
            if !changed { break }
        }
        return kept.map { points[$0] }
    }

    /// The length of the polyline through `points`, in metres.
    public static func length(of points: [Vector2]) -> Double {
        guard points.count > 1 else { return 0 }
        var total = 0.0
        for index in 1..<points.count { total += points[index].distance(to: points[index - 1]) }
        return total
    }
}
