import Environments
import Foundation

/// Shows a running computation (training) in a window without slowing it much.
///
/// The window lives on a display thread of its own: SDL's presenting waits on
/// the display server (several milliseconds a frame under Xvfb), and that wait
/// must not land on the computation. ``observe(headUp:frame:)`` is called at
/// every step on the computation's thread; only when a frame is due, at most
/// ``maximumFramesPerSecond`` times a second, does it draw the environment
/// (`frame()`) and hand the picture over. Frames the display thread has not
/// shown yet are replaced by newer ones, never queued.
///
/// Keys: space pauses the computation itself (``observe(headUp:frame:)`` then
/// waits), right arrow lets one step through while paused, `+`/`-` double or
/// halve the frame-rate cap, `q`, Esc or closing the window ask to stop. `r`
/// does nothing here.
public final class LiveView: @unchecked Sendable {
    /// The frame-rate cap at speed 1.
    public let maximumFramesPerSecond: Double
    /// Frames handed to the window so far.
    public private(set) var framesShown = 0
    /// CPU seconds the computation's thread spent drawing and handing over frames
    /// (not counting time paused, nor time other threads had the processor): what
    /// the live view cost the computation.
    public private(set) var secondsDrawing = 0.0

    // Computation-thread state.
    private var nextFrameTime = 0.0
    private var stepsSinceClockCheck = 0
    private var quitSeen = false

    // Shared with the display thread, under `condition`.
    private let condition = NSCondition()
    private var pending: (frame: Frame, headUp: HeadUpDisplay)?
    private var paused = false
    private var speed = 1.0
    private var stepGranted = false
    private var quitRequested = false
    private var stopRequested = false
    private var displayFinished = false

    /// Opens a window for `frameWidth`×`frameHeight` frames on a new display
    /// thread, drawing at most `maximumFramesPerSecond` frames a second (at speed 1).
    ///
    /// - Throws: what ``ViewerWindow/init(title:frameWidth:frameHeight:width:height:)`` throws, once
    ///   the display thread has ended (a window that fails to open never leaves a thread or a wait behind).
    public init(title: String, frameWidth: Int, frameHeight: Int, maximumFramesPerSecond: Double = 30) throws(ViewerError) {
        precondition(maximumFramesPerSecond > 0, "LiveView needs a positive frame-rate cap, got \(maximumFramesPerSecond)")
        self.maximumFramesPerSecond = maximumFramesPerSecond
        let opened = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var openingError: ViewerError?
        let thread = Thread { [self] in
            let window: ViewerWindow
            do throws(ViewerError) {
                window = try ViewerWindow(title: title, frameWidth: frameWidth, frameHeight: frameHeight)
            } catch {
                openingError = error
                // The failed init still runs deinit, whose close() waits for this flag:
                // without it a window that never opened would hang the process.
                condition.lock()
                displayFinished = true
                condition.unlock()
                opened.signal()
                return
            }
            opened.signal()
            runDisplay(window)
        }
        thread.name = "LiveView display"
        thread.start()
        opened.wait()
        if let openingError { throw openingError }
    }

    deinit {
        close()
    }

    /// Closes the window and ends the display thread; waits until it has.
    public func close() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        while !displayFinished { condition.wait() }
        condition.unlock()
    }

    /// Called once per step on the computation's thread; when a frame is due (or
    /// while paused) draws `frame()` with `headUp()` (the closures run only then)
    /// and hands it to the window, and blocks while paused.
    ///
    /// - Returns: `false` once the user asked to stop (q, Esc, window closed).
    public func observe(headUp: () -> HeadUpDisplay, frame: () -> Frame?) -> Bool {
        // Reading the clock every step would cost more than the rest of this check.
        stepsSinceClockCheck += 1
        guard stepsSinceClockCheck >= 8 else { return !quitSeen }
        stepsSinceClockCheck = 0
        let now = monotonicNow()
        condition.lock()
        let isPaused = paused, currentSpeed = speed
        quitSeen = quitRequested || displayFinished
        condition.unlock()
        guard !quitSeen else { return false }
        guard now >= nextFrameTime || isPaused else { return true }
        nextFrameTime = now + 1 / (maximumFramesPerSecond * currentSpeed)
        let cpuStart = threadCPUNow()
        guard let image = frame() else { return true }
        let facts = headUp()
        condition.lock()
        pending = (image, facts)
        condition.broadcast()
        condition.unlock()
        framesShown += 1
        secondsDrawing += threadCPUNow() - cpuStart
        guard isPaused else { return true }
        // Paused: wait for resume, a single step or quitting; every later step is shown.
        stepsSinceClockCheck = 8
        condition.lock()
        while paused && !stepGranted && !quitRequested && !displayFinished { condition.wait() }
        stepGranted = false
        quitSeen = quitRequested || displayFinished
        condition.unlock()
        return !quitSeen
    }

    // MARK: - Display thread

    private func runDisplay(_ window: ViewerWindow) {
        var current: (frame: Frame, headUp: HeadUpDisplay)?
        var shownPaused = false
        while true {
            condition.lock()
            if stopRequested {
                condition.unlock()
                break
            }
            let fresh = pending
            pending = nil
            condition.unlock()

            window.pollEvents()
            condition.lock()
            paused = window.controls.paused
            speed = window.controls.speed
            if window.controls.stepRequested {
                window.controls.stepRequested = false
                stepGranted = true
            }
            quitRequested = window.isClosed
            let isPaused = paused
            condition.broadcast()
            condition.unlock()

            if let fresh { current = fresh }
            if let current, fresh != nil || isPaused != shownPaused {
                var facts = current.headUp
                facts.paused = isPaused
                facts.framesPerSecond = isPaused ? nil : window.measuredFramesPerSecond
                window.show(current.frame, headUp: facts.text)
                shownPaused = isPaused
            }
            condition.lock()
            if pending == nil && !stopRequested {
                // Wake for a new frame, or at 60 Hz to answer keys.
                _ = condition.wait(until: Date(timeIntervalSinceNow: 1.0 / 60))
            }
            condition.unlock()
        }
        window.close()
        condition.lock()
        displayFinished = true
        condition.broadcast()
        condition.unlock()
    }
}
