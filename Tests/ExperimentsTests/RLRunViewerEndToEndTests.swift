import Environments
import Foundation
import XCTest

/// `rlrun watch`, `record`, `plot` and `replay`'s pictures, run as a user runs
/// them, with no display (so they must say so, or write files).
final class RLRunViewerEndToEndTests: XCTestCase {
    typealias Outcome = RLRunOutcome

    /// Runs rlrun in `folder` with no display in its environment.
    private func rlrun(_ arguments: String..., in folder: URL) throws -> Outcome {
        try runRLRun(arguments, in: folder, outputFolder: folder, removedVariables: ["DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"])
    }

    /// One short DQN run (5×5 grid world, 12-step episodes) shared by the tests; each test copies it.
    nonisolated(unsafe) private static var sharedRun: URL?

    override class func tearDown() {
        if let sharedRun { try? FileManager.default.removeItem(at: sharedRun.deletingLastPathComponent()) }
        sharedRun = nil
        super.tearDown()
    }

    /// A fresh folder holding a copy of the shared run in `run/`.
    private func folderWithRun() throws -> URL {
        guard EnvironmentRegistry.standard.names.contains("gridworld") else { throw XCTSkip("gridworld is not registered") }
        if Self.sharedRun == nil {
            let parent = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-viewer-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            let training = try rlrun("dqn", "gridworld", "--steps", "200", "--set", "learning_starts=100", "--set", "eval_episodes=0",
                                     "--set", "env.size=5", "--set", "env.max_steps=12", "--threads", "1", "--out", "run", in: parent)
            XCTAssertEqual(training.status, 0, training.standardOutput + training.standardError)
            Self.sharedRun = parent.appendingPathComponent("run")
        }
        let folder = try makeTemporaryFolder()
        try FileManager.default.copyItem(at: Self.sharedRun!, to: folder.appendingPathComponent("run"))
        return folder
    }

    private func bytes(_ url: URL, count: Int) throws -> [UInt8] { Array(try Data(contentsOf: url).prefix(count)) }

    func testWatchWithoutADisplaySaysSoInOneLineAndSuggestsExportOrXvfb() throws {
        let folder = try folderWithRun()
        let outcome = try rlrun("watch", "run", in: folder)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.errorLines.count, 1, outcome.standardError)
        let line = try XCTUnwrap(outcome.errorLines.first)
        XCTAssertTrue(line.hasPrefix("error: no display"), line)
        XCTAssertTrue(line.contains("--export PATH.gif"), line)
        XCTAssertTrue(line.contains("xvfb-run"), line)

        let training = try rlrun("dqn", "gridworld", "--steps", "10", "--render", "--out", "live", in: folder)
        XCTAssertEqual(training.status, 1)
        XCTAssertTrue(training.standardError.hasPrefix("error: no display"), training.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("live").path), "a refused run left its folder")
    }

    /// `DISPLAY=:987 rlrun dqn gridworld --render` (a display named but not there)
    /// ends at once with one line naming it and exit 64, leaving no folder; it
    /// used to hang, deaf to Ctrl-C.
    func testRenderingOnADisplayThatCannotBeOpenedFailsAtOnceWithoutAFolder() throws {
        guard EnvironmentRegistry.standard.names.contains("gridworld") else { throw XCTSkip("gridworld is not registered") }
        let folder = try makeTemporaryFolder()
        for _ in 0..<3 {
            let outcome = try runRLRun(["dqn", "gridworld", "--steps", "10", "--render"], in: folder, outputFolder: folder,
                                       removedVariables: ["WAYLAND_DISPLAY", "SDL_VIDEODRIVER"], setVariables: ["DISPLAY": ":987"],
                                       timeout: 60)
            XCTAssertEqual(outcome.status, 64, outcome.standardError)
            XCTAssertEqual(outcome.errorLines.count, 1, outcome.standardError)
            XCTAssertTrue(outcome.standardError.hasPrefix("error: cannot open the SDL window on DISPLAY=:987: "), outcome.standardError)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path), "a refused run left its folder")
    }

    func testWatchExportsAGIFOrPNGFramesWithoutADisplay() throws {
        let folder = try folderWithRun()
        let gif = try rlrun("watch", "run", "--episodes", "1", "--export", "out/watch.gif", in: folder)
        XCTAssertEqual(gif.status, 0, gif.standardError)
        XCTAssertTrue(gif.standardOutput.contains("wrote "), gif.standardOutput)
        XCTAssertEqual(try bytes(folder.appendingPathComponent("out/watch.gif"), count: 6), Array("GIF89a".utf8))

        let pngs = try rlrun("watch", "run", "--episodes", "1", "--export", "frames/", "--bare", in: folder)
        XCTAssertEqual(pngs.status, 0, pngs.standardError)
        XCTAssertEqual(try bytes(folder.appendingPathComponent("frames/frame-000000.png"), count: 4), [0x89, 0x50, 0x4E, 0x47])

        let bad = try rlrun("watch", "run", "--export", "movie.mp4", in: folder)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.standardError.contains(".gif"), bad.standardError)
    }

    func testRecordWritesOneGIFPerEpisode() throws {
        let folder = try folderWithRun()
        let outcome = try rlrun("record", "run", "--episodes", "2", "--out", "videos", in: folder)
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        for name in ["episode-000.gif", "episode-001.gif"] {
            XCTAssertEqual(try bytes(folder.appendingPathComponent("videos/" + name), count: 6), Array("GIF89a".utf8), name)
        }
        XCTAssertEqual(outcome.standardOutput.split(separator: "\n").count, 2, outcome.standardOutput)
    }

    func testPlotWritesSVGAndPNG() throws {
        let folder = try folderWithRun()
        let svg = try rlrun("plot", "run", "--out", "curve.svg", in: folder)
        XCTAssertEqual(svg.status, 0, svg.standardError)
        let text = try String(contentsOf: folder.appendingPathComponent("curve.svg"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<svg "))
        XCTAssertTrue(text.contains("dqn on gridworld"))
        XCTAssertTrue(text.contains("environment steps"))
        let png = try rlrun("plot", "run", "run", "--out", "curve.png", in: folder)
        XCTAssertEqual(png.status, 0, png.standardError)
        XCTAssertTrue(png.standardOutput.contains("dqn on gridworld (2 runs)"), png.standardOutput)
        XCTAssertEqual(try bytes(folder.appendingPathComponent("curve.png"), count: 4), [0x89, 0x50, 0x4E, 0x47])
        let wrong = try rlrun("plot", "run", "--out", "curve.jpg", in: folder)
        XCTAssertNotEqual(wrong.status, 0)
    }

    func testReplayShowsAnEpisodeAsTextWithoutADisplayAndExportsGIF() throws {
        let folder = try folderWithRun()
        let text = try rlrun("replay", "run/episodes.jsonl", "--episode", "0", in: folder)
        XCTAssertEqual(text.status, 0, text.standardError)
        XCTAssertTrue(text.standardOutput.contains("episode 0, reset with seed"), "no display: ANSI by default")

        let gif = try rlrun("replay", "run/episodes.jsonl", "--episode", "0", "--export", "episode.gif", in: folder)
        XCTAssertEqual(gif.status, 0, gif.standardError)
        XCTAssertTrue(gif.standardOutput.contains("OK       episode 0"), gif.standardOutput)
        XCTAssertEqual(try bytes(folder.appendingPathComponent("episode.gif"), count: 6), Array("GIF89a".utf8))

        let window = try rlrun("replay", "run/episodes.jsonl", "--episode", "0", "--render", "window", in: folder)
        XCTAssertEqual(window.status, 1)
        XCTAssertEqual(window.errorLines.count, 1, window.standardError)
        XCTAssertTrue(window.standardError.hasPrefix("error: no display"), window.standardError)
    }
}
