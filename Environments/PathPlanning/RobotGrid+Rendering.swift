// Drawing only: reads the state, never changes it.
extension RobotGrid {
    /// The side of one cell in ``render()``'s frame, in pixels.
    public static let tileSize = 16

    /// The cells as tiles (``RobotNavigation/Palette`` colours): floor, obstacles,
    /// the A* path as small squares, the visited cells as smaller ones, the goal
    /// cell and the robot as a disc. North is up. The frame is
    /// `size · tileSize` pixels square.
    public func render() -> Frame? {
        let tile = Self.tileSize, size = configuration.size
        var canvas = Canvas(width: size * tile, height: size * tile, background: RobotNavigation.Palette.floor)
        func origin(_ cell: Int) -> (x: Int, y: Int) { (cell % size * tile, (size - 1 - cell / size) * tile) }
        for cell in 0..<(size * size) where grid.blocked[cell] {
            let corner = origin(cell)
            canvas.fillRect(x: corner.x, y: corner.y, width: tile, height: tile, color: RobotNavigation.Palette.obstacle)
        }
        for cell in shortestPathCells {
            let corner = origin(cell)
            canvas.fillRect(x: corner.x + tile / 2 - 3, y: corner.y + tile / 2 - 3, width: 6, height: 6, color: RobotNavigation.Palette.plannedPath)
        }
        for cell in trail {
            let corner = origin(cell)
            canvas.fillRect(x: corner.x + tile / 2 - 2, y: corner.y + tile / 2 - 2, width: 4, height: 4, color: RobotNavigation.Palette.trail)
        }
        let goal = origin(goalCell)
        canvas.fillRect(x: goal.x + 1, y: goal.y + 1, width: tile - 2, height: tile - 2, color: RobotNavigation.Palette.goal)
        let robot = origin(robotCell)
        canvas.fillCircle(centerX: Double(robot.x) + Double(tile) / 2, centerY: Double(robot.y) + Double(tile) / 2,
                          radius: Double(tile) * 0.38, color: RobotNavigation.Palette.robot)
        return canvas.frame
    }

    /// One character per cell with ANSI colours: `#` obstacle, `G` goal, `R`
    /// robot, `o` visited, `*` the A* path, `.` floor; north up, rows end with a newline.
    public func renderANSI() -> String? {
        renderText(colored: true)
    }

    /// The character grid of ``renderANSI()``, with or without colour codes.
    public func renderText(colored: Bool) -> String {
        let size = configuration.size
        var marks = [Character](repeating: ".", count: size * size)
        for cell in shortestPathCells { marks[cell] = "*" }
        for cell in trail { marks[cell] = "o" }
        for cell in 0..<(size * size) where grid.blocked[cell] { marks[cell] = "#" }
        marks[goalCell] = "G"
        marks[robotCell] = "R"
        var text = ""
        for displayRow in 0..<size {
            let row = size - 1 - displayRow
            for column in 0..<size {
                let symbol = marks[row * size + column]
                guard colored else { text.append(symbol); continue }
                let color: Color
                switch symbol {
                case "#": color = RobotNavigation.Palette.obstacle
                case "G": color = RobotNavigation.Palette.goal
                case "R": color = RobotNavigation.Palette.robot
                case "o": color = RobotNavigation.Palette.trail
                case "*": color = RobotNavigation.Palette.plannedPath
                default: color = Color(red: 110, green: 110, blue: 110)
                }
                text += ANSI.colored(String(symbol), foreground: color)
            }
            text.append("\n")
        }
        return text
    }
}
