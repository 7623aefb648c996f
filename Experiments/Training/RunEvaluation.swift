import Foundation
import Environments
import Agents

/// Evaluation of a finished or stopped training run, choosing the runner by the
/// `agent` in its config.json.
public enum RunEvaluation {
    /// The agents whose runs ``evaluate(runFolder:episodes:seed:registry:date:)`` knows.
    public static let agents = [DQNAgent.algorithmName, DRQNAgent.algorithmName, "ppo", "ppo-lstm"]

    /// Evaluates the newest checkpoint of the run in `url` greedily (reading its
    /// agent from config.json) and writes the episodes to
    /// `evaluations/eval-seed<S>-<timestamp>.jsonl` with a `.json` summary beside it.
    public static func evaluate(runFolder url: URL, episodes: Int, seed: UInt64?, registry: EnvironmentRegistry = .standard,
                                date: Date = Date()) throws -> (result: EvaluationResult, log: URL) {
        let agent = try agentName(runFolder: url)
        switch agent {
        case DQNAgent.algorithmName:
            return try DQNRun.evaluate(runFolder: url, episodes: episodes, seed: seed, registry: registry, date: date)
        case DRQNAgent.algorithmName:
            return try DRQNRun.evaluate(runFolder: url, episodes: episodes, seed: seed, registry: registry, date: date)
        case "ppo", "ppo-lstm":
            return try PPORun.evaluate(runFolder: url, episodes: episodes, seed: seed, registry: registry, date: date)
        default:
            throw TrainingError.nothingToResume(path: url.path, reason: "its agent '\(agent)' is not one of \(agents.joined(separator: ", "))")
        }
    }

    /// The agent named in the config.json of the run in `url`.
    static func agentName(runFolder url: URL) throws -> String {
        struct AgentName: Decodable { var agent: String }
        return try RunFolder(url: url).readConfiguration(as: AgentName.self).agent
    }
}
