import Foundation

/// The folder one run writes into: `config.json` (the resolved configuration)
/// and `episodes.jsonl` (the episode log).
///
/// By default runs go to `runs/<agent>-<environment>-<UTC timestamp>/`, for
/// example `runs/random-gridworld-20261129T164312Z/`. A folder that already
/// holds a run is never reused.
public struct RunFolder: Sendable, Equatable {
    /// The folder.
    public let url: URL
    /// The outermost folder that ``create(at:)`` made for this run (the run folder
    /// itself, or a parent it had to make too, such as `runs/`); `nil` when the
    /// folder already existed. Only this is removed when a run is refused at start.
    public private(set) var createdRoot: URL?

    /// The run folder at `url`, as it is (nothing is created).
    public init(url: URL) {
        self.url = url
    }

    /// Two values are the same run folder when they name the same folder.
    public static func == (lhs: RunFolder, rhs: RunFolder) -> Bool { lhs.url == rhs.url }

    /// Where the resolved configuration is written.
    public var configurationURL: URL { url.appendingPathComponent("config.json") }
    /// Where the episode log is written.
    public var episodesURL: URL { url.appendingPathComponent("episodes.jsonl") }

    /// The default folder name, `<agent>-<environment>-<yyyyMMdd'T'HHmmss'Z'>` in UTC.
    public static func defaultName(agent: String, environment: String, date: Date) -> String {
        "\(agent)-\(environment)-\(utcTimestamp(date))"
    }

    /// `date` as a compact UTC timestamp such as `20261129T164312Z`.
    public static func utcTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func padded(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return padded(parts.year, 4) + padded(parts.month, 2) + padded(parts.day, 2) + "T"
            + padded(parts.hour, 2) + padded(parts.minute, 2) + padded(parts.second, 2) + "Z"
    }

    /// Creates (with intermediate folders) or adopts the folder at `url`.
    ///
    /// - Throws: ``RunFolderError/alreadyUsed(path:)`` when it already holds a
    ///   `config.json` or `episodes.jsonl`; ``RunFolderError/cannotCreate(path:reason:)``
    ///   for the file system's root (a run's files would land among the system's)
    ///   and when it cannot be created.
    public static func create(at url: URL) throws(RunFolderError) -> RunFolder {
        guard url.standardizedFileURL.path != "/" else {
            throw .cannotCreate(path: url.path, reason: "the file system's root cannot hold a run; name a folder of its own")
        }
        let folder = RunFolder(url: url)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .notAFolder(path: url.path) }
            for file in [folder.configurationURL, folder.episodesURL] where FileManager.default.fileExists(atPath: file.path) {
                throw .alreadyUsed(path: url.path)
            }
            return folder
        }
        // The outermost missing ancestor is what this call creates.
        var root = url.standardizedFileURL
        while root.path != "/" && !FileManager.default.fileExists(atPath: root.deletingLastPathComponent().path) {
            root = root.deletingLastPathComponent()
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: url.path, reason: error.localizedDescription)
        }
        var created = folder
        created.createdRoot = root
        return created
    }

    /// Removes what ``create(at:)`` made for this run (``createdRoot`` and all
    /// in it), so a run refused at start leaves nothing behind; a folder that
    /// existed before is left as it is, with only the files `written` removed.
    public func removeCreated(written: [String] = []) {
        if let createdRoot {
            try? FileManager.default.removeItem(at: createdRoot)
        } else {
            for name in written { try? FileManager.default.removeItem(at: url.appendingPathComponent(name)) }
        }
    }

    /// Creates a new folder with the default name inside `parent`, adding `-2`,
    /// `-3`, ... when a run started in the same second already took the name.
    public static func createDefault(in parent: URL, agent: String, environment: String, date: Date = Date()) throws(RunFolderError) -> RunFolder {
        let name = defaultName(agent: agent, environment: environment, date: date)
        var candidate = parent.appendingPathComponent(name)
        var attempt = 1
        while FileManager.default.fileExists(atPath: candidate.path) {
            attempt += 1
            candidate = parent.appendingPathComponent("\(name)-\(attempt)")
        }
        return try create(at: candidate)
    }

    /// Writes `configuration` to `config.json` as indented JSON with sorted keys,
    /// through a temporary file and a rename so a reader never sees half a file.
    public func writeConfiguration<Configuration: Encodable>(_ configuration: Configuration) throws(RunFolderError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(configuration)
            data.append(UInt8(ascii: "\n"))
            try data.write(to: configurationURL, options: .atomic)
        } catch {
            throw .cannotWrite(path: configurationURL.path, reason: error.localizedDescription)
        }
    }
}

/// Ownership of a run folder by this process, for as long as the value lives: a
/// `run.lock` file holding the owner's process id, made with exclusive create
/// so that two processes can never both own a folder.
///
/// A lock left by a process that no longer exists (killed with SIGKILL, a
/// crashed machine) is stale: the next owner takes it over.
public final class RunFolderLock: Sendable {
    /// The lock file's name inside the run folder.
    public static let fileName = "run.lock"
    /// The lock file.
    public let url: URL
    /// The process id of a dead owner whose stale lock was taken over, if any.
    public let tookOverFrom: Int32?

    /// Takes the lock of `folder`.
    ///
    /// - Throws: ``RunFolderError/locked(path:owner:)`` while another live
    ///   process holds it; ``RunFolderError/cannotWrite(path:reason:)`` when the
    ///   file cannot be made.
    public init(folder: RunFolder) throws(RunFolderError) {
        url = folder.url.appendingPathComponent(Self.fileName)
        let me = getpid()
        var previous: Int32?
        for _ in 0..<2 {
            let descriptor = open(url.path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if descriptor >= 0 {
                let text = "\(me)\n"
                _ = text.withCString { write(descriptor, $0, strlen($0)) }
                close(descriptor)
                tookOverFrom = previous
                return
            }
            guard errno == EEXIST else {
                throw .cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
            }
            let owner = (try? String(contentsOf: url, encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner != me, kill(owner, 0) == 0 || errno == EPERM {
                throw .locked(path: folder.url.path, owner: owner)
            }
            // The owner is gone (or the file is unreadable, half written by a
            // killed process): the lock is stale. A lock of this very process
            // (a library user reopening a run it holds) is taken over too.
            previous = owner ?? -1
            unlink(url.path)
        }
        throw .locked(path: folder.url.path, owner: previous ?? -1)
    }

    deinit {
        // Only our own lock is removed, never one another process took over.
        if let text = try? String(contentsOf: url, encoding: .utf8),
           Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) == getpid() {
            unlink(url.path)
        }
    }
}
