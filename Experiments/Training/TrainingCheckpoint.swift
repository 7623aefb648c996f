import Foundation
import Environments
import Neural
import Agents

/// The checkpoints of a run: `checkpoints/step-NNNNNNNNN/` folders, each holding
/// `model.ckpt` (the networks and the optimiser state, in Neural's checksummed
/// format), for off-policy agents `replay.bin` (the replay buffer), and
/// `state.json` (the runner's and agent's counters and generator states).
///
/// A checkpoint is written into a temporary folder and renamed into place, so a
/// folder named `step-*` is always complete; an interrupted write leaves only a
/// `.partial-*` folder, which is ignored and cleaned up.
public struct CheckpointStore: Sendable {
    /// The `checkpoints` folder.
    public let directory: URL

    /// The store of the run folder `runFolder`.
    public init(runFolder: URL) {
        directory = runFolder.appendingPathComponent("checkpoints")
    }

    /// The folder of the checkpoint at `step`.
    public func folder(step: Int) -> URL {
        directory.appendingPathComponent("step-" + String(format: "%09d", step))
    }

    /// Complete checkpoints, oldest first.
    public func checkpoints() -> [(step: Int, url: URL)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)) else { return nil }
            return (step, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// The newest complete checkpoint.
    public func latest() -> (step: Int, url: URL)? { checkpoints().last }

    /// Writes a checkpoint atomically (`replay.bin` only when `replay` is given;
    /// `state` as `state.json` with sorted keys) and keeps only the newest `keep`.
    public func write(step: Int, model: Checkpoint, replay: [UInt8]? = nil, state: some Encodable, keep: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stateJSON = try encoder.encode(state)
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(".partial-step-\(step)")
        try? fileManager.removeItem(at: partial)
        try fileManager.createDirectory(at: partial, withIntermediateDirectories: false)
        try CheckpointFile.write(model, to: partial.appendingPathComponent("model.ckpt"))
        if let replay { try Data(replay).write(to: partial.appendingPathComponent("replay.bin")) }
        try stateJSON.write(to: partial.appendingPathComponent("state.json"))
        let destination = folder(step: step)
        try? fileManager.removeItem(at: destination)
        try fileManager.moveItem(at: partial, to: destination)
        for old in checkpoints().dropLast(max(1, keep)) {
            try? fileManager.removeItem(at: old.url)
        }
    }
}

extension RunFolder {
    /// The run's config.json decoded as `Configuration`, for reopening the run; a
    /// missing or unreadable file is ``TrainingError/nothingToResume(path:reason:)``.
    func readConfiguration<Configuration: Decodable>(as type: Configuration.Type) throws -> Configuration {
        let data: Data
        do { data = try Data(contentsOf: configurationURL) } catch {
            throw TrainingError.nothingToResume(path: url.path, reason: "no readable config.json (\(error.localizedDescription))")
        }
        return try JSONDecoder().decode(type, from: data)
    }
}

extension CheckpointStore {
    /// The newest complete checkpoint's folder and its `state.json` decoded as `State`;
    /// without a checkpoint, ``TrainingError/nothingToResume(path:reason:)`` naming `runPath`.
    func latestState<State: Decodable>(as type: State.Type, runPath: String) throws -> (state: State, checkpoint: URL) {
        guard let latest = latest() else {
            throw TrainingError.nothingToResume(path: runPath, reason: "no complete checkpoint in \(directory.path)")
        }
        let state = try JSONDecoder().decode(type, from: Data(contentsOf: latest.url.appendingPathComponent("state.json")))
        return (state, latest.url)
    }
}

/// What an off-policy checkpoint's `state.json` holds besides tensors and replay:
/// enough to continue the run exactly where it stopped.
struct OffPolicyTrainingState<AgentState: Codable>: Codable {
    /// Environment steps taken.
    var step: Int
    /// Episodes finished (and logged).
    var episodesFinished: Int
    /// The running episode: its seed and the actions and rewards so far. The
    /// environment is restored by replaying these actions from the seed.
    var episodeSeed: UInt64
    var episodeActions: [Int]
    var episodeRewards: [Double]
    /// What the environment carried into the running episode (its reset options
    /// besides the seed); `nil` when nothing (and in older checkpoints).
    var episodeResetOptions: [String: InfoValue]?
    /// Rows of progress.csv written.
    var progressRows: Int
    /// Returns of the most recent episodes (at most 100), for the running mean.
    var recentReturns: [Double]
    /// The mean loss of the most recent training, for progress rows.
    var recentLoss: Double?
    /// Training wall time before this checkpoint, in seconds.
    var wallSeconds: Double
    /// The agent's counters, generator and acting state.
    var agent: AgentState
}

extension OffPolicyTrainingState: SessionState {}
