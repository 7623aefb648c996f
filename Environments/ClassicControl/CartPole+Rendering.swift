#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Drawing only: reads the state, never changes it. The layout follows
// Gymnasium's CartPole renderer (600×400, the frame's width spans the
// termination range [−2.4, 2.4] m, 125 pixels per metre).
extension CartPole {
    /// Width of every rendered frame, pixels.
    public static let frameWidth = 600
    /// Height of every rendered frame, pixels.
    public static let frameHeight = 400

    /// Background of the frame.
    public static let backgroundColor = Color.white
    /// The horizontal track line.
    public static let trackColor = Color.black
    /// The cart's rectangle.
    public static let cartColor = Color.black
    /// The pole (a light brown).
    public static let poleColor = Color(red: 202, green: 152, blue: 101)
    /// The hinge joining pole and cart (a muted blue).
    public static let axleColor = Color(red: 129, green: 132, blue: 203)

    /// Pixels per metre: the frame's width shows cart positions in [−2.4, 2.4] m.
    public static var pixelsPerMetre: Double { Double(frameWidth) / (2 * positionThreshold) }
    /// Cart size in pixels.
    public static let cartWidthPixels = 50.0, cartHeightPixels = 30.0
    /// Pole thickness in pixels.
    public static let poleWidthPixels = 10.0
    /// Pole length (the full length, twice ``poleHalfLength``) in pixels.
    public static var poleLengthPixels: Double { pixelsPerMetre * 2 * poleHalfLength }
    /// Row of the cart's centre and of the track line, from the top.
    public static let trackRow = 300
    /// How far the hinge sits above the cart's centre, pixels.
    public static var axleOffsetPixels: Double { cartHeightPixels / 4 }

    /// The column of the cart's centre for a cart position in metres.
    public static func cartCenterColumn(forPosition position: Double) -> Double {
        position * pixelsPerMetre + Double(frameWidth) / 2
    }

    /// Draws the current state: track, cart, pole and hinge on white, 600×400.
    public func render() -> Frame? {
        var canvas = Canvas(width: Self.frameWidth, height: Self.frameHeight, background: Self.backgroundColor)
        let centerX = Self.cartCenterColumn(forPosition: state.cartPosition)
        let centerY = Double(Self.trackRow)

        canvas.fillRect(x: 0, y: Self.trackRow, width: Self.frameWidth, height: 1, color: Self.trackColor)
        canvas.fillRect(
            x: Int((centerX - Self.cartWidthPixels / 2).rounded()),
            y: Int((centerY - Self.cartHeightPixels / 2).rounded()),
            width: Int(Self.cartWidthPixels), height: Int(Self.cartHeightPixels),
            color: Self.cartColor)

        // The pole is a rectangle from half its width below the hinge to its
        // length above, turned by the angle (positive leans towards +x).
        let axleX = centerX, axleY = centerY - Self.axleOffsetPixels
        let alongX = sin(state.poleAngle), alongY = -cos(state.poleAngle)
        let acrossX = -alongY, acrossY = alongX
        let halfWidth = Self.poleWidthPixels / 2
        let corners: [(x: Double, y: Double)] = [
            (-halfWidth, -halfWidth), (-halfWidth, Self.poleLengthPixels - halfWidth),
            (halfWidth, Self.poleLengthPixels - halfWidth), (halfWidth, -halfWidth),
        ].map { across, along in
            (axleX + across * acrossX + along * alongX, axleY + across * acrossY + along * alongY)
        }
        canvas.fillPolygon(corners, color: Self.poleColor)
        canvas.fillCircle(centerX: axleX, centerY: axleY, radius: halfWidth, color: Self.axleColor)
        return canvas.frame
    }

    /// Two lines of text: the track from −2.4 m to 2.4 m with the cart (`█`) and
    /// the pole's lean above it (`|`, `/` or `\` in the pole's colour), then the
    /// four state values with units.
    public func renderANSI() -> String? {
        let trackCells = 49
        let fraction = (state.cartPosition + Self.positionThreshold) / (2 * Self.positionThreshold)
        let cartCell = min(trackCells - 1, max(0, Int((fraction * Double(trackCells - 1)).rounded())))
        let degrees = state.poleAngle * 180 / Double.pi
        let poleGlyph = abs(degrees) < 3 ? "|" : (degrees > 0 ? "/" : "\\")

        let poleLine = String(repeating: " ", count: cartCell + 1)
            + ANSI.colored(poleGlyph, foreground: Self.poleColor)
        var track = Array(repeating: "─", count: trackCells)
        track[cartCell] = "█"
        let trackLine = "[" + track.joined() + "]"
        let values = "x \(formatted(state.cartPosition)) m  ẋ \(formatted(state.cartVelocity)) m/s  "
            + "θ \(formatted(degrees))°  θ̇ \(formatted(state.poleAngularVelocity)) rad/s"
        return poleLine + "\n" + trackLine + "  " + values
    }

    /// A signed number with two decimals, such as `+0.25` or `-1.50`.
    private func formatted(_ value: Double) -> String {
        let hundredths = Int((abs(value) * 100).rounded())
        let fractionDigits = hundredths % 100
        return (value < 0 && hundredths != 0 ? "-" : "+") + "\(hundredths / 100)." + (fractionDigits < 10 ? "0" : "") + "\(fractionDigits)"
    }
}
