// Drawing only: reads the state, never changes it.
extension MemoryCorridor {
    /// The north cue's colour (blue).
    public static let northCueColor = Color(red: 60, green: 110, blue: 255)
    /// The south cue's colour (purple).
    public static let southCueColor = Color(red: 170, green: 60, blue: 220)
    /// Both ends (they look alike on purpose).
    public static let endColor = GridWorld.Palette.goal

    /// The whole map, ``GridWorld/tileSize`` pixels per cell, with the agent's
    /// view lightened, the cue in its colour and the agent as a disc.
    public func render() -> Frame? {
        let tile = GridWorld.tileSize
        var canvas = Canvas(width: map.width * tile, height: map.height * tile, background: GridWorld.Palette.floor)
        let half = viewSize / 2
        for y in 0..<map.height {
            for x in 0..<map.width {
                var color: Color
                switch map[x, y] {
                case .wall, .lava: color = GridWorld.Palette.wall
                case .goal: color = Self.endColor
                case .floor: color = GridWorld.Palette.floor
                }
                if x == cuePosition.x && y == cuePosition.y { color = cue == .north ? Self.northCueColor : Self.southCueColor }
                let inView = abs(x - agentPosition.x) <= half && abs(y - agentPosition.y) <= half
                if inView && map[x, y] == .floor { color = GridWorld.Palette.visibleFloor }
                canvas.fillRect(x: x * tile, y: y * tile, width: tile, height: tile, color: color)
                canvas.fillRect(x: x * tile, y: y * tile, width: tile, height: 1, color: GridWorld.Palette.gridLine)
                canvas.fillRect(x: x * tile, y: y * tile, width: 1, height: tile, color: GridWorld.Palette.gridLine)
            }
        }
        canvas.fillCircle(centerX: (Double(agentPosition.x) + 0.5) * Double(tile), centerY: (Double(agentPosition.y) + 0.5) * Double(tile),
                          radius: Double(tile) * 0.35, color: GridWorld.Palette.agent)
        return canvas.frame
    }

    /// The map as text: `#` wall, `.` floor, `E` an end, `N`/`S` the cue, `@` the agent.
    public func renderANSI() -> String? {
        var lines: [String] = []
        for y in 0..<map.height {
            var line = ""
            for x in 0..<map.width {
                if x == agentPosition.x && y == agentPosition.y {
                    line += ANSI.colored("@", foreground: GridWorld.Palette.agent)
                } else if x == cuePosition.x && y == cuePosition.y {
                    line += cue == .north ? ANSI.colored("N", foreground: Self.northCueColor) : ANSI.colored("S", foreground: Self.southCueColor)
                } else {
                    switch map[x, y] {
                    case .goal: line += ANSI.colored("E", foreground: Self.endColor)
                    case .floor: line += "."
                    case .wall, .lava: line += "#"
                    }
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
