/// A map text or file that cannot be read as a ``GridMap``.
///
/// The description reads like a compiler diagnostic: the source (a file path,
/// or `<string>` for text parsed from memory), the 1-based line and column,
/// and what is wrong, for example
/// `rooms.txt:3:7: unknown character 'x' (expected '#', '.', 'S', 'G' or 'L')`.
/// Problems with the whole map (no start, no goal, an empty map) point at 1:1.
public struct GridMapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the map.
    public enum Problem: Equatable, Sendable {
        /// A character that is not part of the map alphabet.
        case unknownCharacter(Character)
        /// A row whose length differs from the first row's.
        case raggedRow(expectedLength: Int, actualLength: Int)
        /// No cell is the start `S`.
        case noStart
        /// A second start; the first one is at the given line and column.
        case multipleStarts(firstLine: Int, firstColumn: Int)
        /// No cell is a goal `G`.
        case noGoal
        /// The text has no rows.
        case emptyMap
        /// More rows or columns than ``OptionLimits/gridSide``.
        case tooLarge(width: Int, height: Int, limit: Int)
        /// The file could not be read (missing, a directory, not UTF-8, ...).
        case unreadableFile(reason: String)
        /// No goal can be reached from the start (at the error's line and column)
        /// without crossing walls or lava.
        case unreachableGoal
    }

    /// The file path the map came from, or `"<string>"` for text.
    public let source: String
    /// The 1-based line of the problem (0 for an unreadable file).
    public let line: Int
    /// The 1-based column, counted in characters (0 for an unreadable file).
    public let column: Int
    /// What is wrong.
    public let problem: Problem

    /// Creates an error at `line`, `column` of `source`.
    public init(source: String, line: Int, column: Int, problem: Problem) {
        self.source = source
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        let message: String
        switch problem {
        case .unknownCharacter(let character):
            let shown = character.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.value < 0x20 }
                ? character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
                : String(character)
            message = "unknown character '\(shown)' (expected '#' wall, '.' floor, 'S' start, 'G' goal or 'L' lava)"
        case .raggedRow(let expected, let actual):
            message = "row has \(actual) cells but the first row has \(expected); every row must have the same length"
        case .noStart:
            message = "map has no start cell 'S'; mark exactly one"
        case .multipleStarts(let firstLine, let firstColumn):
            message = "second start cell 'S' (the first is at \(firstLine):\(firstColumn)); a map has exactly one start"
        case .noGoal:
            message = "map has no goal cell 'G'; mark at least one"
        case .emptyMap:
            message = "map is empty; expected rows of '#', '.', 'S', 'G', 'L'"
        case .tooLarge(let width, let height, let limit):
            message = "map is \(width)x\(height) cells; at most \(limit) rows and \(limit) columns are allowed"
        case .unreadableFile(let reason):
            return "\(source): cannot read map file: \(reason)"
        case .unreachableGoal:
            message = "no goal 'G' can be reached from the start 'S' here without crossing walls or lava"
        }
        return "\(source):\(line):\(column): \(message)"
    }
}
