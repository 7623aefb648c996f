import Environments

/// Shows a running computation (training) in a ``ViewerWindow`` without slowing
/// it much: ``observe(headUp:frame:)`` is called at every step but draws only
/// when a frame is due, at most ``maximumFramesPerSecond`` times a second.
///
/// Keys: space pauses the computation itself (``observe(headUp:frame:)`` then
/// waits), right arrow lets one step through while paused, `+`/`-` double or
/// halve the frame-rate cap, `q`, Esc or closing the window ask to stop. `r` does
/// nothing here.
public final class LiveView {
    /// The window frames are shown in.
    public let window: ViewerWindow
    /// The frame-rate cap at speed 1.
    public let maximumFramesPerSecond: Double
    /// Frames drawn so far.
    public private(set) var framesShown = 0
    /// Seconds spent drawing and showing those frames (not counting time paused):
    /// what the live view cost the computation it shows.
    public private(set) var secondsDrawing = 0.0

    private var nextFrameTime = 0.0
    private var nextEventPoll = 0.0
    private var stepsSinceClockCheck = 0

    /// Shows frames in `window`, at most `maximumFramesPerSecond` a second (at speed 1).
    public init(window: ViewerWindow, maximumFramesPerSecond: Double = 30) {
        precondition(maximumFramesPerSecond > 0, "LiveView needs a positive frame-rate cap, got \(maximumFramesPerSecond)")
        self.window = window
        self.maximumFramesPerSecond = maximumFramesPerSecond
    }

    /// Called once per step; draws `frame()` with `headUp()` when a frame is due
    /// (the closures run only then), and blocks while paused.
    ///
    /// - Returns: `false` once the user asked to stop (q, Esc, window closed).
    public func observe(headUp: () -> HeadUpDisplay, frame: () -> Frame?) -> Bool {
        // Reading the clock every step would cost more than the rest of this check.
        stepsSinceClockCheck += 1
        guard stepsSinceClockCheck >= 8 || window.controls.paused else { return !window.isClosed }
        stepsSinceClockCheck = 0
        let now = monotonicNow()
        let paused = window.controls.paused
        guard !window.isClosed else { return false }
        guard now >= nextFrameTime || now >= nextEventPoll || paused else { return true }
        // Keys are answered about 30 times a second even when frames are rarer.
        window.pollEvents()
        nextEventPoll = now + 1.0 / 30
        guard !window.isClosed else { return false }
        guard now >= nextFrameTime || window.controls.paused else { return true }
        nextFrameTime = now + 1 / (maximumFramesPerSecond * window.controls.speed)
        guard let image = frame() else { return true }
        var facts = headUp()
        facts.framesPerSecond = window.measuredFramesPerSecond
        window.show(image, headUp: facts.text)
        framesShown += 1
        secondsDrawing += monotonicNow() - now
        while window.controls.paused && !window.isClosed {
            facts.paused = true
            facts.framesPerSecond = nil
            window.show(image, headUp: facts.text)
            sleep(seconds: 1.0 / 30)
            window.pollEvents()
            if window.controls.takeAdvance() { break }
        }
        return !window.isClosed
    }
}
