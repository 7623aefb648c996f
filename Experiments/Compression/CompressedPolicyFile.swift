import Foundation
import Neural

/// What a compressed policy file says about itself besides its layers: the
/// metadata JSON of `policy.bin` (see ``CompactModel`` for the binary format).
public struct CompressedPolicyMetadata: Codable, Sendable, Equatable {
    /// The agent kind of the run it came from (`dqn`, `drqn`, `ppo`, `ppo-lstm`).
    public var agent: String
    /// The run's environment.
    public var environment: String
    /// The training step of the checkpoint it was made from.
    public var checkpointStep: Int
    /// The fraction of each weight matrix pruned by magnitude.
    public var pruneFraction: Double
    /// `int8` or `none`.
    public var quantization: String
    /// How activations are treated: `float32`, or `dynamic-int8` (quantised per call).
    public var activations: String

    enum CodingKeys: String, CodingKey {
        case agent, environment, quantization, activations
        case checkpointStep = "checkpoint_step"
        case pruneFraction = "prune_fraction"
    }

    /// Collects the metadata.
    public init(agent: String, environment: String, checkpointStep: Int, pruneFraction: Double, quantization: String, activations: String) {
        self.agent = agent
        self.environment = environment
        self.checkpointStep = checkpointStep
        self.pruneFraction = pruneFraction
        self.quantization = quantization
        self.activations = activations
    }
}

/// Compressed policy folders (`RUN/compressed/<name>/`): `policy.bin` (a
/// ``CompactModel`` with ``CompressedPolicyMetadata``, checksummed) and
/// `report.json`. The policy loads without the run's checkpoints.
public enum CompressedPolicyFile {
    /// The policy file's name inside its folder.
    public static let policyFileName = "policy.bin"
    /// The report's name inside its folder.
    public static let reportFileName = "report.json"

    /// `folder/policy.bin`.
    public static func policyURL(in folder: URL) -> URL { folder.appendingPathComponent(policyFileName) }

    /// The compressed policy folder `path` names: absolute, or relative to the run
    /// folder (`compressed/<name>`), or a bare name under `compressed/`; a path to
    /// the `policy.bin` itself names its folder.
    public static func folder(named path: String, runFolder: URL) -> URL {
        var url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : runFolder.appendingPathComponent(path)
        if url.lastPathComponent == policyFileName { url = url.deletingLastPathComponent() }
        if !FileManager.default.fileExists(atPath: url.path), !path.contains("/") {
            url = runFolder.appendingPathComponent("compressed").appendingPathComponent(path)
        }
        return url.standardizedFileURL
    }

    /// The bytes of `policy.bin` for `model` and `metadata`.
    public static func encoded(_ model: CompactModel, metadata: CompressedPolicyMetadata) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return model.encoded(metadata: try! encoder.encode(metadata))  // plain values: encoding cannot fail
    }

    /// Writes `policy.bin` into `folder` (made if missing) atomically.
    public static func write(_ model: CompactModel, metadata: CompressedPolicyMetadata, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try CheckpointFile.write(bytes: encoded(model, metadata: metadata), to: policyURL(in: folder))
    }

    /// Reads and verifies `folder/policy.bin`.
    ///
    /// - Throws: ``CompressionError/missing(path:)`` when there is no such file;
    ///   ``CompactModelError`` when it is corrupt, truncated or of another format.
    public static func read(folder: URL) throws -> (model: CompactModel, metadata: CompressedPolicyMetadata) {
        let url = policyURL(in: folder)
        guard FileManager.default.fileExists(atPath: url.path) else { throw CompressionError.missing(path: url.path) }
        let (model, metadataBytes) = try CompactModel.decode(try Data(contentsOf: url), path: url.path)
        do {
            return (model, try JSONDecoder().decode(CompressedPolicyMetadata.self, from: metadataBytes))
        } catch {
            throw CompactModelError.malformed(path: url.path, reason: "unreadable metadata")
        }
    }
}

/// Why a policy could not be compressed or a compressed one not used.
public enum CompressionError: Error, Equatable, CustomStringConvertible {
    /// No compressed policy at `path`.
    case missing(path: String)
    /// The compressed policy does not fit the run's environment.
    case doesNotFit(path: String, reason: String)
    /// An option out of range.
    case badOption(String)
    /// The run's agent cannot be compressed.
    case unsupported(String)

    public var description: String {
        switch self {
        case .missing(let path): return "no compressed policy at \(path) (make one with `rlrun compress`)"
        case .doesNotFit(let path, let reason): return "compressed policy \(path) does not fit the run: \(reason)"
        case .badOption(let message): return message
        case .unsupported(let message): return message
        }
    }
}
