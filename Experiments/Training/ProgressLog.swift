import Foundation

/// One row of `progress.csv`.
public struct ProgressRow: Sendable, Equatable {
    /// Environment steps so far.
    public var steps: Int
    /// Episodes finished so far.
    public var episodes: Int
    /// Mean return of the last (at most) 100 episodes; `nil` before the first ends.
    public var meanReturn: Double?
    /// Mean TD loss of the latest training; `nil` before training starts.
    public var loss: Double?
    /// Exploration rate.
    public var epsilon: Double
    /// Environment steps per second over the last interval.
    public var stepsPerSecond: Double
    /// Training wall time so far, in seconds.
    public var wallSeconds: Double

    /// The CSV header line.
    public static let header = "env_steps,episodes,mean_return_100,loss,epsilon,steps_per_second,wall_seconds"

    /// The row as a CSV line (empty fields for missing values).
    public var csvLine: String {
        func format(_ value: Double?, _ digits: Int) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? ""
        }
        return "\(steps),\(episodes),\(format(meanReturn, 4)),\(format(loss, 6)),\(format(epsilon, 4)),\(format(stepsPerSecond, 1)),\(format(wallSeconds, 2))"
    }
}

/// Appends rows to `progress.csv`, handing each to the operating system at once.
final class ProgressLog {
    let url: URL
    private let handle: FileHandle
    private(set) var rowCount: Int

    /// Creates the file with `header`, or reopens it keeping the first `keepingRows` rows.
    init(url: URL, header: String = ProgressRow.header, keepingRows: Int? = nil) throws {
        self.url = url
        if let keepingRows, FileManager.default.fileExists(atPath: url.path) {
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            let kept = lines.prefix(1 + keepingRows).joined(separator: "\n") + "\n"
            try Data(kept.utf8).write(to: url, options: .atomic)
            rowCount = min(keepingRows, max(0, lines.count - 1))
        } else {
            try Data((header + "\n").utf8).write(to: url)
            rowCount = 0
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    func append(_ row: ProgressRow) throws {
        try append(line: row.csvLine)
    }

    /// Appends one CSV line (without its newline).
    func append(line: String) throws {
        try handle.write(contentsOf: Data((line + "\n").utf8))
        rowCount += 1
    }
}
