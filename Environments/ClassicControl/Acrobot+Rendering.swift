#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Drawing only: reads the state, never changes it. The layout follows
// Gymnasium's Acrobot renderer (500×500, ±2.2 m around the pivot, the target
// line one link length above the pivot).
extension Acrobot {
    /// Side of every rendered (square) frame, pixels.
    public static let frameSize = 500

    /// Background.
    public static let backgroundColor = Color.white
    /// The target height line.
    public static let targetLineColor = Color.black
    /// The links (teal).
    public static let linkColor = Color(red: 0, green: 204, blue: 204)
    /// The joints (yellow).
    public static let jointColor = Color(red: 204, green: 204, blue: 0)

    /// Pixels per metre: the frame shows ±2.2 m around the pivot.
    public static var pixelsPerMetre: Double { Double(frameSize) / (2 * (linkLength1 + linkLength2 + 0.2)) }

    /// The frame point of a point `metres` = (right, up) from the pivot.
    public static func framePoint(right: Double, up: Double) -> (x: Double, y: Double) {
        let centre = Double(frameSize) / 2
        return (centre + right * pixelsPerMetre, centre - up * pixelsPerMetre)
    }

    /// Draws the target line, both links and the joints.
    public func render() -> Frame? {
        var canvas = Canvas(width: Self.frameSize, height: Self.frameSize, background: Self.backgroundColor)
        let line = Self.framePoint(right: 0, up: Self.linkLength1)
        canvas.drawLine(fromX: 0, y: line.y, toX: Double(Self.frameSize), y: line.y, color: Self.targetLineColor)

        // θ₁ = 0 hangs straight down; the second link's angle adds to the first's.
        let joint = (right: Self.linkLength1 * sin(state.angle1), up: -Self.linkLength1 * cos(state.angle1))
        let links = [(start: (right: 0.0, up: 0.0), angle: state.angle1, length: Self.linkLength1),
                     (start: joint, angle: state.angle1 + state.angle2, length: Self.linkLength2)]
        let halfWidth = 0.1
        for link in links {
            let alongRight = sin(link.angle), alongUp = -cos(link.angle)
            let acrossRight = -alongUp, acrossUp = alongRight
            let corners = [(0.0, -halfWidth), (0.0, halfWidth), (link.length, halfWidth), (link.length, -halfWidth)].map { along, across in
                Self.framePoint(right: link.start.right + along * alongRight + across * acrossRight,
                                up: link.start.up + along * alongUp + across * acrossUp)
            }
            canvas.fillPolygon(corners, color: Self.linkColor)
            let centre = Self.framePoint(right: link.start.right, up: link.start.up)
            canvas.fillCircle(centerX: centre.x, centerY: centre.y, radius: halfWidth * Self.pixelsPerMetre, color: Self.jointColor)
        }
        return canvas.frame
    }

    /// One line: both angles in degrees, both angular velocities, and the free
    /// end's height above the pivot against the target (1 m).
    public func renderANSI() -> String? {
        let height = -cos(state.angle1) - cos(state.angle1 + state.angle2)
        let degrees = 180 / Double.pi
        return "θ1 \(formatted(state.angle1 * degrees, digits: 1))°  θ2 \(formatted(state.angle2 * degrees, digits: 1))°  "
            + "θ̇1 \(formatted(state.angularVelocity1, digits: 2))  θ̇2 \(formatted(state.angularVelocity2, digits: 2)) rad/s  "
            + "tip \(formatted(height, digits: 2)) m (target > +1.00)"
    }
}
