#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Drawing only: reads the state, never changes it. The layout follows
// Gymnasium's MountainCar renderer (600×400, the track's x range [−1.2, 0.6]
// spans the frame's width, height 0.45·sin(3x) + 0.55 scaled the same way).
extension MountainCar {
    /// Width of every rendered frame, pixels.
    public static let frameWidth = 600
    /// Height of every rendered frame, pixels.
    public static let frameHeight = 400

    /// Background.
    public static let backgroundColor = Color.white
    /// The hill profile.
    public static let trackColor = Color.black
    /// The car's body.
    public static let carColor = Color.black
    /// The wheels (grey).
    public static let wheelColor = Color(red: 128, green: 128, blue: 128)
    /// The flag at the goal (yellow).
    public static let flagColor = Color(red: 204, green: 204, blue: 0)

    /// Pixels per position unit.
    public static var pixelsPerUnit: Double { Double(frameWidth) / (maximumPosition - minimumPosition) }

    /// The track's height at position `x`, in position units.
    public static func trackHeight(at x: Double) -> Double { sin(3 * x) * 0.45 + 0.55 }

    /// The frame point (column, row) of track position `x` raised by `lift` pixels.
    public static func framePoint(position x: Double, lift: Double = 0) -> (x: Double, y: Double) {
        ((x - minimumPosition) * pixelsPerUnit, Double(frameHeight) - (trackHeight(at: x) * pixelsPerUnit + lift))
    }

    /// Draws the hills, the flag at the goal and the car tilted with the slope.
    public func render() -> Frame? {
        var canvas = Canvas(width: Self.frameWidth, height: Self.frameHeight, background: Self.backgroundColor)
        let samples = 100
        var previous = Self.framePoint(position: Self.minimumPosition)
        for index in 1..<samples {
            let x = Self.minimumPosition + (Self.maximumPosition - Self.minimumPosition) * Double(index) / Double(samples - 1)
            let point = Self.framePoint(position: x)
            canvas.drawLine(fromX: previous.x, y: previous.y, toX: point.x, y: point.y, color: Self.trackColor)
            previous = point
        }

        let flagBase = Self.framePoint(position: Self.goalPosition)
        canvas.drawLine(fromX: flagBase.x, y: flagBase.y, toX: flagBase.x, y: flagBase.y - 50, color: Self.trackColor)
        canvas.fillPolygon([(flagBase.x, flagBase.y - 50), (flagBase.x, flagBase.y - 40), (flagBase.x + 25, flagBase.y - 45)],
                           color: Self.flagColor)

        // The body is 40 × 20 pixels, 10 pixels above the track, turned by the slope angle.
        let clearance = 10.0, halfWidth = 20.0, bodyHeight = 20.0
        let anchor = Self.framePoint(position: state.position, lift: clearance)
        let angle = cos(3 * state.position)
        func turned(_ along: Double, _ up: Double) -> (x: Double, y: Double) {
            (anchor.x + along * cos(angle) - up * sin(angle), anchor.y - (along * sin(angle) + up * cos(angle)))
        }
        canvas.fillPolygon([turned(-halfWidth, 0), turned(-halfWidth, bodyHeight), turned(halfWidth, bodyHeight), turned(halfWidth, 0)],
                           color: Self.carColor)
        for along in [-halfWidth / 2, halfWidth / 2] {
            let wheel = turned(along, 0)
            canvas.fillCircle(centerX: wheel.x, centerY: wheel.y, radius: bodyHeight / 2.5, color: Self.wheelColor)
        }
        return canvas.frame
    }

    /// One line: the track from −1.2 to 0.6 with the car (`█`) and the goal
    /// (`⚑`), then position and velocity.
    public func renderANSI() -> String? {
        let cells = 49
        func cell(_ x: Double) -> Int {
            let fraction = (x - Self.minimumPosition) / (Self.maximumPosition - Self.minimumPosition)
            return min(cells - 1, max(0, Int((fraction * Double(cells - 1)).rounded())))
        }
        var track = Array(repeating: "─", count: cells)
        track[cell(Self.goalPosition)] = "⚑"
        track[cell(state.position)] = "█"
        return "[" + track.joined() + "]  x \(formatted(state.position, digits: 3))  v \(formatted(state.velocity, digits: 4))"
    }
}

/// `value` with a sign and `digits` decimals, such as `+0.250` or `-1.500`.
func formatted(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let units = Int((abs(value) * scale).rounded())
    let whole = units / Int(scale), fraction = String(units % Int(scale))
    let sign = value < 0 && units != 0 ? "-" : "+"
    return sign + "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}
