import Foundation

/// A rectangular grid world layout: cells, the agent's start and the goals.
///
/// The text format has one character per cell and one line per row:
///
/// | Character | Cell |
/// |-----------|------|
/// | `#` | wall |
/// | `.` | floor |
/// | `S` | start: floor with the agent on it (exactly one) |
/// | `G` | goal (at least one) |
/// | `L` | lava |
///
/// Every row must have the same length. Line endings may be `\n`, `\r\n` or `\r`;
/// blank lines at the end of the text are ignored. Cells outside the map
/// count as walls, so a map needs no wall border of its own.
public struct GridMap: Sendable, Equatable {
    /// The number of columns.
    public let width: Int
    /// The number of rows.
    public let height: Int
    /// All cells, row-major from the top-left: cell (x, y) is at `y * width + x`.
    public let cells: [GridCell]
    /// Where the agent starts (a passable cell).
    public let start: GridPosition
    /// The goal cells, in row-major order.
    public let goals: [GridPosition]

    /// Creates a map from its cells (row-major, `width * height` of them) and start.
    ///
    /// - Precondition: the sizes agree, `start` lies inside and is passable.
    public init(width: Int, height: Int, cells: [GridCell], start: GridPosition) {
        precondition(width > 0 && height > 0 && cells.count == width * height,
                     "GridMap needs width * height cells, got \(cells.count) for \(width)x\(height)")
        precondition(start.x >= 0 && start.x < width && start.y >= 0 && start.y < height
                     && cells[start.y * width + start.x].isPassable,
                     "GridMap start \(start) must be a passable cell inside the map")
        self.width = width
        self.height = height
        self.cells = cells
        self.start = start
        var goals: [GridPosition] = []
        for y in 0..<height {
            for x in 0..<width where cells[y * width + x] == .goal {
                goals.append(GridPosition(x: x, y: y))
            }
        }
        self.goals = goals
    }

    /// Parses the text format (see ``GridMap``).
    ///
    /// - Parameter source: names the text in error messages: a file path, or
    ///   `"<string>"` by default.
    /// - Throws: ``GridMapError`` with the line and column of the first problem.
    public init(parsing text: String, source: String = "<string>") throws(GridMapError) {
        // "\r\n" is one Character in Swift, so split on any newline character.
        var rows = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while let last = rows.last, last.isEmpty { rows.removeLast() }
        guard let firstRow = rows.first else {
            throw GridMapError(source: source, line: 1, column: 1, problem: .emptyMap)
        }
        let width = firstRow.count
        // Checked before the cells are allocated: a map is a grid world's whole state and observation.
        if width > OptionLimits.gridSide || rows.count > OptionLimits.gridSide {
            let tooWide = width > OptionLimits.gridSide
            throw GridMapError(source: source, line: tooWide ? 1 : OptionLimits.gridSide + 1, column: tooWide ? OptionLimits.gridSide + 1 : 1,
                               problem: .tooLarge(width: width, height: rows.count, limit: OptionLimits.gridSide))
        }
        var cells: [GridCell] = []
        cells.reserveCapacity(width * rows.count)
        var start: (position: GridPosition, line: Int, column: Int)?
        for (rowIndex, row) in rows.enumerated() {
            let line = rowIndex + 1
            var column = 0
            for character in row {
                column += 1
                if column > width {
                    throw GridMapError(source: source, line: line, column: column,
                                       problem: .raggedRow(expectedLength: width, actualLength: row.count))
                }
                if character == "S" {
                    if let first = start {
                        throw GridMapError(source: source, line: line, column: column,
                                           problem: .multipleStarts(firstLine: first.line, firstColumn: first.column))
                    }
                    start = (GridPosition(x: column - 1, y: rowIndex), line, column)
                    cells.append(.floor)
                } else if let cell = GridCell(symbol: character) {
                    cells.append(cell)
                } else {
                    throw GridMapError(source: source, line: line, column: column, problem: .unknownCharacter(character))
                }
            }
            if column < width {
                throw GridMapError(source: source, line: line, column: column + 1,
                                   problem: .raggedRow(expectedLength: width, actualLength: column))
            }
        }
        guard let start else {
            throw GridMapError(source: source, line: 1, column: 1, problem: .noStart)
        }
        guard cells.contains(.goal) else {
            throw GridMapError(source: source, line: 1, column: 1, problem: .noGoal)
        }
        self.init(width: width, height: rows.count, cells: cells, start: start.position)
        // An episode on such a map can only time out: refuse it at load time.
        guard shortestPathLength() != nil else {
            throw GridMapError(source: source, line: start.line, column: start.column, problem: .unreachableGoal)
        }
    }

    /// Reads and parses a map file; errors name `path`.
    ///
    /// - Throws: ``GridMapError`` for an unreadable file or a malformed map.
    public init(contentsOfFile path: String) throws(GridMapError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "not a readable UTF-8 text file"
                : "no such file"
            throw GridMapError(source: path, line: 0, column: 0, problem: .unreadableFile(reason: reason))
        }
        try self.init(parsing: text, source: path)
    }

    /// The cell at column `x`, row `y`; ``GridCell/wall`` outside the map.
    @inlinable
    public subscript(x: Int, y: Int) -> GridCell {
        guard x >= 0, x < width, y >= 0, y < height else { return .wall }
        return cells[y * width + x]
    }

    /// The cell at `position`; ``GridCell/wall`` outside the map.
    @inlinable
    public subscript(position: GridPosition) -> GridCell {
        self[position.x, position.y]
    }

    /// The map in the text format, with the start shown as `S`; parsing it gives this map back.
    public var text: String {
        var result = ""
        for y in 0..<height {
            for x in 0..<width {
                result.append(GridPosition(x: x, y: y) == start ? "S" : cells[y * width + x].symbol)
            }
            result.append("\n")
        }
        return result
    }

    /// The fewest absolute moves (up, right, down, left) from ``start`` to the
    /// nearest goal, never entering a wall or lava; `nil` when no goal is reachable.
    public func shortestPathLength() -> Int? {
        var distance = [Int](repeating: -1, count: cells.count)
        var queue = [Int]()
        queue.reserveCapacity(cells.count)
        let startIndex = start.y * width + start.x
        distance[startIndex] = 0
        queue.append(startIndex)
        var head = 0
        while head < queue.count {
            let index = queue[head]
            head += 1
            if cells[index] == .goal { return distance[index] }
            let x = index % width, y = index / width
            for (nx, ny) in [(x, y - 1), (x + 1, y), (x, y + 1), (x - 1, y)] {
                guard nx >= 0, nx < width, ny >= 0, ny < height else { continue }
                let next = ny * width + nx
                let cell = cells[next]
                guard distance[next] < 0, cell.isPassable, !cell.isDeadly else { continue }
                distance[next] = distance[index] + 1
                queue.append(next)
            }
        }
        return nil
    }
}
