import XCTest
@testable import Environments

final class ObservationWrapperTests: XCTestCase {
    // MARK: - FrameStack

    func testFrameStackFillsWithFirstObservationThenShiftsOldestOut() throws {
        var environment = FrameStack(Counter(length: 5), stackSize: 3)
        XCTAssertEqual(environment.observationSpace.shape, [9])
        XCTAssertEqual(environment.observationSpace.low, [0, -1, 0, 0, -1, 0, 0, -1, 0])
        XCTAssertEqual(environment.name, "FrameStack<Counter>")
        let first = try environment.reset(seed: 7).observation
        XCTAssertEqual(first, [0, -1, 7, 0, -1, 7, 0, -1, 7])
        XCTAssertEqual(try environment.step(2).observation, [0, -1, 7, 0, -1, 7, 1, 2, 7])
        XCTAssertEqual(try environment.step(1).observation, [0, -1, 7, 1, 2, 7, 2, 1, 7])
        let third = try environment.step(0)
        XCTAssertEqual(third.observation, [1, 2, 7, 2, 1, 7, 3, 0, 7])
        XCTAssertEqual(third.reward, 0.3, accuracy: 1e-12)
        // A new episode refills every slot.
        XCTAssertEqual(try environment.reset(seed: 9).observation, [0, -1, 9, 0, -1, 9, 0, -1, 9])
    }

    func testFrameStackStacksImagesAlongTheChannelAxis() {
        struct Image: Environment {
            var observationSpace: Box { Box(low: 0, high: 1, shape: [2, 3, 4]) }
            var actionSpace: Discrete { Discrete(1) }
            mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
                Reset(observation: [Float](repeating: 1, count: 24))
            }
            mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
                Step(observation: [Float](repeating: 0, count: 24), reward: 0, terminated: false, truncated: false)
            }
        }
        let environment = FrameStack(Image(), stackSize: 4)
        XCTAssertEqual(environment.observationSpace.shape, [8, 3, 4])
        XCTAssertEqual(environment.observationSpace.low.count, 96)
    }

    func testFrameStackOfOneIsTheIdentityAndPassesTheChecker() throws {
        var environment = FrameStack(Counter(), stackSize: 1)
        XCTAssertEqual(try environment.reset(seed: 3).observation, [0, -1, 3])
        XCTAssertEqual(try environment.step(1).observation, [1, 1, 3])
        for result in EnvironmentChecker.check(make: { FrameStack(TimeLimit(LineWalk(), maxEpisodeSteps: 20), stackSize: 4) }) {
            XCTAssertTrue(result.passed, "\(result)")
        }
    }

    // MARK: - NormalizeObservation

    func testRunningMeanStdMatchesGymnasiumsUpdateByHand() {
        var statistics = RunningMeanStd(size: 1)
        statistics.update([2])
        // count 1e-4 + 1; mean = 2 / 1.0001; variance = (1·1e-4 + 4·1e-4/1.0001) / 1.0001.
        XCTAssertEqual(statistics.count, 1.0001, accuracy: 1e-15)
        XCTAssertEqual(statistics.mean[0], 2 / 1.0001, accuracy: 1e-15)
        XCTAssertEqual(statistics.variance[0], (1e-4 + 4e-4 / 1.0001) / 1.0001, accuracy: 1e-15)
        statistics.update([4])
        // With many samples the statistics approach the sample mean and variance.
        var many = RunningMeanStd(size: 2)
        for index in 0..<1000 { many.update([Float(index % 10), 5]) }
        XCTAssertEqual(many.mean[0], 4.5, accuracy: 1e-3)
        XCTAssertEqual(many.variance[0], 8.25, accuracy: 1e-2)
        XCTAssertEqual(many.mean[1], 5, accuracy: 1e-3)
        XCTAssertEqual(many.variance[1], 0, accuracy: 1e-3)
    }

    func testBatchUpdateEqualsOneByOneUpdates() {
        let rows: [[Float]] = [[1, -2], [3, 0.5], [-4, 8], [2, 2]]
        var single = RunningMeanStd(size: 2)
        for row in rows { single.update(row) }
        var batched = RunningMeanStd(size: 2)
        batched.update(batch: rows.flatMap { $0 }, batchCount: rows.count)
        XCTAssertEqual(single.count, batched.count, accuracy: 1e-12)
        for index in 0..<2 {
            XCTAssertEqual(single.mean[index], batched.mean[index], accuracy: 1e-9)
            XCTAssertEqual(single.variance[index], batched.variance[index], accuracy: 1e-9)
        }
    }

    func testNormalizeObservationUpdatesThenNormalises() throws {
        var environment = NormalizeObservation(Counter(length: 10))
        let first = try environment.reset(seed: 5).observation
        // After one update the mean is almost the observation, so it normalises to almost 0.
        for value in first { XCTAssertEqual(value, 0, accuracy: 1e-2) }
        let step = try environment.step(2)
        let statistics = environment.statistics
        for index in 0..<3 {
            let expected = (Double(step.observation.count == 3 ? [1, 2, 5][index] : 0) - statistics.mean[index])
                / (statistics.variance[index] + 1e-8).squareRoot()
            XCTAssertEqual(Double(step.observation[index]), expected, accuracy: 1e-5)
        }
        XCTAssertEqual(environment.observationSpace.low, [-.infinity, -.infinity, -.infinity])
    }

    func testFrozenStatisticsStayAndClippingBounds() throws {
        var training = NormalizeObservation(Counter(length: 50))
        _ = try training.reset(seed: 1)
        for action in 0..<20 { _ = try training.step(action % 3) }
        var evaluation = NormalizeObservation(Counter(length: 50), clipRange: 0.5, isFrozen: true)
        evaluation.statistics = training.statistics
        let before = evaluation.statistics
        _ = try evaluation.reset(seed: 1)
        var largest: Float = 0
        for _ in 0..<40 { largest = max(largest, try evaluation.step(2).observation.map(abs).max()!) }
        XCTAssertEqual(evaluation.statistics, before, "frozen statistics must not change")
        XCTAssertEqual(largest, 0.5, "count 40 lies far above the training mean, so it is clipped")
        XCTAssertEqual(evaluation.observationSpace.high, [0.5, 0.5, 0.5])
        let data = try JSONEncoder().encode(training.statistics)
        XCTAssertEqual(try JSONDecoder().decode(RunningMeanStd.self, from: data), training.statistics)
    }

    // MARK: - ObservationMask

    func testMaskZeroKeepsShapeAndZeroesBounds() throws {
        var environment = ObservationMask(Counter(), hiding: [1], mode: .zero)
        XCTAssertEqual(environment.observationSpace.low, [0, 0, 0])
        XCTAssertEqual(environment.observationSpace.high, [1000, 0, 100_000])
        XCTAssertEqual(try environment.reset(seed: 4).observation, [0, 0, 4])
        XCTAssertEqual(try environment.step(2).observation, [1, 0, 4])
    }

    func testMaskDropRemovesEntries() throws {
        var environment = ObservationMask(Counter(), hiding: [2, 0, 2], mode: .drop)
        XCTAssertEqual(environment.hiddenIndices, [0, 2])
        XCTAssertEqual(environment.observationSpace.shape, [1])
        XCTAssertEqual(try environment.reset(seed: 4).observation, [-1])
        XCTAssertEqual(try environment.step(2).observation, [2])
    }
}
