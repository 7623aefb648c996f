import Foundation

/// A run folder's JSON file (config.json, state.json, ...) that is missing or does
/// not hold what it should; the description names the file and the problem, such as
/// `runs/x/config.json: dqn.gamma must be a number`.
public struct JSONFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    /// Creates an error for `path`.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// Reading the run folder's JSON files with errors a person can act on (Foundation's
/// `DecodingError` descriptions name neither the file nor the key in words).
enum JSONFile {
    /// Decodes the file at `url` as `type`; `missing` says what a missing file means.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from url: URL, missing: String = "no such file"
    ) throws(JSONFileError) -> Value {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw JSONFileError(path: url.path, problem: exists ? "cannot be read (\(error.localizedDescription))" : missing)
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw JSONFileError(path: url.path, problem: describe(error))
        } catch {
            throw JSONFileError(path: url.path, problem: "\(error)")
        }
    }

    /// What a decoding error means, naming the key by its path (`dqn.gamma`, `episode_actions[3]`).
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON" + (context.underlyingError.map { " (\(reason(of: $0)))" } ?? "")
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(words(for: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null; it must be \(words(for: type))"
        case .keyNotFound(let key, let context):
            return "the key '\(path(context.codingPath + [key]))' is missing"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "the top level" : text
    }

    private static func words(for type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt32.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "text"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a \(name)"
        }
    }

    private static func reason(of error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        return text.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
    }
}
