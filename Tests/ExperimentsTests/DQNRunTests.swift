import XCTest
import Agents
import Environments
import Neural
@testable import Experiments

final class DQNRunTests: XCTestCase {
    override func setUp() {
        // One BLAS thread: the determinism promise is for single-threaded runs.
        setBLASThreads(1)
    }

    private func preset(_ extra: String = "", environment: String = "walk", options: String = "max_steps: 40") throws -> DQNPreset {
        try DQNPreset.parse("""
            environment: \(environment)
            env: {\(options)}
            seed: 3
            total_steps: 1200
            learning_rate: 0.001
            buffer_size: 2000
            learning_starts: 100
            batch_size: 16
            train_frequency: 2
            target_update_interval: 50
            exploration_fraction: 0.5
            hidden_sizes: [16]
            eval_episodes: 3
            log_interval: 200
            checkpoint_interval: 300
            \(extra)
            """, file: "test.yaml", agent: "dqn")
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// The observation-normalising wrapper keeps statistics no checkpoint holds, so
    /// the DQN and PPO runners refuse it, naming the preset and the key.
    func testTrainingRunsRefuseTheObservationNormalisingWrapper() throws {
        var dqn = try preset()
        dqn.environmentOptions["normalize_observation"] = .bool(true)
        XCTAssertThrowsError(try DQNRun(preset: dqn, folder: RunFolder.create(at: makeTemporaryFolder().appendingPathComponent("dqn")),
                                        registry: WalkEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("test.yaml: env.normalize_observation = true is invalid"), "\(error)")
        }
        var ppo = try PPOPreset.parse("environment: walk\nenv: {normalize_observation: true}\n", file: "ppo.yaml", agent: "ppo")
        ppo.agentConfig.lstmHiddenSize = 0
        XCTAssertThrowsError(try PPORun(preset: ppo, agent: "ppo", folder: RunFolder.create(at: makeTemporaryFolder().appendingPathComponent("ppo")),
                                        registry: WalkEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("normalize_observations: true"), "\(error)")
        }
    }

    /// A run stopped mid-way and resumed writes the same episode log, line for
    /// line, as a run that was never stopped.
    func testStoppedAndResumedRunWritesTheSameEpisodeLog() throws {
        try assertStoppedAndResumedRunWritesTheSameEpisodeLog()
    }

    /// On MinAtar Breakout, whose episodes start with the previous episode's last
    /// action (sticky actions), a resumed run restores that too: the same log as
    /// a run never stopped, and every logged episode replays alone.
    func testStoppedAndResumedMinAtarRunWritesTheSameEpisodeLogAndItReplays() throws {
        let presetText = """
            environment: breakout
            seed: 4
            total_steps: 700
            learning_starts: 100
            buffer_size: 1000
            batch_size: 8
            hidden_sizes: [8]
            use_cnn: false
            eval_episodes: 2
            log_interval: 350
            checkpoint_interval: 350
            """
        let root = try makeTemporaryFolder()
        let whole = try DQNRun(preset: DQNPreset.parse(presetText, file: "b.yaml", agent: "dqn"),
                               folder: RunFolder.create(at: root.appendingPathComponent("whole")))
        _ = try whole.train()
        let stoppedFolder = try RunFolder.create(at: root.appendingPathComponent("stopped"))
        let stopped = try DQNRun(preset: DQNPreset.parse(presetText, file: "b.yaml", agent: "dqn"), folder: stoppedFolder)
        stopped.stopAfterSteps = 311
        _ = try stopped.train()
        _ = try DQNRun(resuming: stoppedFolder.url).train()
        let expected = try text(whole.folder.episodesURL)
        XCTAssertEqual(try text(stoppedFolder.episodesURL), expected)
        let contents = try EpisodeLogReader.read(from: stoppedFolder.episodesURL)
        XCTAssertGreaterThan(contents.episodes.count, 5)
        for episode in contents.episodes {
            XCTAssertNil(try Replay().replay(episode, header: contents.header).mismatch, "episode \(episode.index)")
        }
    }

    /// The five MinAtar presets are the paper's DQN (examples/dqn.py of Young &
    /// Tian 2019), value for value, on the game's default environment.
    func testMinAtarPresetsAreThePapersDQN() throws {
        for game in ["breakout", "space-invaders", "freeway", "asterix", "seaquest"] {
            let preset = try DQNPreset.bundled(agent: "dqn", environment: game)
            let config = preset.agentConfig
            XCTAssertEqual(preset.environment, game)
            XCTAssertEqual(config.totalSteps, 5_000_000, game)
            XCTAssertEqual(config.convolutionChannels, [16], game)
            XCTAssertEqual(config.convolutionKernel, 3, game)
            XCTAssertEqual(config.convolutionStride, 1, game)
            XCTAssertEqual(config.hiddenSizes, [128], game)
            XCTAssertTrue(config.useCNN, game)
            XCTAssertEqual(config.batchSize, 32, game)
            XCTAssertEqual(config.bufferSize, 100_000, game)
            XCTAssertEqual(config.learningStarts, 5_000, game)
            XCTAssertEqual(config.trainFrequency, 1, game)
            XCTAssertEqual(config.gradientSteps, 1, game)
            XCTAssertEqual(config.targetUpdateInterval, 1_000, game)
            XCTAssertEqual(config.tau, 1, game)
            XCTAssertEqual(config.gamma, 0.99, game)
            XCTAssertEqual(config.loss, "huber", game)
            XCTAssertEqual(config.optimizer, "rmsprop_centered", game)
            XCTAssertEqual(config.learningRate, 2.5e-4, game)
            XCTAssertEqual(config.rmspropDecay, 0.95, game)
            XCTAssertEqual(config.optimizerEpsilon, 0.01, game)
            XCTAssertEqual(config.explorationInitialEpsilon, 1.0, game)
            XCTAssertEqual(config.explorationFinalEpsilon, 0.1, game)
            XCTAssertEqual(config.explorationFraction * Double(config.totalSteps), 100_000, accuracy: 1e-6, game)
            XCTAssertFalse(config.doubleDQN, game)
            XCTAssertEqual(config.nStep, 1, game)
            XCTAssertEqual(config.maxGradNorm, 0, "the paper's script does not clip gradients, \(game)")
            XCTAssertEqual(preset.environmentOptions["sticky_action_probability"], .double(0.1), game)
            XCTAssertEqual(preset.environmentOptions["difficulty_ramping"], .bool(true), game)
            XCTAssertEqual(preset.environmentOptions["minimal_actions"], .bool(false), game)
        }
    }

    /// A signal during the final evaluation stops it (exit as stopped, no eval.json);
    /// the resume evaluates from the final checkpoint and writes what a run never
    /// stopped writes.
    func testASignalDuringTheFinalEvaluationStopsItAndTheResumeEvaluates() throws {
        let root = try makeTemporaryFolder()
        var evaluating = try preset()
        evaluating.run.evaluationEpisodes = 40
        let whole = try DQNRun(preset: evaluating, folder: RunFolder.create(at: root.appendingPathComponent("whole")),
                               registry: WalkEnvironment.registry)
        guard case .completed(let expected?) = try whole.train() else { return XCTFail("run did not complete") }

        let folder = try RunFolder.create(at: root.appendingPathComponent("stopped"))
        let stopped = try DQNRun(preset: evaluating, folder: folder, registry: WalkEnvironment.registry)
        stopped.onProgress = { progress in
            if progress.isLogRow && progress.step == progress.totalSteps { stopped.stopRequest.request(signal: SIGTERM) }
        }
        guard case .stopped(let signal, let step) = try stopped.train() else { return XCTFail("evaluation was not stopped") }
        XCTAssertEqual(signal, SIGTERM)
        XCTAssertEqual(step, 1200)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("eval.json").path))

        guard case .completed(let evaluation?) = try DQNRun(resuming: folder.url, registry: WalkEnvironment.registry).train() else {
            return XCTFail("resumed run did not evaluate")
        }
        XCTAssertEqual(evaluation, expected)
        XCTAssertEqual(try text(folder.episodesURL), try text(whole.folder.episodesURL))

        // A signal in the middle of the evaluation stops it before its next step.
        var environment = try WalkEnvironment.registry.make("walk", as: [Float].self, Int.self)
        let request = StopRequest()
        request.request(signal: SIGINT)
        XCTAssertThrowsError(try Evaluation.run(&environment, episodes: 3, seed: 1, episodeStepCap: 100, log: nil,
                                                stopRequest: request) { _ in 0 }) { error in
            XCTAssertEqual((error as? EvaluationStopped)?.signal, SIGINT)
        }
    }

    /// The same with a dueling head, whose two streams' parameters must keep
    /// distinct names for the checkpoint to be written at all.
    func testStoppedAndResumedDuelingRunWritesTheSameEpisodeLog() throws {
        try assertStoppedAndResumedRunWritesTheSameEpisodeLog("dueling: true")
    }

    /// Hindsight replay keeps the running episode in the agent's state: a resumed
    /// run relabels it as the run never stopped did.
    func testStoppedAndResumedHindsightRunWritesTheSameEpisodeLog() throws {
        try assertStoppedAndResumedRunWritesTheSameEpisodeLog("n_sampled_goal: 2", environment: "gridworld",
                                                              options: "size: 6, max_steps: 30", registry: .standard)
    }

    /// Hindsight replay on observations that cannot show another goal (a view that
    /// turns with the agent) is refused before the run folder exists.
    func testHindsightReplayNeedsObservationsThatShowTheGoal() throws {
        let folder = try makeTemporaryFolder().appendingPathComponent("run")
        XCTAssertThrowsError(try DQNRun(preset: preset("n_sampled_goal: 4", environment: "gridworld-fourrooms",
                                                       options: "actions: egocentric, view: 7"),
                                        folder: RunFolder(url: folder), registry: .standard)) { error in
            XCTAssertTrue("\(error)".contains("n_sampled_goal (hindsight replay) needs observations that show the goal; 'gridworld-fourrooms'"),
                          "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
    }

    private func assertStoppedAndResumedRunWritesTheSameEpisodeLog(
        _ extra: String = "", environment: String = "walk", options: String = "max_steps: 40",
        registry: EnvironmentRegistry = WalkEnvironment.registry
    ) throws {
        let root = try makeTemporaryFolder()
        let preset = { try self.preset(extra, environment: environment, options: options) }
        let whole = try DQNRun(preset: preset(), folder: RunFolder.create(at: root.appendingPathComponent("whole")),
                               registry: registry)
        guard case .completed(let wholeEvaluation) = try whole.train() else { return XCTFail("uninterrupted run did not complete") }

        let stoppedFolder = try RunFolder.create(at: root.appendingPathComponent("stopped"))
        let stopped = try DQNRun(preset: preset(), folder: stoppedFolder, registry: registry)
        stopped.stopAfterSteps = 517
        guard case .stopped(let signal, let step) = try stopped.train() else { return XCTFail("run was not stopped") }
        XCTAssertEqual(signal, SIGINT)
        XCTAssertEqual(step, 517)
        XCTAssertEqual(CheckpointStore(runFolder: stoppedFolder.url).latest()?.step, 517)

        let resumed = try DQNRun(resuming: stoppedFolder.url, registry: registry)
        guard case .completed(let resumedEvaluation) = try resumed.train() else { return XCTFail("resumed run did not complete") }

        let expected = try text(whole.folder.episodesURL)
        let actual = try text(stoppedFolder.episodesURL)
        XCTAssertGreaterThan(expected.split(separator: "\n").count, 20)
        XCTAssertEqual(actual, expected)
        XCTAssertEqual(resumedEvaluation, wholeEvaluation)
        XCTAssertEqual(try text(stoppedFolder.url.appendingPathComponent("eval_episodes.jsonl")),
                       try text(whole.folder.url.appendingPathComponent("eval_episodes.jsonl")))
        let progressRows = try text(stoppedFolder.url.appendingPathComponent("progress.csv")).split(separator: "\n")
        XCTAssertEqual(progressRows.count, 1 + 1200 / 200)
    }

    func testRunFolderHoldsConfigProgressCheckpointsAndEvaluation() throws {
        let root = try makeTemporaryFolder()
        let run = try DQNRun(preset: preset(), folder: RunFolder.create(at: root), registry: WalkEnvironment.registry)
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("no evaluation") }
        XCTAssertEqual(evaluation.episodes, 3)
        let configuration = try JSONDecoder().decode(DQNRunConfiguration.self, from: Data(contentsOf: run.folder.configurationURL))
        XCTAssertEqual(configuration.dqn.totalSteps, 1200)
        XCTAssertEqual(configuration.options["max_steps"], .int(40))
        let progress = try text(root.appendingPathComponent("progress.csv")).split(separator: "\n")
        XCTAssertEqual(progress.first.map(String.init), "env_steps,episodes,mean_return_100,loss,epsilon,steps_per_second,wall_seconds")
        XCTAssertEqual(progress.count, 7)
        XCTAssertTrue(progress[6].hasPrefix("1200,"))
        // checkpoint_interval 300 and keep_checkpoints 2: the last two remain.
        XCTAssertEqual(CheckpointStore(runFolder: root).checkpoints().map(\.step), [900, 1200])
        let evaluationJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("eval.json"))) as? [String: Any]
        for key in ["episodes", "mean_return", "std_return", "mean_length"] { XCTAssertNotNil(evaluationJSON?[key], key) }
        let log = try EpisodeLogReader.read(from: root.appendingPathComponent("eval_episodes.jsonl"))
        XCTAssertEqual(log.episodes.count, 3)
        XCTAssertTrue(log.problems.isEmpty)
        // Training episodes replay exactly from their seeds and actions.
        let training = try EpisodeLogReader.read(from: run.folder.episodesURL)
        for episode in training.episodes.prefix(5) {
            XCTAssertNil(try Replay(registry: WalkEnvironment.registry).replay(episode, header: training.header).mismatch)
        }
    }

    func testNonFiniteLossStopsTrainingAndKeepsTheLastGoodCheckpoint() throws {
        let root = try makeTemporaryFolder()
        var exploding = try preset()
        // Rewards near Float's limit: their squared TD errors overflow to infinity.
        try exploding.apply(settings: ["checkpoint_interval=100", "loss=mse", "env.reward_scale=1e37"])
        let run = try DQNRun(preset: exploding, folder: RunFolder.create(at: root), registry: WalkEnvironment.registry)
        XCTAssertThrowsError(try run.train()) { error in
            guard case TrainingError.diverged(_, let lastStep)? = error as? TrainingError else {
                return XCTFail("expected divergence, got \(error)")
            }
            XCTAssertEqual(lastStep, 100)
            XCTAssertEqual(CheckpointStore(runFolder: root).latest()?.step, 100)
            XCTAssertTrue("\(error)".contains("the last good checkpoint (step 100) is kept"), "\(error)")
        }
        XCTAssertNoThrow(try DQNRun(resuming: root, registry: WalkEnvironment.registry), "the kept checkpoint still loads")
    }

    func testNonFiniteRewardStopsWithAMessageNamingEpisodeAndStep() throws {
        var withNaN = try preset()
        withNaN.environmentOptions["nan_reward_step"] = .int(7)
        let run = try DQNRun(preset: withNaN, folder: RunFolder.create(at: makeTemporaryFolder()), registry: WalkEnvironment.registry)
        XCTAssertThrowsError(try run.train()) { error in
            XCTAssertTrue("\(error)".contains("returned reward nan at step 6 of episode"), "\(error)")
        }
    }

    func testPresetErrorsNameTheFileTheKeyAndTheClosestKey() throws {
        XCTAssertThrowsError(try preset("learning_rat: 0.1")) { error in
            XCTAssertEqual("\(error)", "unknown key 'learning_rat' in preset test.yaml; did you mean 'learning_rate'?")
        }
        XCTAssertThrowsError(try preset("gamma: 2")) { error in
            XCTAssertEqual("\(error)", "preset test.yaml: gamma = 2.0 is invalid: expected a number in [0, 1]")
        }
        var valid = try preset()
        XCTAssertThrowsError(try valid.apply(settings: ["bach_size=3"])) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'batch_size'?"), "\(error)")
        }
        XCTAssertThrowsError(try valid.apply(settings: ["batch_size=many"])) { error in
            XCTAssertTrue("\(error)".contains("batch_size"), "\(error)")
        }
        try valid.apply(settings: ["batch_size=8", "hidden_sizes=[4, 4]", "env.max_steps=9"])
        XCTAssertEqual(valid.dqn.batchSize, 8)
        XCTAssertEqual(valid.dqn.hiddenSizes, [4, 4])
        XCTAssertEqual(valid.environmentOptions["max_steps"], .int(9))
    }

    /// Bad `--set` values are blamed on `--set` (not the preset file), with the key,
    /// the value and the type the key takes; null is refused, not read as "default".
    func testSettingErrorsNameTheSettingAndRefuseNull() throws {
        let cases: [(String, String)] = [
            ("batch_size=1.5", "--set batch_size=1.5 is invalid: expected an integer"),
            ("gamma=abc", "--set gamma=abc is invalid: expected a number"),
            ("hidden_sizes=[a, b]", "--set hidden_sizes=[a, b] is invalid: expected a list of integers, such as [64, 64]"),
            ("gamma=2", "--set gamma=2.0 is invalid: expected a number in [0, 1]"),
            ("learning_rate=null", "--set learning_rate=null is invalid: expected a value (null is none: leave the key out for its default)"),
            ("env.max_steps=~", "--set env.max_steps=null is invalid: expected a value (null is none: leave the key out for its default)"),
            ("bach_size=3", "--set: unknown key 'bach_size'; did you mean 'batch_size'?"),
            ("environment=lava", "--set environment=lava is not allowed: the environment is the command's argument "
                + "(rlrun AGENT ENVIRONMENT) or the environment key of a --preset file"),
        ]
        for (setting, message) in cases {
            var valid = try preset()
            XCTAssertThrowsError(try valid.apply(settings: [setting]), setting) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
        XCTAssertThrowsError(try preset("tau: ~")) { error in
            XCTAssertEqual("\(error)", "preset test.yaml: tau = null is invalid: expected a value (null is none: leave the key out for its default)")
        }
    }

    func testPresetValuesStillApply() throws {
        var valid = try preset()
        try valid.apply(settings: ["batch_size=8", "hidden_sizes=[4, 4]", "env.max_steps=9"])
        XCTAssertEqual(valid.dqn.batchSize, 8)
        XCTAssertEqual(valid.dqn.hiddenSizes, [4, 4])
        XCTAssertEqual(valid.environmentOptions["max_steps"], .int(9))
    }

    func testBundledPresetsParseAndNameRegisteredEnvironments() throws {
        let names = DQNPreset.bundledEnvironments(agent: "dqn")
        XCTAssertTrue(names.contains("gridworld"))
        XCTAssertTrue(names.contains("cartpole"))
        for name in names {
            let preset = try DQNPreset.bundled(agent: "dqn", environment: name)
            XCTAssertNoThrow(try EnvironmentRegistry.standard.spec(named: preset.environment).resolveOptions(preset.environmentOptions), name)
        }
        XCTAssertThrowsError(try DQNPreset.bundled(agent: "dqn", environment: "gridwrld")) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'gridworld'?"), "\(error)")
        }
    }
}

/// Full-length learning checks, opt-in because they take minutes even in a release build:
/// `SWIFTRL_SLOW_TESTS=1 swift test -c release --filter SlowLearningTests` (a debug build
/// takes over half an hour for the PPO check alone).
final class SlowLearningTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SWIFTRL_SLOW_TESTS"] == "1",
                          "set SWIFTRL_SLOW_TESTS=1 to run the full-length learning checks")
        setBLASThreads(1)
    }

    /// The paper's DQN on MinAtar Breakout (its preset, cut to 300,000 frames):
    /// greedy play beats the random policy's mean return (about 0.5) clearly.
    func testMinAtarDQNLearnsBreakoutWithinAFewHundredThousandFrames() throws {
        var preset = try DQNPreset.bundled(agent: "dqn", environment: "breakout")
        // total_steps shortens the ε schedule with it; keep its 100,000 frames.
        try preset.apply(settings: ["total_steps=300000", "exploration_fraction=0.333333333", "eval_episodes=50"])
        let run = try DQNRun(preset: preset, folder: RunFolder.create(at: makeTemporaryFolder()))
        guard case .completed(let evaluation?) = try run.train() else { return XCTFail("run did not complete") }
        XCTAssertGreaterThan(evaluation.meanReturn, 3, "random play returns about 0.5 a game")
    }

    private func train(_ environment: String, seed: UInt64) throws -> EvaluationResult {
        var preset = try DQNPreset.bundled(agent: "dqn", environment: environment)
        try preset.apply(settings: ["seed=\(seed)"])
        let run = try DQNRun(preset: preset, folder: RunFolder.create(at: makeTemporaryFolder()))
        guard case .completed(let evaluation?) = try run.train() else { throw XCTSkip("run did not complete") }
        return evaluation
    }

    func testCartPolePresetReachesTheRewardThresholdOnThreeSeeds() throws {
        for seed: UInt64 in [0, 1, 2] {
            let evaluation = try train("cartpole", seed: seed)
            XCTAssertGreaterThanOrEqual(evaluation.meanReturn, 475, "seed \(seed)")
        }
    }

    /// The memory corridor side by side: DRQN remembers the cue, DQN cannot beat chance.
    func testMemoryCorridorNeedsTheRecurrentAgent() throws {
        var recurrent = try Preset<DRQNConfig>.bundled(agent: "drqn", environment: "gridworld-memory")
        try recurrent.apply(settings: ["seed=1"])
        let drqnRun = try DRQNRun(preset: recurrent, folder: RunFolder.create(at: makeTemporaryFolder()))
        guard case .completed(let drqnEvaluation?) = try drqnRun.train() else { throw XCTSkip("drqn run did not complete") }
        XCTAssertGreaterThanOrEqual(drqnEvaluation.successRate ?? 0, 0.95)
        let dqnEvaluation = try train("gridworld-memory", seed: 1)
        XCTAssertEqual(dqnEvaluation.successRate ?? 1, 0.5, accuracy: 0.1)
    }

    private func trainPPO(_ agent: String, _ environment: String, seed: UInt64) throws -> EvaluationResult {
        var preset = try PPOPreset.bundled(agent: agent, environment: environment)
        try preset.apply(settings: ["seed=\(seed)"])
        let run = try PPORun(preset: preset, agent: agent, folder: RunFolder.create(at: makeTemporaryFolder()))
        guard case .completed(let evaluation?) = try run.train() else { throw XCTSkip("run did not complete") }
        return evaluation
    }

    /// The zoo-tuned recurrent PPO on CartPole without velocities, beside its memoryless
    /// twin. Seeds 1–3 measured 500, 209.8 and 451.4; memoryless PPO stays near 42. The
    /// bars are a mean and a floor rather than 475 on each seed because the algorithm,
    /// here and in sb3-contrib with the same hyperparameters, leaves about one seed in
    /// four on a plateau near 200 after 100k steps.
    func testRecurrentPPOBalancesCartPoleWithoutVelocitiesWhereMemorylessPPOCannot() throws {
        let recurrent = try [1, 2, 3].map { try trainPPO("ppo-lstm", "cartpole-novel", seed: $0).meanReturn }
        XCTAssertGreaterThanOrEqual(recurrent.reduce(0, +) / 3, 350, "\(recurrent)")
        XCTAssertGreaterThanOrEqual(recurrent.min() ?? 0, 150, "\(recurrent)")
        XCTAssertLessThan(try trainPPO("ppo", "cartpole-novel", seed: 1).meanReturn, 100)
    }

    /// Issue 14's bar for the discrete robot: 95% greedy success and path efficiency 0.90
    /// over 200 evaluation episodes (SPL 0.85), from the bundled preset and its seed.
    func testMemorylessPPODrivesTheRobotToItsGoals() throws {
        let evaluation = try trainPPO("ppo", "robot-nav", seed: 1)
        XCTAssertGreaterThanOrEqual(evaluation.successRate ?? 0, 0.95)
        XCTAssertGreaterThanOrEqual(evaluation.meanPathEfficiency ?? 0, 0.90)
        XCTAssertGreaterThanOrEqual(evaluation.successWeightedByPathLength ?? 0, 0.85)
    }

    /// The same bar for DQN's bundled preset and seed (measured 190 of 200, 0.931, SPL 0.884).
    func testDQNDrivesTheRobotToItsGoals() throws {
        let evaluation = try train("robot-nav", seed: 1)
        XCTAssertGreaterThanOrEqual(evaluation.successRate ?? 0, 0.95)
        XCTAssertGreaterThanOrEqual(evaluation.meanPathEfficiency ?? 0, 0.90)
        XCTAssertGreaterThanOrEqual(evaluation.successWeightedByPathLength ?? 0, 0.85)
    }

    /// Four rooms with hindsight replay (issue 14: 90% greedy success; measured 0.92 and
    /// path efficiency 0.988 over the successes; about 70 minutes on one core).
    func testDQNWithHindsightReplayFindsTheGoalInFourRooms() throws {
        let evaluation = try train("gridworld-fourrooms", seed: 1)
        XCTAssertGreaterThanOrEqual(evaluation.successRate ?? 0, 0.90)
        XCTAssertGreaterThanOrEqual(evaluation.meanPathEfficiency ?? 0, 0.95)
    }

    /// The Gaussian policy on the same worlds with velocities for actions: 90% greedy success.
    func testGaussianPPODrivesTheRobotWithContinuousActions() throws {
        let evaluation = try trainPPO("ppo", "robot-nav-continuous", seed: 1)
        XCTAssertGreaterThanOrEqual(evaluation.successRate ?? 0, 0.90)
    }

    /// The memory task: recurrent PPO dead-reckons the goal between its pings (issue 14:
    /// 85% success, SPL 0.7), its memoryless twin stays at or below the stated ceiling (0.50).
    func testRecurrentPPOFindsTheGoalBetweenPingsWhereMemorylessPPOCannot() throws {
        let recurrent = try trainPPO("ppo-lstm", "robot-nav-pomdp", seed: 1)
        XCTAssertGreaterThanOrEqual(recurrent.successRate ?? 0, 0.85)
        XCTAssertGreaterThanOrEqual(recurrent.successWeightedByPathLength ?? 0, 0.7)
        XCTAssertLessThanOrEqual(try trainPPO("ppo", "robot-nav-pomdp", seed: 1).successRate ?? 1, 0.5)
    }

    func testGridWorldPresetSolvesTheRoom() throws {
        let evaluation = try train("gridworld", seed: 1)
        XCTAssertGreaterThanOrEqual(evaluation.successRate ?? 0, 0.95)
        XCTAssertEqual(evaluation.meanLength, evaluation.meanShortestPath ?? 0, accuracy: 0.5)
    }
}
