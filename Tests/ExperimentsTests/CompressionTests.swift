import XCTest
import Agents
import Environments
import Neural
@testable import Experiments

/// `rlrun compress` on trained runs of every agent family: the compressed policy
/// is written, reported, and plays through evaluation like the checkpoint does.
final class CompressionTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    private func trainedDRQNRun(in root: URL) throws -> URL {
        let preset = try Preset<DRQNConfig>.parse("""
            environment: walk
            env: {max_steps: 30}
            seed: 5
            total_steps: 300
            buffer_size: 2000
            learning_starts: 100
            batch_size: 4
            train_frequency: 4
            hidden_sizes: [8]
            lstm_hidden_size: 8
            sequence_length: 4
            burn_in: 3
            eval_episodes: 2
            log_interval: 300
            checkpoint_interval: 300
            """, file: "test.yaml", agent: "drqn")
        let run = try DRQNRun(preset: preset, folder: RunFolder.create(at: root.appendingPathComponent("drqn")), registry: WalkEnvironment.registry)
        _ = try run.train()
        return run.folder.url
    }

    private func trainedPPORun(in root: URL, recurrent: Bool) throws -> URL {
        let preset = try PPOPreset.parse("""
            environment: walk
            env: {max_steps: 12}
            seed: 5
            total_steps: 96
            n_envs: 4
            n_steps: 8
            batch_size: 16
            n_epochs: 1
            lstm_hidden_size: \(recurrent ? 8 : 0)
            policy_layers: [8]
            value_layers: [8]
            normalize_observations: true
            eval_episodes: 2
            log_interval: 64
            checkpoint_interval: 96
            """, file: "test.yaml", agent: recurrent ? "ppo-lstm" : "ppo")
        let run = try PPORun(preset: preset, agent: recurrent ? "ppo-lstm" : "ppo",
                             folder: RunFolder.create(at: root.appendingPathComponent(recurrent ? "ppo-lstm" : "ppo")),
                             registry: WalkEnvironment.registry)
        _ = try run.train()
        return run.folder.url
    }

    func testCompressWritesPolicyAndReportForDRQNAndPPO() throws {
        let root = try makeTemporaryFolder()
        for run in [try trainedDRQNRun(in: root), try trainedPPORun(in: root, recurrent: true), try trainedPPORun(in: root, recurrent: false)] {
            let (report, folder) = try Compression.compress(runFolder: run, pruneFraction: 0.5, quantization: .int8, episodes: 3,
                                                            latencyActions: 20, registry: WalkEnvironment.registry)
            XCTAssertEqual(folder.lastPathComponent, "prune0.5-int8")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.json").path))
            XCTAssertLessThan(report.parameters.nonzeroAfter, report.parameters.nonzeroBefore)
            XCTAssertLessThan(report.sizes.compressed, report.sizes.floatPolicy)
            XCTAssertEqual(report.evaluation.before.episodes, 3)
            let loaded = try CompressedPolicyFile.read(folder: folder)
            XCTAssertEqual(loaded.metadata.quantization, "int8")
            XCTAssertTrue(loaded.model.layers.flatMap(\.matrices).allSatisfy(\.isQuantized))

            // The compressed policy plays by itself: the same result through evaluation, without the checkpoints.
            try FileManager.default.removeItem(at: run.appendingPathComponent("checkpoints"))
            let (result, _) = try Training.evaluate(runFolder: run, compressedPolicy: folder, episodes: 3, seed: report.evaluation.after.seed,
                                                    registry: WalkEnvironment.registry)
            XCTAssertEqual(result.meanReturn, report.evaluation.after.meanReturn)
            let greedy = try GreedyPolicy(runFolder: run, compressedPolicy: folder, registry: WalkEnvironment.registry)
            XCTAssertEqual(greedy.compressedPolicy, folder)
        }
    }

    func testUnprunedFloatCompressionPlaysLikeTheCheckpoint() throws {
        let root = try makeTemporaryFolder()
        let run = try trainedDRQNRun(in: root)
        let (report, _) = try Compression.compress(runFolder: run, pruneFraction: 0, quantization: .none, episodes: 4,
                                                   latencyActions: 10, registry: WalkEnvironment.registry)
        XCTAssertEqual(report.evaluation.after.meanReturn, report.evaluation.before.meanReturn)
        XCTAssertEqual(report.parameters.nonzeroAfter, report.parameters.nonzeroBefore)
    }

    func testCorruptedPolicyFileAndBadOptionsAreRefused() throws {
        let root = try makeTemporaryFolder()
        let run = try trainedDRQNRun(in: root)
        XCTAssertThrowsError(try Compression.compress(runFolder: run, pruneFraction: 1, quantization: .int8, registry: WalkEnvironment.registry))
        let (_, folder) = try Compression.compress(runFolder: run, pruneFraction: 0.25, quantization: .int8, name: "small", episodes: 1,
                                                   latencyActions: 5, registry: WalkEnvironment.registry)
        let url = CompressedPolicyFile.policyURL(in: folder)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 20] ^= 0xFF
        try bytes.write(to: url)
        XCTAssertThrowsError(try Training.evaluate(runFolder: run, compressedPolicy: folder, episodes: 1, seed: nil,
                                                   registry: WalkEnvironment.registry)) { error in
            guard case .checksumMismatch = error as? CompactModelError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(CompressedPolicyFile.folder(named: "small", runFolder: run).path, folder.standardizedFileURL.path)
    }
}
