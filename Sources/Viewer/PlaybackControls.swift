/// A key the viewer reacts to.
public enum ViewerKey: Sendable, Equatable {
    /// Space: pause or resume.
    case pauseResume
    /// Right arrow: one step while paused.
    case stepForward
    /// `+` (or `=`, keypad plus): faster.
    case faster
    /// `-` (keypad minus): slower.
    case slower
    /// `r`: restart the episode.
    case restart
    /// `q` or Esc (or closing the window): quit.
    case quit
}

/// The state the viewer's keys change: pause, speed, and requests for a single
/// step, a restart or quitting. Pure logic, so it is tested without a window.
public struct PlaybackControls: Sendable, Equatable {
    /// The speeds `+` and `-` move between, as multiples of the base frame rate.
    public static let speeds: [Double] = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32]

    /// Whether playback is paused.
    public var paused = false
    /// Index into ``speeds``.
    public private(set) var speedIndex = 3
    /// A single step asked for while paused, not yet taken.
    public var stepRequested = false
    /// A restart asked for, not yet done.
    public var restartRequested = false
    /// Whether the user asked to quit.
    public private(set) var quitRequested = false

    /// Controls at normal speed, running.
    public init() {}

    /// The current speed multiplier.
    public var speed: Double { Self.speeds[speedIndex] }

    /// Applies one key press.
    public mutating func handle(_ key: ViewerKey) {
        switch key {
        case .pauseResume: paused.toggle()
        case .stepForward: if paused { stepRequested = true }
        case .faster: speedIndex = min(speedIndex + 1, Self.speeds.count - 1)
        case .slower: speedIndex = max(speedIndex - 1, 0)
        case .restart: restartRequested = true
        case .quit: quitRequested = true
        }
    }

    /// Whether the next tick should advance: running, or a single step is pending
    /// (which this consumes).
    public mutating func takeAdvance() -> Bool {
        if !paused { return true }
        if stepRequested {
            stepRequested = false
            return true
        }
        return false
    }
}
