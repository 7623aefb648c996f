import Environments
import XCTest
@testable import Experiments

final class EnvironmentBenchmarkTests: XCTestCase {
    func testMeasuresEveryEnvironmentOfARegistry() throws {
        let benchmark = EnvironmentBenchmark(steps: 2_000, repetitions: 3)
        var reported: [String] = []
        let measurements = try benchmark.measureAll(WalkEnvironment.registry) { reported.append($0.name) }
        XCTAssertEqual(reported, ["walk"])
        let walk = try XCTUnwrap(measurements.first)
        XCTAssertEqual(walk.steps, 2_000)
        XCTAssertGreaterThan(walk.episodes, 0, "walk episodes last at most 30 steps")
        XCTAssertLessThanOrEqual(walk.bestSeconds, walk.medianSeconds)
        XCTAssertEqual(walk.stepsPerSecond * walk.nanosecondsPerStep, 1e9, accuracy: 1e-3)
    }

    func testEachRepetitionRunsTheWholeWorkload() {
        var calls: [Int] = []
        let measurement = EnvironmentBenchmark(steps: 500, repetitions: 4).measure(name: "count") { steps in
            calls.append(steps)
            return steps / 10
        }
        XCTAssertEqual(calls, [500, 500, 500, 500])
        XCTAssertEqual(measurement.episodes, 50)
    }

    func testATargetDurationCalibratesTheStepCountFirst() {
        var calls: [Int] = []
        let measurement = EnvironmentBenchmark(targetSeconds: 1e-6, repetitions: 2).measure(name: "tiny") { steps in
            calls.append(steps)
            return 0
        }
        XCTAssertEqual(calls.count, 3, "one calibration run, then the repetitions")
        XCTAssertEqual(calls[0], 10_000)
        XCTAssertEqual(measurement.steps, calls[1])
        XCTAssertGreaterThanOrEqual(measurement.steps, 10_000)
    }
}

extension EnvironmentBenchmarkTests {
    func testEnvironmentsThatNeedOptionsAreSkippedNotFatal() throws {
        var registry = WalkEnvironment.registry
        registry.register(EnvironmentSpec(
            name: "needs-file", summary: "Cannot be made without a path",
            options: [.string("path", default: "", "a file")],
            make: { options throws(OptionError) -> WalkEnvironment in
                throw .badValue(option: "path", value: options.string("path"), expected: "path of a file")
            }))
        var skipped: [String] = []
        let measurements = try EnvironmentBenchmark(steps: 100, repetitions: 1).measureAll(registry, onSkip: { spec, _ in skipped.append(spec.name) })
        XCTAssertEqual(measurements.map(\.name), ["walk"])
        XCTAssertEqual(skipped, ["needs-file"])
    }
}

extension EnvironmentBenchmarkTests {
    func testWrapperCostComparesTheSameWorkFourWays() throws {
        let cases = try EnvironmentBenchmark(steps: 3_000, repetitions: 1).measureWrapperCost(seed: 5)
        XCTAssertEqual(cases.map(\.name), [
            "CartPole", "TimeLimit<RecordEpisodeStatistics<CartPole>>",
            "any Environment<[Float], Int> (TimeLimit<RecordEpisodeStatistics<CartPole>>)",
            "AnyEnvironment<[Float], Int> (TimeLimit<RecordEpisodeStatistics<CartPole>>)",
        ])
        // Same seed, same actions, same physics: the wrappers change nothing observable
        // here because random play never reaches the 500-step limit.
        XCTAssertEqual(Set(cases.map(\.episodes)).count, 1, "\(cases.map(\.episodes))")
        XCTAssertGreaterThan(cases[0].episodes, 0)
    }
}

extension EnvironmentBenchmarkTests {
    func testVectorSectionMeasuresOneThreadWorkersAndDispatch() throws {
        let cases = try EnvironmentBenchmark(steps: 6_400, repetitions: 1).measureVector(copies: 8, threads: 2)
        XCTAssertEqual(cases.map(\.name), ["8 x cartpole, 1 thread", "8 x cartpole, 2 worker threads",
                                           "8 x cartpole, concurrentPerform(2)"])
        // The same random actions and seeds: every case ends the same episodes.
        XCTAssertEqual(Set(cases.map(\.episodes)).count, 1)
        XCTAssertGreaterThan(cases[0].episodes, 0)
    }

    func testInterleavedCasesTakeTurnsWithTheSameStepCount() throws {
        var calls: [String] = []
        let cases = try EnvironmentBenchmark(steps: 500, repetitions: 3).measureInterleaved([
            ("a", { steps in calls.append("a\(steps)"); return 1 }),
            ("b", { steps in calls.append("b\(steps)"); return 2 }),
        ])
        XCTAssertEqual(calls, ["a500", "b500", "a500", "b500", "a500", "b500"])
        XCTAssertEqual(cases.map(\.name), ["a", "b"])
        XCTAssertEqual(cases.map(\.episodes), [1, 2])
    }

    func testWrapperOptionsSectionComparesByHandAndByOption() throws {
        let cases = try EnvironmentBenchmark(steps: 2_000, repetitions: 1).measureWrapperOptionsCost(seed: 1)
        XCTAssertEqual(cases.map(\.name), ["ClipReward<TimeLimit<CartPole>> by hand", "ClipReward<TimeLimit<CartPole>> by option"])
        XCTAssertEqual(cases[0].episodes, cases[1].episodes, "the same work both ways")
    }
}
