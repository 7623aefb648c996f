import Environments
import XCTest
@testable import Viewer

final class ViewComposerTests: XCTestCase {
    func testPreferredSizeScalesByAWholeNumberToAComfortableSide() {
        XCTAssertEqual(ViewComposer.preferredScale(frameWidth: 128, frameHeight: 128), 5)
        XCTAssertEqual(ViewComposer.preferredScale(frameWidth: 600, frameHeight: 400), 1)
        XCTAssertEqual(ViewComposer.preferredScale(frameWidth: 2000, frameHeight: 10), 1)
        let size = ViewComposer.preferredSize(frameWidth: 96, frameHeight: 64)
        XCTAssertEqual(size.width, 96 * 6)
        XCTAssertEqual(size.height, 64 * 6 + ViewComposer.headUpHeight(forWidth: 96 * 6))
    }

    func testEveryViewPixelIsTheNearestFramePixelAtAWholeScale() throws {
        let frame = try gridWorldFrames(steps: 5)[5]
        let size = ViewComposer.preferredSize(frameWidth: frame.width, frameHeight: frame.height)
        let view = ViewComposer.compose(frame, headUp: "hello", width: size.width, height: size.height)
        let scale = ViewComposer.preferredScale(frameWidth: frame.width, frameHeight: frame.height)
        let top = ViewComposer.headUpHeight(forWidth: size.width)
        for y in 0..<frame.height * scale {
            for x in 0..<frame.width * scale {
                guard view[x, top + y] == frame[x / scale, y / scale] else {
                    return XCTFail("view pixel (\(x), \(top + y)) is \(view[x, top + y]), frame pixel (\(x / scale), \(y / scale)) is \(frame[x / scale, y / scale])")
                }
            }
        }
    }

    func testResizedViewKeepsAspectCentresAndLetterboxes() {
        let frame = gradientFrame(width: 40, height: 20)
        // Room for scale 3 across but only 2 down: scale 2, centred horizontally.
        let top = ViewComposer.headUpHeight(forWidth: 300)
        let rectangle = ViewComposer.frameRectangle(frameWidth: 40, frameHeight: 20, width: 300, height: top + 50)
        XCTAssertEqual(rectangle.width, 80)
        XCTAssertEqual(rectangle.height, 40)
        XCTAssertEqual(rectangle.x, (300 - 80) / 2)
        XCTAssertEqual(rectangle.y, top + 5)
        let view = ViewComposer.compose(frame, headUp: "", width: 300, height: top + 50)
        XCTAssertEqual(view[0, top + 20], ViewComposer.background, "letterbox")
        XCTAssertEqual(view[rectangle.x + 79, rectangle.y + 39], frame[39, 19])

        // Smaller than the frame: a fractional scale that still keeps the aspect.
        let small = ViewComposer.frameRectangle(frameWidth: 40, frameHeight: 20, width: 20, height: ViewComposer.headUpHeight(forWidth: 20) + 100)
        XCTAssertEqual(small.width, 20)
        XCTAssertEqual(small.height, 10)
        let tiny = ViewComposer.compose(frame, headUp: "x", width: 20, height: 40)
        XCTAssertEqual(tiny.width, 20)
    }

    func testHeadUpLineIsDrawnInTheBitmapFontOnTheStrip() {
        let frame = Frame(width: 100, height: 100, fill: .black)
        let view = ViewComposer.compose(frame, headUp: "!", width: 500, height: 600)
        let scale = ViewComposer.textScale(for: "!", width: 500)
        XCTAssertEqual(scale, 2)
        let textTop = (ViewComposer.headUpHeight(forWidth: 500) - BitmapFont.glyphHeight * scale) / 2
        // "!" is a vertical bar in column 2 with a gap in row 5.
        let column = ViewComposer.padding + 2 * scale
        XCTAssertEqual(view[column, textTop], ViewComposer.textColor)
        XCTAssertEqual(view[column, textTop + 5 * scale], ViewComposer.background)
        XCTAssertEqual(view[column, textTop + 6 * scale], ViewComposer.textColor)
        XCTAssertEqual(view[column - scale, textTop], ViewComposer.background)
        // A line too long for scale 2 falls back to scale 1.
        XCTAssertEqual(ViewComposer.textScale(for: String(repeating: "x", count: 60), width: 500), 1)
    }
}

final class PlaybackControlsTests: XCTestCase {
    func testKeysPauseStepChangeSpeedRestartAndQuit() {
        var controls = PlaybackControls()
        XCTAssertTrue(controls.takeAdvance(), "running advances every tick")
        controls.handle(.stepForward)
        XCTAssertFalse(controls.stepRequested, "single steps only while paused")
        controls.handle(.pauseResume)
        XCTAssertFalse(controls.takeAdvance())
        controls.handle(.stepForward)
        XCTAssertTrue(controls.takeAdvance())
        XCTAssertFalse(controls.takeAdvance(), "one step per key press")
        controls.handle(.pauseResume)
        XCTAssertTrue(controls.takeAdvance())

        XCTAssertEqual(controls.speed, 1)
        controls.handle(.faster)
        controls.handle(.faster)
        XCTAssertEqual(controls.speed, 4)
        for _ in 0..<20 { controls.handle(.slower) }
        XCTAssertEqual(controls.speed, PlaybackControls.speeds.first)
        for _ in 0..<20 { controls.handle(.faster) }
        XCTAssertEqual(controls.speed, PlaybackControls.speeds.last)

        controls.handle(.restart)
        XCTAssertTrue(controls.restartRequested)
        XCTAssertFalse(controls.quitRequested)
        controls.handle(.quit)
        XCTAssertTrue(controls.quitRequested)
    }

    func testSDLKeyCodesMapToViewerKeys() {
        XCTAssertEqual(ViewerWindow.key(for: 32), .pauseResume)
        XCTAssertEqual(ViewerWindow.key(for: 0x4000_004F), .stepForward)
        XCTAssertEqual(ViewerWindow.key(for: Int32(UInt8(ascii: "+"))), .faster)
        XCTAssertEqual(ViewerWindow.key(for: Int32(UInt8(ascii: "="))), .faster)
        XCTAssertEqual(ViewerWindow.key(for: Int32(UInt8(ascii: "-"))), .slower)
        XCTAssertEqual(ViewerWindow.key(for: Int32(UInt8(ascii: "r"))), .restart)
        XCTAssertEqual(ViewerWindow.key(for: Int32(UInt8(ascii: "q"))), .quit)
        XCTAssertEqual(ViewerWindow.key(for: 27), .quit)
        XCTAssertNil(ViewerWindow.key(for: Int32(UInt8(ascii: "x"))))
    }

    func testHeadUpLineStatesEnvironmentEpisodeStepReturnActionAndRate() {
        var headUp = HeadUpDisplay(environment: "gridworld", episode: 3, step: 12, episodeReturn: 0.95, lastAction: "2", framesPerSecond: 29.6)
        XCTAssertEqual(headUp.text, "gridworld  ep 3  step 12  return 0.95  action 2  30 fps")
        headUp.paused = true
        headUp.framesPerSecond = nil
        headUp.lastAction = nil
        headUp.episodeReturn = -1.23456
        XCTAssertEqual(headUp.text, "gridworld  ep 3  step 12  return -1.235  action -  PAUSED")
        XCTAssertEqual(HeadUpDisplay.format(500), "500")
    }

    func testNoDisplayIsDetectedFromTheEnvironmentWithoutTouchingSDL() {
        #if SDL
        let problem = ViewerWindow.displayProblem(environment: ["HOME": "/root"])
        XCTAssertEqual(problem, .noDisplay(reason: "DISPLAY and WAYLAND_DISPLAY are not set"))
        XCTAssertTrue(problem!.description.contains("--export"))
        XCTAssertTrue(problem!.description.contains("xvfb-run"))
        XCTAssertNil(ViewerWindow.displayProblem(environment: ["DISPLAY": ":3"]))
        XCTAssertNil(ViewerWindow.displayProblem(environment: ["WAYLAND_DISPLAY": "wayland-0"]))
        #else
        XCTAssertEqual(ViewerWindow.displayProblem(environment: ["DISPLAY": ":3"]), .windowUnsupported)
        #endif
    }
}
