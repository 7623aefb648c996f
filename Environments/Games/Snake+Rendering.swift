// Drawing only: reads the state, never changes it.
extension Snake {
    /// Pixels per cell in ``render()``.
    public static let tileSize = 16
    /// The empty board.
    public static let backgroundColor = Color(red: 16, green: 24, blue: 16)
    /// The snake's body.
    public static let bodyColor = Color(red: 60, green: 180, blue: 75)
    /// The snake's head.
    public static let headColor = Color(red: 190, green: 240, blue: 100)
    /// The food.
    public static let foodColor = Color(red: 230, green: 50, blue: 50)

    /// The board, ``tileSize`` pixels per cell.
    public func render() -> Frame? {
        let tile = Self.tileSize
        var canvas = Canvas(width: width * tile, height: height * tile, background: Self.backgroundColor)
        for cell in body {
            canvas.fillRect(x: cell % width * tile + 1, y: cell / width * tile + 1, width: tile - 2, height: tile - 2,
                            color: cell == head ? Self.headColor : Self.bodyColor)
        }
        if food >= 0 {
            canvas.fillCircle(centerX: (Double(food % width) + 0.5) * Double(tile), centerY: (Double(food / width) + 0.5) * Double(tile),
                              radius: Double(tile) * 0.35, color: Self.foodColor)
        }
        return canvas.frame
    }

    /// The board as text inside a border: `@` head, `o` body, `*` food.
    public func renderANSI() -> String? {
        var grid = [String](repeating: " ", count: width * height)
        for cell in body { grid[cell] = ANSI.colored("o", foreground: Self.bodyColor) }
        grid[head] = ANSI.colored("@", foreground: Self.headColor)
        if food >= 0 { grid[food] = ANSI.colored("*", foreground: Self.foodColor) }
        var lines = ["+" + String(repeating: "-", count: width) + "+"]
        for row in 0..<height {
            lines.append("|" + grid[row * width..<(row + 1) * width].joined() + "|")
        }
        lines.append(lines[0])
        lines.append("length \(length)  steps \(stepCount)")
        return lines.joined(separator: "\n")
    }
}
