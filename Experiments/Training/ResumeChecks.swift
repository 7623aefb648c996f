import Foundation
import Environments

/// FNV-1a, 64-bit, as 16 hex digits: the checksum of a checkpoint's files in its
/// `manifest.json` (the same function `model.ckpt` carries inside itself). It
/// catches flipped bits and truncation; it is not meant to resist tampering.
enum FileChecksum {
    static func of(_ bytes: some DataProtocol) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for region in bytes.regions {
            region.withUnsafeBytes { raw in
                for byte in raw {
                    hash ^= UInt64(byte)
                    hash = hash &* 0x0000_0100_0000_01B3
                }
            }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A checkpoint folder's `manifest.json` (checkpoints written since manifests
/// exist; older ones have none and are still read, see ``CheckpointStore/newestIntact(runPath:)``):
///
/// ```json
/// {"checksums": {"config.json": "…", "model.ckpt": "…", "replay.bin": "…", "state.json": "…"},
///  "config_checksum": "…", "format": 1}
/// ```
///
/// `checksums` holds the ``FileChecksum`` of every other file of the folder;
/// `config.json` there is a copy of the run's config.json when the checkpoint
/// was written, and `config_checksum` the checksum of its canonical form
/// (``CanonicalConfiguration``), which a resume compares with the run's
/// config.json of the day.
struct CheckpointManifest: Codable, Equatable {
    static let fileName = "manifest.json"
    static let currentFormat = 1
    var format: Int
    var checksums: [String: String]
    var configChecksum: String?

    enum CodingKeys: String, CodingKey {
        case format, checksums
        case configChecksum = "config_checksum"
    }
}

/// config.json as what it means: its JSON with keys sorted and formatting and
/// the step budget (`total_steps`, which `--resume --steps` changes) left out.
struct CanonicalConfiguration {
    /// The parsed configuration, budget removed.
    let object: [String: Any]
    /// Its checksum, over the canonical JSON text.
    let checksum: String

    /// Parses config.json's bytes; `nil` when they are not a JSON object.
    init?(_ data: Data) {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        for (key, value) in object {
            guard var section = value as? [String: Any], section["total_steps"] != nil else { continue }
            section["total_steps"] = nil
            object[key] = section
        }
        self.object = object
        let text = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        checksum = FileChecksum.of(text)
    }

    /// The first setting (as a dotted key path, sorted) whose value differs from
    /// `other`'s, with its value here and there (`absent` when missing).
    func firstDifference(from other: CanonicalConfiguration) -> (key: String, here: String, there: String)? {
        let here = Self.flatten(object), there = Self.flatten(other.object)
        for key in Set(here.keys).union(there.keys).sorted() where here[key] != there[key] {
            return (key, here[key] ?? "absent", there[key] ?? "absent")
        }
        return nil
    }

    private static func flatten(_ value: Any, prefix: String = "") -> [String: String] {
        if let object = value as? [String: Any] {
            var result: [String: String] = [:]
            for (key, inner) in object {
                result.merge(flatten(inner, prefix: prefix.isEmpty ? key : prefix + "." + key)) { first, _ in first }
            }
            return result
        }
        let text = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        return [prefix: text]
    }
}

extension CheckpointStore {
    /// Why the checkpoint in `folder` cannot be trusted (the file and what is wrong
    /// with it), or `nil` when it is intact. With a manifest every listed file must
    /// match its checksum; an older checkpoint without one is checked as far as it
    /// can be: `model.ckpt` against its own checksum, `state.json` as JSON.
    func problem(withCheckpoint folder: URL) -> String? {
        let manifestURL = folder.appendingPathComponent(CheckpointManifest.fileName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            do {
                _ = try CheckpointFile.read(from: folder.appendingPathComponent("model.ckpt"))
            } catch {
                return "model.ckpt: \(error)"
            }
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("state.json")),
                  (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                return "state.json: missing or not a JSON object"
            }
            return nil
        }
        guard let data = try? Data(contentsOf: manifestURL),
              let manifest = try? JSONDecoder().decode(CheckpointManifest.self, from: data) else {
            return "\(CheckpointManifest.fileName): unreadable"
        }
        guard manifest.checksums["model.ckpt"] != nil, manifest.checksums["state.json"] != nil else {
            return "\(CheckpointManifest.fileName): lists no model.ckpt or state.json"
        }
        for (name, checksum) in manifest.checksums.sorted(by: { $0.key < $1.key }) {
            guard let bytes = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return "\(name): missing" }
            if FileChecksum.of(bytes) != checksum { return "\(name): checksum mismatch" }
        }
        return nil
    }

    /// The newest intact checkpoint, with a line for each newer one skipped as
    /// corrupt (`checkpoint at step 6000 is corrupt (replay.bin: checksum mismatch);
    /// resuming from step 3000`); `nil` when the run has no checkpoint at all.
    ///
    /// - Throws: ``TrainingError/nothingToResume(path:reason:)`` naming `runPath`
    ///   and each corrupt file when there are checkpoints but none is intact.
    func newestIntact(runPath: String) throws -> (step: Int, url: URL, notices: [String])? {
        let all = checkpoints()
        guard !all.isEmpty else { return nil }
        var corrupt: [(step: Int, url: URL, problem: String)] = []
        for checkpoint in all.reversed() {
            guard let problem = problem(withCheckpoint: checkpoint.url) else {
                let notices = corrupt.map { "checkpoint at step \($0.step) is corrupt (\($0.problem)); resuming from step \(checkpoint.step)" }
                return (checkpoint.step, checkpoint.url, notices)
            }
            corrupt.append((checkpoint.step, checkpoint.url, problem))
        }
        let list = corrupt.map { "\($0.url.path)/\($0.problem)" }.joined(separator: "; ")
        throw TrainingError.nothingToResume(path: runPath, reason: "no intact checkpoint: \(list)")
    }
}

extension RunFolder {
    /// Checks that config.json still describes the run: against the episode log's
    /// header (environment, its options, agent; every run has one) and, when the
    /// checkpoint `checkpoint` (at `step`) has a manifest, against the config.json
    /// it was written with. Checkpoints from before manifests have no stored
    /// checksum, so for them only the header check is made.
    ///
    /// - Throws: ``TrainingError/configurationChanged(path:detail:)`` naming the first difference.
    func checkConfigurationUnchanged(checkpoint: (step: Int, url: URL)?) throws {
        let configData: Data
        do { configData = try Data(contentsOf: configurationURL) } catch {
            throw TrainingError.nothingToResume(path: url.path, reason: "no readable config.json (\(error.localizedDescription))")
        }
        let trainedAt = checkpoint.map { "the checkpoint at step \($0.step) was" } ?? "the run was started"
        if let current = try? JSONDecoder().decode(ConfiguredIdentity.self, from: configData), let header = try? firstHeader() {
            if current.environment != header.environment {
                throw TrainingError.configurationChanged(
                    path: configurationURL.path,
                    detail: "environment is \(current.environment), but \(trainedAt) trained on \(header.environment)")
            }
            if current.agent != header.agent {
                throw TrainingError.configurationChanged(
                    path: configurationURL.path, detail: "agent is \(current.agent), but \(trainedAt) trained by \(header.agent)")
            }
            for key in Set(current.options.keys).union(header.options.keys).sorted() {
                let now = current.options[key], then = header.options[key]
                guard now != then, now?.doubleValue == nil || now?.doubleValue != then?.doubleValue else { continue }
                throw TrainingError.configurationChanged(
                    path: configurationURL.path,
                    detail: "options.\(key) is \(now.map { "\($0)" } ?? "absent"), but \(trainedAt) trained with "
                        + (then.map { "\($0)" } ?? "no such option"))
            }
        }
        guard let checkpoint,
              let manifestData = try? Data(contentsOf: checkpoint.url.appendingPathComponent(CheckpointManifest.fileName)),
              let manifest = try? JSONDecoder().decode(CheckpointManifest.self, from: manifestData),
              let stored = manifest.configChecksum else { return }
        let current = CanonicalConfiguration(configData)
        guard current?.checksum != stored else { return }
        var detail = "it is not the config.json \(trainedAt) trained with (checksum \(current?.checksum ?? "of unreadable JSON") "
            + "instead of \(stored))"
        if let current, let copy = (try? Data(contentsOf: checkpoint.url.appendingPathComponent("config.json"))).flatMap(CanonicalConfiguration.init),
           let difference = current.firstDifference(from: copy) {
            detail = "\(difference.key) is \(difference.here), but \(trainedAt) trained with \(difference.there)"
        }
        throw TrainingError.configurationChanged(path: configurationURL.path, detail: detail)
    }

    /// The header of episodes.jsonl (its first line).
    private func firstHeader() throws -> EpisodeLogHeader {
        let handle = try FileHandle(forReadingFrom: episodesURL)
        defer { try? handle.close() }
        var line = Data()
        while let chunk = try handle.read(upToCount: 4096), !chunk.isEmpty {
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                line.append(chunk[chunk.startIndex..<newline])
                break
            }
            line.append(chunk)
        }
        return try JSONDecoder().decode(EpisodeLogHeader.self, from: line)
    }

    /// Starts a run that never reached its first checkpoint again from step 0:
    /// removes its logs, TensorBoard events and any half-written checkpoint, so
    /// nothing is logged twice.
    func clearForRestart() throws {
        let fileManager = FileManager.default
        for name in ["episodes.jsonl", TrainingFiles.progress, TrainingFiles.tensorBoard, TrainingFiles.evaluation,
                     TrainingFiles.evaluationEpisodes] {
            let file = url.appendingPathComponent(name)
            if fileManager.fileExists(atPath: file.path) { try fileManager.removeItem(at: file) }
        }
        let checkpoints = url.appendingPathComponent("checkpoints")
        for name in (try? fileManager.contentsOfDirectory(atPath: checkpoints.path)) ?? [] where name.hasPrefix(".partial-") {
            try? fileManager.removeItem(at: checkpoints.appendingPathComponent(name))
        }
    }
}

/// What config.json says about what is trained: the fields the episode log's header repeats.
private struct ConfiguredIdentity: Decodable {
    var agent: String
    var environment: String
    var options: [String: InfoValue]
}
