/// A run folder that cannot be created or written.
public enum RunFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder could not be created.
    case cannotCreate(path: String, reason: String)
    /// The path exists and is a file, not a folder.
    case notAFolder(path: String)
    /// The folder already holds a run; runs are never overwritten.
    case alreadyUsed(path: String)
    /// A file inside the folder could not be written.
    case cannotWrite(path: String, reason: String)
    /// Another live process owns the run in the folder (its lock file names it).
    case locked(path: String, owner: Int32)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "cannot create run folder '\(path)': \(reason)"
        case .notAFolder(let path):
            return "'\(path)' exists and is not a folder"
        case .alreadyUsed(let path):
            return "run folder '\(path)' already holds a run; choose another folder with --out"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        case .locked(let path, let owner):
            return "run folder '\(path)' is in use by process \(owner) (see its \(RunFolderLock.fileName)); "
                + "wait for that run to end or stop it first"
        }
    }
}
