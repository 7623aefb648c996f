import XCTest
@testable import Environments

/// A seed source that records which copy asked, in order, and hands out
/// `base + k` for the `k`-th call.
private final class RecordingSeeds {
    let base: UInt64
    var calls: [Int] = []
    var drawn: UInt64 = 0

    init(base: UInt64) { self.base = base }

    func next(_ copy: Int) -> UInt64 {
        calls.append(copy)
        drawn += 1
        return base + drawn - 1
    }

    /// The calls since the last `take()`.
    func take() -> [Int] {
        defer { calls.removeAll() }
        return calls
    }
}

/// A copy's episode in progress, as a training runner saves it.
private struct SavedEpisode: Equatable {
    var seed: UInt64
    var actions: [Int]
    var rewards: [Double]
    /// Next-step mode: the episode ended, and the copy's next step resets it.
    var ended = false

    init(seed: UInt64) {
        self.seed = seed
        actions = []
        rewards = []
    }
}

final class VectorEnvironmentSeedTests: XCTestCase {
    /// Copy 0 ends every 2 steps, copy 1 every 3 (see ``Counter``).
    private func counters(_ mode: AutoresetMode, seeds: RecordingSeeds,
                          scheduling: VectorScheduling = .serial) -> VectorEnvironment<Counter> {
        VectorEnvironment(count: 2, autoresetMode: mode, scheduling: scheduling, nextEpisodeSeed: seeds.next) {
            Counter(length: $0 + 2)
        }
    }

    func testSameStepResetsTakeSeedsFromTheSourceInCopyOrderAtTheEndingStep() throws {
        let seeds = RecordingSeeds(base: 1000)
        let vector = counters(.sameStep, seeds: seeds)
        let reset = try vector.reset()
        XCTAssertEqual(seeds.take(), [0, 1], "the first reset asks for every copy in order")
        XCTAssertEqual(reset.observations, [0, -1, 1000, 0, -1, 1001])
        XCTAssertEqual([vector.episodeSeed(ofCopy: 0), vector.episodeSeed(ofCopy: 1)], [1000, 1001])

        // Copy 0 ends at steps 2, 4, 6; copy 1 at steps 3, 6.
        let expectedCalls: [[Int]] = [[], [0], [1], [0], [], [0, 1]]
        var step = try vector.step([1, 1])
        for (index, expected) in expectedCalls.enumerated() {
            if index > 0 { step = try vector.step([1, 1]) }
            XCTAssertEqual(seeds.take(), expected, "step \(index + 1)")
        }
        XCTAssertEqual(step.terminated, [true, true])
        XCTAssertEqual(step.observations, [0, -1, 1005, 0, -1, 1006], "both copies reset at once, copy 0 first")
        XCTAssertEqual(step.finalObservation(ofCopy: 0), [2, 1, 1004])
        XCTAssertEqual(step.finalObservation(ofCopy: 1), [3, 1, 1003])
        XCTAssertEqual([vector.episodeSeed(ofCopy: 0), vector.episodeSeed(ofCopy: 1)], [1005, 1006],
                       "the seeds of the episodes that start here")
        step = try vector.step([1, 1])
        XCTAssertNil(step.finalObservation(ofCopy: 0))
    }

    func testNextStepResetsTakeSeedsFromTheSourceAtTheResettingStep() throws {
        let seeds = RecordingSeeds(base: 1000)
        let vector = counters(.nextStep, seeds: seeds)
        _ = try vector.reset()
        XCTAssertEqual(seeds.take(), [0, 1])
        // Copy 0 ends at step 2, resets at 3, ends at 5, resets at 6, ends at 8;
        // copy 1 ends at 3, resets at 4, ends at 7, resets at 8.
        let expectedCalls: [[Int]] = [[], [], [0], [1], [], [0], [], [1]]
        var step = try vector.step([1, 1])
        for (index, expected) in expectedCalls.enumerated() {
            if index > 0 { step = try vector.step([1, 1]) }
            XCTAssertEqual(seeds.take(), expected, "step \(index + 1)")
            if index == 1 {
                XCTAssertEqual(vector.episodeSeed(ofCopy: 0), 1000, "ended, not yet reset")
            }
        }
        XCTAssertEqual(step.observations, [2, 1, 1004, 0, -1, 1005], "copy 0 ends again; copy 1 reset")
        XCTAssertEqual(step.rewards, [1.2, 0])
        XCTAssertEqual(step.terminated, [true, false])
        XCTAssertEqual([vector.episodeSeed(ofCopy: 0), vector.episodeSeed(ofCopy: 1)], [1004, 1005])
    }

    func testExplicitSeedsBypassTheSource() throws {
        let seeds = RecordingSeeds(base: 1000)
        let vector = counters(.sameStep, seeds: seeds)
        XCTAssertEqual(try vector.reset(seeds: [7, 3]).observations, [0, -1, 7, 0, -1, 3])
        XCTAssertEqual(try vector.reset(seed: 20).observations, [0, -1, 20, 0, -1, 21])
        XCTAssertEqual(seeds.take(), [])
        XCTAssertEqual(vector.episodeSeed(ofCopy: 1), 21)

        let unseeded = VectorEnvironment(count: 1) { _ in Counter() }
        _ = try unseeded.reset()
        XCTAssertNil(unseeded.episodeSeed(ofCopy: 0), "a reset that continued the copy's stream has no seed")
    }

    /// Steps a vector of cart-poles with a seed source for `steps` steps, as a
    /// training runner does, and returns every step's results, the seeds drawn,
    /// and each copy's running episode at the end.
    private func run(_ vector: VectorEnvironment<TimeLimit<CartPole>>, seeds: RecordingSeeds, steps: Int,
                     actionSeed: UInt64, running: inout [SavedEpisode]) throws -> [String] {
        var generator = Xoshiro256(seed: actionSeed)
        var trace: [String] = []
        for _ in 0..<steps {
            let actions = (0..<vector.count).map { _ in generator.nextInt(upperBound: 2) }
            let step = try vector.step(actions)
            trace.append("\(step.observations) \(step.rewards) \(step.terminated) \(step.truncated) \(step.infos) \(seeds.take())")
            for copy in 0..<vector.count {
                if running[copy].ended {
                    // Next-step mode: this step reset the copy and ignored its action.
                    running[copy] = SavedEpisode(seed: vector.episodeSeed(ofCopy: copy)!)
                    continue
                }
                running[copy].actions.append(actions[copy])
                running[copy].rewards.append(step.rewards[copy])
                guard step.terminated[copy] || step.truncated[copy] else { continue }
                if vector.autoresetMode == .sameStep {
                    running[copy] = SavedEpisode(seed: vector.episodeSeed(ofCopy: copy)!)
                } else {
                    running[copy].ended = true
                }
            }
        }
        return trace
    }

    private func cartPoles(_ mode: AutoresetMode, _ scheduling: VectorScheduling,
                           seeds: RecordingSeeds) -> VectorEnvironment<TimeLimit<CartPole>> {
        VectorEnvironment(count: 5, autoresetMode: mode, scheduling: scheduling, nextEpisodeSeed: seeds.next) { _ in
            TimeLimit(CartPole(), maxEpisodeSteps: 12)
        }
    }

    func testSeededResultsDoNotDependOnTheThreadCount() throws {
        for mode in AutoresetMode.allCases {
            func trace(_ scheduling: VectorScheduling) throws -> [String] {
                let seeds = RecordingSeeds(base: 500)
                let vector = cartPoles(mode, scheduling, seeds: seeds)
                let reset = try vector.reset()
                var running = (0..<5).map { SavedEpisode(seed: vector.episodeSeed(ofCopy: $0)!) }
                return ["\(reset.observations) \(seeds.take())"]
                    + (try run(vector, seeds: seeds, steps: 200, actionSeed: 9, running: &running))
                    + ["\(running)"]
            }
            let serial = try trace(.serial)
            XCTAssertEqual(try trace(.workerThreads(2)), serial, "\(mode)")
            XCTAssertEqual(try trace(.workerThreads(3)), serial, "\(mode)")
            XCTAssertEqual(try trace(.dispatch(2)), serial, "\(mode)")
        }
    }

    func testRestoredCopiesContinueAsAnUninterruptedRun() throws {
        for mode in AutoresetMode.allCases {
            // Uninterrupted, one thread: 37 steps, then 60 more.
            let seeds = RecordingSeeds(base: 500)
            let vector = cartPoles(mode, .serial, seeds: seeds)
            _ = try vector.reset()
            _ = seeds.take()
            var running = (0..<5).map { SavedEpisode(seed: vector.episodeSeed(ofCopy: $0)!) }
            _ = try run(vector, seeds: seeds, steps: 37, actionSeed: 9, running: &running)
            let saved = running, seedsDrawnAtSave = seeds.drawn
            XCTAssertTrue(saved.contains { !$0.actions.isEmpty }, "some episodes are in progress")
            if mode == .nextStep {
                XCTAssertTrue(saved.contains { $0.ended }, "a copy ended at the last step and resets at the next")
            }
            let uninterrupted = try run(vector, seeds: seeds, steps: 60, actionSeed: 10, running: &running)

            // Restored from the saved episodes, on two threads, with the seed
            // source continuing where it stood.
            let resumedSeeds = RecordingSeeds(base: 500 + seedsDrawnAtSave)
            let resumed = cartPoles(mode, .workerThreads(2), seeds: resumedSeeds)
            for (copy, episode) in saved.enumerated() {
                let rewards = try resumed.restoreCopy(copy, seed: episode.seed, actions: episode.actions)
                XCTAssertEqual(rewards, episode.rewards, "\(mode) copy \(copy)")
            }
            XCTAssertEqual(resumedSeeds.calls, [], "restoring draws no seed")
            var resumedRunning = saved
            let continued = try run(resumed, seeds: resumedSeeds, steps: 60, actionSeed: 10, running: &resumedRunning)
            XCTAssertEqual(continued, uninterrupted, "\(mode)")
            XCTAssertEqual(resumedRunning, running, "\(mode)")
        }
    }

    func testRestoringPastTheEpisodeEndStopsThereAndResetsAtTheNextStep() throws {
        let seeds = RecordingSeeds(base: 1000)
        let vector = counters(.sameStep, seeds: seeds)
        _ = try vector.reset(seeds: [5, 6])
        let rewards = try vector.restoreCopy(0, seed: 40, actions: [1, 2, 0])
        XCTAssertEqual(rewards, [1.1, 2.2], "the replay stops at the action that ends the episode")
        XCTAssertEqual(vector.episodeSeed(ofCopy: 0), 40)
        let step = try vector.step([1, 1])
        XCTAssertEqual(seeds.take(), [0])
        XCTAssertEqual(step.observations, [0, -1, 1000, 1, 1, 6], "copy 0 reset, its action ignored; copy 1 stepped")
        XCTAssertEqual(step.rewards, [0, 1.1])
        let next = try vector.step([2, 1])
        XCTAssertEqual(seeds.take(), [], "reset once only")
        XCTAssertEqual(next.observations, [1, 2, 1000, 2, 1, 6])
        XCTAssertThrowsError(try vector.restoreCopy(1, seed: 3, actions: [5]))
    }
}
