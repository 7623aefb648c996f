import XCTest
import Environments
import Neural
@testable import Agents

final class ReplayBufferTests: XCTestCase {
    private func observation(_ seed: Int, size: Int) -> [Float] {
        (0..<size).map { Float(($0 * 7 + seed) % 3 == 0 ? 1 : 0) }
    }

    func testRingWrapsAndKeepsNewestTransitions() throws {
        let buffer = ReplayBuffer(capacity: 3, observationShape: [2], storage: .float32)
        for step in 0..<5 {
            try buffer.add(observation: [Float(step), 0], action: step, reward: Float(step), nextObservation: [Float(step + 1), 0],
                           terminated: false, truncated: step == 4, discount: 0.99)
        }
        XCTAssertTrue(buffer.isFull)
        XCTAssertEqual(buffer.count, 3)
        XCTAssertEqual(buffer.position, 2)
        let batch = ReplayBatch()
        buffer.gather(rows: [0, 1, 2], into: batch)
        // Rows 0 and 1 were overwritten by steps 3 and 4.
        XCTAssertEqual(batch.actions, [3, 4, 2])
        XCTAssertEqual(batch.observations.scalars, [3, 0, 4, 0, 2, 0])
        XCTAssertEqual(batch.nextObservations.shape, [3, 2])
        XCTAssertTrue(buffer.wasTruncated(row: 1))
        XCTAssertEqual(batch.terminated.scalars, [0, 0, 0], "truncation must not stop bootstrapping")
    }

    func testBitStorageRoundTripsBinaryObservationsExactly() throws {
        let shape = [4, 10, 10]
        let buffer = ReplayBuffer(capacity: 10, observationShape: shape, storage: .bits)
        for row in 0..<10 {
            try buffer.add(observation: observation(row, size: 400), action: row % 6, reward: 1, nextObservation: observation(row + 1, size: 400),
                           terminated: row == 9, truncated: false, discount: 0.99)
        }
        let batch = ReplayBatch()
        buffer.gather(rows: [9, 0], into: batch)
        XCTAssertEqual(Array(batch.observations.scalars[0..<400]), observation(9, size: 400))
        XCTAssertEqual(Array(batch.nextObservations.scalars[400..<800]), observation(1, size: 400))
        XCTAssertEqual(batch.terminated.scalars, [1, 0])
        XCTAssertEqual(batch.observations.shape, [2, 4, 10, 10])
    }

    func testBitStorageRefusesNonBinaryObservations() {
        let buffer = ReplayBuffer(capacity: 2, observationShape: [3], storage: .bits)
        XCTAssertThrowsError(try buffer.add(observation: [0, 0.5, 1], action: 0, reward: 0, nextObservation: [0, 0, 0],
                                            terminated: false, truncated: false, discount: 1)) { error in
            XCTAssertEqual(error as? ReplayBufferError, .notBinary(index: 1, value: 0.5))
        }
    }

    func testMillionMinAtarTransitionsFitWellUnderOneGibibyte() {
        // Only the size arithmetic: the ring itself would take the memory.
        let rowBytes = (4 * 10 * 10 + 7) / 8
        let bytes = 2 * 1_000_000 * rowBytes + 1_000_000 * 14
        XCTAssertLessThan(bytes, 200 * 1024 * 1024)
        let small = ReplayBuffer(capacity: 1000, observationShape: [4, 10, 10], storage: .bits)
        XCTAssertEqual(small.memoryBytes, 1000 * (2 * rowBytes + 14))
    }

    func testSamplingIsSeededAndSerializationRestoresEverything() throws {
        let buffer = ReplayBuffer(capacity: 50, observationShape: [3], storage: .float32)
        for step in 0..<70 {
            try buffer.add(observation: [Float(step), 1, 2], action: step % 2, reward: Float(step) * 0.5, nextObservation: [Float(step + 1), 1, 2],
                           terminated: step % 9 == 0, truncated: step % 11 == 0, discount: 0.9)
        }
        let copy = ReplayBuffer(capacity: 50, observationShape: [3], storage: .float32)
        try copy.restore(from: buffer.serialized())
        var first = Xoshiro256(seed: 3), second = Xoshiro256(seed: 3)
        let a = ReplayBatch(), b = ReplayBatch()
        buffer.sample(batchSize: 16, using: &first, into: a)
        copy.sample(batchSize: 16, using: &second, into: b)
        XCTAssertEqual(a.indices, b.indices)
        XCTAssertEqual(a.observations.scalars, b.observations.scalars)
        XCTAssertEqual(a.rewards.scalars, b.rewards.scalars)
        XCTAssertEqual(a.terminated.scalars, b.terminated.scalars)
        XCTAssertEqual(copy.position, buffer.position)
        let mismatched = ReplayBuffer(capacity: 40, observationShape: [3], storage: .float32)
        XCTAssertThrowsError(try mismatched.restore(from: buffer.serialized()))
        XCTAssertThrowsError(try copy.restore(from: Array(buffer.serialized().dropLast(3))))
    }
}
