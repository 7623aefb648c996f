import Foundation
import Environments

/// Environment options that name files (`gridworld-file`'s `path`, a map): a run
/// records them so that its episodes replay from any folder and an edited file
/// is noticed instead of replaying a different world.
///
/// The option's value is made absolute when the run is configured, and the
/// file's content is written into the episode log's header (`"files":
/// {"path": CONTENT}`, see ``EpisodeLogHeader``).
public enum EnvironmentFiles {
    /// The names of options whose string values are file paths.
    public static let pathOptions: Set<String> = ["path"]

    /// `options` with every file path made absolute (relative to the current folder).
    public static func absolutized(_ options: [String: InfoValue]) -> [String: InfoValue] {
        var result = options
        for name in pathOptions {
            guard case .string(let path)? = options[name], !path.isEmpty, !path.hasPrefix("/") else { continue }
            result[name] = .string(URL(fileURLWithPath: path).standardizedFileURL.path)
        }
        return result
    }

    /// The content of each file `options` names and that can be read, by option name.
    public static func contents(of options: [String: InfoValue]) -> [String: String] {
        var result: [String: String] = [:]
        for name in pathOptions {
            guard case .string(let path)? = options[name], !path.isEmpty,
                  let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            result[name] = text
        }
        return result
    }

    /// Checks that the files `options` names still hold what `recorded` says they held.
    ///
    /// - Throws: ``EnvironmentFileError`` naming the option, the file and what is wrong.
    public static func verify(_ recorded: [String: String], options: [String: InfoValue]) throws(EnvironmentFileError) {
        for (name, content) in recorded.sorted(by: { $0.key < $1.key }) {
            guard case .string(let path)? = options[name] else { continue }
            guard let now = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .missing(option: name, path: path)
            }
            if now != content { throw .changed(option: name, path: path) }
        }
    }
}

/// A file an environment option names is not what the run used.
public enum EnvironmentFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be read any more.
    case missing(option: String, path: String)
    /// The file's content differs from the content the episode log recorded.
    case changed(option: String, path: String)

    public var description: String {
        switch self {
        case .missing(let option, let path):
            return "env.\(option) = \(path): the file the run used cannot be read; restore it (its content is in the episode log's header, key \"files\")"
        case .changed(let option, let path):
            return "env.\(option) = \(path): the file changed since the run used it, so its episodes would not replay; "
                + "restore it (its content is in the episode log's header, key \"files\")"
        }
    }
}
