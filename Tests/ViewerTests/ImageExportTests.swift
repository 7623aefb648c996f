import CGIF
import Environments
import Foundation
import XCTest
@testable import Viewer

/// PNG and GIF files are decoded again by libpng and giflib and compared with
/// the frames they were made from, pixel for pixel.
final class ImageExportTests: XCTestCase {
    func testPNGRoundTripsGridWorldAndCartPoleFramesExactly() throws {
        let folder = try makeTemporaryFolder()
        var cartPole = CartPole()
        _ = try cartPole.reset(seed: 1)
        let frames = [try gridWorldFrames(steps: 3)[3], try XCTUnwrap(cartPole.render()), gradientFrame(width: 37, height: 11)]
        for (index, frame) in frames.enumerated() {
            let url = folder.appendingPathComponent("frame\(index).png")
            try PNGImage.write(frame, to: url)
            let bytes = try Data(contentsOf: url)
            XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
            XCTAssertEqual(try PNGImage.read(from: url), frame)
        }
    }

    func testPNGErrorsNameTheFile() throws {
        let folder = try makeTemporaryFolder()
        let missing = folder.appendingPathComponent("no/such/folder/x.png")
        XCTAssertThrowsError(try PNGImage.write(Frame(width: 2, height: 2), to: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing.path), "\(error)")
        }
        let notPNG = folder.appendingPathComponent("text.png")
        try Data("hello".utf8).write(to: notPNG)
        XCTAssertThrowsError(try PNGImage.read(from: notPNG)) { error in
            XCTAssertTrue("\(error)".contains("libpng"), "\(error)")
        }
    }

    func testGIFOfAnEpisodeDecodesToTheSameFramesAndDelays() throws {
        let frames = try gridWorldFrames(steps: 12)
        let url = try makeTemporaryFolder().appendingPathComponent("episode.gif")
        let writer = try GIFWriter(url: url, width: frames[0].width, height: frames[0].height, delayCentiseconds: 10)
        for frame in frames { try writer.append(frame) }
        try writer.finish()

        let bytes = try Data(contentsOf: url)
        XCTAssertEqual(String(decoding: bytes.prefix(6), as: UTF8.self), "GIF89a")
        let mask = umask(0)
        umask(mask)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        XCTAssertEqual(permissions, 0o666 & ~Int(mask), "created like any other file, not owner-only")
        XCTAssertNotNil(bytes.range(of: Data("NETSCAPE2.0".utf8)), "loops forever")
        let decoded = try GIFImage.read(from: url)
        XCTAssertEqual(decoded.frames.count, frames.count)
        XCTAssertEqual(decoded.delaysCentiseconds, Array(repeating: 10, count: frames.count))
        for (index, pair) in zip(decoded.frames, frames).enumerated() {
            XCTAssertEqual(pair.0, pair.1, "frame \(index)")
        }
    }

    func testGIFWithMoreThan256ColoursIsQuantisedCloselyByGiflib() throws {
        let frame = gradientFrame(width: 64, height: 48)
        let url = try makeTemporaryFolder().appendingPathComponent("gradient.gif")
        let writer = try GIFWriter(url: url, width: 64, height: 48, delayCentiseconds: 1)
        XCTAssertEqual(writer.delayCentiseconds, 2, "delays under 2 are raised: viewers slow them to 10")
        try writer.append(frame)
        try writer.finish()
        let decoded = try XCTUnwrap(GIFImage.read(from: url).frames.first)
        XCTAssertEqual(decoded.width, 64)
        XCTAssertEqual(decoded.height, 48)
        let error = zip(decoded.pixels, frame.pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThan(Double(error.reduce(0, +)) / Double(error.count), 12, "mean channel error (giflib quantises to 5 bits a channel, then median cut)")
        XCTAssertLessThan(error.max()!, 64)
    }

    func testExactPaletteKeepsFirstAppearanceOrderAndGivesUpPast256() {
        var frame = Frame(width: 3, height: 1)
        frame[0, 0] = Color(red: 9, green: 9, blue: 9)
        frame[1, 0] = .white
        frame[2, 0] = Color(red: 9, green: 9, blue: 9)
        var indices = [UInt8](repeating: 0, count: 3)
        let palette = GIFWriter.exactPalette(of: frame, indices: &indices)
        XCTAssertEqual(palette?.map(\.Red), [9, 255])
        XCTAssertEqual(indices, [0, 1, 0])
        var many = [UInt8](repeating: 0, count: 64 * 48)
        XCTAssertNil(GIFWriter.exactPalette(of: gradientFrame(width: 64, height: 48), indices: &many))
    }

    func testGIFFramesMustKeepTheirSize() throws {
        let url = try makeTemporaryFolder().appendingPathComponent("sizes.gif")
        let writer = try GIFWriter(url: url, width: 4, height: 4, delayCentiseconds: 10)
        try writer.append(Frame(width: 4, height: 4))
        XCTAssertThrowsError(try writer.append(Frame(width: 5, height: 4))) { error in
            XCTAssertEqual(error as? ImageExportError, .frameSizeChanged(expected: "4x4", actual: "5x4"))
        }
    }

    // MARK: - Exporter

    func testExportPathsChooseGIFOrPNGFolder() throws {
        let folder = try makeTemporaryFolder()
        XCTAssertEqual(try FrameExporter.destination(for: "a/b.GIF"), .gif(URL(fileURLWithPath: "a/b.GIF")))
        XCTAssertEqual(try FrameExporter.destination(for: "frames/"), .pngFolder(URL(fileURLWithPath: "frames/")))
        XCTAssertEqual(try FrameExporter.destination(for: folder.path), .pngFolder(URL(fileURLWithPath: folder.path)))
        XCTAssertThrowsError(try FrameExporter.destination(for: "movie.mp4")) { error in
            XCTAssertEqual(error as? ImageExportError, .unsupportedPath("movie.mp4"))
            XCTAssertTrue("\(error)".contains(".gif"))
        }
    }

    func testExporterWritesEveryFrameOfASourceAsNumberedPNGs() throws {
        let frames = try gridWorldFrames(steps: 4)
        let folder = try makeTemporaryFolder().appendingPathComponent("frames", isDirectory: true)
        let exporter = try FrameExporter(path: folder.path + "/", framesPerSecond: 10)
        XCTAssertEqual(try exporter.export(FramesSource(frames), windowView: false), 5)
        for (index, frame) in frames.enumerated() {
            XCTAssertEqual(try PNGImage.read(from: FrameExporter.pngURL(in: folder, index: index)), frame)
        }
        XCTAssertEqual(FrameExporter.pngURL(in: folder, index: 12).lastPathComponent, "frame-000012.png")
    }

    func testWindowViewExportMatchesTheComposedView() throws {
        let frames = try gridWorldFrames(steps: 2)
        let url = try makeTemporaryFolder().appendingPathComponent("view.gif")
        let source = FramesSource(frames)
        let exporter = try FrameExporter(path: url.path, framesPerSecond: 20)
        try exporter.export(source)
        let decoded = try GIFImage.read(from: url)
        XCTAssertEqual(decoded.delaysCentiseconds, [5, 5, 5])
        let size = ViewComposer.preferredSize(frameWidth: frames[0].width, frameHeight: frames[0].height)
        for (index, frame) in frames.enumerated() {
            let headUp = HeadUpDisplay(environment: "test", episode: 0, step: index, episodeReturn: 0).text
            XCTAssertEqual(decoded.frames[index], ViewComposer.compose(frame, headUp: headUp, width: size.width, height: size.height))
        }
    }
}

/// Plays a fixed list of frames.
final class FramesSource: PlaybackSource {
    let frames: [Frame]
    var position = 0

    init(_ frames: [Frame]) {
        self.frames = frames
    }

    func restartEpisode() throws -> Frame {
        position = 0
        return frames[0]
    }

    func advance() throws -> Frame? {
        guard position + 1 < frames.count else { return nil }
        position += 1
        return frames[position]
    }

    var headUp: HeadUpDisplay { HeadUpDisplay(environment: "test", episode: 0, step: position, episodeReturn: 0) }
}
