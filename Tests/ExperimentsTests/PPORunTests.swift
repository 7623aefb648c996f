import XCTest
import Environments
import Neural
@testable import Experiments

final class PPORunTests: XCTestCase {
    override func setUp() {
        // One BLAS thread: the determinism promise is for single-threaded runs.
        setBLASThreads(1)
    }

    private func preset(recurrent: Bool, _ extra: String = "") throws -> PPOPreset {
        try PPOPreset.parse("""
            environment: walk
            env: {max_steps: 12}
            seed: 5
            total_steps: 480
            n_envs: 4
            n_steps: 8
            batch_size: 16
            n_epochs: 2
            learning_rate: 0.003
            ent_coef: 0.01
            lstm_hidden_size: \(recurrent ? 8 : 0)
            policy_layers: [8]
            value_layers: [8]
            normalize_observations: true
            normalize_rewards: true
            eval_episodes: 3
            log_interval: 64
            checkpoint_interval: 96
            \(extra)
            """, file: "test.yaml", agent: recurrent ? "ppo-lstm" : "ppo")
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// A run stopped between rollouts and resumed writes the same episode log, line
    /// for line, and the same evaluation as a run never stopped (LSTM states,
    /// observation and return statistics, running episodes and generator all restored).
    func testStoppedAndResumedRunWritesTheSameEpisodeLog() throws {
        for recurrent in [true, false] {
            let agent = recurrent ? "ppo-lstm" : "ppo"
            let root = try makeTemporaryFolder()
            let whole = try PPORun(preset: preset(recurrent: recurrent), agent: agent,
                                   folder: RunFolder.create(at: root.appendingPathComponent("whole")), registry: WalkEnvironment.registry)
            guard case .completed(let wholeEvaluation) = try whole.train() else { return XCTFail("uninterrupted run did not complete") }

            let stoppedFolder = try RunFolder.create(at: root.appendingPathComponent("stopped"))
            let stopped = try PPORun(preset: preset(recurrent: recurrent), agent: agent, folder: stoppedFolder,
                                     registry: WalkEnvironment.registry)
            stopped.stopAfterSteps = 150
            guard case .stopped(let signal, let step) = try stopped.train() else { return XCTFail("run was not stopped") }
            XCTAssertEqual(signal, SIGINT)
            XCTAssertEqual(step, 160)  // the first rollout boundary (multiple of 4 · 8) at or after 150
            XCTAssertEqual(CheckpointStore(runFolder: stoppedFolder.url).latest()?.step, 160)

            let resumed = try PPORun(resuming: stoppedFolder.url, registry: WalkEnvironment.registry)
            guard case .completed(let resumedEvaluation) = try resumed.train() else { return XCTFail("resumed run did not complete") }
            let expected = try text(whole.folder.episodesURL)
            XCTAssertGreaterThan(expected.split(separator: "\n").count, 20)
            XCTAssertEqual(try text(stoppedFolder.episodesURL), expected, agent)
            XCTAssertEqual(resumedEvaluation, wholeEvaluation, agent)
            let rows = try text(stoppedFolder.url.appendingPathComponent("progress.csv")).split(separator: "\n")
            XCTAssertEqual(rows.count, try text(whole.folder.url.appendingPathComponent("progress.csv")).split(separator: "\n").count)
        }
    }

    /// A few hundred steps of `ppo`: finite losses in progress.csv, checkpoints,
    /// eval.json, an episode log that replays, and `rlrun eval`'s entry point.
    func testShortMemorylessRunHasFiniteLossesAndReplayableEpisodes() throws {
        let root = try makeTemporaryFolder()
        let run = try PPORun(preset: preset(recurrent: false), agent: "ppo", folder: RunFolder.create(at: root),
                             registry: WalkEnvironment.registry)
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("no evaluation") }
        XCTAssertEqual(evaluation.episodes, 3)
        let rows = try text(root.appendingPathComponent("progress.csv")).split(separator: "\n")
        XCTAssertEqual(rows.first.map(String.init), PPORun.progressHeader)
        XCTAssertGreaterThan(rows.count, 3)
        for row in rows.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            for column in [3, 4, 5, 6] {
                let value = try XCTUnwrap(Double(fields[column]), "column \(column) of \(row)")
                XCTAssertTrue(value.isFinite)
            }
        }
        let checkpoint = try XCTUnwrap(CheckpointStore(runFolder: root).latest())
        XCTAssertEqual(checkpoint.step, 480)
        let files = try FileManager.default.contentsOfDirectory(atPath: checkpoint.url.path).sorted()
        XCTAssertEqual(files, ["config.json", "manifest.json", "model.ckpt", "state.json"], "an on-policy checkpoint has no replay buffer")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("eval.json").path))
        let configuration = try JSONDecoder().decode(PPORunConfiguration.self, from: Data(contentsOf: run.folder.configurationURL))
        XCTAssertEqual(configuration.agent, "ppo")

        // Every logged episode replays from its own seed.
        let log = try EpisodeLogReader.read(from: run.folder.episodesURL)
        XCTAssertGreaterThan(log.episodes.count, 10)
        XCTAssertEqual(Set(log.episodes.map { $0.seed }).count, log.episodes.count)
        let replay = Replay(registry: WalkEnvironment.registry)
        for episode in log.episodes {
            XCTAssertNil(try replay.replay(episode, header: log.header).mismatch, "episode \(episode.index)")
        }

        let (again, _) = try Training.evaluate(runFolder: root, episodes: 3, seed: nil, registry: WalkEnvironment.registry)
        XCTAssertEqual(again, evaluation)
    }

    /// `rlrun watch` and `rlrun record` play a ppo-lstm run's greedy policy with
    /// its memory cleared per episode: the same episodes as the run's evaluation.
    func testGreedyPolicyOfARecurrentRunReplaysItsEvaluation() throws {
        let root = try makeTemporaryFolder()
        let run = try PPORun(preset: preset(recurrent: true), agent: "ppo-lstm", folder: RunFolder.create(at: root),
                             registry: WalkEnvironment.registry)
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("no evaluation") }
        let policy = try GreedyPolicy(runFolder: root, registry: WalkEnvironment.registry)
        XCTAssertEqual(policy.agentName, "ppo-lstm")
        XCTAssertEqual(policy.checkpointStep, 480)
        let playback = try PolicyPlayback(policy: policy, episodes: evaluation.episodes)
        while try playback.advance() {}
        let logged = try EpisodeLogReader.read(from: root.appendingPathComponent(TrainingFiles.evaluationEpisodes))
        XCTAssertEqual(playback.finishedReturns, logged.episodes.map { $0.episodeReturn })
    }

    func testAgentNameMustMatchTheLSTMSetting() throws {
        let root = try makeTemporaryFolder()
        XCTAssertThrowsError(try PPORun(preset: preset(recurrent: false), agent: "ppo-lstm", folder: RunFolder.create(at: root),
                                        registry: WalkEnvironment.registry))
    }

    func testBundledPresetsParseAndNameRegisteredEnvironments() throws {
        for agent in ["ppo", "ppo-lstm"] {
            let names = PPOPreset.bundledEnvironments(agent: agent)
            XCTAssertEqual(names, ["cartpole-novel", "gridworld-memory"] + (agent == "ppo" ? ["robot-nav", "robot-nav-continuous"] : [])
                           + ["robot-nav-pomdp"], agent)
            for name in names {
                let preset = try PPOPreset.bundled(agent: agent, environment: name)
                XCTAssertEqual(preset.environment, name)
                XCTAssertEqual(preset.agentConfig.isRecurrent, agent == "ppo-lstm")
                _ = try PPORunConfiguration(preset: preset, agent: agent, startedAt: "now")
            }
        }
        // The continuous preset's agent gets the environment's Box as its action space.
        let continuous = try PPORunConfiguration(preset: PPOPreset.bundled(agent: "ppo", environment: "robot-nav-continuous"),
                                                 agent: "ppo", startedAt: "now")
        let run = try PPORun(preset: PPOPreset.bundled(agent: "ppo", environment: "robot-nav-continuous"), agent: "ppo",
                             folder: RunFolder.create(at: makeTemporaryFolder()))
        XCTAssertEqual(run.configuration.ppo, continuous.ppo)
        let (agent, offset) = try run.makeAgent()
        XCTAssertEqual(agent.actionSpace, .box(low: [0, -Float(Double.pi / 2)], high: [1, Float(Double.pi / 2)]))
        XCTAssertEqual(offset, 0)
        XCTAssertEqual(continuous.ppo.logStdInit, 0)
        let zoo = try PPOPreset.bundled(agent: "ppo-lstm", environment: "cartpole-novel").agentConfig
        XCTAssertEqual([zoo.environmentCount, zoo.rolloutSteps, zoo.batchSize, zoo.epochs, zoo.lstmHiddenSize], [8, 32, 256, 20, 64])
        XCTAssertEqual([zoo.gamma, zoo.gaeLambda, zoo.learningRate, zoo.clipRange, zoo.entropyCoefficient], [0.98, 0.8, 1e-3, 0.2, 0])
        XCTAssertEqual(zoo.policyLayers, [64])
        XCTAssertEqual(zoo.valueLayers, [64])
        XCTAssertTrue(zoo.normalizeObservations)
        XCTAssertTrue(zoo.normalizeRewards)
        XCTAssertEqual(zoo.totalSteps, 100_000)
    }
}
