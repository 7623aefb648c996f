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
/// which is consistent, so the first time the goal leaves the open set its cost
/// is the least over all grid paths. The open set is a binary heap with lazy
/// deletion over flat arrays; the arrays are kept between searches and marked
/// with a search stamp, so a search allocates only its result.
///
/// ## World planning and what the length means
/// ``plan(in:from:to:clearance:cellSize:)`` answers "how long is the shortest
/// path a disc of radius `clearance` can slide along from `start` to `goal`":
/// 1. Rasterize the world with inflation `clearance + cellSize·√2/2`: a free
///    cell centre then has at least that clearance, and since clearance changes
///    by at most the distance moved, every point of a move between two free
///    neighbouring centres (at most `cellSize·√2/2` from one of them) has at
///    least `clearance`. Every grid path is therefore exactly collision-free.
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
/// `1 / cos(22.5°) − 1 ≈ 8.2%` on open ground (8 directions); after string
/// pulling the remaining excess comes from vertices sitting on cell centres that
/// are kept `cellSize·√2/2` farther from obstacles than needed, about
/// `cellSize·√2/2` times the angle turned around each obstacle (under 0.1 m for
/// a quarter turn at 0.1 m cells): the tests measure it within 2% of the
/// analytic shortest path around a disc. Passages narrower than
/// `2·(clearance + cellSize·√2/2)` plus up to a cell are treated as closed, so
/// the planner may miss a path that squeezes through such a gap; it never
/// reports one that does not exist.
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
        /// The length of the grid path before string pulling, in metres.
        public var gridLength: Double
    }

    private struct HeapEntry {
        var priority: Double
        var cost: Double
        var cell: Int32
    }

    private var costs: [Double] = []
    private var parents: [Int32] = []
    private var seen: [UInt32] = []
    private var closed: [UInt32] = []
    private var heap: [HeapEntry] = []
    private var stamp: UInt32 = 0
    /// The occupancy grid of the last ``plan(in:from:to:clearance:cellSize:)``.
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
        // Work on locals (moved out, so still uniquely referenced) to keep the hot
        // loop free of exclusivity checks on self.
        var costs = self.costs, parents = self.parents, seen = self.seen, closed = self.closed, heap = self.heap
        self.costs = []; self.parents = []; self.seen = []; self.closed = []; self.heap = []
        defer { self.costs = costs; self.parents = parents; self.seen = seen; self.closed = closed; self.heap = heap }
        heap.removeAll(keepingCapacity: true)

        let columns = grid.columns, rows = grid.rows
        let goalColumn = goal % columns, goalRow = goal / columns
        let diagonal = 2.0.squareRoot()
        let eightNeighbours = connectivity == .eight
        func heuristic(_ cell: Int) -> Double {
            let dx = abs(cell % columns - goalColumn), dy = abs(cell / columns - goalRow)
            guard eightNeighbours else { return Double(dx + dy) }
            return Double(max(dx, dy) - min(dx, dy)) + diagonal * Double(min(dx, dy))
        }

        var found = false
        let stamp = self.stamp
        var expanded = 0
        grid.blocked.withUnsafeBufferPointer { blocked in
            costs.withUnsafeMutableBufferPointer { costs in
            parents.withUnsafeMutableBufferPointer { parents in
            seen.withUnsafeMutableBufferPointer { seen in
            closed.withUnsafeMutableBufferPointer { closed in
                costs[start] = 0
                parents[start] = -1
                seen[start] = stamp
                Self.push(HeapEntry(priority: heuristic(start), cost: 0, cell: Int32(start)), onto: &heap)
                while let entry = Self.pop(from: &heap) {
                    let cell = Int(entry.cell)
                    if closed[cell] == stamp { continue }
                    closed[cell] = stamp
                    expanded += 1
                    if cell == goal { found = true; return }
                    let column = cell % columns, row = cell / columns
                    let cost = costs[cell]
                    func relax(_ neighbour: Int, _ step: Double) {
                        if closed[neighbour] == stamp { return }
                        let newCost = cost + step
                        if seen[neighbour] == stamp, costs[neighbour] <= newCost { return }
                        seen[neighbour] = stamp
                        costs[neighbour] = newCost
                        parents[neighbour] = Int32(cell)
                        Self.push(HeapEntry(priority: newCost + heuristic(neighbour), cost: newCost, cell: Int32(neighbour)), onto: &heap)
                    }
                    let west = column > 0 && !blocked[cell - 1]
                    let east = column < columns - 1 && !blocked[cell + 1]
                    let south = row > 0 && !blocked[cell - columns]
                    let north = row < rows - 1 && !blocked[cell + columns]
                    if west { relax(cell - 1, 1) }
                    if east { relax(cell + 1, 1) }
                    if south { relax(cell - columns, 1) }
                    if north { relax(cell + columns, 1) }
                    guard eightNeighbours else { continue }
                    if south && west && !blocked[cell - columns - 1] { relax(cell - columns - 1, diagonal) }
                    if south && east && !blocked[cell - columns + 1] { relax(cell - columns + 1, diagonal) }
                    if north && west && !blocked[cell + columns - 1] { relax(cell + columns - 1, diagonal) }
                    if north && east && !blocked[cell + columns + 1] { relax(cell + columns + 1, diagonal) }
                }
            }
            }
            }
            }
        }
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

    // Ties in priority go to the deeper entry (higher cost so far): it is nearer
    // the goal, which keeps A* from widening over equal-cost plateaus.
    private static func precedes(_ a: HeapEntry, _ b: HeapEntry) -> Bool {
        a.priority < b.priority || (a.priority == b.priority && a.cost > b.cost)
    }

    private static func push(_ entry: HeapEntry, onto heap: inout [HeapEntry]) {
        heap.append(entry)
        heap.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.precedes(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
    }

    private static func pop(from heap: inout [HeapEntry]) -> HeapEntry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap.withUnsafeMutableBufferPointer { heap in
            heap[0] = last
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                var best = left
                if left + 1 < count, Self.precedes(heap[left + 1], heap[left]) { best = left + 1 }
                guard Self.precedes(heap[best], heap[parent]) else { break }
                heap.swapAt(best, parent)
                parent = best
            }
        }
        return top
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
        let inflation = clearance + cellSize * 0.5 * 2.0.squareRoot()
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
    /// 1. string pulling: walking from the start, a vertex is kept only when the
    ///    segment from the last kept vertex to the vertex after it is blocked;
    /// 2. up to three refinement passes: each kept interior vertex may move to
    ///    any path vertex between its kept neighbours that shortens the two
    ///    segments touching it while both stay clear, and is dropped when its
    ///    neighbours see each other.
    /// Pulling alone follows the grid path's own shape (a staircase may stay a
    /// detour); refinement lets corners slide to where the path bends tightest.
    static func pullString(_ points: [Vector2], in world: World, clearance: Double) -> [Vector2] {
        guard points.count > 2 else { return points }
        func clear(_ a: Int, _ b: Int) -> Bool { world.isSegmentClear(from: points[a], to: points[b], clearance: clearance) }
        var kept = [0]
        for index in 1..<(points.count - 1) where !clear(kept[kept.count - 1], index + 1) {
            kept.append(index)
        }
        kept.append(points.count - 1)
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
                var best = kept[k]
                var bestLength = before.distance(to: points[best]) + points[best].distance(to: after)
                for candidate in (previous + 1)..<next where candidate != best {
                    let length = before.distance(to: points[candidate]) + points[candidate].distance(to: after)
                    if length < bestLength - 1e-12, clear(previous, candidate), clear(candidate, next) {
                        best = candidate
                        bestLength = length
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
