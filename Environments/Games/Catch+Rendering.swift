// Drawing only: reads the state, never changes it.
extension Catch {
    /// Pixels per cell in ``render()``.
    public static let tileSize = 24
    /// The empty board.
    public static let backgroundColor = Color(red: 20, green: 20, blue: 28)
    /// The ball.
    public static let ballColor = Color(red: 240, green: 200, blue: 40)
    /// The paddle.
    public static let paddleColor = Color(red: 80, green: 170, blue: 255)

    /// The board, ``tileSize`` pixels per cell: the ball as a disc, the paddle as a bar.
    public func render() -> Frame? {
        let tile = Self.tileSize
        var canvas = Canvas(width: columns * tile, height: rows * tile, background: Self.backgroundColor)
        canvas.fillRect(x: paddleColumn * tile + 1, y: (rows - 1) * tile + tile / 3, width: tile - 2, height: tile / 3,
                        color: Self.paddleColor)
        canvas.fillCircle(centerX: (Double(ballColumn) + 0.5) * Double(tile), centerY: (Double(ballRow) + 0.5) * Double(tile),
                          radius: Double(tile) * 0.35, color: Self.ballColor)
        return canvas.frame
    }

    /// The board as text, one line per row: `o` the ball, `=` the paddle, `·` empty.
    public func renderANSI() -> String? {
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                if row == ballRow && column == ballColumn {
                    line += ANSI.colored("o", foreground: Self.ballColor)
                } else if row == rows - 1 && column == paddleColumn {
                    line += ANSI.colored("=", foreground: Self.paddleColor)
                } else {
                    line += "·"
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
