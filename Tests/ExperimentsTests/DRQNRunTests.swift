import XCTest
import Agents
import Environments
import Neural
@testable import Experiments

final class DRQNRunTests: XCTestCase {
    override func setUp() {
        // One BLAS thread: the determinism promise is for single-threaded runs.
        setBLASThreads(1)
    }

    private func preset(_ extra: String = "") throws -> Preset<DRQNConfig> {
        try Preset<DRQNConfig>.parse("""
            environment: walk
            env: {max_steps: 30}
            seed: 5
            total_steps: 900
            learning_rate: 0.001
            buffer_size: 2000
            learning_starts: 100
            batch_size: 4
            train_frequency: 4
            target_update_interval: 50
            exploration_fraction: 0.5
            hidden_sizes: [8]
            lstm_hidden_size: 8
            sequence_length: 4
            burn_in: 3
            eval_episodes: 3
            log_interval: 300
            checkpoint_interval: 300
            \(extra)
            """, file: "test.yaml", agent: "drqn")
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Stopped in the middle of an episode (so the acting LSTM state is not zero)
    /// and resumed, a DRQN run writes the same episode log and evaluation as one never stopped.
    func testStoppedAndResumedRunWritesTheSameEpisodeLog() throws {
        let root = try makeTemporaryFolder()
        let whole = try DRQNRun(preset: preset(), folder: RunFolder.create(at: root.appendingPathComponent("whole")),
                                registry: WalkEnvironment.registry)
        guard case .completed(let wholeEvaluation) = try whole.train() else { return XCTFail("uninterrupted run did not complete") }

        let stoppedFolder = try RunFolder.create(at: root.appendingPathComponent("stopped"))
        let stopped = try DRQNRun(preset: preset(), folder: stoppedFolder, registry: WalkEnvironment.registry)
        stopped.stopAfterSteps = 413
        guard case .stopped(_, let step) = try stopped.train() else { return XCTFail("run was not stopped") }
        XCTAssertEqual(step, 413)
        let checkpoint = try XCTUnwrap(CheckpointStore(runFolder: stoppedFolder.url).latest())
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: checkpoint.url.appendingPathComponent("state.json"))) as? [String: Any]
        let agentState = try XCTUnwrap(state?["agent"] as? [String: Any])
        let episodeActions = try XCTUnwrap(state?["episodeActions"] as? [Any])
        XCTAssertFalse(episodeActions.isEmpty, "the stop falls inside an episode")
        let hidden = try XCTUnwrap(agentState["hidden"] as? [Double])
        XCTAssertTrue(hidden.contains { $0 != 0 }, "the checkpoint holds the acting LSTM state")

        let resumed = try DRQNRun(resuming: stoppedFolder.url, registry: WalkEnvironment.registry)
        guard case .completed(let resumedEvaluation) = try resumed.train() else { return XCTFail("resumed run did not complete") }
        let expected = try text(whole.folder.episodesURL)
        XCTAssertGreaterThan(expected.split(separator: "\n").count, 20)
        XCTAssertEqual(try text(stoppedFolder.episodesURL), expected)
        XCTAssertEqual(resumedEvaluation, wholeEvaluation)
        XCTAssertEqual(try text(stoppedFolder.url.appendingPathComponent("eval_episodes.jsonl")),
                       try text(whole.folder.url.appendingPathComponent("eval_episodes.jsonl")))
    }

    /// config.json keeps the hyperparameters under "drqn"; the checkpoint holds the
    /// LSTM; `rlrun eval`'s path reproduces the evaluation written after training.
    func testRunFolderCheckpointAndEvaluationOfTheNewestCheckpoint() throws {
        let root = try makeTemporaryFolder()
        let run = try DRQNRun(preset: preset(), folder: RunFolder.create(at: root), registry: WalkEnvironment.registry)
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("no evaluation") }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: run.folder.configurationURL)) as? [String: Any]
        XCTAssertEqual(json?["agent"] as? String, "drqn")
        XCTAssertEqual((json?["drqn"] as? [String: Any])?["burn_in"] as? Int, 3)
        let configuration = try JSONDecoder().decode(DRQNRunConfiguration.self, from: Data(contentsOf: run.folder.configurationURL))
        XCTAssertEqual(configuration.drqn.sequenceLength, 4)
        XCTAssertEqual(CheckpointStore(runFolder: root).checkpoints().map(\.step), [600, 900])
        let model = try CheckpointFile.read(from: root.appendingPathComponent("checkpoints/step-000000900/model.ckpt"))
        XCTAssertTrue(model.parameters.contains { $0.name == "online.lstm.hiddenWeight" })
        XCTAssertTrue(model.parameters.contains { $0.name == "target.head.weight" })

        let (again, log) = try Training.evaluate(runFolder: root, episodes: 3, seed: nil, registry: WalkEnvironment.registry)
        XCTAssertEqual(again, evaluation)
        XCTAssertEqual(try text(log), try text(root.appendingPathComponent("eval_episodes.jsonl")))
    }

    /// `rlrun watch`/`record`'s greedy playback of a DRQN run plays the episodes of
    /// its evaluation: the recurrent state is cleared at each episode's start.
    func testGreedyPlaybackOfADRQNRunReplaysItsEvaluationEpisodes() throws {
        let root = try makeTemporaryFolder()
        let run = try DRQNRun(preset: preset(), folder: RunFolder.create(at: root), registry: WalkEnvironment.registry)
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("no evaluation") }
        let policy = try GreedyPolicy(runFolder: root, registry: WalkEnvironment.registry)
        XCTAssertEqual(policy.agentName, "drqn")
        let playback = try PolicyPlayback(policy: policy, episodes: 3)
        while try playback.advance() {}
        let logged = try EpisodeLogReader.read(from: root.appendingPathComponent("eval_episodes.jsonl")).episodes
        XCTAssertEqual(playback.finishedReturns, logged.map(\.episodeReturn))
        XCTAssertEqual(playback.finishedReturns.reduce(0, +) / 3, evaluation.meanReturn, accuracy: 1e-9)
    }

    func testResumingARunOfAnotherAgentIsRefused() throws {
        let root = try makeTemporaryFolder()
        let run = try DRQNRun(preset: preset(), folder: RunFolder.create(at: root), registry: WalkEnvironment.registry)
        run.stopAfterSteps = 50
        _ = try run.train()
        XCTAssertThrowsError(try DQNRun(resuming: root, registry: WalkEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("it is a drqn run, not a dqn run"), "\(error)")
        }
    }

    func testPresetKeysAreDQNsWithoutNStepPlusTheRecurrentOnes() throws {
        XCTAssertThrowsError(try preset("n_step: 3")) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'n_step'"), "\(error)")
        }
        XCTAssertThrowsError(try preset("burn_inn: 3")) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'burn_in'?"), "\(error)")
        }
        var valid = try preset()
        try valid.apply(settings: ["burn_in=0", "learning_rate=0.01"])
        XCTAssertEqual(valid.agentConfig.burnIn, 0)
        XCTAssertEqual(valid.agentConfig.dqn.learningRate, 0.01)
    }

    func testBundledPresetsParseAndNameRegisteredEnvironments() throws {
        let names = Preset<DRQNConfig>.bundledEnvironments(agent: "drqn")
        XCTAssertTrue(names.contains("gridworld-memory"))
        for name in names {
            let preset = try Preset<DRQNConfig>.bundled(agent: "drqn", environment: name)
            XCTAssertNoThrow(try EnvironmentRegistry.standard.spec(named: preset.environment).resolveOptions(preset.environmentOptions), name)
        }
    }
}
