import XCTest
@testable import Environments

final class WrapperTests: XCTestCase {
    func testTimeLimitTruncatesAtTheLimitAndNotBefore() throws {
        var environment = TimeLimit(LineWalk(), maxEpisodeSteps: 3)
        _ = try environment.reset(seed: 0)
        XCTAssertFalse(try environment.step(0).truncated)
        XCTAssertFalse(try environment.step(0).truncated)
        let last = try environment.step(0)
        XCTAssertTrue(last.truncated)
        XCTAssertFalse(last.terminated)
        XCTAssertEqual(environment.name, "TimeLimit<LineWalk>")
        _ = try environment.reset()
        XCTAssertEqual(environment.elapsedSteps, 0)
    }

    func testTimeLimitKeepsTerminationWhenBothHappen() throws {
        var environment = TimeLimit(LineWalk(), maxEpisodeSteps: 1)
        _ = try environment.reset(seed: 0, options: [:])
        environment.wrapped.position = 4
        let step = try environment.step(1)
        XCTAssertTrue(step.terminated)
        XCTAssertTrue(step.truncated)
    }

    func testRecordEpisodeStatisticsReportsReturnAndLengthAtEpisodeEnd() throws {
        var environment = RecordEpisodeStatistics(LineWalk(), historyLength: 2)
        for episode in 0..<3 {
            _ = try environment.reset(seed: UInt64(episode))
            environment.wrapped.position = 2
            var step = try environment.step(1)
            XCTAssertNil(step.info["episode_return"], "no statistics before the end")
            step = try environment.step(1)
            step = try environment.step(1)
            XCTAssertTrue(step.terminated)
            XCTAssertEqual(step.info["episode_return"]?.doubleValue ?? .nan, 1 - 0.2, accuracy: 1e-12)
            XCTAssertEqual(step.info["episode_length"], .int(3))
            XCTAssertGreaterThanOrEqual(step.info["episode_seconds"]?.doubleValue ?? -1, 0)
        }
        XCTAssertEqual(environment.episodeCount, 3)
        XCTAssertEqual(environment.recentEpisodes.count, 2)
        XCTAssertEqual(environment.lastEpisode?.episodeLength, 3)
    }

    func testWrappersComposeAndErrorsPassThrough() {
        var environment = TimeLimit(RecordEpisodeStatistics(LineWalk()), maxEpisodeSteps: 10)
        XCTAssertEqual(environment.name, "TimeLimit<RecordEpisodeStatistics<LineWalk>>")
        XCTAssertThrowsError(try environment.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .resetNeeded(environment: "LineWalk"))
            XCTAssertTrue("\(error)".contains("LineWalk"))
        }
        let erased: any Environment<[Float], Int> = environment
        XCTAssertEqual(erased.actionSpace as? Discrete, Discrete(2))
    }
}

final class TimeLimitEndTests: XCTestCase {
    func testSteppingAfterTruncationIsRefusedUntilReset() throws {
        var environment = TimeLimit(Counter(length: 100), maxEpisodeSteps: 2)
        _ = try environment.reset(seed: 0)
        _ = try environment.step(0)
        XCTAssertTrue(try environment.step(0).truncated)
        XCTAssertThrowsError(try environment.step(0)) { error in
            XCTAssertEqual(error as? EnvironmentError, .episodeEnded(environment: "TimeLimit<Counter>"))
        }
        _ = try environment.reset()
        XCTAssertFalse(try environment.step(0).truncated)
    }
}
