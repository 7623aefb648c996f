import XCTest
import Environments
import Neural
import Agents
@testable import Experiments

/// PPO runs on an environment with `Box` actions (a Gaussian policy).
final class PPOContinuousRunTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    private func preset(recurrent: Bool = false) throws -> PPOPreset {
        try PPOPreset.parse("""
            environment: steer
            env: {max_steps: 10}
            seed: 3
            total_steps: 384
            n_envs: 4
            n_steps: 8
            batch_size: 16
            n_epochs: 2
            learning_rate: 0.003
            ent_coef: 0.01
            log_std_init: -0.5
            lstm_hidden_size: \(recurrent ? 6 : 0)
            policy_layers: [8]
            value_layers: [8]
            normalize_observations: true
            eval_episodes: 3
            log_interval: 64
            checkpoint_interval: 96
            """, file: "test.yaml", agent: recurrent ? "ppo-lstm" : "ppo")
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// A run stopped between rollouts and resumed writes the same episode log, byte
    /// for byte, as one never stopped: the running episodes' float actions go
    /// through state.json and are replayed exactly.
    func testStoppedAndResumedContinuousRunWritesTheSameEpisodeLog() throws {
        for recurrent in [false, true] {
            let agent = recurrent ? "ppo-lstm" : "ppo"
            let root = try makeTemporaryFolder()
            let whole = try PPORun(preset: preset(recurrent: recurrent), agent: agent,
                                   folder: RunFolder.create(at: root.appendingPathComponent("whole")), registry: SteerEnvironment.registry)
            guard case .completed(let wholeEvaluation) = try whole.train() else { return XCTFail("uninterrupted run did not complete") }

            let stoppedFolder = try RunFolder.create(at: root.appendingPathComponent("stopped"))
            let stopped = try PPORun(preset: preset(recurrent: recurrent), agent: agent, folder: stoppedFolder,
                                     registry: SteerEnvironment.registry)
            stopped.stopAfterSteps = 100  // 128: mid-episode for every copy (episodes last at most 10 steps)
            guard case .stopped(_, let step) = try stopped.train() else { return XCTFail("run was not stopped") }
            XCTAssertEqual(step, 128)
            let state = try text(CheckpointStore(runFolder: stoppedFolder.url).latest()!.url.appendingPathComponent("state.json"))
            XCTAssertTrue(state.contains("\"actions\":[["), "running episodes keep vector actions")

            let resumed = try PPORun(resuming: stoppedFolder.url, registry: SteerEnvironment.registry)
            guard case .completed(let resumedEvaluation) = try resumed.train() else { return XCTFail("resumed run did not complete") }
            let expected = try Data(contentsOf: whole.folder.episodesURL)
            XCTAssertGreaterThan(expected.count, 1000)
            XCTAssertEqual(try Data(contentsOf: stoppedFolder.episodesURL), expected, agent)
            XCTAssertEqual(resumedEvaluation, wholeEvaluation, agent)
            XCTAssertEqual(try Data(contentsOf: stoppedFolder.url.appendingPathComponent("eval_episodes.jsonl")),
                           try Data(contentsOf: whole.folder.url.appendingPathComponent("eval_episodes.jsonl")))
        }
    }

    /// Training and evaluation episodes log vector actions inside the box (clipped),
    /// and each replays exactly from its seed; `rlrun eval` plays the same greedy
    /// episodes as the run's own evaluation.
    func testContinuousEpisodesAreLoggedClippedAndReplay() throws {
        let root = try makeTemporaryFolder()
        let run = try PPORun(preset: preset(), agent: "ppo", folder: RunFolder.create(at: root), registry: SteerEnvironment.registry)
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("no evaluation") }
        let replay = Replay(registry: SteerEnvironment.registry)
        var components = 0, atBound = 0
        for file in [run.folder.episodesURL, root.appendingPathComponent("eval_episodes.jsonl")] {
            let log = try EpisodeLogReader.read(from: file)
            XCTAssertGreaterThan(log.episodes.count, 2)
            for episode in log.episodes {
                for action in episode.actions {
                    guard case .vector(let values) = action else { return XCTFail("\(action) is not a vector action") }
                    XCTAssertEqual(values.count, 1)
                    XCTAssertTrue(values[0] >= -0.5 && values[0] <= 0.5, "\(values)")
                    XCTAssertEqual(Double(Float(values[0])), values[0], "a Float widened exactly")
                    components += 1
                    if abs(values[0]) == 0.5 { atBound += 1 }
                }
                XCTAssertNil(try replay.replay(episode, header: log.header).mismatch, "episode \(episode.index) of \(file.lastPathComponent)")
            }
        }
        XCTAssertGreaterThan(atBound, 0, "σ = e^-0.5 against a box ±0.5 wide clips some samples")
        XCTAssertLessThan(atBound, components)

        let (again, _) = try Training.evaluate(runFolder: root, episodes: 3, seed: nil, registry: SteerEnvironment.registry)
        XCTAssertEqual(again, evaluation)
        XCTAssertThrowsError(try GreedyPolicy(runFolder: root, registry: SteerEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("Box actions"), "\(error)")
        }
    }

    /// DQN still refuses Box actions, and says which agents take them.
    func testDQNRefusesBoxActionsNamingPPO() throws {
        let preset = try Preset<DQNConfig>.parse("environment: steer\ntotal_steps: 100", file: "dqn.yaml", agent: "dqn")
        XCTAssertThrowsError(try OffPolicyRun<DQNAgent>(preset: preset, folder: RunFolder.create(at: makeTemporaryFolder()),
                                                        registry: SteerEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("ppo and ppo-lstm also take Box actions"), "\(error)")
        }
    }
}
