import Agents

/// A run that cannot proceed for a reason other than bad input files or options.
public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The environment's action type cannot be written to an episode log.
    case unloggableActionType(environment: String, actionType: String)
    /// An episode reached `maxSteps` steps without terminating or truncating.
    case episodeNeverEnded(environment: String, episode: Int, maxSteps: Int)
    /// The number of episodes asked for is not positive.
    case invalidEpisodeCount(Int)
    /// The agent cannot act in this environment (it needs one of `supported`).
    case unsupportedEnvironment(environment: String, agent: String, supported: [String])
    /// A configuration whose estimated memory (described part by part) exceeds
    /// the limit (the machine's memory, or the variable named in `limitSource`).
    case exceedsMemory(environment: String, agent: String, estimate: String, limitBytes: Double, limitSource: String)

    public var description: String {
        switch self {
        case .unloggableActionType(let environment, let actionType):
            return "environment '\(environment)' has actions of type \(actionType), which episode logs cannot store "
                + "(supported: Int, [Int], [Float], [Double])"
        case .episodeNeverEnded(let environment, let episode, let maxSteps):
            return "episode \(episode) of '\(environment)' ran \(maxSteps) steps without ending; "
                + "give the environment a time limit (see `rlrun list` for its options)"
        case .invalidEpisodeCount(let count):
            return "the number of episodes must be at least 1, got \(count)"
        case .unsupportedEnvironment(let environment, let agent, let supported):
            return "the \(agent) agent cannot act in '\(environment)'; it works on \(supported.joined(separator: ", "))"
        case .exceedsMemory(let environment, let agent, let estimate, let limitBytes, let limitSource):
            return "the \(agent) run on '\(environment)' needs \(estimate), more than the \(MemoryEstimate.format(bytes: limitBytes)) "
                + "of \(limitSource); make the replay or rollout, the networks or the observation smaller"
        }
    }
}
