import XCTest
import Environments
import Neural
@testable import Agents

final class SequenceReplayBufferTests: XCTestCase {
    /// Adds an episode whose observations are `[first], [first + 1], ...` and whose
    /// next observations are one more; rewards are the observation values.
    private func addEpisode(_ buffer: SequenceReplayBuffer, first: Int, length: Int, ending: String) throws {
        for step in 0..<length {
            let value = Float(first + step)
            let last = step == length - 1
            try buffer.add(observation: [value], action: (first + step) % 3, reward: value, nextObservation: [value + 0.5],
                           terminated: last && ending == "terminated", truncated: last && ending == "truncated",
                           discount: 0.9, episodeStart: step == 0)
        }
    }

    /// Episodes [0..3] terminated, [10..12] truncated, [20..21] still running.
    private func filledBuffer(capacity: Int = 50) throws -> SequenceReplayBuffer {
        let buffer = SequenceReplayBuffer(capacity: capacity, observationShape: [1], storage: .float32, burnIn: 2, sequenceLength: 3)
        try addEpisode(buffer, first: 0, length: 4, ending: "terminated")
        try addEpisode(buffer, first: 10, length: 3, ending: "truncated")
        try addEpisode(buffer, first: 20, length: 2, ending: "running")
        return buffer
    }

    /// The observation values of one window's positions (nil on padding).
    private func positions(_ batch: SequenceBatch, window slot: Int) -> [Float?] {
        let positions = batch.window + 1
        return (0..<positions).map { position in
            batch.filled[slot * positions + position] == 1 ? batch.observations[slot * positions + position] : nil
        }
    }

    func testWindowsStayInsideOneEpisodeAndPadTheRest() throws {
        let buffer = try filledBuffer()
        // Logical indices: 0-3 first episode, 4-6 second, 7-8 third.
        XCTAssertEqual(buffer.span(start: 0), 0...2)
        XCTAssertEqual(buffer.span(start: 2), 0...3, "burn-in reaches back two steps; the episode ends at index 3")
        XCTAssertEqual(buffer.span(start: 4), 4...6, "no burn-in across the episode start")
        XCTAssertEqual(buffer.span(start: 6), 4...6)
        XCTAssertEqual(buffer.span(start: 7), 7...8, "the running episode's stored steps")
        let batch = SequenceBatch()
        buffer.gather(starts: [0, 2, 5, 8], into: batch)
        XCTAssertEqual(batch.window, 4, "the longest span")
        // Window starting at the first step: no burn-in, trained steps 0, 1, 2, then step 2's next observation.
        XCTAssertEqual(positions(batch, window: 0), [0, 1, 2, 2.5, nil])
        // Burn-in 0, 1, trained steps 2 and 3, then the terminal step's final observation; no step of the next episode.
        XCTAssertEqual(positions(batch, window: 1), [0, 1, 2, 3, 3.5])
        XCTAssertEqual(positions(batch, window: 2), [10, 11, 12, 12.5, nil])
        XCTAssertEqual(positions(batch, window: 3), [20, 21, 21.5, nil, nil])
        for slot in 0..<4 {
            let values = positions(batch, window: slot)
            let episodes = Set(values.compactMap { $0.map { Int($0) / 10 } })
            XCTAssertEqual(episodes.count, 1, "window \(slot) mixes episodes: \(values)")
        }
    }

    func testEpisodeStartsMarkTheFirstPositionOfEveryWindowOnly() throws {
        let batch = SequenceBatch()
        try filledBuffer().gather(starts: [0, 2, 5, 8], into: batch)
        XCTAssertEqual(batch.episodeStarts.scalars, [1, 0, 0, 0, 0,
                                                     1, 0, 0, 0, 0,
                                                     1, 0, 0, 0, 0,
                                                     1, 0, 0, 0, 0])
    }

    func testBurnInAndPaddingCarryNoLoss() throws {
        let batch = SequenceBatch()
        try filledBuffer().gather(starts: [0, 2, 5, 8], into: batch)
        // Steps before each window's start are burn-in; positions past the span are padding.
        XCTAssertEqual(batch.lossMask.scalars, [1, 1, 1, 0,
                                                0, 0, 1, 1,
                                                0, 1, 1, 0,
                                                0, 1, 0, 0])
        XCTAssertEqual(batch.terminated.scalars[4..<8], [0, 0, 0, 1])
        XCTAssertEqual(batch.rewards.scalars[4..<8], [0, 1, 2, 3])
        XCTAssertEqual(Array(batch.actions[4..<8]), [0, 1, 2, 0])
    }

    func testWrappedRingStartsTheOldestEpisodeAtTheOldestStoredStep() throws {
        // Capacity 7: the first two steps of the first episode are overwritten.
        let buffer = try filledBuffer(capacity: 7)
        XCTAssertEqual(buffer.count, 7)
        // Logical 0-1: steps 2, 3 of the first episode; 2-4 second; 5-6 third.
        XCTAssertEqual(buffer.span(start: 1), 0...1)
        let batch = SequenceBatch()
        buffer.gather(starts: [1], into: batch)
        XCTAssertEqual(positions(batch, window: 0), [2, 3, 3.5])
        XCTAssertEqual(batch.episodeStarts.scalars, [1, 0, 0])
    }

    func testSerializationRoundTripsAndRefusesAnotherConfiguration() throws {
        let buffer = try filledBuffer()
        let copy = SequenceReplayBuffer(capacity: 50, observationShape: [1], storage: .float32, burnIn: 2, sequenceLength: 3)
        try copy.restore(from: buffer.serialized())
        let original = SequenceBatch(), restored = SequenceBatch()
        buffer.gather(starts: Array(0..<9), into: original)
        copy.gather(starts: Array(0..<9), into: restored)
        XCTAssertEqual(restored.observations.scalars, original.observations.scalars)
        XCTAssertEqual(restored.episodeStarts.scalars, original.episodeStarts.scalars)
        XCTAssertEqual(restored.lossMask.scalars, original.lossMask.scalars)
        let other = SequenceReplayBuffer(capacity: 50, observationShape: [1], storage: .float32, burnIn: 1, sequenceLength: 3)
        XCTAssertThrowsError(try other.restore(from: buffer.serialized()))
        XCTAssertThrowsError(try copy.restore(from: Array(buffer.serialized().dropLast(2))))
    }
}
