#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Drawing only: reads the state, never changes it.
extension RobotNavigation {
    /// The colours of ``render()``, named so tests and viewers can check pixels.
    public enum Palette {
        /// Free floor.
        public static let floor = Color(red: 236, green: 236, blue: 228)
        /// Obstacles.
        public static let obstacle = Color(red: 70, green: 74, blue: 86)
        /// The goal region (a disc of `goalRadius`).
        public static let goal = Color(red: 40, green: 180, blue: 70)
        /// The oracle's planned path.
        public static let plannedPath = Color(red: 70, green: 120, blue: 230)
        /// The path the robot has driven.
        public static let trail = Color(red: 230, green: 140, blue: 30)
        /// Lidar beams, from the robot to what each beam hit.
        public static let lidarBeam = Color(red: 235, green: 90, blue: 90)
        /// The robot's disc.
        public static let robot = Color(red: 200, green: 30, blue: 40)
        /// The line from the robot's centre to its front, showing the heading.
        public static let heading = Color(red: 255, green: 255, blue: 255)
    }

    /// The frame's longer side, in pixels; the scale is this over the world's side.
    public static let frameSide = 400

    /// Pixels per metre in ``render()``.
    public var pixelsPerMetre: Double { Double(Self.frameSide) / max(world.width, world.height) }

    /// The pixel position of a world point (y flipped: north is up).
    public func pixel(of point: Vector2) -> (x: Double, y: Double) {
        let scale = pixelsPerMetre
        return (point.x * scale, (world.height - point.y) * scale)
    }

    /// A top-down view: floor, the planned path, the driven trail, the lidar
    /// beams, the obstacles, the goal region and the robot (a disc with a line to
    /// its front). The frame is ``frameSide`` pixels on the world's longer side,
    /// the same for every frame of a configuration.
    public func render() -> Frame? {
        let scale = pixelsPerMetre
        var canvas = Canvas(width: Int((world.width * scale).rounded()), height: Int((world.height * scale).rounded()),
                            background: Palette.floor)
        func line(_ a: Vector2, _ b: Vector2, _ thickness: Double, _ color: Color) {
            let from = pixel(of: a), to = pixel(of: b)
            canvas.drawLine(fromX: from.x, y: from.y, toX: to.x, y: to.y, thickness: thickness, color: color)
        }
        for (a, b) in zip(plannedPath.waypoints, plannedPath.waypoints.dropFirst()) { line(a, b, 2, Palette.plannedPath) }
        for (a, b) in zip(trail, trail.dropFirst()) { line(a, b, 2, Palette.trail) }
        if phase != .needsReset, !collided {
            for (beam, reading) in lidar.readings(in: world, from: position, heading: heading).enumerated() {
                let end = position + Vector2(angle: heading + lidar.beamOffset(beam)) * reading
                line(position, end, 1, Palette.lidarBeam)
            }
        }
        for obstacle in world.obstacles {
            switch obstacle {
            case .circle(let circle):
                let center = pixel(of: circle.center)
                canvas.fillCircle(centerX: center.x, centerY: center.y, radius: circle.radius * scale, color: Palette.obstacle)
            case .rectangle(let rectangle):
                canvas.fillPolygon(rectangle.corners.map { pixel(of: $0) }, color: Palette.obstacle)
            }
        }
        let goal = pixel(of: world.goal)
        canvas.fillCircle(centerX: goal.x, centerY: goal.y, radius: configuration.goalRadius * scale, color: Palette.goal)
        let robot = pixel(of: position)
        canvas.fillCircle(centerX: robot.x, centerY: robot.y, radius: configuration.robotRadius * scale, color: Palette.robot)
        line(position, position + Vector2(angle: heading) * configuration.robotRadius, 2, Palette.heading)
        return canvas.frame
    }

    /// A coarse character map, one character per 0.25 m across and 0.5 m down
    /// (terminal cells are about twice as tall as wide), with ANSI colours:
    /// `#` obstacle, `G` goal region, `>` `^` `<` `v` the robot (by heading),
    /// `o` the driven trail, `*` the planned path, `.` floor. Rows end with a newline.
    public func renderANSI() -> String? {
        renderText(colored: true)
    }

    /// The character map of ``renderANSI()``, with or without colour codes.
    public func renderText(colored: Bool) -> String {
        let cellWidth = 0.25, cellHeight = 0.5
        let columns = max(1, Int((world.width / cellWidth).rounded(.up)))
        let rows = max(1, Int((world.height / cellHeight).rounded(.up)))
        var marks = [Character](repeating: ".", count: columns * rows)
        func cell(of point: Vector2) -> Int? {
            let column = Int(point.x / cellWidth), row = rows - 1 - Int(point.y / cellHeight)
            guard point.x >= 0, point.y >= 0, column < columns, row >= 0 else { return nil }
            return row * columns + column
        }
        func markPolyline(_ points: [Vector2], _ symbol: Character) {
            for (a, b) in zip(points, points.dropFirst()) {
                let samples = max(1, Int((a.distance(to: b) / 0.1).rounded(.up)))
                for index in 0...samples {
                    if let cell = cell(of: a + (b - a) * (Double(index) / Double(samples))) { marks[cell] = symbol }
                }
            }
        }
        markPolyline(plannedPath.waypoints, "*")
        markPolyline(trail, "o")
        for row in 0..<rows {
            for column in 0..<columns {
                let center = Vector2(x: (Double(column) + 0.5) * cellWidth, y: world.height - (Double(row) + 0.5) * cellHeight)
                if world.obstacles.contains(where: { $0.distance(to: center) == 0 }) { marks[row * columns + column] = "#" }
                if center.distance(to: world.goal) <= configuration.goalRadius { marks[row * columns + column] = "G" }
            }
        }
        if let goalCell = cell(of: world.goal) { marks[goalCell] = "G" }
        if let robotCell = cell(of: position) {
            let quarter = Int(((wrapAngle(heading) + 2 * Double.pi + Double.pi / 4) / (Double.pi / 2)).rounded(.down)) % 4
            marks[robotCell] = [">", "^", "<", "v"][quarter]
        }
        var text = ""
        for row in 0..<rows {
            for column in 0..<columns {
                let symbol = marks[row * columns + column]
                guard colored else { text.append(symbol); continue }
                let color: Color
                switch symbol {
                case "#": color = Palette.obstacle
                case "G": color = Palette.goal
                case "o": color = Palette.trail
                case "*": color = Palette.plannedPath
                case ".": color = Color(red: 110, green: 110, blue: 110)
                default: color = Palette.robot
                }
                text += ANSI.colored(String(symbol), foreground: color)
            }
            text.append("\n")
        }
        return text
    }
}
