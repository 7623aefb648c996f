/// An RGB image with 8 bits per channel, row-major from the top-left corner.
///
/// Every environment draws itself into a `Frame` (through ``Canvas``); the SDL
/// window, image export and pixel tests all read the same frames.
public struct Frame: Equatable, Hashable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 3` bytes: red, green, blue for each pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// Creates a frame filled with one colour.
    public init(width: Int, height: Int, fill: Color = .black) {
        precondition(width > 0 && height > 0, "Frame needs a positive size, got \(width)x\(height)")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        if fill != .black {
            for offset in stride(from: 0, to: pixels.count, by: 3) {
                pixels[offset] = fill.red
                pixels[offset + 1] = fill.green
                pixels[offset + 2] = fill.blue
            }
        }
        self.pixels = pixels
    }

    /// The colour at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Color {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height) frame")
            let offset = (y * width + x) * 3
            return Color(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height) frame")
            let offset = (y * width + x) * 3
            pixels[offset] = newValue.red
            pixels[offset + 1] = newValue.green
            pixels[offset + 2] = newValue.blue
        }
    }
}

/// An opaque RGB colour.
public struct Color: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    /// Creates a colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 255, green: 255, blue: 255)

    public var description: String { "rgb(\(red), \(green), \(blue))" }
}
