import Foundation

/// A model's parameters, its optimiser's state and caller-defined metadata, and
/// their encoding as checkpoint bytes (``encoded()``, ``decode(_:path:)``).
///
/// Neural only encodes and decodes: writing the bytes to a file (atomically) and
/// reading them back is the caller's business, so that this module does no file
/// I/O. Restoring copies a decoded checkpoint's tensors into a model after
/// checking every name and shape.
///
/// ## File format, version 1 (all integers little-endian)
///
/// | bytes | content |
/// | --- | --- |
/// | 8 | magic `89 53 52 4C 43 4B 50 0A` (`\x89SRLCKP\n`) |
/// | 4 | format version (UInt32, 1) |
/// | 4 | reserved, 0 |
/// | 8 | total file length in bytes, checksum included (UInt64) |
/// | 8 | optimiser step counter (UInt64) |
/// | 8 + n | metadata length n (UInt64), then n bytes |
/// | 4 + 4 | number of parameter tensors, number of optimiser-state tensors (UInt32 each) |
/// | per tensor | name length (UInt32), UTF-8 name, dtype (UInt8, 1 = float32), rank (UInt32), each extent (UInt64) |
/// | per tensor | the scalars, float32, row-major, in header order |
/// | 8 | FNV-1a 64 checksum of every byte before it |
///
/// The header comes before the data so a reader can check names and shapes
/// before touching any weights, and the stored length turns a truncated copy
/// into a precise error.
public struct Checkpoint {
    /// A named tensor in a checkpoint.
    public struct Entry {
        /// The name, unique within its section (for parameters, ``Parameter/name``).
        public var name: String
        /// The tensor (a copy when read from a file).
        public var tensor: Tensor

        /// Pairs a name with a tensor.
        public init(name: String, tensor: Tensor) {
            self.name = name
            self.tensor = tensor
        }
    }

    /// The model's parameters, in the model's stable order.
    public var parameters: [Entry]
    /// The optimiser's state tensors (moments and the like), in its stable order.
    public var optimizerState: [Entry]
    /// The optimiser's step counter (Adam's bias correction needs it to resume exactly).
    public var optimizerStep: Int
    /// Bytes the caller owns, such as JSON with run counters and generator state.
    public var metadata: Data
    /// Where the bytes came from (the `path` given to ``decode(_:path:)``), named
    /// by restoring errors; empty for a checkpoint built in memory.
    public var source = ""

    /// The format version this code writes; it reads exactly this version.
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = [0x89, 0x53, 0x52, 0x4C, 0x43, 0x4B, 0x50, 0x0A]
    static let float32Code: UInt8 = 1
    /// Magic, version, reserved, length, step: what must be present to read the rest.
    static let prefixLength = 8 + 4 + 4 + 8 + 8
    static let checksumLength = 8

    /// Collects what a checkpoint holds. Tensors are referenced, not copied, until ``encoded()``.
    public init(parameters: [Entry], optimizerState: [Entry] = [], optimizerStep: Int = 0, metadata: Data = Data()) {
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.optimizerStep = optimizerStep
        self.metadata = metadata
    }

    /// Collects a model's parameters (named by ``Parameter/name``) and an optimiser's
    /// state tensors, which are named `optimizer.0`, `optimizer.1`, ... in order.
    public init(parameters: [Parameter], optimizerState: [Tensor] = [], optimizerStep: Int = 0, metadata: Data = Data()) {
        self.init(
            parameters: parameters.map { Entry(name: $0.name, tensor: $0.value) },
            optimizerState: optimizerState.enumerated().map { Entry(name: "optimizer.\($0.offset)", tensor: $0.element) },
            optimizerStep: optimizerStep, metadata: metadata)
    }

    /// Collects a model's parameters and an optimiser's state tensors and step count.
    public init(parameters: [Parameter], optimizer: some Optimizer, metadata: Data = Data()) {
        self.init(parameters: parameters, optimizerState: optimizer.stateTensors,
                  optimizerStep: optimizer.stepCount, metadata: metadata)
    }

    // MARK: - Writing

    /// The encoded file contents.
    public func encoded() throws(CheckpointError) -> Data {
        for (section, entries) in [("parameter", parameters), ("optimizer state", optimizerState)] {
            var seen = Set<String>()
            for entry in entries where !seen.insert(entry.name).inserted {
                throw .duplicateName(section: section, name: entry.name)
            }
        }
        precondition(optimizerStep >= 0, "optimizer step must not be negative")
        var bytes = Data()
        bytes.append(contentsOf: Self.magic)
        bytes.appendLittleEndian(Self.formatVersion)
        bytes.appendLittleEndian(UInt32(0))
        let lengthOffset = bytes.count
        bytes.appendLittleEndian(UInt64(0))  // patched below
        bytes.appendLittleEndian(UInt64(optimizerStep))
        bytes.appendLittleEndian(UInt64(metadata.count))
        bytes.append(metadata)
        let entries = parameters + optimizerState
        bytes.appendLittleEndian(UInt32(parameters.count))
        bytes.appendLittleEndian(UInt32(optimizerState.count))
        for entry in entries {
            let name = Array(entry.name.utf8)
            bytes.appendLittleEndian(UInt32(name.count))
            bytes.append(contentsOf: name)
            bytes.append(Self.float32Code)
            bytes.appendLittleEndian(UInt32(entry.tensor.shape.count))
            for extent in entry.tensor.shape { bytes.appendLittleEndian(UInt64(extent)) }
        }
        for entry in entries {
            bytes.appendFloats(entry.tensor.pointer, count: entry.tensor.count)
        }
        let total = UInt64(bytes.count + Self.checksumLength)
        withUnsafeBytes(of: total.littleEndian) { bytes.replaceSubrange(lengthOffset..<(lengthOffset + 8), with: $0) }
        bytes.appendLittleEndian(fnv1a64(bytes))
        return bytes
    }

    // MARK: - Reading

    /// Decodes and verifies what ``encoded()`` produced (magic, version, length,
    /// checksum), returning copies of its tensors; `path` names the bytes' origin
    /// in errors and becomes ``source``.
    public static func decode(_ data: Data, path: String) throws(CheckpointError) -> Checkpoint {
        let bytes = [UInt8](data)
        let magicCount = min(bytes.count, magic.count)
        guard bytes.count > 0, bytes[0..<magicCount].elementsEqual(magic[0..<magicCount]) else {
            throw .notACheckpoint(path: path)
        }
        guard bytes.count >= prefixLength else {
            throw .truncated(path: path, expectedBytes: prefixLength, actualBytes: bytes.count)
        }
        var reader = ByteReader(bytes: bytes, offset: magic.count)
        // The prefix length was checked above, so these reads cannot fail.
        let version = reader.read(UInt32.self)!
        guard version == formatVersion else {
            throw .unsupportedVersion(path: path, found: Int(version), supported: Int(formatVersion))
        }
        _ = reader.read(UInt32.self)!
        let declaredLength = Int(clamping: reader.read(UInt64.self)!)
        guard bytes.count >= declaredLength else {
            throw .truncated(path: path, expectedBytes: declaredLength, actualBytes: bytes.count)
        }
        guard bytes.count == declaredLength, declaredLength >= prefixLength + checksumLength else {
            throw .malformed(path: path, reason: "the header says \(declaredLength) bytes but the file has \(bytes.count)")
        }
        let checksumOffset = declaredLength - checksumLength
        var checksumReader = ByteReader(bytes: bytes, offset: checksumOffset)
        let storedChecksum = checksumReader.read(UInt64.self)!
        let computedChecksum = data.withUnsafeBytes { fnv1a64(UnsafeRawBufferPointer(rebasing: $0[0..<checksumOffset])) }
        guard storedChecksum == computedChecksum else {
            throw .checksumMismatch(path: path, stored: storedChecksum, computed: computedChecksum)
        }

        // The checksum passed, so what follows was written by `encoded()`; it is
        // still read defensively, so a bug elsewhere cannot crash the reader.
        reader.limit = checksumOffset
        func malformed(_ reason: String) -> CheckpointError { .malformed(path: path, reason: reason) }
        guard let step = reader.read(UInt64.self), let metadataLength = reader.read(UInt64.self),
              let metadata = reader.readBytes(Int(clamping: metadataLength)),
              let parameterCount = reader.read(UInt32.self), let stateCount = reader.read(UInt32.self)
        else { throw malformed("header ends early") }
        var headers: [(name: String, shape: [Int])] = []
        for index in 0..<(Int(parameterCount) + Int(stateCount)) {
            guard let nameLength = reader.read(UInt32.self), let nameBytes = reader.readBytes(Int(nameLength)),
                  let dtype = reader.read(UInt8.self), let rank = reader.read(UInt32.self), rank <= 16
            else { throw malformed("tensor header \(index) ends early") }
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw malformed("tensor name \(index) is not UTF-8")
            }
            guard dtype == float32Code else { throw malformed("tensor '\(name)' has unknown dtype code \(dtype)") }
            var shape: [Int] = []
            for _ in 0..<rank {
                guard let extent = reader.read(UInt64.self), extent <= UInt64(Int32.max) else {
                    throw malformed("tensor '\(name)' has a bad shape")
                }
                shape.append(Int(extent))
            }
            headers.append((name, shape))
        }
        var entries: [Entry] = []
        for header in headers {
            var count = 1, overflow = false
            for extent in header.shape where !overflow {
                (count, overflow) = count.multipliedReportingOverflow(by: extent)
            }
            guard !overflow, count <= reader.remaining / 4 else {
                throw malformed("data of tensor '\(header.name)' \(header.shape) runs past the end")
            }
            let tensor = Tensor(shape: header.shape)
            reader.readFloats(into: tensor.pointer, count: count)
            entries.append(Entry(name: header.name, tensor: tensor))
        }
        guard reader.remaining == 0 else { throw malformed("\(reader.remaining) unexpected bytes after the tensors") }
        var checkpoint = Checkpoint(
            parameters: Array(entries[0..<Int(parameterCount)]),
            optimizerState: Array(entries[Int(parameterCount)...]),
            optimizerStep: Int(clamping: step), metadata: Data(metadata))
        checkpoint.source = path
        return checkpoint
    }

    // MARK: - Restoring into a model

    /// Copies this checkpoint's tensors into `parameters` and `optimizerState`
    /// (matched by name; optimiser state as `optimizer.0`, `optimizer.1`, ... in
    /// order, as the `[Parameter]` initialiser names it), returning the optimiser
    /// step and the metadata.
    ///
    /// With `optimizerState` nil only the parameters are restored (for evaluation);
    /// otherwise the optimiser state must match exactly, like the parameters.
    /// Every name and shape is checked before any value is written, so on error
    /// the model is unchanged.
    public func restore(
        parameters: [Parameter], optimizerState: [Tensor]? = nil
    ) throws(CheckpointError) -> (optimizerStep: Int, metadata: Data) {
        let target = Checkpoint(parameters: parameters, optimizerState: optimizerState ?? [])
        return try restore(into: target, restoringOptimizerState: optimizerState != nil)
    }

    /// Copies this checkpoint's tensors into the tensors named in `target`'s
    /// sections (for models whose tensors are named by the caller, such as an
    /// online and a target network saved together), returning the optimiser step
    /// and the metadata. Without `restoringOptimizerState` only the parameters are
    /// restored. On error no tensor is changed.
    public func restore(
        into target: Checkpoint, restoringOptimizerState: Bool = true
    ) throws(CheckpointError) -> (optimizerStep: Int, metadata: Data) {
        var pairs = try Self.match(parameters, into: target.parameters, section: "parameter", path: source)
        if restoringOptimizerState {
            pairs += try Self.match(optimizerState, into: target.optimizerState, section: "optimizer state", path: source)
        }
        for (stored, destination) in pairs {
            destination.pointer.update(from: stored.pointer, count: stored.count)
        }
        return (optimizerStep, metadata)
    }

    /// Restores `parameters` and `optimizer` (state tensors and step count) from
    /// this checkpoint, returning the metadata; on error neither is changed.
    public func restore(parameters: [Parameter], optimizer: some Optimizer) throws(CheckpointError) -> Data {
        let (step, metadata) = try restore(parameters: parameters, optimizerState: optimizer.stateTensors)
        optimizer.stepCount = step
        return metadata
    }

    private static func match(
        _ stored: [Entry], into model: [Entry], section: String, path: String
    ) throws(CheckpointError) -> [(Tensor, Tensor)] {
        var byName: [String: Tensor] = [:]
        for entry in stored { byName[entry.name] = entry.tensor }
        var pairs: [(Tensor, Tensor)] = []
        for entry in model {
            guard let source = byName.removeValue(forKey: entry.name) else {
                throw .missingTensor(path: path, section: section, name: entry.name)
            }
            guard source.shape == entry.tensor.shape else {
                throw .shapeMismatch(path: path, name: entry.name, expected: entry.tensor.shape, found: source.shape)
            }
            pairs.append((source, entry.tensor))
        }
        if let extra = stored.map(\.name).first(where: { byName[$0] != nil }) {
            throw .unexpectedTensor(path: path, section: section, name: extra)
        }
        return pairs
    }
}

/// Why a checkpoint could not be written, read or restored. Each description
/// names the file and what is wrong. Decoding and restoring raise the format
/// cases; ``fileMissing(path:)``, ``unreadable(path:reason:)`` and
/// ``writeFailed(path:reason:)`` are for the code that stores the bytes in files.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// No file at `path`.
    case fileMissing(path: String)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The file is shorter than its header says (or than any checkpoint).
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file does not start with the checkpoint magic bytes.
    case notACheckpoint(path: String)
    /// The file is a checkpoint of a format version this code cannot read.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The contents do not match their checksum: the file is corrupt.
    case checksumMismatch(path: String, stored: UInt64, computed: UInt64)
    /// The structure is inconsistent in a way the checks above do not name.
    case malformed(path: String, reason: String)
    /// The model has a tensor the checkpoint lacks.
    case missingTensor(path: String, section: String, name: String)
    /// The checkpoint has a tensor the model lacks.
    case unexpectedTensor(path: String, section: String, name: String)
    /// A tensor's shape in the checkpoint differs from the model's.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    /// Two tensors of one section share a name, so the checkpoint could not be restored by name.
    case duplicateName(section: String, name: String)
    /// Writing, flushing or renaming the file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileMissing(let path):
            return "checkpoint \(path) does not exist"
        case .unreadable(let path, let reason):
            return "checkpoint \(path) could not be read: \(reason)"
        case .truncated(let path, let expected, let actual):
            return "checkpoint \(path) is truncated: expected \(expected) bytes, got \(actual)"
        case .notACheckpoint(let path):
            return "\(path) is not a checkpoint (wrong magic bytes)"
        case .unsupportedVersion(let path, let found, let supported):
            return "checkpoint \(path) has format version \(found); this build reads version \(supported)"
        case .checksumMismatch(let path, let stored, let computed):
            return "checkpoint \(path) is corrupt: checksum \(hex(computed)) does not match the stored \(hex(stored))"
        case .malformed(let path, let reason):
            return "checkpoint \(path) is malformed: \(reason)"
        case .missingTensor(let path, let section, let name):
            return "checkpoint \(path) has no \(section) tensor '\(name)' that the model needs"
        case .unexpectedTensor(let path, let section, let name):
            return "checkpoint \(path) has \(section) tensor '\(name)' that the model does not have"
        case .shapeMismatch(let path, let name, let expected, let found):
            return "checkpoint \(path): tensor '\(name)' has shape \(found) but the model expects \(expected)"
        case .duplicateName(let section, let name):
            return "cannot save a checkpoint: two \(section) tensors are named '\(name)'"
        case .writeFailed(let path, let reason):
            return "checkpoint \(path) could not be written: \(reason)"
        }
    }
}

// MARK: - Encoding helpers

private func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}

/// FNV-1a, 64-bit: a simple checksum that catches flipped bytes and truncation.
func fnv1a64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return hash
}

func fnv1a64(_ data: Data) -> UInt64 {
    data.withUnsafeBytes { fnv1a64($0) }
}

extension Data {
    fileprivate mutating func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    fileprivate mutating func appendFloats(_ pointer: UnsafePointer<Float>, count: Int) {
        #if _endian(little)
        append(UnsafeBufferPointer(start: pointer, count: count))
        #else
        for index in 0..<count { appendLittleEndian(pointer[index].bitPattern) }
        #endif
    }
}
