import Environments

/// Lays out what the viewer shows: a head-up line of text on a dark strip at the
/// top, and below it the frame scaled with nearest-neighbour sampling, centred,
/// keeping its aspect ratio.
///
/// The scale is a whole number whenever the frame fits at least once (so pixels
/// stay square and crisp), and a fraction only when the area is smaller than the
/// frame. The SDL window and the exported "window view" images use the same
/// composition, so a picture made headless looks like the window.
public enum ViewComposer {
    /// The colour around the scaled frame and behind the head-up line.
    public static let background = Color(red: 16, green: 16, blue: 16)
    /// The head-up text colour.
    public static let textColor = Color(red: 235, green: 235, blue: 235)
    /// Pixels between the text and the strip's edges.
    static let padding = 4
    /// The longest side a frame is scaled up to by ``preferredSize(frameWidth:frameHeight:)``.
    public static let comfortableSide = 640

    /// The whole-number scale that brings the frame's longer side closest to
    /// ``comfortableSide`` without passing it (at least 1).
    public static func preferredScale(frameWidth: Int, frameHeight: Int) -> Int {
        max(1, comfortableSide / max(frameWidth, frameHeight))
    }

    /// Views narrower than this get a head-up strip for text at scale 1.
    static let narrowWidth = 240

    /// The text scale of `text` on the head-up line of a view `width` pixels
    /// wide: 2 when it fits at 2 (and the view is not narrow), 1 otherwise.
    public static func textScale(for text: String, width: Int) -> Int {
        width >= narrowWidth && Canvas.textSize(text, scale: 2).width + 2 * padding <= width ? 2 : 1
    }

    /// Height of the head-up strip for a view `width` pixels wide: room for text
    /// at scale 2 (at scale 1 in a narrow view), whatever the text, so the frame
    /// does not jump when the line's length changes.
    public static func headUpHeight(forWidth width: Int) -> Int {
        BitmapFont.glyphHeight * (width >= narrowWidth ? 2 : 1) + 2 * padding
    }

    /// The initial size of a view of `frameWidth`×`frameHeight` frames: the frame at
    /// ``preferredScale(frameWidth:frameHeight:)`` with the head-up strip above it.
    public static func preferredSize(frameWidth: Int, frameHeight: Int) -> (width: Int, height: Int) {
        let scale = preferredScale(frameWidth: frameWidth, frameHeight: frameHeight)
        let width = frameWidth * scale
        return (width, frameHeight * scale + headUpHeight(forWidth: width))
    }

    /// Where the frame lands in a `width`×`height` view: the rectangle below the
    /// head-up strip, centred, at the largest whole-number scale that fits (or a
    /// fractional one when even scale 1 does not fit).
    public static func frameRectangle(frameWidth: Int, frameHeight: Int, width: Int, height: Int)
        -> (x: Int, y: Int, width: Int, height: Int) {
        let top = headUpHeight(forWidth: width)
        let areaWidth = max(1, width), areaHeight = max(1, height - top)
        var scaledWidth: Int, scaledHeight: Int
        let wholeScale = min(areaWidth / frameWidth, areaHeight / frameHeight)
        if wholeScale >= 1 {
            scaledWidth = frameWidth * wholeScale
            scaledHeight = frameHeight * wholeScale
        } else {
            let fraction = min(Double(areaWidth) / Double(frameWidth), Double(areaHeight) / Double(frameHeight))
            scaledWidth = max(1, Int(Double(frameWidth) * fraction))
            scaledHeight = max(1, Int(Double(frameHeight) * fraction))
        }
        return ((areaWidth - scaledWidth) / 2, top + (areaHeight - scaledHeight) / 2, scaledWidth, scaledHeight)
    }

    /// The `width`×`height` view of `frame` with `headUp` as its top line.
    public static func compose(_ frame: Frame, headUp: String, width: Int, height: Int) -> Frame {
        var canvas = Canvas(width: max(1, width), height: max(1, height), background: background)
        draw(frame, headUp: headUp, into: &canvas)
        return canvas.frame
    }

    /// Draws the view of `frame` with `headUp` over the whole of `canvas`.
    public static func draw(_ frame: Frame, headUp: String, into canvas: inout Canvas) {
        let width = canvas.width, height = canvas.height
        canvas.fillRect(x: 0, y: 0, width: width, height: height, color: background)
        let target = frameRectangle(frameWidth: frame.width, frameHeight: frame.height, width: width, height: height)
        let left = max(0, target.x), right = min(width, target.x + target.width)
        let top = max(0, target.y), bottom = min(height, target.y + target.height)
        if left < right, top < bottom {
            // Source column of each destination column, computed once per view.
            let sourceColumns = (left..<right).map { ($0 - target.x) * frame.width / target.width }
            frame.pixels.withUnsafeBufferPointer { source in
                canvas.frame.pixels.withUnsafeMutableBufferPointer { destination in
                    for row in top..<bottom {
                        let sourceRow = (row - target.y) * frame.height / target.height
                        let sourceRowStart = sourceRow * frame.width * 3
                        var offset = (row * width + left) * 3
                        for sourceColumn in sourceColumns {
                            let sourceOffset = sourceRowStart + sourceColumn * 3
                            destination[offset] = source[sourceOffset]
                            destination[offset + 1] = source[sourceOffset + 1]
                            destination[offset + 2] = source[sourceOffset + 2]
                            offset += 3
                        }
                    }
                }
            }
        }
        drawHeadUp(headUp, into: &canvas)
    }

    /// Draws the head-up line's text at the top of `canvas` (over what is there),
    /// laid out for a view as wide as the canvas.
    public static func drawHeadUp(_ headUp: String, into canvas: inout Canvas) {
        let scale = textScale(for: headUp, width: canvas.width)
        let textTop = (headUpHeight(forWidth: canvas.width) - BitmapFont.glyphHeight * scale) / 2
        canvas.drawText(headUp, x: padding, y: textTop, color: textColor, scale: scale)
    }
}
