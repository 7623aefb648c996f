/// Escape codes for colouring terminal text, as environments use in `renderANSI()`.
///
/// Colours are 24-bit ("truecolor", `ESC[38;2;R;G;Bm`), which current terminal
/// emulators show exactly; ``reset`` returns to the terminal's own colours.
public enum ANSI {
    /// The escape character that starts every code.
    public static let escape = "\u{1B}"
    /// Resets colours and attributes to the terminal's defaults.
    public static let reset = "\u{1B}[0m"
    /// Resets only the background to the terminal's default.
    public static let defaultBackground = "\u{1B}[49m"

    /// The code that sets the text (foreground) colour.
    public static func foreground(_ color: Color) -> String {
        "\u{1B}[38;2;\(color.red);\(color.green);\(color.blue)m"
    }

    /// The code that sets the background colour.
    public static func background(_ color: Color) -> String {
        "\u{1B}[48;2;\(color.red);\(color.green);\(color.blue)m"
    }

    /// `text` in the given colours, followed by ``reset``.
    public static func colored(_ text: String, foreground: Color, background: Color? = nil) -> String {
        var result = Self.foreground(foreground)
        if let background { result += Self.background(background) }
        return result + text + reset
    }
}

/// Shows any ``Frame`` in a terminal with half-block characters.
///
/// The frame is divided into `columns` cells across; each cell is square in
/// pixels and each character shows two cells stacked vertically: `▀` with the
/// foreground set to the upper cell's colour and the background to the lower
/// cell's. A cell's colour is the rounded mean of the pixels it covers, so thin
/// lines fade rather than vanish. A colour code is written only when it differs
/// from the previous character's on the same line; each line ends with
/// ``ANSI/reset`` and lines are separated by `"\n"` (no trailing newline). When
/// the number of cell rows is odd, the last line's lower halves keep the
/// terminal's default background.
///
/// - Parameter columns: characters per line, clamped to `1...frame.width`.
public func renderFrameANSI(_ frame: Frame, columns: Int) -> String {
    let columns = min(max(1, columns), frame.width)
    let cellSize = Double(frame.width) / Double(columns)
    let cellRows = min(frame.height, max(1, Int((Double(frame.height) / cellSize).rounded())))
    let columnEdges = (0...columns).map { $0 * frame.width / columns }
    let rowEdges = (0...cellRows).map { $0 * frame.height / cellRows }

    func meanColor(column: Int, row: Int) -> Color {
        var red = 0, green = 0, blue = 0
        let left = columnEdges[column], right = columnEdges[column + 1]
        let top = rowEdges[row], bottom = rowEdges[row + 1]
        for y in top..<bottom {
            var offset = (y * frame.width + left) * 3
            for _ in left..<right {
                red += Int(frame.pixels[offset])
                green += Int(frame.pixels[offset + 1])
                blue += Int(frame.pixels[offset + 2])
                offset += 3
            }
        }
        let count = (right - left) * (bottom - top)
        func mean(_ sum: Int) -> UInt8 { UInt8((sum + count / 2) / count) }
        return Color(red: mean(red), green: mean(green), blue: mean(blue))
    }

    var lines: [String] = []
    for row in stride(from: 0, to: cellRows, by: 2) {
        var line = ""
        var currentForeground: Color?
        var currentBackground: Color?
        var backgroundIsDefault = false
        for column in 0..<columns {
            let upper = meanColor(column: column, row: row)
            if upper != currentForeground {
                line += ANSI.foreground(upper)
                currentForeground = upper
            }
            if row + 1 < cellRows {
                let lower = meanColor(column: column, row: row + 1)
                if lower != currentBackground {
                    line += ANSI.background(lower)
                    currentBackground = lower
                }
            } else if !backgroundIsDefault {
                line += ANSI.defaultBackground
                backgroundIsDefault = true
            }
            line += "▀"
        }
        lines.append(line + ANSI.reset)
    }
    return lines.joined(separator: "\n")
}
