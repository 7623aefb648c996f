import Environments
import Foundation
import XCTest
@testable import Experiments

final class AStarRunTests: XCTestCase {
    private func run(_ environment: String, episodes: Int, options: [String: InfoValue] = [:]) throws -> (AStarRunSummary, EpisodeLogContents) {
        let folder = try RunFolder.create(at: try makeTemporaryFolder().appendingPathComponent("run"))
        let summary = try AStarRun(environment: environment, options: options, seed: 11, episodes: episodes).run(in: folder)
        return (summary, try EpisodeLogReader.read(from: folder.episodesURL))
    }

    func testTheOracleReachesTheGoalEfficientlyOnRobotNavAndItsLogReplays() throws {
        let (summary, log) = try run("robot-nav", episodes: 8)
        XCTAssertEqual(summary.outcomes.count, 8)
        XCTAssertEqual(summary.successRate, 1)
        // The agent keeps a 0.15 m margin and turns in 9° steps, so it drives a
        // little more than the shortest path, never much more.
        XCTAssertGreaterThan(summary.meanPathEfficiency, 0.85)
        XCTAssertLessThanOrEqual(summary.meanPathEfficiency, 1.0)
        XCTAssertEqual(summary.successWeightedByPathLength, summary.meanPathEfficiency, accuracy: 1e-12)
        XCTAssertEqual(log.header.agent, "astar")
        for episode in log.episodes {
            XCTAssertTrue(episode.terminated)
            XCTAssertNil(try Replay().replay(episode, header: log.header).mismatch)
        }
    }

    func testTheOracleDrivesRobotNavContinuousWithVelocities() throws {
        let (summary, log) = try run("robot-nav-continuous", episodes: 5)
        XCTAssertEqual(summary.successRate, 1)
        XCTAssertGreaterThan(summary.meanPathEfficiency, 0.85)
        for episode in log.episodes {
            guard case .vector(let first) = try XCTUnwrap(episode.actions.first) else { return XCTFail("expected [v, ω] actions") }
            XCTAssertEqual(first.count, 2)
            XCTAssertNil(try Replay().replay(episode, header: log.header).mismatch)
        }
    }

    func testTheOracleIsExactOnRobotGrid() throws {
        let (summary, log) = try run("robot-grid", episodes: 10)
        XCTAssertEqual(summary.successRate, 1)
        XCTAssertEqual(summary.meanPathEfficiency, 1)
        for (episode, outcome) in zip(log.episodes, summary.outcomes) {
            XCTAssertEqual(Double(episode.length), outcome.shortestPath)
            XCTAssertNil(try Replay().replay(episode, header: log.header).mismatch)
        }
    }

    func testOtherEnvironmentsAreRefusedBeforeAnythingIsWritten() throws {
        let url = try makeTemporaryFolder().appendingPathComponent("run")
        let folder = try RunFolder.create(at: url)
        XCTAssertThrowsError(try AStarRun(environment: "gridworld", seed: 0, episodes: 1).run(in: folder)) { error in
            XCTAssertEqual(error as? RunError, .unsupportedEnvironment(environment: "gridworld", agent: "astar",
                                                                       supported: AStarRun.supportedEnvironments))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.configurationURL.path))
    }

    func testOutcomeMetrics() {
        let outcomes = [PathPlanningOutcome(success: true, shortestPath: 8, pathLength: 10),
                        PathPlanningOutcome(success: false, shortestPath: 5, pathLength: 2),
                        PathPlanningOutcome(success: true, shortestPath: 6, pathLength: 6)]
        let summary = AStarRunSummary(run: RunSummary(folder: RunFolder(url: URL(fileURLWithPath: "/tmp")), returns: [], lengths: []),
                                      outcomes: outcomes)
        XCTAssertEqual(summary.successRate, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(summary.meanPathEfficiency, (0.8 + 1) / 2, accuracy: 1e-12)
        XCTAssertEqual(summary.successWeightedByPathLength, (0.8 + 1) / 3, accuracy: 1e-12)
    }

    func testGreedyEvaluationReportsPathEfficiencyAndSPLOfPathPlanningEnvironments() throws {
        var environment = OneStepPathEnvironment()
        let result = try Evaluation.run(&environment, episodes: 4, seed: 1, episodeStepCap: 10, log: nil) { _ in 0 }
        // Episodes alternate: success over 10 m against an 8 m oracle path, then a failure.
        XCTAssertEqual(result.successRate, 0.5)
        XCTAssertEqual(try XCTUnwrap(result.meanPathEfficiency), 0.8, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.successWeightedByPathLength), 0.4, accuracy: 1e-12)
        XCTAssertTrue(result.summary.contains("path efficiency 0.800, SPL 0.400"), result.summary)

        // A grid world reports its moves: the 8×8 room's goal is 10 moves away, so a
        // walk of 7 right (two bumps into the wall) and 5 down is 10 / 12 efficient.
        var room = GridWorld(layout: .room(size: 8), seed: 0)
        var moves = 0
        let roomResult = try Evaluation.run(&room, episodes: 2, seed: 1, episodeStepCap: 20, log: nil, onEpisodeStart: { moves = 0 }) { _ in
            moves += 1
            return moves <= 7 ? GridWorld.Move.right.rawValue : GridWorld.Move.down.rawValue
        }
        XCTAssertEqual(roomResult.successRate, 1)
        XCTAssertEqual(try XCTUnwrap(roomResult.meanPathEfficiency), 10.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(roomResult.successWeightedByPathLength), 10.0 / 12, accuracy: 1e-12)

        var walk = WalkEnvironment(maxSteps: 3, rewardScale: 1)
        let plain = try Evaluation.run(&walk, episodes: 2, seed: 1, episodeStepCap: 10, log: nil) { _ in 1 }
        XCTAssertNil(plain.meanPathEfficiency, "environments without path infos report none")
        XCTAssertNil(plain.successWeightedByPathLength)
    }
}

/// Episodes of one step whose final info reports a path-planning outcome:
/// even episodes succeed driving 10 m where the oracle needs 8 m, odd ones fail.
private struct OneStepPathEnvironment: Environment {
    let observationSpace = Box(low: 0, high: 1, shape: [1])
    let actionSpace = Discrete(1)
    var name: String { "OneStepPath" }
    private var episodes = 0

    mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
        episodes += 1
        return Reset(observation: [0], info: ["shortest_path": .double(8)])
    }

    mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        let success = episodes % 2 == 1
        return Step(observation: [0], reward: success ? 1 : 0, terminated: true, truncated: false,
                    info: ["success": .bool(success), "shortest_path": .double(8), "path_length": .double(success ? 10 : 3)])
    }
}
