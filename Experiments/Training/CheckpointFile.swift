import Foundation
import Neural
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checkpoint files: Neural encodes and decodes a ``Checkpoint``; this writes the
/// bytes to disk atomically and reads them back, so file I/O stays in Experiments.
public enum CheckpointFile {
    /// Writes `checkpoint` to `url` atomically: to a temporary file in the same
    /// directory, flushed to disk, then renamed over `url`. A crash leaves either
    /// the old file or the new one, never a mixture.
    public static func write(_ checkpoint: Checkpoint, to url: URL) throws(CheckpointError) {
        try write(bytes: checkpoint.encoded(), to: url)
    }

    /// Writes `bytes` to `url` atomically, like ``write(_:to:)``.
    public static func write(bytes: Data, to url: URL) throws(CheckpointError) {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: lastError("cannot create \(temporary)")) }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = systemWrite(descriptor, raw.baseAddress! + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = lastError("write failed")
                    return
                }
                written += result
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = lastError("fsync failed") }
        if close(descriptor) != 0 && failure == nil { failure = lastError("close failed") }
        if failure == nil && rename(temporary, path) != 0 { failure = lastError("rename to \(path) failed") }
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
        // Make the rename itself durable.
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Reads and verifies the checkpoint file at `url` (magic, version, length,
    /// checksum); errors name the file.
    public static func read(from url: URL) throws(CheckpointError) -> Checkpoint {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw .fileMissing(path: path) }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try Checkpoint.decode(bytes, path: path)
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

private func lastError(_ context: String) -> String {
    "\(context): \(String(cString: strerror(errno)))"
}
