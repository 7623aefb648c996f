import CPNG
import Environments
import Foundation

/// Writes and reads 8-bit RGB PNG files through libpng's simplified `png_image` API.
public enum PNGImage {
    /// `PNG_IMAGE_VERSION` and `PNG_FORMAT_RGB`, macros that Swift does not import.
    private static let imageVersion: UInt32 = 1
    private static let rgbFormat: UInt32 = 2

    /// Writes `frame` to `url` as an 8-bit RGB PNG, replacing any file there.
    public static func write(_ frame: Frame, to url: URL) throws(ImageExportError) {
        var image = png_image()
        image.version = imageVersion
        image.width = UInt32(frame.width)
        image.height = UInt32(frame.height)
        image.format = rgbFormat
        let written = frame.pixels.withUnsafeBytes { pixels in
            png_image_write_to_file(&image, url.path, 0, pixels.baseAddress, Int32(frame.width * 3), nil)
        }
        defer { png_image_free(&image) }
        guard written != 0 else { throw failure(image, path: url.path) }
    }

    /// Reads the PNG at `url` as an RGB frame (libpng converts grey, palette and
    /// 16-bit images; an alpha channel is composed over black).
    public static func read(from url: URL) throws(ImageExportError) -> Frame {
        var image = png_image()
        image.version = imageVersion
        guard png_image_begin_read_from_file(&image, url.path) != 0 else { throw failure(image, path: url.path) }
        image.format = rgbFormat
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0 else {
            png_image_free(&image)
            throw .library(path: url.path, library: "libpng", message: "empty image")
        }
        var frame = Frame(width: width, height: height)
        var background = png_color(red: 0, green: 0, blue: 0)
        let finished = frame.pixels.withUnsafeMutableBytes { pixels in
            png_image_finish_read(&image, &background, pixels.baseAddress, Int32(width * 3), nil)
        }
        defer { png_image_free(&image) }
        guard finished != 0 else { throw failure(image, path: url.path) }
        return frame
    }

    private static func failure(_ image: png_image, path: String) -> ImageExportError {
        var message = image.message
        let text = withUnsafeBytes(of: &message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return .library(path: path, library: "libpng", message: text.isEmpty ? "unknown error" : text)
    }
}
