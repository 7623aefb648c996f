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
    public var successRate: Double {
        outcomes.isEmpty ? 0 : Double(outcomes.filter(\.success).count) / Double(outcomes.count)
    }

    /// The mean ``PathPlanningOutcome/pathEfficiency`` over successful episodes (0 when none succeeded).
    public var meanPathEfficiency: Double {
        let efficiencies = outcomes.compactMap(\.pathEfficiency)
        return efficiencies.isEmpty ? 0 : efficiencies.reduce(0, +) / Double(efficiencies.count)
    }

    /// Success weighted by path length (Anderson et al. 2018, "On Evaluation of
    /// Embodied Navigation Agents"): the mean over all episodes of
    /// `success · shortest / max(shortest, driven)`.
    public var successWeightedByPathLength: Double {
        guard !outcomes.isEmpty else { return 0 }
        let total = outcomes.reduce(0.0) { sum, outcome in
            guard outcome.success else { return sum }
            let longest = max(outcome.shortestPath, outcome.pathLength)
            return sum + (longest > 0 ? outcome.shortestPath / longest : 1)
        }
        return total / Double(outcomes.count)
    }
}
