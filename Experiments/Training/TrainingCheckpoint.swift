import Foundation
import Environments
import Neural
import Agents

/// The checkpoints of a run: `checkpoints/step-NNNNNNNNN/` folders, each holding
/// `model.ckpt` (the networks and the optimiser state, in Neural's checksummed
/// format), for off-policy agents `replay.bin` (the replay buffer), `state.json`
/// (the runner's and agent's counters and generator states), `config.json` (a
/// copy of the run's config.json as it was) and `manifest.json` (the checksum of
/// each of those files and of the configuration; see ``CheckpointManifest``).
/// Checkpoints written before manifests lack the last two and still resume.
///
/// A checkpoint is written into a temporary folder, each file flushed to disk,
/// and renamed into place, so a folder named `step-*` is always complete; an
/// interrupted write leaves only a `.partial-*` folder, which is ignored and
/// cleaned up. At least two checkpoints are kept (even with `keep_checkpoints: 1`),
/// so when the newest is found corrupt a resume falls back to the one before.
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
    /// `state` as `state.json` with sorted keys; the run's config.json copied; a
    /// manifest of checksums last) and keeps only the newest `keep`, and never
    /// fewer than two.
    public func write(step: Int, model: Checkpoint, replay: [UInt8]? = nil, state: some Encodable, keep: Int) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var files: [(name: String, bytes: Data)] = [("model.ckpt", try model.encoded()), ("state.json", try encoder.encode(state))]
        if let replay { files.append(("replay.bin", Data(replay))) }
        var configChecksum: String?
        if let config = try? Data(contentsOf: directory.deletingLastPathComponent().appendingPathComponent("config.json")) {
            files.append(("config.json", config))
            configChecksum = CanonicalConfiguration(config)?.checksum
        }
        let manifest = CheckpointManifest(format: CheckpointManifest.currentFormat,
                                          checksums: Dictionary(uniqueKeysWithValues: files.map { ($0.name, FileChecksum.of($0.bytes)) }),
                                          configChecksum: configChecksum)
        files.append((CheckpointManifest.fileName, try encoder.encode(manifest)))

        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(".partial-step-\(step)")
        try? fileManager.removeItem(at: partial)
        try fileManager.createDirectory(at: partial, withIntermediateDirectories: false)
        for file in files { try CheckpointFile.write(bytes: file.bytes, to: partial.appendingPathComponent(file.name)) }
        let destination = folder(step: step)
        try? fileManager.removeItem(at: destination)
        try fileManager.moveItem(at: partial, to: destination)
        for old in checkpoints().dropLast(max(2, keep)) {
            try? fileManager.removeItem(at: old.url)
        }
    }
}

extension RunFolder {
    /// The run's config.json decoded as `Configuration`, for reopening the run.
    ///
    /// - Throws: ``JSONFileError`` naming the file and what is wrong (missing, not
    ///   JSON, a key of the wrong type).
    func readConfiguration<Configuration: Decodable>(as type: Configuration.Type) throws -> Configuration {
        try JSONFile.decode(type, from: configurationURL, missing: "no such file (is \(url.path) a run folder?)")
    }

    /// Where a resume of this run starts: the newest intact checkpoint (its
    /// `state.json` decoded as `State`), with a line for each newer corrupt one
    /// skipped, after checking that config.json still describes it; `nil` state
    /// when the run has no checkpoint yet (it starts again from step 0). Reads only.
    ///
    /// - Throws: ``TrainingError/nothingToResume(path:reason:)`` when no checkpoint
    ///   is intact or state.json does not decode, ``TrainingError/configurationChanged(path:detail:)``.
    func resumePoint<State: Decodable>(as type: State.Type) throws -> (resume: (state: State, checkpoint: URL)?, notices: [String]) {
        let store = CheckpointStore(runFolder: url)
        guard let intact = try store.newestIntact(runPath: url.path) else {
            try checkConfigurationUnchanged(checkpoint: nil)
            return (nil, ["no checkpoint yet (the run stopped before its first one): starting again from step 0 with its config.json"])
        }
        try checkConfigurationUnchanged(checkpoint: (intact.step, intact.url))
        let stateURL = intact.url.appendingPathComponent("state.json")
        do {
            return ((try JSONFile.decode(type, from: stateURL), intact.url), intact.notices)
        } catch {
            throw TrainingError.nothingToResume(path: url.path, reason: "\(error) (it does not hold this run's state)")
        }
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
