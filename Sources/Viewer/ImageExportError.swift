/// A failure to write or read an image file.
public enum ImageExportError: Error, Equatable, CustomStringConvertible {
    /// The image library reported an error for the file.
    case library(path: String, library: String, message: String)
    /// An export path that is neither `NAME.gif` nor a folder (`DIR/`).
    case unsupportedPath(String)
    /// Frames of one animation must all have the first frame's size.
    case frameSizeChanged(expected: String, actual: String)

    public var description: String {
        switch self {
        case .library(let path, let library, let message):
            return "\(library) could not handle '\(path)': \(message)"
        case .unsupportedPath(let path):
            return "cannot export to '\(path)': give a file ending in .gif (animation) or a folder ending in / (PNG frames)"
        case .frameSizeChanged(let expected, let actual):
            return "all frames of an animation must have the same size: the first was \(expected), a later one \(actual)"
        }
    }
}
