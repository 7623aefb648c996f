extension Canvas {
    /// Draws `text` in the built-in ``BitmapFont`` with its top-left corner at
    /// (`x`, `y`).
    ///
    /// Each font pixel becomes a `scale`×`scale` square; only set pixels are
    /// drawn, so the background shows through. `"\n"` starts a new line
    /// ``BitmapFont/lineHeight`` × `scale` pixels lower. Characters outside
    /// printable ASCII draw as a hollow box. Everything is clipped to the frame.
    ///
    /// - Precondition: `scale > 0`.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: Color, scale: Int = 1) {
        precondition(scale > 0, "drawText needs a positive scale, got \(scale)")
        var penX = x, penY = y
        for character in text {
            if character == "\n" {
                penX = x
                penY += BitmapFont.lineHeight * scale
                continue
            }
            // Skipping glyphs wholly outside the frame keeps long clipped text cheap.
            let glyphRight = penX + BitmapFont.glyphWidth * scale
            let glyphBottom = penY + BitmapFont.glyphHeight * scale
            if glyphRight > 0, penX < width, glyphBottom > 0, penY < height {
                for (row, bits) in BitmapFont.rows(for: character).enumerated() where bits != 0 {
                    for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                        fillRect(x: penX + column * scale, y: penY + row * scale, width: scale, height: scale, color: color)
                    }
                }
            }
            penX += BitmapFont.advance * scale
        }
    }

    /// The size in pixels of the box `text` covers when drawn at `scale`:
    /// the widest line's glyphs with one blank column between them (none after
    /// the last), and each line's seven rows with one blank row between lines.
    /// An empty string measures `(0, 0)`.
    public static func textSize(_ text: String, scale: Int) -> (width: Int, height: Int) {
        guard !text.isEmpty else { return (0, 0) }
        var widestLine = 0, lineCount = 1, currentLine = 0
        for character in text {
            if character == "\n" {
                lineCount += 1
                currentLine = 0
            } else {
                currentLine += 1
                widestLine = max(widestLine, currentLine)
            }
        }
        let width = widestLine == 0 ? 0 : widestLine * BitmapFont.advance - (BitmapFont.advance - BitmapFont.glyphWidth)
        let height = lineCount * BitmapFont.lineHeight - (BitmapFont.lineHeight - BitmapFont.glyphHeight)
        return (width * scale, height * scale)
    }
}
