import Foundation
import XCTest
@testable import Neural

final class CheckpointTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("CheckpointTests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

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

    private func saveSample(_ name: String = "model.ckpt") throws -> URL {
        let (lstm, head) = makeModel(seed: 1)
        let parameters = lstm.parameters + head.parameters
        let url = directory.appendingPathComponent(name)
        try Checkpoint(parameters: parameters, optimizerState: optimizerState(for: parameters, seed: 2),
                       optimizerStep: 1234, metadata: Data("{\"step\":99}".utf8)).write(to: url)
        return url
    }

    private func assertFails(_ url: URL, _ expected: CheckpointError, file: StaticString = #filePath, line: UInt = #line) {
        let (lstm, head) = makeModel(seed: 3)
        let parameters = lstm.parameters + head.parameters
        let before = parameters.map(\.value.scalars)
        XCTAssertThrowsError(try Checkpoint.restore(from: url, parameters: parameters,
                                                    optimizerState: optimizerState(for: parameters, seed: 4)),
                             file: file, line: line) { error in
            XCTAssertEqual(error as? CheckpointError, expected, file: file, line: line)
            XCTAssertTrue(String(describing: error).contains(url.path), "message names the file", file: file, line: line)
        }
        XCTAssertEqual(parameters.map(\.value.scalars), before, "a failed restore must not touch the model", file: file, line: line)
    }

    func testRoundTripIsBitExactIncludingOptimizerState() throws {
        let (lstm, head) = makeModel(seed: 1)
        let parameters = lstm.parameters + head.parameters
        let state = optimizerState(for: parameters, seed: 2)
        let url = try saveSample()

        let (restoredLSTM, restoredHead) = makeModel(seed: 3)
        let restoredParameters = restoredLSTM.parameters + restoredHead.parameters
        let restoredState = optimizerState(for: restoredParameters, seed: 4)
        XCTAssertNotEqual(restoredParameters[0].value.scalars, parameters[0].value.scalars)
        let (step, metadata) = try Checkpoint.restore(from: url, parameters: restoredParameters, optimizerState: restoredState)
        XCTAssertEqual(step, 1234)
        XCTAssertEqual(String(decoding: metadata, as: UTF8.self), "{\"step\":99}")
        for (original, restored) in zip(parameters, restoredParameters) {
            XCTAssertEqual(original.value.scalars.map(\.bitPattern), restored.value.scalars.map(\.bitPattern), original.name)
        }
        for (original, restored) in zip(state, restoredState) {
            XCTAssertEqual(original.scalars.map(\.bitPattern), restored.scalars.map(\.bitPattern))
        }
        let read = try Checkpoint.read(from: url)
        XCTAssertEqual(read.parameters.map(\.name), parameters.map(\.name))
        XCTAssertEqual(read.parameters.map(\.tensor.shape), parameters.map(\.value.shape))
        XCTAssertEqual(read.optimizerState.first?.name, "optimizer.0")
        // No temporary file is left behind by the atomic write.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.ckpt"])
    }

    func testOverwritingReplacesTheWholeFile() throws {
        let url = try saveSample()
        let (lstm, _) = makeModel(seed: 8)
        try Checkpoint(parameters: lstm.parameters).write(to: url)
        let read = try Checkpoint.read(from: url)
        XCTAssertEqual(read.parameters.count, 3)
        XCTAssertEqual(read.parameters[0].tensor.scalars, lstm.inputWeight.value.scalars)
    }

    func testMissingFileIsReported() {
        let url = directory.appendingPathComponent("absent.ckpt")
        assertFails(url, .fileMissing(path: url.path))
    }

    func testTruncatedFileIsRejected() throws {
        let url = try saveSample()
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 100).write(to: url)
        assertFails(url, .truncated(path: url.path, expectedBytes: bytes.count, actualBytes: bytes.count - 100))
        try bytes.prefix(12).write(to: url)
        assertFails(url, .truncated(path: url.path, expectedBytes: Checkpoint.prefixLength, actualBytes: 12))
    }

    func testFlippedByteIsRejectedAsCorrupt() throws {
        let url = try saveSample()
        var bytes = try Data(contentsOf: url)
        for offset in [bytes.count / 2, 40, bytes.count - 9] {
            var corrupt = bytes
            corrupt[offset] ^= 0x10
            try corrupt.write(to: url)
            XCTAssertThrowsError(try Checkpoint.read(from: url)) { error in
                guard case .checksumMismatch(let path, _, _) = error as? CheckpointError else {
                    return XCTFail("expected a checksum mismatch at byte \(offset), got \(error)")
                }
                XCTAssertEqual(path, url.path)
                XCTAssertTrue(String(describing: error).contains("corrupt"))
            }
        }
        bytes[bytes.count - 1] ^= 1  // the checksum itself
        try bytes.write(to: url)
        XCTAssertThrowsError(try Checkpoint.read(from: url)) { error in
            guard case .checksumMismatch = error as? CheckpointError else { return XCTFail("got \(error)") }
        }
    }

    func testWrongMagicAndVersionAreRejected() throws {
        let url = try saveSample()
        var bytes = try Data(contentsOf: url)
        let notCheckpoint = directory.appendingPathComponent("notes.txt")
        try Data("hello, this is text".utf8).write(to: notCheckpoint)
        assertFails(notCheckpoint, .notACheckpoint(path: notCheckpoint.path))
        try Data().write(to: notCheckpoint)
        assertFails(notCheckpoint, .notACheckpoint(path: notCheckpoint.path))
        bytes[8] = 7  // format version
        try bytes.write(to: url)
        assertFails(url, .unsupportedVersion(path: url.path, found: 7, supported: 1))
    }

    func testShapeMismatchedModelIsRejected() throws {
        let url = try saveSample()
        let (wider, head) = makeModel(seed: 5, hiddenSize: 6)
        let before = wider.inputWeight.value.scalars
        XCTAssertThrowsError(try Checkpoint.restore(from: url, parameters: wider.parameters + head.parameters)) { error in
            XCTAssertEqual(error as? CheckpointError,
                           .shapeMismatch(path: url.path, name: "0.inputWeight", expected: [3, 24], found: [3, 20]))
            XCTAssertTrue(String(describing: error).contains("[3, 20]") && String(describing: error).contains("[3, 24]"))
        }
        XCTAssertEqual(wider.inputWeight.value.scalars, before)
    }

    func testNameMismatchesAreRejected() throws {
        let url = try saveSample()
        let (lstm, head) = makeModel(seed: 6)
        head.bias.name = "1.offset"
        let parameters = lstm.parameters + head.parameters
        let state = optimizerState(for: parameters, seed: 4)
        XCTAssertThrowsError(try Checkpoint.restore(from: url, parameters: parameters, optimizerState: state)) { error in
            XCTAssertEqual(error as? CheckpointError, .missingTensor(path: url.path, section: "parameter", name: "1.offset"))
        }
        head.bias.name = "1.bias"
        XCTAssertThrowsError(try Checkpoint.restore(from: url, parameters: Array(parameters.dropLast()), optimizerState: state)) { error in
            XCTAssertEqual(error as? CheckpointError, .unexpectedTensor(path: url.path, section: "parameter", name: "1.bias"))
        }
        XCTAssertThrowsError(try Checkpoint.restore(from: url, parameters: parameters, optimizerState: [])) { error in
            XCTAssertEqual(error as? CheckpointError, .unexpectedTensor(path: url.path, section: "optimizer state", name: "optimizer.0"))
        }
        // Weights only (for evaluation): the optimiser state is not needed.
        XCTAssertEqual(try Checkpoint.restore(from: url, parameters: parameters).optimizerStep, 1234)
        XCTAssertEqual(parameters[0].value.scalars, try Checkpoint.read(from: url).parameters[0].tensor.scalars)
    }

    /// A file with a valid checksum but an absurd shape (written by a buggy or hostile
    /// writer) is reported, not trusted: no huge allocation, no crash.
    func testAbsurdShapeWithValidChecksumIsMalformed() throws {
        let url = directory.appendingPathComponent("absurd.ckpt")
        var bytes = try Checkpoint(parameters: [Parameter(name: "w", value: Tensor(shape: [2, 3]))]).encoded()
        // Header: prefix 32, metadata length 8, counts 8, name length 4 + "w" 1, dtype 1, rank 4, then extents.
        let firstExtent = 32 + 8 + 8 + 4 + 1 + 1 + 4
        for (index, byte) in [UInt8](repeating: 0x7F, count: 4).enumerated() { bytes[firstExtent + index] = byte }
        for (index, byte) in [UInt8](repeating: 0x7F, count: 4).enumerated() { bytes[firstExtent + 8 + index] = byte }
        let body = bytes.prefix(bytes.count - 8)
        var checksum = fnv1a64(Data(body)).littleEndian
        bytes = Data(body) + Data(bytes: &checksum, count: 8)
        try bytes.write(to: url)
        XCTAssertThrowsError(try Checkpoint.read(from: url)) { error in
            guard case .malformed(let path, let reason) = error as? CheckpointError else { return XCTFail("got \(error)") }
            XCTAssertEqual(path, url.path)
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
        let url = directory.appendingPathComponent("training.ckpt")
        try Checkpoint(parameters: dense.parameters, optimizer: adam, metadata: Data([1, 2, 3])).write(to: url)
        update(dense, adam)

        let (resumed, resumedAdam) = makeTraining()
        XCTAssertEqual(try Checkpoint.restore(from: url, parameters: resumed.parameters, optimizer: resumedAdam), Data([1, 2, 3]))
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
