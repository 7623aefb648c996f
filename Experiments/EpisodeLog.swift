import Foundation

/// Appends episodes to an `episodes.jsonl` file, one JSON line each.
///
/// The header is written when the writer is created. Every line goes to the
/// operating system in a single `write` as soon as it is appended (there is no
/// user-space buffer), so a run that is killed loses at most the line being
/// written; a partial last line is reported by ``EpisodeLogReader``. Lines are
/// not synced to disk individually, so a power failure can lose more.
public final class EpisodeLogWriter {
    /// Where the log is written.
    public let url: URL
    /// The header line written first.
    public let header: EpisodeLogHeader
    /// The number of episode lines written so far.
    public private(set) var episodeCount = 0
    private let handle: FileHandle

    /// Creates the file at `url` (which must not exist) and writes `header`.
    public init(url: URL, header: EpisodeLogHeader) throws(EpisodeLogError) {
        self.url = url
        self.header = header
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw .alreadyExists(path: url.path)
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw .unwritable(path: url.path, reason: "the file could not be created (does the folder exist and is it writable?)")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
        try writeLine(header.jsonLine())
    }

    /// Reopens an existing log to continue a resumed run: keeps the header and the
    /// first `episodes` episode lines, drops anything after them (episodes logged
    /// after the checkpoint the run resumes from), and appends from there.
    public init(resuming url: URL, keepingEpisodes episodes: Int) throws(EpisodeLogError) {
        self.url = url
        let contents = try EpisodeLogReader.read(from: url)
        guard contents.episodes.count >= episodes else {
            throw .unwritable(path: url.path, reason: "it holds \(contents.episodes.count) valid episodes, the checkpoint expects \(episodes)")
        }
        header = contents.header
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let keptLineCount = episodes == 0 ? 1 : contents.episodeLines[episodes - 1]
        let kept = lines.prefix(keptLineCount).joined(separator: "\n") + "\n"
        do {
            try Data(kept.utf8).write(to: url, options: .atomic)
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
        episodeCount = episodes
    }

    deinit {
        try? handle.close()
    }

    /// Appends one episode line and hands it to the operating system at once.
    public func append(_ record: EpisodeRecord) throws(EpisodeLogError) {
        try writeLine(try record.jsonLine())
        episodeCount += 1
    }

    private func writeLine(_ line: String) throws(EpisodeLogError) {
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// What ``EpisodeLogReader`` found in a file: the header, every valid episode,
/// and a report for every invalid line.
public struct EpisodeLogContents: Equatable, Sendable {
    /// The header (line 1).
    public var header: EpisodeLogHeader
    /// The valid episodes, in file order.
    public var episodes: [EpisodeRecord]
    /// The 1-based line number of each entry of ``episodes``.
    public var episodeLines: [Int]
    /// The invalid lines, in file order.
    public var problems: [EpisodeLogProblem]

    /// The valid episode with index `index`, if there is one.
    public func episode(index: Int) -> EpisodeRecord? {
        episodes.first { $0.index == index }
    }
}

/// Reads and validates `episodes.jsonl` files.
///
/// Every episode line is checked: it must be a JSON object of the right shape,
/// `actions` and `rewards` must each have `length` entries, `return` must equal
/// the sum of the rewards within a relative 1e-9, and indices must increase.
/// A line that fails is reported with its line number and left out; the others
/// are kept. Blank lines are ignored.
public enum EpisodeLogReader {
    /// The relative tolerance between a logged return and the sum of its rewards.
    public static let returnTolerance = 1e-9

    /// Reads the log at `url`.
    ///
    /// - Throws: ``EpisodeLogError`` when the file cannot be read, is empty, or its
    ///   header is invalid; bad episode lines are reported in the result instead.
    public static func read(from url: URL) throws(EpisodeLogError) -> EpisodeLogContents {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: readFailureReason(url: url, error: error))
        }
        return try parse(data, path: url.path)
    }

    /// Validates log text already in memory; `path` is used in error messages.
    public static func parse(_ data: Data, path: String) throws(EpisodeLogError) -> EpisodeLogContents {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let headerLine = lines.first, !isBlank(headerLine) else { throw .empty(path: path) }
        let decoder = JSONDecoder()
        let header: EpisodeLogHeader
        do {
            header = try decoder.decode(EpisodeLogHeader.self, from: Data(headerLine))
        } catch {
            throw .badHeader(path: path, reason: describe(error))
        }

        var contents = EpisodeLogContents(header: header, episodes: [], episodeLines: [], problems: [])
        var previousIndex: Int?
        for (offset, line) in lines.enumerated().dropFirst() where !isBlank(line) {
            let lineNumber = offset + 1
            let record: EpisodeRecord
            do {
                record = try decoder.decode(EpisodeRecord.self, from: Data(line))
            } catch {
                let message = numberProblem(in: Data(line)) ?? describe(error)
                contents.problems.append(EpisodeLogProblem(line: lineNumber, message: message))
                continue
            }
            if let message = inconsistency(in: record, previousIndex: previousIndex) {
                contents.problems.append(EpisodeLogProblem(line: lineNumber, message: message))
                continue
            }
            previousIndex = record.index
            contents.episodes.append(record)
            contents.episodeLines.append(lineNumber)
        }
        return contents
    }

    /// What is wrong with a record whose JSON shape is right, or `nil` if nothing is.
    static func inconsistency(in record: EpisodeRecord, previousIndex: Int?) -> String? {
        let episode = "episode \(record.index)"
        if record.length < 0 {
            return "\(episode): length \(record.length) is negative"
        }
        if record.actions.count != record.length {
            return "\(episode): \(record.actions.count) actions but length is \(record.length)"
        }
        if record.rewards.count != record.length {
            return "\(episode): \(record.rewards.count) rewards but length is \(record.length)"
        }
        let sum = EpisodeRecord.sum(record.rewards)
        let scale = max(1, abs(sum), abs(record.episodeReturn))
        if !(abs(record.episodeReturn - sum) <= returnTolerance * scale) {
            return "\(episode): return \(record.episodeReturn) differs from the sum of its rewards \(sum)"
        }
        if let previousIndex, record.index <= previousIndex {
            return "\(episode): index does not increase (the previous valid line has index \(previousIndex))"
        }
        return nil
    }

    /// Foundation reports an integer key holding a fraction or an out-of-range
    /// number as invalid JSON without naming the key; this names it.
    static func numberProblem(in line: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else { return nil }
        for key in ["index", "length", "seed"] {
            guard let number = object[key] as? NSNumber else { continue }
            let value = number.doubleValue
            if value != value.rounded(.towardZero) { return "'\(key)' is not an integer" }
            if key == "seed" && (value < 0 || value > Double(UInt64.max)) {
                return "'seed' must be an integer from 0 to \(UInt64.max)"
            }
            if key != "seed" && abs(value) > Double(Int.max) { return "'\(key)' is out of range" }
        }
        if let actions = object["actions"] as? [Any] {
            for (step, action) in actions.enumerated() {
                if let number = action as? NSNumber, number.doubleValue != number.doubleValue.rounded(.towardZero) {
                    return "'actions[\(step)]' is not an integer (vector actions are arrays)"
                }
            }
        }
        return nil
    }

    private static func isBlank(_ line: Data.SubSequence) -> Bool {
        line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }
    }

    private static func readFailureReason(url: URL, error: any Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            return "no such file"
        }
        if isDirectory.boolValue { return "it is a folder, not a file" }
        return error.localizedDescription
    }

    /// A one-line description of a decoding failure, naming the JSON key path.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(keyPath(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "'\(keyPath(context.codingPath))' is not \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "'\(keyPath(context.codingPath))' is null, expected \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not a valid JSON object (truncated or corrupted line)" }
            return "'\(keyPath(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    private static func keyPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : name.hasPrefix("Dictionary") ? "an object" : name
        }
    }
}
