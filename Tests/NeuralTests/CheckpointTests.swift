import Foundation
import XCTest
@testable import Neural

/// Encoding, decoding and restoring; writing and reading files is Experiments'
/// `CheckpointFile` (tested there).
final class CheckpointTests: XCTestCase {
    /// The origin that errors name.
    private let path = "sample.ckpt"

    /// An LSTM and a head, named by a ``Sequential`` (`0.inputWeight`, ..., `1.bias`).
    private func makeModel(seed: UInt64, hiddenSize: Int = 5) -> (LSTM, Dense) {
        var generator = LSTMTestRandom(seed: seed)
        let lstm = LSTM(inputSize: 3, hiddenSize: hiddenSize, generator: &generator)
        let head = Dense(inputSize: hiddenSize, outputSize: 2, generator: &generator)
        _ = Sequential([lstm, head])
        return (lstm, head)
    }

    private func optimizerState(for parameters: [Parameter], seed: UInt64) -> [Tensor] {
        var generator = LSTMTestRandom(seed: seed)
        // Two moments per parameter, with values that exercise every bit (NaN payloads aside).
        return parameters.flatMap { parameter in
            (0..<2).map { _ in
                Tensor(shape: parameter.value.shape,
                       scalars: (0..<parameter.value.count).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x7F7F_FFFF) })
            }
        }
    }

    private func sampleBytes() throws -> Data {
        let (lstm, head) = makeModel(seed: 1)
        let parameters = lstm.parameters + head.parameters
        return try Checkpoint(parameters: parameters, optimizerState: optimizerState(for: parameters, seed: 2),
                              optimizerStep: 1234, metadata: Data("{\"step\":99}".utf8)).encoded()
    }

    private func sample() throws -> Checkpoint {
        try Checkpoint.decode(sampleBytes(), path: path)
    }

    private func assertFails(_ bytes: Data, _ expected: CheckpointError, file: StaticString = #filePath, line: UInt = #line) {
        let (lstm, head) = makeModel(seed: 3)
        let parameters = lstm.parameters + head.parameters
        let before = parameters.map(\.value.scalars)
        XCTAssertThrowsError(try Checkpoint.decode(bytes, path: path).restore(
                                parameters: parameters, optimizerState: optimizerState(for: parameters, seed: 4)),
                             file: file, line: line) { error in
            XCTAssertEqual(error as? CheckpointError, expected, file: file, line: line)
            XCTAssertTrue(String(describing: error).contains(path), "message names the origin", file: file, line: line)
        }
        XCTAssertEqual(parameters.map(\.value.scalars), before, "a failed restore must not touch the model", file: file, line: line)
    }

    func testRoundTripIsBitExactIncludingOptimizerState() throws {
        let (lstm, head) = makeModel(seed: 1)
        let parameters = lstm.parameters + head.parameters
        let state = optimizerState(for: parameters, seed: 2)
        let stored = try sample()

        let (restoredLSTM, restoredHead) = makeModel(seed: 3)
        let restoredParameters = restoredLSTM.parameters + restoredHead.parameters
        let restoredState = optimizerState(for: restoredParameters, seed: 4)
        XCTAssertNotEqual(restoredParameters[0].value.scalars, parameters[0].value.scalars)
        let (step, metadata) = try stored.restore(parameters: restoredParameters, optimizerState: restoredState)
        XCTAssertEqual(step, 1234)
        XCTAssertEqual(String(decoding: metadata, as: UTF8.self), "{\"step\":99}")
        for (original, restored) in zip(parameters, restoredParameters) {
            XCTAssertEqual(original.value.scalars.map(\.bitPattern), restored.value.scalars.map(\.bitPattern), original.name)
        }
        for (original, restored) in zip(state, restoredState) {
            XCTAssertEqual(original.scalars.map(\.bitPattern), restored.scalars.map(\.bitPattern))
        }
        XCTAssertEqual(stored.parameters.map(\.name), parameters.map(\.name))
        XCTAssertEqual(stored.parameters.map(\.tensor.shape), parameters.map(\.value.shape))
        XCTAssertEqual(stored.optimizerState.first?.name, "optimizer.0")
        XCTAssertEqual(stored.source, path)
    }

    func testTruncatedBytesAreRejected() throws {
        let bytes = try sampleBytes()
        assertFails(bytes.prefix(bytes.count - 100), .truncated(path: path, expectedBytes: bytes.count, actualBytes: bytes.count - 100))
        assertFails(bytes.prefix(12), .truncated(path: path, expectedBytes: Checkpoint.prefixLength, actualBytes: 12))
    }

    func testFlippedByteIsRejectedAsCorrupt() throws {
        var bytes = try sampleBytes()
        for offset in [bytes.count / 2, 40, bytes.count - 9] {
            var corrupt = bytes
            corrupt[offset] ^= 0x10
            XCTAssertThrowsError(try Checkpoint.decode(corrupt, path: path)) { error in
                guard case .checksumMismatch(let origin, _, _) = error as? CheckpointError else {
                    return XCTFail("expected a checksum mismatch at byte \(offset), got \(error)")
                }
                XCTAssertEqual(origin, path)
                XCTAssertTrue(String(describing: error).contains("corrupt"))
            }
        }
        bytes[bytes.count - 1] ^= 1  // the checksum itself
        XCTAssertThrowsError(try Checkpoint.decode(bytes, path: path)) { error in
            guard case .checksumMismatch = error as? CheckpointError else { return XCTFail("got \(error)") }
        }
    }

    func testWrongMagicAndVersionAreRejected() throws {
        var bytes = try sampleBytes()
        assertFails(Data("hello, this is text".utf8), .notACheckpoint(path: path))
        assertFails(Data(), .notACheckpoint(path: path))
        bytes[8] = 7  // format version
        assertFails(bytes, .unsupportedVersion(path: path, found: 7, supported: 1))
    }

    func testShapeMismatchedModelIsRejected() throws {
        let stored = try sample()
        let (wider, head) = makeModel(seed: 5, hiddenSize: 6)
        let before = wider.inputWeight.value.scalars
        XCTAssertThrowsError(try stored.restore(parameters: wider.parameters + head.parameters)) { error in
            XCTAssertEqual(error as? CheckpointError,
                           .shapeMismatch(path: path, name: "0.inputWeight", expected: [3, 24], found: [3, 20]))
            XCTAssertTrue(String(describing: error).contains("[3, 20]") && String(describing: error).contains("[3, 24]"))
        }
        XCTAssertEqual(wider.inputWeight.value.scalars, before)
    }

    func testNameMismatchesAreRejected() throws {
        let stored = try sample()
        let (lstm, head) = makeModel(seed: 6)
        head.bias.name = "1.offset"
        let parameters = lstm.parameters + head.parameters
        let state = optimizerState(for: parameters, seed: 4)
        XCTAssertThrowsError(try stored.restore(parameters: parameters, optimizerState: state)) { error in
            XCTAssertEqual(error as? CheckpointError, .missingTensor(path: path, section: "parameter", name: "1.offset"))
        }
        head.bias.name = "1.bias"
        XCTAssertThrowsError(try stored.restore(parameters: Array(parameters.dropLast()), optimizerState: state)) { error in
            XCTAssertEqual(error as? CheckpointError, .unexpectedTensor(path: path, section: "parameter", name: "1.bias"))
        }
        XCTAssertThrowsError(try stored.restore(parameters: parameters, optimizerState: [])) { error in
            XCTAssertEqual(error as? CheckpointError, .unexpectedTensor(path: path, section: "optimizer state", name: "optimizer.0"))
        }
        // Weights only (for evaluation): the optimiser state is not needed.
        XCTAssertEqual(try stored.restore(parameters: parameters).optimizerStep, 1234)
        XCTAssertEqual(parameters[0].value.scalars, stored.parameters[0].tensor.scalars)
    }

    /// A file with a valid checksum but an absurd shape (written by a buggy or hostile
    /// writer) is reported, not trusted: no huge allocation, no crash.
    func testAbsurdShapeWithValidChecksumIsMalformed() throws {
        var bytes = try Checkpoint(parameters: [Parameter(name: "w", value: Tensor(shape: [2, 3]))]).encoded()
        // Header: prefix 32, metadata length 8, counts 8, name length 4 + "w" 1, dtype 1, rank 4, then extents.
        let firstExtent = 32 + 8 + 8 + 4 + 1 + 1 + 4
        for (index, byte) in [UInt8](repeating: 0x7F, count: 4).enumerated() { bytes[firstExtent + index] = byte }
        for (index, byte) in [UInt8](repeating: 0x7F, count: 4).enumerated() { bytes[firstExtent + 8 + index] = byte }
        let body = bytes.prefix(bytes.count - 8)
        var checksum = fnv1a64(Data(body)).littleEndian
        bytes = Data(body) + Data(bytes: &checksum, count: 8)
        XCTAssertThrowsError(try Checkpoint.decode(bytes, path: path)) { error in
            guard case .malformed(let origin, let reason) = error as? CheckpointError else { return XCTFail("got \(error)") }
            XCTAssertEqual(origin, path)
            XCTAssertTrue(reason.contains("'w'"), reason)
        }
    }

    func testDuplicateNamesCannotBeSaved() {
        let (lstm, _) = makeModel(seed: 1)
        lstm.hiddenWeight.name = lstm.inputWeight.name
        XCTAssertThrowsError(try Checkpoint(parameters: lstm.parameters).encoded()) { error in
            XCTAssertEqual(error as? CheckpointError, .duplicateName(section: "parameter", name: "0.inputWeight"))
        }
    }

    /// Saving mid-training and restoring into a fresh model and optimiser resumes
    /// exactly: the next update gives bit-identical weights.
    func testTrainingResumesExactlyFromACheckpoint() throws {
        func makeTraining() -> (Dense, Adam) {
            var generator = LSTMTestRandom(seed: 21)
            let dense = Dense(inputSize: 3, outputSize: 2, generator: &generator)
            return (dense, Adam(parameters: dense.parameters, learningRate: 0.05))
        }
        let input = Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) / 6 - 1 })
        let target = Tensor(shape: [4, 2], scalars: (0..<8).map { Float($0 % 3) })
        let loss = MSELoss()
        func update(_ dense: Dense, _ adam: Adam) {
            loss.compute(prediction: dense.forward(input), target: target)
            adam.zeroGradients()
            _ = dense.backward(loss.gradient)
            adam.step()
        }
        let (dense, adam) = makeTraining()
        for _ in 0..<3 { update(dense, adam) }
        let bytes = try Checkpoint(parameters: dense.parameters, optimizer: adam, metadata: Data([1, 2, 3])).encoded()
        update(dense, adam)

        let (resumed, resumedAdam) = makeTraining()
        XCTAssertEqual(try Checkpoint.decode(bytes, path: path).restore(parameters: resumed.parameters, optimizer: resumedAdam), Data([1, 2, 3]))
        XCTAssertEqual(resumedAdam.stepCount, 3)
        update(resumed, resumedAdam)
        for (a, b) in zip(dense.parameters, resumed.parameters) {
            XCTAssertEqual(a.value.scalars.map(\.bitPattern), b.value.scalars.map(\.bitPattern), a.name)
        }
    }

    func testChecksumIsFNV1a64() {
        // Published FNV-1a 64 test vectors.
        XCTAssertEqual(fnv1a64(Data()), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(fnv1a64(Data("a".utf8)), 0xAF63_DC4C_8601_EC8C)
        XCTAssertEqual(fnv1a64(Data("foobar".utf8)), 0x8594_4171_F739_67E8)
    }
}
