/// Why the viewer cannot open a window.
public enum ViewerError: Error, Equatable, CustomStringConvertible {
    /// No display to show a window on (no `DISPLAY`/`WAYLAND_DISPLAY`, or SDL
    /// could not start its video subsystem).
    case noDisplay(reason: String)
    /// This build has no window support (the `SDL` package trait was disabled).
    case windowUnsupported
    /// A display is named (`DISPLAY` or `WAYLAND_DISPLAY`) but SDL could not
    /// open it: no server listens there, or it refused the connection.
    case cannotOpenWindow(display: String, reason: String)
    /// SDL failed after starting (creating the window, renderer or texture).
    case sdl(String)

    public var description: String {
        switch self {
        case .noDisplay(let reason):
            return "no display to open a window on (\(reason)); write images instead with --export PATH.gif or --export DIR/, or run under a virtual display: xvfb-run -a rlrun ..."
        case .windowUnsupported:
            return "this build has no window (built without the SDL trait); write images instead with --export PATH.gif or --export DIR/"
        case .cannotOpenWindow(let display, let reason):
            return "cannot open the SDL window on \(display): \(reason); start that display, point DISPLAY at a running one, "
                + "or run under a virtual display: xvfb-run -a rlrun ..."
        case .sdl(let message):
            return "SDL error: \(message)"
        }
    }
}
