import Foundation
import XCTest
import Neural
@testable import Experiments

final class CheckpointFileTests: XCTestCase {
    private func sample(_ values: [Float]) -> Checkpoint {
        Checkpoint(parameters: [Parameter(name: "w", value: Tensor(shape: [values.count], scalars: values))],
                   optimizerStep: 7, metadata: Data("meta".utf8))
    }

    func testRoundTripLeavesNoTemporaryFile() throws {
        let folder = try makeTemporaryFolder()
        let url = folder.appendingPathComponent("model.ckpt")
        try CheckpointFile.write(sample([1, -2, 3.5]), to: url)
        let read = try CheckpointFile.read(from: url)
        XCTAssertEqual(read.parameters.map(\.name), ["w"])
        XCTAssertEqual(read.parameters[0].tensor.scalars, [1, -2, 3.5])
        XCTAssertEqual(read.optimizerStep, 7)
        XCTAssertEqual(read.metadata, Data("meta".utf8))
        XCTAssertEqual(read.source, url.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["model.ckpt"])
        XCTAssertEqual(try Data(contentsOf: url), try sample([1, -2, 3.5]).encoded())
    }

    func testOverwritingReplacesTheWholeFile() throws {
        let url = try makeTemporaryFolder().appendingPathComponent("model.ckpt")
        try CheckpointFile.write(sample([1, 2, 3, 4, 5, 6]), to: url)
        try CheckpointFile.write(sample([9]), to: url)
        XCTAssertEqual(try CheckpointFile.read(from: url).parameters[0].tensor.scalars, [9])
    }

    func testMissingFileAndUnwritableFolderAreReported() throws {
        let folder = try makeTemporaryFolder()
        let absent = folder.appendingPathComponent("absent.ckpt")
        XCTAssertThrowsError(try CheckpointFile.read(from: absent)) { error in
            XCTAssertEqual(error as? CheckpointError, .fileMissing(path: absent.path))
        }
        let nowhere = folder.appendingPathComponent("no-such-folder/model.ckpt")
        XCTAssertThrowsError(try CheckpointFile.write(sample([1]), to: nowhere)) { error in
            guard case .writeFailed(let path, _) = error as? CheckpointError else { return XCTFail("got \(error)") }
            XCTAssertEqual(path, nowhere.path)
        }
    }

    func testCorruptFileNamesThePath() throws {
        let url = try makeTemporaryFolder().appendingPathComponent("model.ckpt")
        var bytes = try sample([1, 2]).encoded()
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: url)
        XCTAssertThrowsError(try CheckpointFile.read(from: url)) { error in
            guard case .checksumMismatch(let path, _, _) = error as? CheckpointError else { return XCTFail("got \(error)") }
            XCTAssertEqual(path, url.path)
        }
    }
}
