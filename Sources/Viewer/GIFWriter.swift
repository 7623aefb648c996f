import CGIF
import Environments
import Foundation

/// Writes an animated GIF (GIF89a, looping forever) one frame at a time through giflib.
///
/// Each frame carries its own colour table. A frame with at most 256 colours
/// (every environment frame so far) is stored exactly; one with more is reduced
/// to 256 colours by giflib's median-cut quantiser, so it comes back close but
/// not identical. Frames are streamed to the file, so long episodes need no
/// more memory than one frame.
public final class GIFWriter {
    /// Width and height of every frame, in pixels.
    public let width: Int, height: Int
    /// How long each frame shows, in hundredths of a second.
    public let delayCentiseconds: Int
    /// The file being written.
    public let url: URL

    private var file: UnsafeMutablePointer<GifFileType>?
    private var indices: [UInt8]

    /// Creates `url` (replacing any file there) for frames of `width`×`height`.
    ///
    /// - Parameter delayCentiseconds: display time per frame; GIF counts in
    ///   hundredths of a second and most viewers treat less than 2 as 10, so it is
    ///   raised to at least 2.
    public init(url: URL, width: Int, height: Int, delayCentiseconds: Int) throws(ImageExportError) {
        precondition(width > 0 && height > 0 && width <= 65_535 && height <= 65_535, "GIF frames are 1...65535 pixels a side, got \(width)x\(height)")
        self.url = url
        self.width = width
        self.height = height
        self.delayCentiseconds = max(2, min(delayCentiseconds, 65_535))
        self.indices = [UInt8](repeating: 0, count: width * height)
        // Opened here rather than by EGifOpenFileName, which creates files readable
        // by their owner only; this way the umask decides, as for any other file.
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        guard descriptor >= 0 else {
            throw .library(path: url.path, library: "giflib", message: String(cString: strerror(errno)))
        }
        var error: Int32 = 0
        guard let file = EGifOpenFileHandle(descriptor, &error) else {
            close(descriptor)
            throw Self.failure(path: url.path, code: error)
        }
        self.file = file
        EGifSetGifVersion(file, true)
        guard EGifPutScreenDesc(file, Int32(width), Int32(height), 8, 0, nil) == GIF_OK else {
            throw abandon()
        }
        // The NETSCAPE2.0 application block with loop count 0: repeat forever.
        let applicationName = Array("NETSCAPE2.0".utf8)
        let loopForever: [UInt8] = [1, 0, 0]
        guard EGifPutExtensionLeader(file, 0xFF) == GIF_OK,
              EGifPutExtensionBlock(file, Int32(applicationName.count), applicationName) == GIF_OK,
              EGifPutExtensionBlock(file, Int32(loopForever.count), loopForever) == GIF_OK,
              EGifPutExtensionTrailer(file) == GIF_OK else {
            throw abandon()
        }
    }

    deinit {
        if let file {
            var error: Int32 = 0
            EGifCloseFile(file, &error)
        }
    }

    /// Appends `frame`, which must be `width`×`height`.
    public func append(_ frame: Frame) throws(ImageExportError) {
        guard let file else { preconditionFailure("GIFWriter.append after finish()") }
        guard frame.width == width, frame.height == height else {
            throw .frameSizeChanged(expected: "\(width)x\(height)", actual: "\(frame.width)x\(frame.height)")
        }
        var palette = Self.exactPalette(of: frame, indices: &indices) ?? quantize(frame)
        let tableSize = max(2, 1 << Int(ceil(log2(Double(max(palette.count, 2))))))
        palette += [GifColorType](repeating: GifColorType(Red: 0, Green: 0, Blue: 0), count: tableSize - palette.count)
        guard let colorMap = GifMakeMapObject(Int32(tableSize), palette) else {
            throw .library(path: url.path, library: "giflib", message: "could not allocate a colour table")
        }
        defer { GifFreeMapObject(colorMap) }

        var control = GraphicsControlBlock(DisposalMode: 1, UserInputFlag: false, DelayTime: Int32(delayCentiseconds),
                                           TransparentColor: -1)
        var extensionBytes = [UInt8](repeating: 0, count: 4)
        let extensionLength = EGifGCBToExtension(&control, &extensionBytes)
        guard EGifPutExtension(file, 0xF9, Int32(extensionLength), extensionBytes) == GIF_OK,
              EGifPutImageDesc(file, 0, 0, Int32(width), Int32(height), false, colorMap) == GIF_OK else {
            throw abandon()
        }
        let written = indices.withUnsafeMutableBufferPointer { indices in
            EGifPutLine(file, indices.baseAddress, Int32(indices.count))
        }
        guard written == GIF_OK else { throw abandon() }
    }

    /// Writes the GIF trailer and closes the file; the writer takes no more frames.
    public func finish() throws(ImageExportError) {
        guard let file else { return }
        self.file = nil
        var error: Int32 = 0
        guard EGifCloseFile(file, &error) == GIF_OK else { throw Self.failure(path: url.path, code: error) }
    }

    /// The colours of `frame` in order of first appearance, with `indices` set to
    /// each pixel's entry; `nil` when there are more than 256.
    static func exactPalette(of frame: Frame, indices: inout [UInt8]) -> [GifColorType]? {
        var palette: [GifColorType] = []
        var lookup: [UInt32: UInt8] = [:]
        var previousKey = UInt32.max, previousIndex: UInt8 = 0
        let complete = frame.pixels.withUnsafeBufferPointer { pixels in
            indices.withUnsafeMutableBufferPointer { indices in
                for pixel in 0..<indices.count {
                    let red = pixels[pixel * 3], green = pixels[pixel * 3 + 1], blue = pixels[pixel * 3 + 2]
                    let key = UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
                    // Neighbouring pixels mostly share a colour; skip the dictionary for them.
                    if key != previousKey {
                        if let known = lookup[key] {
                            previousIndex = known
                        } else {
                            guard palette.count < 256 else { return false }
                            previousIndex = UInt8(palette.count)
                            lookup[key] = previousIndex
                            palette.append(GifColorType(Red: red, Green: green, Blue: blue))
                        }
                        previousKey = key
                    }
                    indices[pixel] = previousIndex
                }
                return true
            }
        }
        return complete ? palette : nil
    }

    /// Reduces `frame` to 256 colours with giflib's quantiser, setting `indices`.
    private func quantize(_ frame: Frame) -> [GifColorType] {
        let count = width * height
        var red = [UInt8](repeating: 0, count: count), green = red, blue = red
        for pixel in 0..<count {
            red[pixel] = frame.pixels[pixel * 3]
            green[pixel] = frame.pixels[pixel * 3 + 1]
            blue[pixel] = frame.pixels[pixel * 3 + 2]
        }
        var colorCount: Int32 = 256
        var palette = [GifColorType](repeating: GifColorType(Red: 0, Green: 0, Blue: 0), count: 256)
        _ = GifQuantizeBuffer(UInt32(width), UInt32(height), &colorCount, &red, &green, &blue, &indices, &palette)
        return Array(palette.prefix(Int(max(colorCount, 1))))
    }

    private func abandon() -> ImageExportError {
        let code = file?.pointee.Error ?? 0
        if let file {
            var ignored: Int32 = 0
            EGifCloseFile(file, &ignored)
        }
        file = nil
        return Self.failure(path: url.path, code: code)
    }

    static func failure(path: String, code: Int32) -> ImageExportError {
        let message = GifErrorString(code).map { String(cString: $0) } ?? "error \(code)"
        return .library(path: path, library: "giflib", message: message)
    }
}

/// Reads GIF files through giflib.
public enum GIFImage {
    /// The frames of the GIF at `url`, each composed over the previous one as
    /// the file places it, with each frame's display time in hundredths of a second.
    public static func read(from url: URL) throws(ImageExportError) -> (frames: [Frame], delaysCentiseconds: [Int]) {
        var error: Int32 = 0
        guard let file = DGifOpenFileName(url.path, &error) else {
            throw GIFWriter.failure(path: url.path, code: error)
        }
        defer { DGifCloseFile(file, &error) }
        guard DGifSlurp(file) == GIF_OK else { throw GIFWriter.failure(path: url.path, code: file.pointee.Error) }
        let screenWidth = Int(file.pointee.SWidth), screenHeight = Int(file.pointee.SHeight)
        var canvas = Frame(width: max(screenWidth, 1), height: max(screenHeight, 1))
        var frames: [Frame] = [], delays: [Int] = []
        for imageIndex in 0..<Int(file.pointee.ImageCount) {
            let image = file.pointee.SavedImages[imageIndex]
            let descriptor = image.ImageDesc
            guard let colorMap = descriptor.ColorMap ?? file.pointee.SColorMap else {
                throw .library(path: url.path, library: "giflib", message: "image \(imageIndex) has no colour table")
            }
            var control = GraphicsControlBlock()
            let hasControl = DGifSavedExtensionToGCB(file, Int32(imageIndex), &control) == GIF_OK
            let transparent = hasControl ? Int(control.TransparentColor) : -1
            for row in 0..<Int(descriptor.Height) {
                for column in 0..<Int(descriptor.Width) {
                    let index = Int(image.RasterBits[row * Int(descriptor.Width) + column])
                    let x = Int(descriptor.Left) + column, y = Int(descriptor.Top) + row
                    guard index != transparent, index < Int(colorMap.pointee.ColorCount),
                          x < canvas.width, y < canvas.height else { continue }
                    let color = colorMap.pointee.Colors[index]
                    canvas[x, y] = Color(red: color.Red, green: color.Green, blue: color.Blue)
                }
            }
            frames.append(canvas)
            delays.append(hasControl ? Int(control.DelayTime) : 0)
        }
        return (frames, delays)
    }
}
