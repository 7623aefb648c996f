import Foundation
import Environments
import Agents
import Neural

/// Where a training run stands, for progress bars and periodic lines.
public struct TrainingProgress: Sendable {
    /// Environment steps so far.
    public var step: Int
    /// Steps the run will take.
    public var totalSteps: Int
    /// Episodes finished.
    public var episodes: Int
    /// Mean return of the last (at most) 100 episodes.
    public var meanReturn: Double?
    /// The exploration rate.
    public var epsilon: Double
    /// The latest training loss.
    public var loss: Double?
    /// Recent environment steps per second.
    public var stepsPerSecond: Double
    /// Training wall time so far, in seconds.
    public var wallSeconds: Double
    /// Whether this update is a progress.csv row (the others are in-between updates for a live display).
    public var isLogRow = false
}

/// One environment step of a training run, as ``OffPolicyRun/onStep`` sees it.
public struct TrainingStep: Sendable, Equatable {
    /// Environment steps taken by the run so far, this one included.
    public var step: Int
    /// The index of the episode this step belongs to.
    public var episode: Int
    /// Steps of this episode so far, this one included.
    public var episodeStep: Int
    /// The sum of this episode's rewards so far, this step's included.
    public var episodeReturn: Double
    /// The action taken, as the environment received it.
    public var action: Int
    /// The reward this step gave.
    public var reward: Double
    /// Whether this step ended the episode in a terminal state.
    public var terminated: Bool
    /// Whether this step cut the episode short (time limit).
    public var truncated: Bool
}

/// How a call to ``OffPolicyRun/train()`` ended.
public enum TrainingOutcome: Sendable {
    /// Every step was taken; the evaluation after training, if any was asked for.
    case completed(EvaluationResult?)
    /// A signal stopped the run after `step` steps; a checkpoint at that step was written.
    case stopped(signal: Int32, step: Int)
}

/// A failure of a training run that is not a programming error.
public enum TrainingError: Error, CustomStringConvertible {
    /// The environment's spaces do not suit a Q-learning agent.
    case unsupportedSpaces(environment: String, observation: String, action: String)
    /// The loss became NaN or infinite; the last good checkpoint is kept.
    case diverged(DQNError, lastCheckpointStep: Int?)
    /// The PPO loss became NaN or infinite; the last good checkpoint is kept.
    case ppoDiverged(PPOError, lastCheckpointStep: Int?)
    /// `--resume` on a folder that has no complete checkpoint or no config.json.
    case nothingToResume(path: String, reason: String)
    /// Replaying the running episode's actions after a resume gave other rewards.
    case resumeMismatch(episode: Int, step: Int)
    /// `--resume` on a folder whose config.json no longer describes its checkpoint
    /// (`detail` names the first difference).
    case configurationChanged(path: String, detail: String)
    /// The environment returned a NaN or infinite reward.
    case nonFiniteReward(environment: String, episode: Int, step: Int, reward: Double)
    /// The run's policy cannot be played step by step (`rlrun watch`, `rlrun record`).
    case unsupportedPlayback(path: String, reason: String)
    /// Hindsight replay (`n_sampled_goal`) on an environment whose observations do not show a goal it can rewrite.
    case noHindsightGoals(environment: String)

    public var description: String {
        switch self {
        case .unsupportedSpaces(let environment, let observation, let action):
            return "the learning agents need a Box observation space and Discrete actions (ppo and ppo-lstm also take Box actions); '\(environment)' has \(observation) and \(action)"
        case .diverged(let error, let step):
            let kept = step.map { "the last good checkpoint (step \($0)) is kept" } ?? "no checkpoint was written before it"
            return "training stopped: \(error); \(kept)"
        case .ppoDiverged(let error, let step):
            let kept = step.map { "the last good checkpoint (step \($0)) is kept" } ?? "no checkpoint was written before it"
            return "training stopped: \(error); \(kept)"
        case .nothingToResume(let path, let reason):
            return "cannot resume \(path): \(reason)"
        case .configurationChanged(let path, let detail):
            return "\(path): \(detail); restore config.json or start a new run"
        case .nonFiniteReward(let environment, let episode, let step, let reward):
            return "environment '\(environment)' returned reward \(reward) at step \(step) of episode \(episode); rewards must be finite"
        case .unsupportedPlayback(let path, let reason):
            return "cannot play \(path): \(reason)"
        case .noHindsightGoals(let environment):
            return "n_sampled_goal (hindsight replay) needs observations that show the goal; '\(environment)' with these options has none "
                + "(grid worlds do with the full grid or a view and absolute actions, and no wrappers); set n_sampled_goal to 0"
        case .resumeMismatch(let episode, let step):
            return "cannot resume: replaying episode \(episode) from its seed gave a different reward at step \(step); the environment is not deterministic"
        }
    }
}

/// The counters that every training loop's checkpoint (`state.json`) holds and
/// the session keeps; each loop adds what its own resume needs.
protocol SessionState: Codable {
    /// The learner's scalar state.
    associatedtype AgentState: Codable
    /// Environment steps taken (over all copies).
    var step: Int { get set }
    /// Episodes finished (and logged).
    var episodesFinished: Int { get set }
    /// Rows of progress.csv written.
    var progressRows: Int { get set }
    /// Returns of the most recent episodes (at most 100).
    var recentReturns: [Double] { get set }
    /// Training wall time before this checkpoint, in seconds.
    var wallSeconds: Double { get set }
    /// The learner's counters, generator and acting state.
    var agent: AgentState { get set }
}

/// The lifecycle every training run shares, whatever loop drives the agent:
/// starting or resuming the episode log and progress.csv, stop requests,
/// episode bookkeeping, progress reports, atomic checkpoints, and the greedy
/// evaluation that ends a completed run. ``OffPolicyRun`` and ``PPORun`` each
/// run their loop on one.
final class TrainingSession<State: SessionState> {
    /// The run folder.
    let folder: RunFolder
    /// Seeds, intervals and evaluation settings.
    let settings: RunSettings
    /// Environment steps the run takes.
    let totalSteps: Int
    /// The counters, as of the latest step.
    var state: State
    /// The checkpoint folder a resumed session continues from.
    let resumedCheckpoint: URL?
    /// Every training episode, one line each.
    let log: EpisodeLogWriter

    private let progressLog: ProgressLog
    private let events: TensorBoardWriter
    private let store: CheckpointStore
    private let stopRequest: StopRequest
    private let stopAfterSteps: Int?
    private let onProgress: ((TrainingProgress) -> Void)?
    private var clock: TrainingClock
    /// The step of the newest checkpoint on disk.
    private(set) var lastCheckpointStep: Int?

    /// Opens the session of a new run (`resume` nil: fresh logs, `state` as given)
    /// or of a reopened one (logs cut back to the checkpoint's counts).
    init(folder: RunFolder, settings: RunSettings, totalSteps: Int, logHeader: EpisodeLogHeader, progressHeader: String,
         initial: State, resume: (state: State, checkpoint: URL)?, stopRequest: StopRequest, stopAfterSteps: Int?,
         onProgress: ((TrainingProgress) -> Void)?) throws {
        let progressURL = folder.url.appendingPathComponent(TrainingFiles.progress)
        if let resume {
            state = resume.state
            log = try EpisodeLogWriter(resuming: folder.episodesURL, keepingEpisodes: state.episodesFinished)
            progressLog = try ProgressLog(url: progressURL, header: progressHeader, keepingRows: state.progressRows)
        } else {
            state = initial
            log = try EpisodeLogWriter(url: folder.episodesURL, header: logHeader)
            progressLog = try ProgressLog(url: progressURL, header: progressHeader)
        }
        events = try TensorBoardWriter(directory: folder.url.appendingPathComponent(TrainingFiles.tensorBoard))
        self.folder = folder
        self.settings = settings
        self.totalSteps = totalSteps
        resumedCheckpoint = resume?.checkpoint
        store = CheckpointStore(runFolder: folder.url)
        self.stopRequest = stopRequest
        self.stopAfterSteps = stopAfterSteps
        self.onProgress = onProgress
        clock = TrainingClock(secondsBefore: state.wallSeconds, step: state.step)
        // The checkpoint resumed from, not the newest on disk: a newer one may be corrupt.
        lastCheckpointStep = resume?.state.step
    }

    // MARK: - Stops and checkpoints

    /// The signal that asks the run to stop here, if any (a test's `stopAfterSteps`
    /// counts as SIGINT); call it only where a checkpoint can be written.
    func pendingStop() -> Int32? {
        if let stopAfterSteps, state.step >= stopAfterSteps { stopRequest.request(signal: SIGINT) }
        return stopRequest.signal
    }

    /// Writes a checkpoint at the current step: `learner`'s tensors and state, the
    /// replay when given, and the session's counters.
    func writeCheckpoint<L: Learner>(_ learner: L, replay: [UInt8]? = nil) throws where L.State == State.AgentState {
        var snapshot = state
        snapshot.agent = learner.state
        snapshot.wallSeconds = clock.wallSeconds
        snapshot.progressRows = progressLog.rowCount
        try store.write(step: state.step, model: learner.checkpoint(), replay: replay, state: snapshot, keep: settings.keepCheckpoints)
        lastCheckpointStep = state.step
    }

    /// Restores `learner`'s tensors and state from the checkpoint a resumed
    /// session continues from (nothing for a new run); returns that checkpoint's folder.
    @discardableResult
    func restore<L: Learner>(_ learner: L) throws -> URL? where L.State == State.AgentState {
        guard let checkpoint = resumedCheckpoint else { return nil }
        try learner.restoreTensors(checkpointFolder: checkpoint)
        learner.restore(state.agent)
        return checkpoint
    }

    /// Stops with a checkpoint of `learner` when a stop is pending.
    func stopIfRequested<L: Learner>(_ learner: L, replay: () -> [UInt8]? = { nil }) throws -> TrainingOutcome?
    where L.State == State.AgentState {
        guard let signal = pendingStop() else { return nil }
        try writeCheckpoint(learner, replay: replay())
        return .stopped(signal: signal, step: state.step)
    }

    // MARK: - Episodes and progress

    /// Logs a finished episode (episode log and TensorBoard) and counts it.
    func endEpisode(_ record: EpisodeRecord) throws {
        try log.append(record)
        try events.addScalars([("rollout/episode_return", record.episodeReturn), ("rollout/episode_length", Double(record.length))],
                              step: state.step)
        state.recentReturns.append(record.episodeReturn)
        if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
        state.episodesFinished += 1
    }

    /// Where the run stands now.
    func progress(epsilon: Double, loss: Double?) -> TrainingProgress {
        let recent = state.recentReturns
        return TrainingProgress(step: state.step, totalSteps: totalSteps, episodes: state.episodesFinished,
                                meanReturn: recent.isEmpty ? nil : recent.reduce(0, +) / Double(recent.count),
                                epsilon: epsilon, loss: loss, stepsPerSecond: clock.stepsPerSecond(at: state.step),
                                wallSeconds: clock.wallSeconds)
    }

    /// Appends a progress.csv row (the standard columns, or `line` for a loop's
    /// own), writes it with the loop's own `scalars` to TensorBoard, and reports it.
    func writeProgressRow(epsilon: Double, loss: Double?, scalars: [(tag: String, value: Double)] = [],
                          line: ((TrainingProgress) -> String)? = nil) throws {
        var progress = progress(epsilon: epsilon, loss: loss)
        progress.isLogRow = true
        try progressLog.append(line: line?(progress) ?? ProgressRow(
            steps: progress.step, episodes: progress.episodes, meanReturn: progress.meanReturn, loss: progress.loss,
            epsilon: progress.epsilon, stepsPerSecond: progress.stepsPerSecond, wallSeconds: progress.wallSeconds).csvLine)
        var rowScalars = scalars + [("time/steps_per_second", progress.stepsPerSecond)]
        if let loss { rowScalars.append(("train/loss", loss)) }
        if let meanReturn = progress.meanReturn { rowScalars.append(("rollout/mean_return_100", meanReturn)) }
        try events.addScalars(rowScalars, step: progress.step)
        onProgress?(progress)
        clock.startInterval(at: state.step)
    }

    /// Reports progress to a live display, at most a few times a second.
    func reportLiveProgress(epsilon: Double, loss: Double?) {
        guard let onProgress, clock.takeLiveUpdate() else { return }
        onProgress(progress(epsilon: epsilon, loss: loss))
    }

    // MARK: - Evaluation

    /// Ends a completed run: plays the settings' greedy evaluation episodes with
    /// `policy` and writes eval.json and eval_episodes.jsonl. A signal during the
    /// evaluation stops it (the final checkpoint is already written, so a resume
    /// evaluates again) and the run ends as stopped.
    func finish(evaluating policy: any Policy<Int>, agentName: String, environment: String, options: [String: InfoValue],
                makeEnvironment: () throws -> AnyEnvironment<[Float], Int>, actionOffset: Int) throws -> TrainingOutcome {
        try finish(beginEpisode: policy.beginEpisode, act: { policy.action(for: $0) + actionOffset }, agentName: agentName,
                   environment: environment, options: options, makeEnvironment: makeEnvironment)
    }

    /// ``finish(evaluating:agentName:environment:options:makeEnvironment:actionOffset:)``
    /// for a policy given as `beginEpisode` and `act`, on environments of any loggable action type.
    func finish<E: Environment>(beginEpisode: () -> Void, act: ([Float]) -> E.Action, agentName: String, environment: String,
                                options: [String: InfoValue], makeEnvironment: () throws -> E) throws -> TrainingOutcome
    where E.Observation == [Float], E.Action: LoggableAction {
        guard settings.evaluationEpisodes > 0 else { return .completed(nil) }
        if let signal = pendingStop() { return .stopped(signal: signal, step: state.step) }
        let result: EvaluationResult
        do {
            result = try Evaluation.play(
                beginEpisode: beginEpisode, act: act, environment: makeEnvironment(), episodes: settings.evaluationEpisodes,
                seed: settings.evaluationSeed, logURL: folder.url.appendingPathComponent(TrainingFiles.evaluationEpisodes),
                logHeader: EpisodeLogHeader(environment: environment, options: options, agent: agentName + "-greedy",
                                            seed: settings.evaluationSeed),
                stopRequest: stopRequest)
        } catch let stop as EvaluationStopped {
            return .stopped(signal: stop.signal, step: state.step)
        }
        try result.write(to: folder.url.appendingPathComponent(TrainingFiles.evaluation))
        try events.addScalars(result.scalars, step: state.step)
        return .completed(result)
    }
}

/// The files a training run writes into its folder, besides config.json and episodes.jsonl.
public enum TrainingFiles {
    /// One row per logging interval.
    public static let progress = "progress.csv"
    /// The final greedy evaluation's summary.
    public static let evaluation = "eval.json"
    /// The final greedy evaluation's episodes.
    public static let evaluationEpisodes = "eval_episodes.jsonl"
    /// The folder of TensorBoard event files (one per session: a resumed run adds one).
    public static let tensorBoard = "tb"
}

extension Learner {
    /// Restores the tensors saved in `model.ckpt` of the checkpoint folder `folder`.
    func restoreTensors(checkpointFolder folder: URL) throws {
        try restoreTensors(from: CheckpointFile.read(from: folder.appendingPathComponent("model.ckpt")))
    }
}
