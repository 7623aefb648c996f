import Environments
import Foundation
import Neural
import XCTest
@testable import Experiments

/// What the viewer and `rlrun watch/record/replay/plot` need from Experiments:
/// frames in replays, the live training observer, greedy playback from a run
/// folder, learning curves.
final class ViewingSupportTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    /// A very short DQN run on the 6×6 grid world (learning starts, nothing is learnt).
    private func gridWorldPreset(totalSteps: Int = 300) throws -> DQNPreset {
        try DQNPreset.parse("""
            environment: gridworld
            env: {size: 6}
            seed: 4
            total_steps: \(totalSteps)
            buffer_size: 1000
            learning_starts: 100
            batch_size: 8
            train_frequency: 4
            target_update_interval: 100
            conv_channels: [4]
            hidden_sizes: [16]
            eval_episodes: 0
            log_interval: 100
            checkpoint_interval: 300
            """, file: "test.yaml", agent: "dqn")
    }

    private func trainedRun(totalSteps: Int = 300) throws -> DQNRun {
        let folder = try RunFolder.create(at: try makeTemporaryFolder().appendingPathComponent("run"))
        let run = try DQNRun(preset: gridWorldPreset(totalSteps: totalSteps), folder: folder)
        _ = try run.train()
        return run
    }

    // MARK: - Replay frames

    func testReplayCollectsTheFrameAfterTheResetAndEveryStep() throws {
        let run = try trainedRun()
        let contents = try EpisodeLogReader.read(from: run.folder.episodesURL)
        let episode = try XCTUnwrap(contents.episodes.first)
        let replayed = try Replay().replay(episode, header: contents.header, collectFrames: true)
        XCTAssertNil(replayed.mismatch)
        XCTAssertEqual(replayed.frames.count, episode.length + 1)
        XCTAssertEqual(replayed.renderings, [], "ANSI renderings only when asked for")

        // The frames are the environment's own: re-simulate and compare the last one.
        var environment = try XCTUnwrap(try EnvironmentRegistry.standard.make("gridworld", options: contents.header.options)
            as? any Environment<[Float], Int>)
        XCTAssertEqual(replayed.frames.first, try firstFrame(&environment, seed: episode.seed))
        XCTAssertNotEqual(replayed.frames.first, replayed.frames.last, "the agent moved")
    }

    private func firstFrame(_ environment: inout any Environment<[Float], Int>, seed: UInt64) throws -> Frame? {
        func open<E: Environment>(_ environment: inout E) throws -> Frame? {
            _ = try environment.reset(seed: seed)
            return environment.render()
        }
        return try open(&environment)
    }

    // MARK: - Training observer

    func testOnStepSeesEveryStepWithTheLoggedRewardsAndEpisodeEnds() throws {
        let folder = try RunFolder.create(at: try makeTemporaryFolder().appendingPathComponent("run"))
        let run = try DQNRun(preset: gridWorldPreset(), folder: folder)
        var seen: [TrainingStep] = []
        var framesDrawn = 0
        run.onStep = { step, render in
            seen.append(step)
            // Draw only now and then, as a live view does.
            if step.step % 50 == 0, render() != nil { framesDrawn += 1 }
        }
        _ = try run.train()
        XCTAssertEqual(seen.map(\.step), Array(1...300))
        XCTAssertEqual(framesDrawn, 6)

        let episodes = try EpisodeLogReader.read(from: folder.episodesURL).episodes
        var position = 0
        for episode in episodes {
            let steps = Array(seen[position..<position + episode.length])
            XCTAssertEqual(steps.map(\.episode), Array(repeating: episode.index, count: episode.length))
            XCTAssertEqual(steps.map(\.episodeStep), Array(1...episode.length))
            XCTAssertEqual(steps.map(\.reward), episode.rewards)
            XCTAssertEqual(steps.map { LoggedAction.integer($0.action) }, episode.actions)
            XCTAssertEqual(steps.last!.episodeReturn, episode.episodeReturn, accuracy: 1e-9)
            XCTAssertEqual(steps.last!.terminated, episode.terminated)
            XCTAssertEqual(steps.last!.truncated, episode.truncated)
            XCTAssertTrue(steps.dropLast().allSatisfy { !$0.terminated && !$0.truncated })
            position += episode.length
        }
    }

    // MARK: - Greedy playback

    func testGreedyPlaybackLoadsTheNewestCheckpointAndPlaysTheEvaluationEpisodes() throws {
        let run = try trainedRun()
        let policy = try GreedyPolicy(runFolder: run.folder.url)
        XCTAssertEqual(policy.checkpointStep, 300)
        XCTAssertEqual(policy.environmentName, "gridworld")

        let playback = try PolicyPlayback(policy: policy, episodes: 2, episodeStepCap: 50)
        XCTAssertEqual(playback.seed, run.configuration.run.evaluationSeed)
        let firstFrame = try XCTUnwrap(playback.render())
        XCTAssertEqual(firstFrame.width, 6 * GridWorld.tileSize)
        var stepsPerEpisode = [0, 0]
        while try playback.advance() {
            if !playback.episodeEnded && playback.step == 0 { continue }
            stepsPerEpisode[playback.episode] = playback.step
        }
        XCTAssertEqual(playback.finishedReturns.count, 2)
        XCTAssertTrue(stepsPerEpisode.allSatisfy { $0 >= 1 && $0 <= 50 }, "\(stepsPerEpisode)")

        // Same seeds, same greedy actions: a second playback gives the same returns.
        let again = try PolicyPlayback(policy: policy, episodes: 2, episodeStepCap: 50)
        while try again.advance() {}
        XCTAssertEqual(again.finishedReturns, playback.finishedReturns)

        // Restarting puts the episode back to its first frame.
        try again.restartEpisode()
        XCTAssertEqual(again.step, 0)
        XCTAssertNil(again.lastAction)
    }

    func testGreedyPolicyOfAFolderWithoutCheckpointIsAClearError() throws {
        let folder = try makeTemporaryFolder()
        XCTAssertThrowsError(try GreedyPolicy(runFolder: folder)) { error in
            XCTAssertTrue("\(error)".contains("config.json"), "\(error)")
        }
    }

    func testGreedyPolicyOfARunWithoutAPolicyNamesItsAgent() throws {
        let folder = try makeTemporaryFolder()
        try Data(#"{"agent": "random", "environment": "gridworld"}"#.utf8).write(to: RunFolder(url: folder).configurationURL)
        XCTAssertThrowsError(try GreedyPolicy(runFolder: folder)) { error in
            XCTAssertTrue("\(error)".contains("agent 'random' is not a learning agent"), "\(error)")
        }
    }

    // MARK: - Learning curves

    func testLearningCurveCountsEnvironmentStepsAndSmooths() throws {
        let run = try trainedRun()
        let curve = try LearningCurve.load(from: run.folder.url)
        let episodes = try EpisodeLogReader.read(from: run.folder.episodesURL).episodes
        XCTAssertEqual(curve.environment, "gridworld")
        XCTAssertEqual(curve.agent, "dqn")
        XCTAssertEqual(curve.label, "run")
        XCTAssertEqual(curve.returns, episodes.map(\.episodeReturn))
        XCTAssertEqual(curve.steps.last, episodes.map(\.length).reduce(0, +))
        XCTAssertEqual(curve, try LearningCurve.load(from: run.folder.episodesURL))

        let manual = LearningCurve(label: "m", environment: "e", agent: "a", steps: [10, 20, 30, 40], returns: [1, 3, 5, 7])
        XCTAssertEqual(manual.smoothedReturns(window: 2), [1, 2, 4, 6])
        XCTAssertEqual(manual.smoothedReturns(window: 1), [1, 3, 5, 7])
        XCTAssertEqual(manual.smoothedReturns(window: 10), [1, 2, 3, 4])
    }

    func testSummaryOfSeveralRunsIsTheirMeanWithAMinMaxBand() {
        let low = LearningCurve(label: "a", environment: "e", agent: "dqn", steps: [10, 20, 30], returns: [0, 0, 0])
        let high = LearningCurve(label: "b", environment: "e", agent: "dqn", steps: [5, 15, 40], returns: [2, 4, 6])
        let summary = LearningCurveSummary.summarise([low, high], smoothing: 1, points: 3)
        XCTAssertEqual(summary.label, "dqn on e (2 runs)")
        XCTAssertEqual(summary.steps, [10, 20, 30], "from the latest first episode end to the earliest last one")
        XCTAssertEqual(summary.lower, [0, 0, 0])
        XCTAssertEqual(summary.upper, [2, 4, 4])
        XCTAssertEqual(summary.mean, [1, 2, 2])

        let other = LearningCurve(label: "c", environment: "f", agent: "dqn", steps: [1], returns: [9])
        let groups = LearningCurveSummary.summariseByGroup([low, other, high], smoothing: 1, points: 3)
        XCTAssertEqual(groups.map(\.label), ["dqn on e (2 runs)", "dqn on f"])
        XCTAssertEqual(groups[1].steps, [1])
        XCTAssertEqual(groups[1].mean, [9])
    }
}
