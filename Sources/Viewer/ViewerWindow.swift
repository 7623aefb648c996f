import Environments
import Foundation
#if SDL
import CSDL2
#endif

/// A resizable SDL window that shows frames through ``ViewComposer``: the frame
/// scaled with nearest-neighbour sampling, and a head-up line.
///
/// Keys (see ``ViewerKey``): space pause/resume, right arrow one step while
/// paused, `+`/`-` speed, `r` restart the episode, `q` or Esc quit; closing the
/// window quits too. Presenting never waits for vertical sync, so showing frames
/// costs only the drawing. SDL's own signal handlers are turned off, so Ctrl-C
/// reaches the program's handlers.
///
/// Only one window exists at a time (SDL's video subsystem is process-wide).
/// Use it from one thread.
public final class ViewerWindow {
    /// The key state: pause, speed, pending step, restart and quit requests.
    public var controls = PlaybackControls()
    /// Whether the window was closed (by ``close()``, the close button, `q` or Esc).
    public var isClosed: Bool { closed || controls.quitRequested }
    /// Frames shown per second over the last second or so; `nil` before two frames.
    public private(set) var measuredFramesPerSecond: Double?

    private var closed = false
    private var lastShowTime: Double?
    private var canvas: Canvas?

    #if SDL
    private var window: OpaquePointer?
    private var renderer: OpaquePointer?
    private var frameTexture: (texture: OpaquePointer, width: Int, height: Int)?
    private var headUpTexture: (texture: OpaquePointer, width: Int, height: Int)?
    private var uploadBuffer: [UInt32] = []

    /// SDL's `SDL_PIXELFORMAT_RGB24` and `SDL_PIXELFORMAT_ARGB8888` (macros Swift does not import).
    static let rgb24Format: UInt32 = 0x1710_1803
    static let argb8888Format: UInt32 = 0x1636_2004
    #endif

    /// Whether a window can be opened at all: `nil` when it can, otherwise why not.
    ///
    /// Without `DISPLAY` or `WAYLAND_DISPLAY` (and no `SDL_VIDEODRIVER` chosen)
    /// there is no display; this is decided without touching SDL, so it never hangs.
    public static func displayProblem(environment: [String: String] = ProcessInfo.processInfo.environment) -> ViewerError? {
        #if SDL
        let nonEmpty = { (name: String) in !(environment[name] ?? "").isEmpty }
        if !nonEmpty("DISPLAY") && !nonEmpty("WAYLAND_DISPLAY") && !nonEmpty("SDL_VIDEODRIVER") {
            return .noDisplay(reason: "DISPLAY and WAYLAND_DISPLAY are not set")
        }
        return nil
        #else
        return .windowUnsupported
        #endif
    }

    /// Opens a window sized for `frameWidth`×`frameHeight` frames (see
    /// ``ViewComposer/preferredSize(frameWidth:frameHeight:)``), or `width`×`height` when given.
    ///
    /// - Throws: ``ViewerError/noDisplay(reason:)`` when there is no display;
    ///   ``ViewerError/cannotOpenWindow(display:reason:)`` when SDL cannot open the named one; ``ViewerError/windowUnsupported`` in a build
    ///   without the SDL trait.
    public init(title: String, frameWidth: Int, frameHeight: Int, width: Int? = nil, height: Int? = nil) throws(ViewerError) {
        #if SDL
        if let problem = Self.displayProblem() { throw problem }
        let environment = ProcessInfo.processInfo.environment
        let chosenDriver = environment["SDL_VIDEODRIVER"].flatMap { $0.isEmpty ? nil : $0 }
        SDL_SetHint("SDL_NO_SIGNAL_HANDLERS", "1")
        SDL_SetHint("SDL_RENDER_VSYNC", "0")
        if chosenDriver == nil {
            // Only the display systems that are named: otherwise SDL, failing to reach
            // them, falls back to its "offscreen" driver and plays to nobody.
            let hasX11 = !(environment["DISPLAY"] ?? "").isEmpty, hasWayland = !(environment["WAYLAND_DISPLAY"] ?? "").isEmpty
            SDL_SetHint("SDL_VIDEODRIVER", hasX11 && hasWayland ? "x11,wayland" : hasX11 ? "x11" : "wayland")
        }
        // SDL_INIT_VIDEO
        guard SDL_Init(0x20) == 0 else {
            let reason = Self.lastError()
            SDL_Quit()
            let named = ["DISPLAY", "WAYLAND_DISPLAY"].first { !(environment[$0] ?? "").isEmpty }
            guard let named else { throw .noDisplay(reason: "SDL could not start its video driver: \(reason)") }
            throw .cannotOpenWindow(display: "\(named)=\(environment[named]!)", reason: reason)
        }
        let driver = SDL_GetCurrentVideoDriver().map { String(cString: $0) } ?? "none"
        if chosenDriver == nil && (driver == "offscreen" || driver == "dummy") {
            SDL_Quit()
            throw .noDisplay(reason: "SDL found only its '\(driver)' video driver, which shows nothing")
        }
        let preferred = ViewComposer.preferredSize(frameWidth: frameWidth, frameHeight: frameHeight)
        let windowWidth = width ?? preferred.width, windowHeight = height ?? preferred.height
        // SDL_WINDOWPOS_CENTERED; SDL_WINDOW_SHOWN | SDL_WINDOW_RESIZABLE.
        let centered: Int32 = 0x2FFF_0000
        guard let window = SDL_CreateWindow(title, centered, centered, Int32(windowWidth), Int32(windowHeight), 0x04 | 0x20) else {
            let reason = Self.lastError()
            SDL_Quit()
            throw .sdl("could not create a window: \(reason)")
        }
        // Flags 0: any renderer, and never SDL_RENDERER_PRESENTVSYNC.
        guard let renderer = SDL_CreateRenderer(window, -1, 0) else {
            let reason = Self.lastError()
            SDL_DestroyWindow(window)
            SDL_Quit()
            throw .sdl("could not create a renderer: \(reason)")
        }
        self.window = window
        self.renderer = renderer
        #else
        throw .windowUnsupported
        #endif
    }

    deinit {
        close()
    }

    /// Closes the window and shuts SDL's video down; later calls do nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        #if SDL
        if let frameTexture { SDL_DestroyTexture(frameTexture.texture) }
        if let headUpTexture { SDL_DestroyTexture(headUpTexture.texture) }
        if let renderer { SDL_DestroyRenderer(renderer) }
        if let window { SDL_DestroyWindow(window) }
        frameTexture = nil
        headUpTexture = nil
        renderer = nil
        window = nil
        SDL_Quit()
        #endif
    }

    /// The drawable size in pixels.
    public var size: (width: Int, height: Int) {
        #if SDL
        guard let renderer, !closed else { return (0, 0) }
        var width: Int32 = 0, height: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &width, &height)
        return (Int(width), Int(height))
        #else
        return (0, 0)
        #endif
    }

    /// Handles pending window events: key presses go to ``controls``; the close
    /// button requests quitting. Never blocks.
    public func pollEvents() {
        #if SDL
        guard !closed else { return }
        var event = SDL_Event()
        while SDL_PollEvent(&event) != 0 {
            switch event.type {
            case SDL_QUIT.rawValue:
                controls.handle(.quit)
            case SDL_WINDOWEVENT.rawValue where UInt32(event.window.event) == SDL_WINDOWEVENT_CLOSE.rawValue:
                controls.handle(.quit)
            case SDL_KEYDOWN.rawValue:
                if let key = Self.key(for: event.key.keysym.sym) { controls.handle(key) }
            default:
                break
            }
        }
        #endif
    }

    /// Maps an SDL key code to a viewer key.
    static func key(for keyCode: Int32) -> ViewerKey? {
        switch keyCode {
        case 32: return .pauseResume                          // space
        case 0x4000_004F: return .stepForward                 // right arrow
        case 43, 61, 0x4000_0057: return .faster              // +, = (unshifted +), keypad +
        case 45, 0x4000_0056: return .slower                  // -, keypad -
        case 114: return .restart                             // r
        case 113, 27: return .quit                            // q, Esc
        default: return nil
        }
    }

    /// Shows `frame` with `headUp` above it, scaled to the window's current size.
    public func show(_ frame: Frame, headUp: String) {
        _ = render(frame, headUp: headUp, readBack: false)
    }

    /// Shows `frame` like ``show(_:headUp:)`` and returns the window's pixels as
    /// rendered, read back from SDL before presenting them.
    public func showReadingBack(_ frame: Frame, headUp: String) -> Frame? {
        render(frame, headUp: headUp, readBack: true)
    }

    private func render(_ frame: Frame, headUp: String, readBack: Bool) -> Frame? {
        let now = monotonicNow()
        if let lastShowTime {
            let rate = 1 / max(now - lastShowTime, 1e-6)
            measuredFramesPerSecond = measuredFramesPerSecond.map { $0 * 0.9 + rate * 0.1 } ?? rate
        }
        lastShowTime = now
        #if SDL
        guard let renderer, !closed else { return nil }
        let (width, height) = size
        guard width > 0, height > 0 else { return nil }
        // The same layout as ViewComposer, but SDL scales the frame (nearest
        // neighbour): uploading the small frame and a text strip instead of a
        // composed window-sized image costs several times less per frame.
        let stripHeight = min(height, ViewComposer.headUpHeight(forWidth: width))
        if canvas?.width != width || canvas?.height != stripHeight {
            canvas = Canvas(width: width, height: stripHeight, background: ViewComposer.background)
        }
        canvas!.fillRect(x: 0, y: 0, width: width, height: stripHeight, color: ViewComposer.background)
        ViewComposer.drawHeadUp(headUp, into: &canvas!)
        guard let stripTexture = upload(canvas!.frame, into: &headUpTexture),
              let frameTexture = upload(frame, into: &self.frameTexture) else { return nil }
        let background = ViewComposer.background
        SDL_SetRenderDrawColor(renderer, background.red, background.green, background.blue, 255)
        SDL_RenderClear(renderer)
        var stripRectangle = SDL_Rect(x: 0, y: 0, w: Int32(width), h: Int32(stripHeight))
        SDL_RenderCopy(renderer, stripTexture, nil, &stripRectangle)
        let target = ViewComposer.frameRectangle(frameWidth: frame.width, frameHeight: frame.height, width: width, height: height)
        var frameRectangle = SDL_Rect(x: Int32(target.x), y: Int32(target.y), w: Int32(target.width), h: Int32(target.height))
        SDL_RenderCopy(renderer, frameTexture, nil, &frameRectangle)
        var pixels: Frame?
        if readBack {
            // Reading back must come before presenting: afterwards the back buffer is undefined.
            var image = Frame(width: width, height: height)
            let status = image.pixels.withUnsafeMutableBytes { buffer in
                SDL_RenderReadPixels(renderer, nil, Self.rgb24Format, buffer.baseAddress, Int32(width * 3))
            }
            if status == 0 { pixels = image }
        }
        SDL_RenderPresent(renderer)
        return pixels
        #else
        return nil
        #endif
    }

    #if SDL
    /// Copies `frame` into `texture` (made or remade to the frame's size, sampled
    /// nearest-neighbour) as ARGB8888, the software renderer's own format, so SDL
    /// scales it without converting.
    private func upload(_ frame: Frame, into texture: inout (texture: OpaquePointer, width: Int, height: Int)?) -> OpaquePointer? {
        guard let renderer else { return nil }
        if texture == nil || texture!.width != frame.width || texture!.height != frame.height {
            if let old = texture { SDL_DestroyTexture(old.texture) }
            texture = nil
            guard let made = SDL_CreateTexture(renderer, Self.argb8888Format, Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                                               Int32(frame.width), Int32(frame.height)) else { return nil }
            SDL_SetTextureScaleMode(made, SDL_ScaleModeNearest)
            texture = (made, frame.width, frame.height)
        }
        let count = frame.width * frame.height
        if uploadBuffer.count < count { uploadBuffer = [UInt32](repeating: 0, count: count) }
        frame.pixels.withUnsafeBufferPointer { source in
            uploadBuffer.withUnsafeMutableBufferPointer { destination in
                for pixel in 0..<count {
                    destination[pixel] = 0xFF00_0000 | UInt32(source[pixel * 3]) << 16 | UInt32(source[pixel * 3 + 1]) << 8
                        | UInt32(source[pixel * 3 + 2])
                }
            }
        }
        uploadBuffer.withUnsafeBytes { bytes in
            _ = SDL_UpdateTexture(texture!.texture, nil, bytes.baseAddress, Int32(frame.width * 4))
        }
        return texture!.texture
    }
    #endif

    #if SDL
    private static func lastError() -> String {
        let message = String(cString: SDL_GetError())
        return message.isEmpty ? "unknown error" : message
    }
    #endif
}

// MARK: - Playback

extension ViewerWindow {
    /// Plays `source` in the window until it runs out, the user quits or the
    /// window closes: `framesPerSecond` steps a second at speed 1, the keys of
    /// ``ViewerKey`` in effect. After the last frame the window stays open for
    /// `lingerSeconds` (longer while paused) so the end can be seen.
    ///
    /// - Returns: whether the source was played to its end (`false` when the user quit).
    @discardableResult
    public func play(_ source: PlaybackSource, framesPerSecond: Double, lingerSeconds: Double = 2) throws -> Bool {
        var frame = try source.restartEpisode()
        var finished = false
        var finishedAt = 0.0
        var lastStepTime: Double?
        var stepRate: Double?
        var nextStep = monotonicNow() + 1 / framesPerSecond
        while !isClosed {
            pollEvents()
            if isClosed { break }
            let now = monotonicNow()
            if controls.restartRequested {
                controls.restartRequested = false
                frame = try source.restartEpisode()
                finished = false
                lastStepTime = nil
                nextStep = now + 1 / (framesPerSecond * controls.speed)
            } else if !finished && (controls.paused ? controls.takeAdvance() : now >= nextStep) {
                if let next = try source.advance() {
                    frame = next
                    if let lastStepTime {
                        let rate = 1 / max(now - lastStepTime, 1e-6)
                        stepRate = stepRate.map { $0 * 0.8 + rate * 0.2 } ?? rate
                    }
                    lastStepTime = now
                } else {
                    finished = true
                    finishedAt = now
                }
                nextStep = max(nextStep + 1 / (framesPerSecond * controls.speed), now - 0.1)
            }
            if finished && !controls.paused && now - finishedAt >= lingerSeconds { return true }
            var headUp = source.headUp
            headUp.framesPerSecond = controls.paused || finished ? nil : stepRate
            headUp.paused = controls.paused
            if finished { headUp.note = (headUp.note.map { $0 + "  " } ?? "") + "end: q quits, r restarts" }
            show(frame, headUp: headUp.text)
            // While paused or done, wake at 30 Hz to answer keys.
            let wait = (controls.paused || finished) ? 1.0 / 30 : nextStep - monotonicNow()
            sleep(seconds: min(wait, 1.0 / 30))
        }
        return false
    }
}
