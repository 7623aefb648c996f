/// A failure to write an episode log, or to read one at all.
///
/// Problems confined to single episode lines are not errors: the reader
/// reports them as ``EpisodeLogProblem`` values and keeps the good lines.
public enum EpisodeLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file could not be created or written.
    case unwritable(path: String, reason: String)
    /// The file exists already; logs are never overwritten.
    case alreadyExists(path: String)
    /// The file has no header line.
    case empty(path: String)
    /// The first line is not a valid header, so no line can be interpreted.
    case badHeader(path: String, reason: String)
    /// A reward (at `step`) or the return (`step` is `nil`) is infinite or NaN, which JSON cannot hold.
    case nonFiniteReward(episode: Int, step: Int?, value: Double)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read episode log '\(path)': \(reason)"
        case .unwritable(let path, let reason):
            return "cannot write episode log '\(path)': \(reason)"
        case .alreadyExists(let path):
            return "'\(path)' already exists; choose another run folder with --out"
        case .empty(let path):
            return "episode log '\(path)' is empty (it needs a header line)"
        case .badHeader(let path, let reason):
            return "'\(path)' line 1 is not an episode-log header: \(reason)"
        case .nonFiniteReward(let episode, let step, let value):
            let place = step.map { "reward of step \($0)" } ?? "return"
            return "episode \(episode): \(place) is \(value), which an episode log cannot store"
        }
    }
}

/// A bad line in an episode log: where it is and what is wrong with it.
public struct EpisodeLogProblem: Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line number; the header is line 1.
    public var line: Int
    /// What is wrong, in words.
    public var message: String

    /// Creates a problem report.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
