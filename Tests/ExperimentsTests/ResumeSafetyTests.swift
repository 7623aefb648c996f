import XCTest
import Agents
import Environments
import Neural
@testable import Experiments

/// A resume never trains on a configuration its checkpoint was not made with,
/// never trusts a corrupt checkpoint, and a run killed before its first
/// checkpoint can still be resumed; a refused resume changes nothing.
final class ResumeSafetyTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    private let preset = """
        environment: walk
        env: {max_steps: 20}
        seed: 3
        total_steps: 300
        learning_starts: 50
        buffer_size: 500
        batch_size: 8
        hidden_sizes: [8]
        eval_episodes: 2
        log_interval: 100
        checkpoint_interval: 100
        """

    /// A completed 300-step DQN run (checkpoints at 200 and 300) in `root/name`.
    private func trainedRun(in root: URL, name: String = "run", settings: [String] = []) throws -> URL {
        let presetURL = root.appendingPathComponent("preset-\(name).yaml")
        try Data(preset.utf8).write(to: presetURL)
        let run = try Training.start(.dqn, preset: PresetRequest(file: presetURL, settings: settings), registry: WalkEnvironment.registry) { _ in
            try RunFolder.create(at: root.appendingPathComponent(name))
        }
        guard case .completed = try run.train() else { XCTFail("run did not complete"); return run.folder.url }
        return run.folder.url
    }

    /// Every file under `folder` (relative path → bytes), folders included (as empty).
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: folder.path))
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
            files[path] = isDirectory.boolValue ? Data() : try Data(contentsOf: folder.appendingPathComponent(path))
        }
        return files
    }

    private func flipByte(in url: URL) throws {
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: url)
    }

    private func editConfiguration(_ folder: URL, _ edit: (inout String) -> Void) throws {
        let url = folder.appendingPathComponent("config.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        let before = text
        edit(&text)
        XCTAssertNotEqual(text, before, "the edit changed nothing")
        try Data(text.utf8).write(to: url)
    }

    func testAnEditedConfigurationIsRefusedNamingTheChangeAndTheFolderIsUntouched() throws {
        let root = try makeTemporaryFolder()
        let run = try trainedRun(in: root)
        let original = try Data(contentsOf: run.appendingPathComponent("config.json"))
        let config = run.appendingPathComponent("config.json").path
        let edits: [(edit: (inout String) -> Void, message: String)] = [
            ({ $0 = $0.replacingOccurrences(of: "\"environment\" : \"walk\"", with: "\"environment\" : \"walk-lava\"") },
             "\(config): environment is walk-lava, but the checkpoint at step 300 was trained on walk; restore config.json or start a new run"),
            ({ $0 = $0.replacingOccurrences(of: #"("max_steps" : \{\s*"int" : \{\s*"_0" : )20"#, with: "$121", options: .regularExpression) },
             "\(config): options.max_steps is 21, but the checkpoint at step 300 was trained with 20"),
            ({ $0 = $0.replacingOccurrences(of: "\"agent\" : \"dqn\"", with: "\"agent\" : \"drqn\"") },
             "\(config): agent is drqn, but the checkpoint at step 300 was trained by dqn"),
            ({ $0 = $0.replacingOccurrences(of: "\"batch_size\" : 8", with: "\"batch_size\" : 9") },
             "\(config): dqn.batch_size is 9, but the checkpoint at step 300 was trained with 8"),
        ]
        for (edit, message) in edits {
            try editConfiguration(run, edit)
            let before = try snapshot(run)
            XCTAssertThrowsError(try Training.resume(run, totalSteps: 400, registry: WalkEnvironment.registry)) { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
            }
            XCTAssertEqual(try snapshot(run), before, "a refused resume changed the folder")
            try original.write(to: run.appendingPathComponent("config.json"))
        }
        // The step budget is what --resume --steps changes: not an edit.
        let resumed = try Training.resume(run, totalSteps: 400, registry: WalkEnvironment.registry)
        guard case .completed = try resumed.train() else { return XCTFail("resume did not complete") }
        XCTAssertEqual(CheckpointStore(runFolder: run).latest()?.step, 400)
    }

    func testCheckpointsWithoutAManifestStillResume() throws {
        let root = try makeTemporaryFolder()
        let run = try trainedRun(in: root)
        for checkpoint in CheckpointStore(runFolder: run).checkpoints() {
            try FileManager.default.removeItem(at: checkpoint.url.appendingPathComponent("manifest.json"))
            try FileManager.default.removeItem(at: checkpoint.url.appendingPathComponent("config.json"))
        }
        let resumed = try Training.resume(run, totalSteps: 400, registry: WalkEnvironment.registry)
        XCTAssertEqual(resumed.resumeNotices, [])
        guard case .completed = try resumed.train() else { return XCTFail("resume did not complete") }
        // An old checkpoint's corrupt model.ckpt is still caught, by its own checksum.
        let old = try trainedRun(in: root, name: "old")
        for checkpoint in CheckpointStore(runFolder: old).checkpoints() {
            try FileManager.default.removeItem(at: checkpoint.url.appendingPathComponent("manifest.json"))
        }
        try flipByte(in: CheckpointStore(runFolder: old).folder(step: 300).appendingPathComponent("model.ckpt"))
        let fallen = try Training.resume(old, registry: WalkEnvironment.registry)
        XCTAssertEqual(fallen.resumeNotices.count, 1)
        XCTAssertTrue(fallen.resumeNotices[0].hasPrefix("checkpoint at step 300 is corrupt (model.ckpt: checkpoint "), "\(fallen.resumeNotices)")
    }

    func testACorruptNewestCheckpointFallsBackToThePreviousOne() throws {
        let root = try makeTemporaryFolder()
        let reference = try trainedRun(in: root, name: "reference")
        for file in ["model.ckpt", "replay.bin", "state.json"] {
            let run = root.appendingPathComponent("corrupt-\(file)")
            try FileManager.default.copyItem(at: reference, to: run)
            try flipByte(in: CheckpointStore(runFolder: run).folder(step: 300).appendingPathComponent(file))
            let resumed = try Training.resume(run, registry: WalkEnvironment.registry)
            XCTAssertEqual(resumed.resumeNotices, ["checkpoint at step 300 is corrupt (\(file): checksum mismatch); resuming from step 200"])
            guard case .completed = try resumed.train() else { return XCTFail("resume did not complete") }
            // From step 200 the run retraces the same steps, so it writes the same log.
            XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("episodes.jsonl")),
                           try Data(contentsOf: reference.appendingPathComponent("episodes.jsonl")), file)
        }
        // No intact checkpoint: an error naming each corrupt file; nothing changes.
        let run = root.appendingPathComponent("all-corrupt")
        try FileManager.default.copyItem(at: reference, to: run)
        let store = CheckpointStore(runFolder: run)
        try flipByte(in: store.folder(step: 300).appendingPathComponent("replay.bin"))
        try flipByte(in: store.folder(step: 200).appendingPathComponent("state.json"))
        let before = try snapshot(run)
        XCTAssertThrowsError(try Training.resume(run, registry: WalkEnvironment.registry)) { error in
            XCTAssertEqual("\(error)", "cannot resume \(run.path): no intact checkpoint: "
                           + "\(store.folder(step: 300).path)/replay.bin: checksum mismatch; \(store.folder(step: 200).path)/state.json: checksum mismatch")
        }
        XCTAssertEqual(try snapshot(run), before)
    }

    func testKeepingOneCheckpointStillKeepsAFallback() throws {
        let run = try trainedRun(in: try makeTemporaryFolder(), settings: ["keep_checkpoints=1"])
        XCTAssertEqual(CheckpointStore(runFolder: run).checkpoints().map(\.step), [200, 300])
    }

    /// A run killed (SIGKILL, a crash) before its first checkpoint has config.json
    /// and part of its logs: `--resume` starts it again from step 0, logging nothing twice.
    func testARunKilledBeforeItsFirstCheckpointStartsAgainFromStepZero() throws {
        let root = try makeTemporaryFolder()
        let run = try trainedRun(in: root)
        let whole = try Data(contentsOf: run.appendingPathComponent("episodes.jsonl"))
        let progress = try Data(contentsOf: run.appendingPathComponent("progress.csv"))
        // As a kill leaves it: no checkpoint but a half-written one, logs cut mid-line, no evaluation.
        let fileManager = FileManager.default
        try fileManager.removeItem(at: run.appendingPathComponent("checkpoints"))
        try fileManager.createDirectory(at: run.appendingPathComponent("checkpoints/.partial-step-100"), withIntermediateDirectories: true)
        for name in ["eval.json", "eval_episodes.jsonl"] { try fileManager.removeItem(at: run.appendingPathComponent(name)) }
        try whole.prefix(whole.count / 2).write(to: run.appendingPathComponent("episodes.jsonl"))

        let restarted = try Training.resume(run, registry: WalkEnvironment.registry)
        XCTAssertEqual(restarted.resumeNotices,
                       ["no checkpoint yet (the run stopped before its first one): starting again from step 0 with its config.json"])
        guard case .completed = try restarted.train() else { return XCTFail("restart did not complete") }
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("episodes.jsonl")), whole)
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n").count,
                       String(decoding: progress, as: UTF8.self).split(separator: "\n").count)
        XCTAssertEqual(try fileManager.contentsOfDirectory(atPath: run.appendingPathComponent("checkpoints").path).sorted(),
                       ["step-000000200", "step-000000300"])
    }

    /// A run refused at start leaves nothing behind: not its folder, not the parents
    /// made for it; a folder that existed before is left where it was.
    func testARefusedStartRemovesOnlyWhatItCreated() throws {
        let root = try makeTemporaryFolder()
        let presetURL = root.appendingPathComponent("preset.yaml")
        try Data(preset.utf8).write(to: presetURL)
        let refused = PresetRequest(file: presetURL, settings: ["env.nosuch=1"])
        var created = false
        XCTAssertThrowsError(try Training.start(.dqn, preset: refused, registry: WalkEnvironment.registry) { _ in
            created = true
            return try RunFolder.create(at: root.appendingPathComponent("runs/deep/run"))
        })
        XCTAssertFalse(created, "the folder was made before the configuration was checked")
        // A failure after the folder exists (here: the folder's lock is held) removes what was made.
        let existing = root.appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: false)
        let folder = try RunFolder.create(at: existing)
        XCTAssertNil(folder.createdRoot)
        folder.removeCreated()
        XCTAssertTrue(FileManager.default.fileExists(atPath: existing.path))
        let made = try RunFolder.create(at: root.appendingPathComponent("runs/deep/run"))
        XCTAssertEqual(made.createdRoot?.path, root.appendingPathComponent("runs").path)
        made.removeCreated()
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs").path))
    }
}
