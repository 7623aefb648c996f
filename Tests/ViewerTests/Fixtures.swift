import Environments
import Foundation
import XCTest

extension XCTestCase {
    /// A fresh empty folder, removed when the test ends.
    func makeTemporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftrl-viewer-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The frames of a grid-world episode: after the reset and after each of `steps` steps.
    func gridWorldFrames(steps: Int, seed: UInt64 = 3) throws -> [Frame] {
        var world = GridWorld(layout: .lavaCrossing(size: 7))
        _ = try world.reset(seed: seed)
        var frames = [try XCTUnwrap(world.render())]
        var generator = Xoshiro256(seed: seed)
        for _ in 0..<steps {
            let step = try world.step(world.actionSpace.sample(using: &generator))
            frames.append(try XCTUnwrap(world.render()))
            if step.terminated || step.truncated { _ = try world.reset() }
        }
        return frames
    }
}

/// A frame whose every pixel has a different colour (more than GIF's 256).
func gradientFrame(width: Int, height: Int) -> Frame {
    var frame = Frame(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            frame[x, y] = Color(red: UInt8(x * 255 / max(1, width - 1)), green: UInt8(y * 255 / max(1, height - 1)),
                                blue: UInt8((x + y) * 255 / max(1, width + height - 2)))
        }
    }
    return frame
}
