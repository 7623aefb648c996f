/// Draws shapes and text into a ``Frame``.
///
/// Coordinates are in pixels, origin at the top-left, x to the right and y down.
/// Everything drawn is clipped to the frame, so callers need not check bounds.
/// Environments draw through a canvas in their `render()`; drawing reads the
/// environment's state and never changes it.
public struct Canvas: Sendable {
    /// The image drawn so far.
    public var frame: Frame

    /// Creates a canvas of the given size filled with `background`.
    public init(width: Int, height: Int, background: Color = .black) {
        frame = Frame(width: width, height: height, fill: background)
    }

    /// Width in pixels.
    public var width: Int { frame.width }
    /// Height in pixels.
    public var height: Int { frame.height }

    /// Fills the axis-aligned rectangle with top-left corner (`x`, `y`).
    public mutating func fillRect(x: Int, y: Int, width: Int, height: Int, color: Color) {
        let left = max(0, x), right = min(frame.width, x + width)
        let top = max(0, y), bottom = min(frame.height, y + height)
        guard left < right, top < bottom else { return }
        let frameWidth = frame.width
        frame.pixels.withUnsafeMutableBufferPointer { pixels in
            for row in top..<bottom {
                var offset = (row * frameWidth + left) * 3
                for _ in left..<right {
                    pixels[offset] = color.red
                    pixels[offset + 1] = color.green
                    pixels[offset + 2] = color.blue
                    offset += 3
                }
            }
        }
    }

    /// Fills the disc of `radius` pixels around (`centerX`, `centerY`): every
    /// pixel whose centre lies within the radius.
    public mutating func fillCircle(centerX: Double, centerY: Double, radius: Double, color: Color) {
        guard radius > 0 else { return }
        let top = max(0, Int((centerY - radius).rounded(.down)))
        let bottom = min(frame.height - 1, Int((centerY + radius).rounded(.up)))
        let left = max(0, Int((centerX - radius).rounded(.down)))
        let right = min(frame.width - 1, Int((centerX + radius).rounded(.up)))
        guard top <= bottom, left <= right else { return }
        let radiusSquared = radius * radius
        for row in top...bottom {
            let dy = Double(row) + 0.5 - centerY
            for column in left...right {
                let dx = Double(column) + 0.5 - centerX
                if dx * dx + dy * dy <= radiusSquared {
                    frame[column, row] = color
                }
            }
        }
    }

    /// Draws a straight line of the given thickness (in pixels) between two points.
    public mutating func drawLine(fromX x0: Double, y y0: Double, toX x1: Double, y y1: Double, thickness: Double = 1, color: Color) {
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        let halfWidth = max(thickness, 1) / 2
        let steps = max(1, Int(length.rounded(.up)) * 2)
        // Stamping discs along the segment keeps thick lines round-capped and gap-free.
        for index in 0...steps {
            let t = Double(index) / Double(steps)
            let x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t
            if halfWidth <= 0.5 {
                let column = Int(x.rounded(.down)), row = Int(y.rounded(.down))
                if column >= 0, column < frame.width, row >= 0, row < frame.height {
                    frame[column, row] = color
                }
            } else {
                fillCircle(centerX: x, centerY: y, radius: halfWidth, color: color)
            }
        }
    }

    /// Fills a convex or concave polygon (even-odd rule, pixel centres).
    public mutating func fillPolygon(_ points: [(x: Double, y: Double)], color: Color) {
        guard points.count >= 3 else { return }
        let minY = max(0, Int(points.map(\.y).min()!.rounded(.down)))
        let maxY = min(frame.height - 1, Int(points.map(\.y).max()!.rounded(.up)))
        guard minY <= maxY else { return }
        for row in minY...maxY {
            let y = Double(row) + 0.5
            var crossings: [Double] = []
            for index in points.indices {
                let a = points[index], b = points[(index + 1) % points.count]
                if (a.y <= y && b.y > y) || (b.y <= y && a.y > y) {
                    crossings.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
                }
            }
            crossings.sort()
            var pair = 0
            while pair + 1 < crossings.count {
                let start = max(0, Int((crossings[pair] - 0.5).rounded(.up)))
                let end = min(frame.width - 1, Int((crossings[pair + 1] - 0.5).rounded(.down)))
                if start <= end {
                    for column in start...end { frame[column, row] = color }
                }
                pair += 2
            }
        }
    }
}
