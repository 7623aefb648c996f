#if SDL
import CSDL2
import Environments
import Foundation
import XCTest
@testable import Viewer

/// Opens a real SDL window on an X display (Xvfb, started here when there is no
/// `DISPLAY`), shows frames and reads the pixels back through SDL.
final class ViewerWindowTests: XCTestCase {
    private var xvfb: Process?

    /// Makes sure `DISPLAY` names a display: the one given, or a private Xvfb.
    private func requireDisplay() throws {
        if let display = ProcessInfo.processInfo.environment["DISPLAY"], !display.isEmpty { return }
        let server = "/usr/bin/Xvfb"
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw XCTSkip("no DISPLAY and no Xvfb at \(server): install xvfb (scripts/install-system-packages.sh) to run the window tests")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        // -displayfd 1: Xvfb picks a free display number and writes it to standard output,
        // so tests running in parallel on one machine never collide.
        process.arguments = ["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        xvfb = process
        addTeardownBlock { [weak self] in
            unsetenv("DISPLAY")
            self?.xvfb?.terminate()
            self?.xvfb?.waitUntilExit()
        }
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw XCTSkip("Xvfb exited without reporting a display") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let number = text.trimmingCharacters(in: .whitespacesAndNewlines)
        setenv("DISPLAY", ":" + number, 1)
    }

    func testWindowShowsTheScaledFrameAndHeadUpLinePixelForPixel() throws {
        try requireDisplay()
        let frames = try gridWorldFrames(steps: 3)
        let size = ViewComposer.preferredSize(frameWidth: frames[0].width, frameHeight: frames[0].height)
        let window = try ViewerWindow(title: "ViewerWindowTests", frameWidth: frames[0].width, frameHeight: frames[0].height)
        defer { window.close() }
        XCTAssertEqual(window.size.width, size.width)
        XCTAssertEqual(window.size.height, size.height)
        let scale = ViewComposer.preferredScale(frameWidth: frames[0].width, frameHeight: frames[0].height)
        let top = ViewComposer.headUpHeight(forWidth: size.width)
        for (index, frame) in frames.enumerated() {
            window.pollEvents()
            let headUp = "test  step \(index)"
            let pixels = try XCTUnwrap(window.showReadingBack(frame, headUp: headUp))
            XCTAssertEqual(pixels, ViewComposer.compose(frame, headUp: headUp, width: size.width, height: size.height), "frame \(index)")
            // Independently of the composer: the middle of every scaled cell is the frame's pixel.
            for y in 0..<frame.height {
                for x in 0..<frame.width where pixels[x * scale + scale / 2, top + y * scale + scale / 2] != frame[x, y] {
                    return XCTFail("frame \(index): window pixel for (\(x), \(y)) is not \(frame[x, y])")
                }
            }
        }
        XCTAssertFalse(window.isClosed)
    }

    func testAnUnreachableDisplayIsReportedNotPlayedToNobody() {
        let saved = ProcessInfo.processInfo.environment["DISPLAY"]
        setenv("DISPLAY", ":987", 1)
        defer { if let saved { setenv("DISPLAY", saved, 1) } else { unsetenv("DISPLAY") } }
        XCTAssertThrowsError(try ViewerWindow(title: "nowhere", frameWidth: 8, frameHeight: 8)) { error in
            guard case .cannotOpenWindow(let display, _)? = error as? ViewerError else { return XCTFail("\(error)") }
            XCTAssertEqual(display, "DISPLAY=:987")
            XCTAssertTrue("\(error)".hasPrefix("cannot open the SDL window on DISPLAY=:987: "), "\(error)")
            XCTAssertTrue("\(error)".contains("xvfb-run"))
        }
    }

    /// A live view whose window cannot open throws at once; it used to wait in
    /// deinit for a display thread that had already given up, forever.
    func testALiveViewOnAnUnreachableDisplayThrowsWithoutHanging() {
        let saved = ProcessInfo.processInfo.environment["DISPLAY"]
        setenv("DISPLAY", ":987", 1)
        defer { if let saved { setenv("DISPLAY", saved, 1) } else { unsetenv("DISPLAY") } }
        let finished = expectation(description: "LiveView.init returned")
        let thread = Thread {
            for _ in 0..<4 {
                do throws(ViewerError) {
                    _ = try LiveView(title: "nowhere", frameWidth: 8, frameHeight: 8)
                    XCTFail("a live view opened on DISPLAY=:987")
                } catch {
                    guard case .cannotOpenWindow = error else { return XCTFail("\(error)") }
                }
            }
            finished.fulfill()
        }
        thread.start()
        wait(for: [finished], timeout: 60)
    }

    func testKeyEventsReachTheControlsAndQuitCloses() throws {
        try requireDisplay()
        let window = try ViewerWindow(title: "keys", frameWidth: 32, frameHeight: 32)
        defer { window.close() }
        func press(_ keyCode: Int32) {
            var event = SDL_Event()
            event.type = SDL_KEYDOWN.rawValue
            event.key.keysym.sym = keyCode
            SDL_PushEvent(&event)
        }
        press(32)
        press(Int32(UInt8(ascii: "+")))
        window.pollEvents()
        XCTAssertTrue(window.controls.paused)
        XCTAssertEqual(window.controls.speed, 2)
        press(27)
        window.pollEvents()
        XCTAssertTrue(window.isClosed)
    }

    func testPlayShowsASourceToItsEndAndRestartsOnR() throws {
        try requireDisplay()
        let frames = try gridWorldFrames(steps: 4)
        let window = try ViewerWindow(title: "play", frameWidth: frames[0].width, frameHeight: frames[0].height)
        defer { window.close() }
        let source = FramesSource(frames)
        XCTAssertTrue(try window.play(source, framesPerSecond: 500, lingerSeconds: 0))
        XCTAssertEqual(source.position, 4)

        var event = SDL_Event()
        event.type = SDL_QUIT.rawValue
        SDL_PushEvent(&event)
        XCTAssertFalse(try window.play(FramesSource(frames), framesPerSecond: 5), "closing the window ends playback at once")
    }

    func testLiveViewDrawsOnlyWhenDueAndReportsQuit() throws {
        try requireDisplay()
        let frame = try gridWorldFrames(steps: 0)[0]
        let live = try LiveView(title: "live", frameWidth: frame.width, frameHeight: frame.height, maximumFramesPerSecond: 0.5)
        defer { live.close() }
        var drawn = 0
        for step in 0..<1000 {
            let keepGoing = live.observe(headUp: { HeadUpDisplay(environment: "t", episode: 0, step: step, episodeReturn: 0) },
                                         frame: { drawn += 1; return frame })
            XCTAssertTrue(keepGoing)
        }
        XCTAssertEqual(drawn, 1, "at 0.5 frames a second only the first is due in a quick loop")
        XCTAssertEqual(live.framesShown, 1)

        // A key press on the window reaches the computation through the display thread.
        var event = SDL_Event()
        event.type = SDL_KEYDOWN.rawValue
        event.key.keysym.sym = Int32(UInt8(ascii: "q"))
        SDL_PushEvent(&event)
        var answer = true
        for _ in 0..<200 where answer {
            usleep(5_000)
            answer = live.observe(headUp: { HeadUpDisplay(environment: "t", episode: 0, step: 0, episodeReturn: 0) }, frame: { frame })
        }
        XCTAssertFalse(answer, "q asks the computation to stop")
    }

    func testPausedLiveViewHoldsTheComputationUntilAStepIsAllowed() throws {
        try requireDisplay()
        let frame = try gridWorldFrames(steps: 0)[0]
        let live = try LiveView(title: "pause", frameWidth: frame.width, frameHeight: frame.height, maximumFramesPerSecond: 1000)
        defer { live.close() }
        @Sendable func press(_ keyCode: Int32) {
            var event = SDL_Event()
            event.type = SDL_KEYDOWN.rawValue
            event.key.keysym.sym = keyCode
            SDL_PushEvent(&event)
        }
        press(32)
        usleep(100_000)
        let started = Date()
        // After pausing, the next observed step waits until the right arrow lets it through.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { press(0x4000_004F) }
        var returned = true
        for _ in 0..<8 where returned {
            returned = live.observe(headUp: { HeadUpDisplay(environment: "t", episode: 0, step: 0, episodeReturn: 0) }, frame: { frame })
            if Date().timeIntervalSince(started) >= 0.25 { break }
        }
        XCTAssertTrue(returned)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.25, "the paused step waited for the key")
        press(27)
    }
}
#endif
