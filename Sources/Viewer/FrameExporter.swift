import Environments
import Foundation

/// Writes a sequence of frames to disk: an animated GIF for a path ending in
/// `.gif`, numbered PNG files (`frame-000000.png`, ...) for a path ending in `/`
/// (the folder is created).
public final class FrameExporter {
    /// Where the frames go.
    public enum Destination: Equatable, Sendable {
        /// One animated GIF file.
        case gif(URL)
        /// A folder of numbered PNG files.
        case pngFolder(URL)
    }

    /// The destination chosen from the path.
    public let destination: Destination
    /// Frames written so far.
    public private(set) var framesWritten = 0

    private let framesPerSecond: Double
    private var gif: GIFWriter?

    /// Reads an export path: `NAME.gif` (any case) is a GIF, `DIR/` or an existing folder is a PNG folder.
    public static func destination(for path: String) throws(ImageExportError) -> Destination {
        let url = URL(fileURLWithPath: path)
        if path.lowercased().hasSuffix(".gif") { return .gif(url) }
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            return .pngFolder(url)
        }
        throw .unsupportedPath(path)
    }

    /// Prepares to write to `path` (see ``destination(for:)``); a GIF shows
    /// `framesPerSecond` frames a second.
    public init(path: String, framesPerSecond: Double) throws(ImageExportError) {
        destination = try Self.destination(for: path)
        self.framesPerSecond = framesPerSecond
        let folder: URL
        switch destination {
        case .gif(let url): folder = url.deletingLastPathComponent()
        case .pngFolder(let url): folder = url
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .library(path: folder.path, library: "file system", message: error.localizedDescription)
        }
    }

    /// Writes the next frame. GIF frames must all have the first one's size.
    public func append(_ frame: Frame) throws(ImageExportError) {
        switch destination {
        case .gif(let url):
            if gif == nil {
                gif = try GIFWriter(url: url, width: frame.width, height: frame.height,
                                    delayCentiseconds: Int((100 / framesPerSecond).rounded()))
            }
            try gif!.append(frame)
        case .pngFolder(let folder):
            try PNGImage.write(frame, to: Self.pngURL(in: folder, index: framesWritten))
        }
        framesWritten += 1
    }

    /// Completes the file (the GIF trailer); call once after the last frame.
    public func finish() throws(ImageExportError) {
        try gif?.finish()
    }

    /// The file of PNG frame `index` in `folder`.
    public static func pngURL(in folder: URL, index: Int) -> URL {
        let number = String(index)
        return folder.appendingPathComponent("frame-" + String(repeating: "0", count: max(0, 6 - number.count)) + number + ".png")
    }

    /// Plays `source` to its end, writing every frame as the window would show it
    /// (scaled, with the head-up line; ``ViewComposer``), or the bare frames when
    /// `windowView` is `false`. Returns the number of frames written.
    @discardableResult
    public func export(_ source: PlaybackSource, windowView: Bool = true) throws -> Int {
        func write(_ frame: Frame) throws {
            guard windowView else { return try append(frame) }
            let size = ViewComposer.preferredSize(frameWidth: frame.width, frameHeight: frame.height)
            try append(ViewComposer.compose(frame, headUp: source.headUp.text, width: size.width, height: size.height))
        }
        try write(try source.restartEpisode())
        while let frame = try source.advance() {
            try write(frame)
        }
        try finish()
        return framesWritten
    }
}
