import Environments

/// How one path-planning episode went, from its reset and final info.
public struct PathPlanningOutcome: Equatable, Sendable {
    /// The robot reached the goal.
    public var success: Bool
    /// The oracle's shortest path length (metres, or moves on a grid).
    public var shortestPath: Double
    /// The length driven (metres, or moves on a grid).
    public var pathLength: Double

    /// Creates an outcome.
    public init(success: Bool, shortestPath: Double, pathLength: Double) {
        self.success = success
        self.shortestPath = shortestPath
        self.pathLength = pathLength
    }

    /// The outcome a path-planning environment reports in an episode's final info
    /// (`success`, `shortest_path`, `path_length`); `nil` when one is missing.
    public init?(finalInfo info: Info) {
        guard let success = info[RobotNavigation.InfoKey.success]?.boolValue,
              let shortestPath = info[RobotNavigation.InfoKey.shortestPath]?.doubleValue,
              let pathLength = info[RobotNavigation.InfoKey.pathLength]?.doubleValue else { return nil }
        self.init(success: success, shortestPath: shortestPath, pathLength: pathLength)
    }

    /// Shortest over driven length for a successful episode (1 is optimal), `nil` for a failed one.
    public var pathEfficiency: Double? {
        guard success, pathLength > 0 else { return success ? 1 : nil }
        return shortestPath / pathLength
    }
}

/// What an ``AStarRun`` (or any path-planning evaluation) achieved.
public struct AStarRunSummary: Equatable, Sendable {
    /// Returns, lengths and the run folder.
    public var run: RunSummary
    /// Every episode's outcome, in order.
    public var outcomes: [PathPlanningOutcome]

    /// Creates a summary.
    public init(run: RunSummary, outcomes: [PathPlanningOutcome]) {
        self.run = run
        self.outcomes = outcomes
    }

    /// The fraction of episodes that reached the goal (0 without episodes).
    public var successRate: Double { outcomes.successRate }

    /// The mean ``PathPlanningOutcome/pathEfficiency`` over successful episodes (0 when none succeeded).
    public var meanPathEfficiency: Double { outcomes.meanPathEfficiency }

    /// Success weighted by path length; see ``Swift/Array/successWeightedByPathLength``.
    public var successWeightedByPathLength: Double { outcomes.successWeightedByPathLength }
}

extension [PathPlanningOutcome] {
    /// The fraction of episodes that reached the goal (0 without episodes).
    public var successRate: Double {
        isEmpty ? 0 : Double(filter(\.success).count) / Double(count)
    }

    /// The mean ``PathPlanningOutcome/pathEfficiency`` over successful episodes (0 when none succeeded).
    public var meanPathEfficiency: Double {
        let efficiencies = compactMap(\.pathEfficiency)
        return efficiencies.isEmpty ? 0 : efficiencies.reduce(0, +) / Double(efficiencies.count)
    }

    /// Success weighted by path length (Anderson et al. 2018, "On Evaluation of
    /// Embodied Navigation Agents"): the mean over all episodes of
    /// `success · shortest / max(shortest, driven)`.
    public var successWeightedByPathLength: Double {
        guard !isEmpty else { return 0 }
        let total = reduce(0.0) { sum, outcome in
            guard outcome.success else { return sum }
            let longest = Swift.max(outcome.shortestPath, outcome.pathLength)
            return sum + (longest > 0 ? outcome.shortestPath / longest : 1)
        }
        return total / Double(count)
    }
}
