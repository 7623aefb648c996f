import Foundation
import Environments
import Agents

/// The outcome of greedy evaluation episodes: what `eval.json` holds.
public struct EvaluationResult: Codable, Sendable, Equatable {
    /// Episodes played.
    public var episodes: Int
    /// Mean of the episode returns.
    public var meanReturn: Double
    /// Population standard deviation of the returns.
    public var stdReturn: Double
    /// Fraction of episodes the environment marked `success` in its final info;
    /// `nil` when the environment does not define success.
    public var successRate: Double?
    /// Mean episode length in steps.
    public var meanLength: Double
    /// Mean shortest path length (from the environments' `shortest_path` reset
    /// info), to compare with ``meanLength``; `nil` when not reported.
    public var meanShortestPath: Double?
    /// Path-planning environments (whose final info has `success`, `shortest_path`
    /// and `path_length`): the mean over successful episodes of the oracle's
    /// shortest path over the driven path (1: as short as the oracle's); `nil`
    /// otherwise or when nothing succeeded.
    public var meanPathEfficiency: Double? = nil
    /// Path-planning environments: success weighted by path length (SPL, Anderson
    /// et al. 2018) over all episodes; `nil` for other environments.
    public var successWeightedByPathLength: Double? = nil
    /// The seed the evaluation episodes' seeds derive from.
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case episodes, seed
        case meanReturn = "mean_return"
        case stdReturn = "std_return"
        case successRate = "success_rate"
        case meanLength = "mean_length"
        case meanShortestPath = "mean_shortest_path"
        case meanPathEfficiency = "mean_path_efficiency"
        case successWeightedByPathLength = "spl"
    }

    /// One line for a terminal.
    public var summary: String {
        var text = "\(episodes) greedy episodes: mean return \(String(format: "%.3f", meanReturn)) ± \(String(format: "%.3f", stdReturn)), mean length \(String(format: "%.1f", meanLength))"
        if let meanShortestPath { text += " (shortest path \(String(format: "%.1f", meanShortestPath)))" }
        if let successRate { text += ", success rate \(String(format: "%.2f", successRate))" }
        if let meanPathEfficiency { text += ", path efficiency \(String(format: "%.3f", meanPathEfficiency))" }
        if let successWeightedByPathLength { text += ", SPL \(String(format: "%.3f", successWeightedByPathLength))" }
        return text
    }

    /// The result as TensorBoard scalars (`eval/...`); undefined ones are left out.
    var scalars: [(tag: String, value: Double)] {
        var scalars = [("eval/mean_return", meanReturn), ("eval/std_return", stdReturn), ("eval/mean_length", meanLength)]
        if let successRate { scalars.append(("eval/success_rate", successRate)) }
        if let meanPathEfficiency { scalars.append(("eval/path_efficiency", meanPathEfficiency)) }
        if let successWeightedByPathLength { scalars.append(("eval/spl", successWeightedByPathLength)) }
        return scalars
    }

    /// Writes the result as indented JSON, atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: url, options: .atomic)
    }
}

/// A stop request (a signal) that ended an evaluation before its last episode.
struct EvaluationStopped: Error {
    /// The signal that asked to stop.
    var signal: Int32
}

/// Plays greedy episodes on seeds kept apart from training's and summarises them.
enum Evaluation {
    /// Runs a stand-alone evaluation (`rlrun eval`) of the run in `runFolder`:
    /// `evaluate` writes its episodes to the log URL it is given,
    /// `evaluations/eval-seed<S>-<timestamp>.jsonl`, and the result goes to the
    /// `.json` beside it.
    static func writeStandalone(
        runFolder: URL, seed: UInt64, date: Date, evaluate: (URL) throws -> EvaluationResult
    ) throws -> (result: EvaluationResult, log: URL) {
        let directory = runFolder.appendingPathComponent("evaluations")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stem = "eval-seed\(seed)-\(RunFolder.utcTimestamp(date))"
        let logURL = directory.appendingPathComponent(stem + ".jsonl")
        let result = try evaluate(logURL)
        try result.write(to: directory.appendingPathComponent(stem + ".json"))
        return (result, logURL)
    }

    /// Plays `episodes` greedy episodes of `policy` (``Policy/beginEpisode()``
    /// before each) on `environment`, logging each to a new file at `logURL`
    /// (replacing one that is there) under `logHeader`.
    static func play<E: Environment>(
        _ policy: any Policy<Int>, actionOffset: Int, environment: E, episodes: Int, seed: UInt64, logURL: URL,
        logHeader: EpisodeLogHeader, stopRequest: StopRequest? = nil
    ) throws -> EvaluationResult where E.Observation == [Float], E.Action == Int {
        try play(beginEpisode: policy.beginEpisode, act: { policy.action(for: $0) + actionOffset }, environment: environment,
                 episodes: episodes, seed: seed, logURL: logURL, logHeader: logHeader, stopRequest: stopRequest)
    }

    /// Plays `episodes` greedy episodes choosing actions with `act` (`beginEpisode`
    /// before each) on `environment`, of any loggable action type, logging each
    /// to a new file at `logURL` (replacing one that is there) under `logHeader`.
    static func play<E: Environment>(
        beginEpisode: () -> Void, act: ([Float]) -> E.Action, environment: E, episodes: Int, seed: UInt64, logURL: URL,
        logHeader: EpisodeLogHeader, stopRequest: StopRequest? = nil
    ) throws -> EvaluationResult where E.Observation == [Float], E.Action: LoggableAction {
        var environment = environment
        try? FileManager.default.removeItem(at: logURL)
        let log = try EpisodeLogWriter(url: logURL, header: logHeader)
        return try run(&environment, episodes: episodes, seed: seed, episodeStepCap: episodeStepCap, log: log,
                       stopRequest: stopRequest, onEpisodeStart: beginEpisode, act: act)
    }

    /// The most steps an evaluation episode may take before it counts as never ending.
    static let episodeStepCap = 1_000_000

    /// Plays `episodes` episodes, choosing actions with `act`; episode `i` is reset
    /// with ``SeedDerivation/episodeSeed(runSeed:index:)`` of `seed`, and
    /// `onEpisodeStart` is called before its first action (a recurrent agent resets
    /// its state there). Each episode is appended to `log` when one is given.
    /// A signal on `stopRequest` ends it before the next step with ``EvaluationStopped``.
    static func run<E: Environment>(
        _ environment: inout E, episodes: Int, seed: UInt64, episodeStepCap: Int,
        log: EpisodeLogWriter?, stopRequest: StopRequest? = nil, onEpisodeStart: () -> Void = {}, act: ([Float]) -> E.Action
    ) throws -> EvaluationResult where E.Observation == [Float], E.Action: LoggableAction {
        var returns: [Double] = [], lengths: [Int] = [], successes: [Bool] = [], shortestPaths: [Int] = []
        var pathOutcomes: [PathPlanningOutcome] = []
        for index in 0..<episodes {
            let episodeSeed = SeedDerivation.episodeSeed(runSeed: seed, index: index)
            let reset = try environment.reset(seed: episodeSeed)
            let carried = environment.carriedResetOptions
            if let shortest = reset.info["shortest_path"]?.intValue, shortest >= 0 { shortestPaths.append(shortest) }
            var observation = reset.observation
            onEpisodeStart()
            var actions: [LoggedAction] = [], rewards: [Double] = []
            while true {
                guard actions.count < episodeStepCap else {
                    throw RunError.episodeNeverEnded(environment: environment.name, episode: index, maxSteps: episodeStepCap)
                }
                if let signal = stopRequest?.signal { throw EvaluationStopped(signal: signal) }
                let action = act(observation)
                let step = try environment.step(action)
                actions.append(action.loggedAction)
                rewards.append(step.reward)
                observation = step.observation
                if step.terminated || step.truncated {
                    if let success = step.info["success"]?.boolValue { successes.append(success) }
                    if let outcome = PathPlanningOutcome(finalInfo: step.info) { pathOutcomes.append(outcome) }
                    try log?.append(EpisodeRecord(index: index, seed: episodeSeed, actions: actions, rewards: rewards,
                                                  terminated: step.terminated, truncated: step.truncated, resetOptions: carried))
                    break
                }
            }
            returns.append(EpisodeRecord.sum(rewards))
            lengths.append(actions.count)
        }
        let count = Double(max(1, episodes))
        let pathPlanning = pathOutcomes.count == episodes && episodes > 0 ? pathOutcomes : nil
        let mean = returns.reduce(0, +) / count
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        return EvaluationResult(
            episodes: episodes, meanReturn: mean, stdReturn: variance.squareRoot(),
            successRate: successes.count == episodes && episodes > 0 ? Double(successes.filter { $0 }.count) / count : nil,
            meanLength: Double(lengths.reduce(0, +)) / count,
            meanShortestPath: shortestPaths.count == episodes && episodes > 0 ? Double(shortestPaths.reduce(0, +)) / count : nil,
            meanPathEfficiency: pathPlanning.flatMap { $0.contains(where: \.success) ? $0.meanPathEfficiency : nil },
            successWeightedByPathLength: pathPlanning?.successWeightedByPathLength,
            seed: seed)
    }
}
