import Foundation

/// The training episodes of one run as a learning curve: each episode's return
/// against the environment steps taken by the end of it.
///
/// The step axis is the running sum of episode lengths from `episodes.jsonl`, so
/// it counts environment steps, not episodes, and runs with different episode
/// lengths line up.
public struct LearningCurve: Equatable, Sendable {
    /// A name for the legend (the run folder's name).
    public var label: String
    /// The environment the run trained on.
    public var environment: String
    /// The agent that produced the episodes.
    public var agent: String
    /// What sets the run's configuration apart from others of the same agent and
    /// environment being compared (`key=value ...`; empty when nothing does).
    public var configuration = ""
    /// Environment steps taken by the end of each episode, increasing.
    public var steps: [Int]
    /// Each episode's return.
    public var returns: [Double]

    /// Creates a curve from its points.
    public init(label: String, environment: String, agent: String, steps: [Int], returns: [Double]) {
        precondition(steps.count == returns.count, "a learning curve needs one return per step count")
        self.label = label
        self.environment = environment
        self.agent = agent
        self.steps = steps
        self.returns = returns
    }

    /// Reads the curve of a run folder (its `episodes.jsonl`) or of an episode log file.
    ///
    /// - Throws: ``EpisodeLogError`` when the log is missing or unreadable.
    public static func load(from url: URL) throws -> LearningCurve {
        var isDirectory: ObjCBool = false
        let isFolder = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        let logURL = isFolder ? RunFolder(url: url).episodesURL : url
        let contents = try EpisodeLogReader.read(from: logURL)
        var steps: [Int] = [], returns: [Double] = []
        var total = 0
        for episode in contents.episodes {
            total += episode.length
            steps.append(total)
            returns.append(episode.episodeReturn)
        }
        let label = isFolder ? url.standardizedFileURL.lastPathComponent : url.deletingLastPathComponent().lastPathComponent
        return LearningCurve(label: label, environment: contents.header.environment, agent: contents.header.agent,
                             steps: steps, returns: returns)
    }

    /// The returns smoothed by a trailing moving average over `window` episodes
    /// (fewer at the start, where fewer exist).
    public func smoothedReturns(window: Int) -> [Double] {
        let window = max(1, window)
        var result: [Double] = []
        result.reserveCapacity(returns.count)
        var sum = 0.0
        for index in returns.indices {
            sum += returns[index]
            if index >= window { sum -= returns[index - window] }
            result.append(sum / Double(min(index + 1, window)))
        }
        return result
    }

    /// The smoothed return at `step`: that of the last episode ended at or
    /// before it; `nil` before the first episode ended.
    func value(atStep step: Double, smoothed: [Double]) -> Double? {
        var low = 0, high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if Double(steps[middle]) <= step { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : smoothed[low - 1]
    }
}

/// Several runs of one agent on one environment as a mean learning curve with a
/// band from the lowest to the highest run at each step.
public struct LearningCurveSummary: Equatable, Sendable {
    /// The legend entry, for example `dqn on gridworld (3 runs)`.
    public var label: String
    /// The number of runs averaged.
    public var runCount: Int
    /// Environment steps of each point.
    public var steps: [Double]
    /// The mean over runs of the smoothed return at each step.
    public var mean: [Double]
    /// The lowest run's smoothed return at each step.
    public var lower: [Double]
    /// The highest run's smoothed return at each step.
    public var upper: [Double]

    /// Summarises `curves` (which should share agent and environment): each is
    /// smoothed over `smoothing` episodes, then read at `points` evenly spaced
    /// steps over the range every run covers (from the latest first episode end
    /// to the earliest last one). A single run keeps its own episode ends as points.
    public static func summarise(_ curves: [LearningCurve], smoothing: Int, points: Int = 200) -> LearningCurveSummary {
        precondition(!curves.isEmpty, "summarising needs at least one curve")
        let smoothed = curves.map { $0.smoothedReturns(window: smoothing) }
        let first = curves[0]
        let label = "\(first.agent) on \(first.environment)" + (first.configuration.isEmpty ? "" : ", \(first.configuration)")
            + (curves.count > 1 ? " (\(curves.count) runs)" : "")
        if curves.count == 1 {
            let steps = first.steps.map(Double.init)
            return LearningCurveSummary(label: label, runCount: 1, steps: steps, mean: smoothed[0], lower: smoothed[0], upper: smoothed[0])
        }
        let start = Double(curves.map { $0.steps.first ?? Int.max }.max() ?? 0)
        let end = Double(curves.map { $0.steps.last ?? 0 }.min() ?? 0)
        var summary = LearningCurveSummary(label: label, runCount: curves.count, steps: [], mean: [], lower: [], upper: [])
        guard start <= end, points > 0 else { return summary }
        for point in 0..<points {
            let step = points == 1 ? end : start + (end - start) * Double(point) / Double(points - 1)
            let values = zip(curves, smoothed).compactMap { $0.value(atStep: step, smoothed: $1) }
            guard values.count == curves.count else { continue }
            summary.steps.append(step)
            summary.mean.append(values.reduce(0, +) / Double(values.count))
            summary.lower.append(values.min()!)
            summary.upper.append(values.max()!)
        }
        return summary
    }

    /// Groups `curves` by agent, environment and configuration (in order of first
    /// appearance) and summarises each group.
    public static func summariseByGroup(_ curves: [LearningCurve], smoothing: Int, points: Int = 200) -> [LearningCurveSummary] {
        var order: [String] = []
        var groups: [String: [LearningCurve]] = [:]
        for curve in curves {
            let key = curve.agent + "\u{0}" + curve.environment + "\u{0}" + curve.configuration
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(curve)
        }
        return order.map { summarise(groups[$0]!, smoothing: smoothing, points: points) }
    }
}

extension LearningCurve {
    /// The curves of every run in `paths` (run folders, episode logs, or folders of
    /// run folders such as a sweep's), each labelled with what sets its
    /// configuration apart, so runs of one configuration are summarised together.
    public static func loadRuns(from paths: [URL]) throws -> [LearningCurve] {
        var folders: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            let isFolder = FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) && isDirectory.boolValue
            let isRun = FileManager.default.fileExists(atPath: RunFolder(url: path).episodesURL.path)
            folders += isFolder && !isRun ? try RunFolder.findRuns(in: path) : [path]
        }
        let labels = RunIdentity.distinguishingLabels(of: folders)
        return try zip(folders, labels).map { folder, label in
            var curve = try load(from: folder)
            curve.configuration = label
            return curve
        }
    }
}
