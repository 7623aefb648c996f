import Agents
import Environments
import Foundation
import Neural
#if canImport(Glibc)
import Glibc
#endif

/// What `rlrun compress` measured: sizes, latency and the return kept. Saved as
/// `compressed/<name>/report.json`.
public struct CompressionReport: Codable, Sendable, Equatable {
    /// Parameter counts.
    public struct Parameters: Codable, Sendable, Equatable {
        /// Every parameter of the policy network before compression.
        public var before: Int
        /// Parameters stored after (the same: pruned weights are stored as zeros).
        public var after: Int
        /// Nonzero parameters before.
        public var nonzeroBefore: Int
        /// Nonzero parameters after pruning.
        public var nonzeroAfter: Int

        enum CodingKeys: String, CodingKey {
            case before, after
            case nonzeroBefore = "nonzero_before"
            case nonzeroAfter = "nonzero_after"
        }
    }

    /// File sizes in bytes.
    public struct Sizes: Codable, Sendable, Equatable {
        /// The policy as trained in the same format (float32, unpruned): the fair "before".
        public var floatPolicy: Int
        /// The compressed `policy.bin`.
        public var compressed: Int
        /// floatPolicy / compressed.
        public var ratio: Double
        /// The newest training checkpoint's `model.ckpt` (both networks and optimiser state), when found.
        public var checkpoint: Int?

        enum CodingKeys: String, CodingKey {
            case compressed, ratio, checkpoint
            case floatPolicy = "float_policy"
        }
    }

    /// Batch-1 acting latency in microseconds, medians over ``actions`` timed calls each.
    public struct Latency: Codable, Sendable, Equatable {
        /// The agent's own greedy policy (the training network, BLAS).
        public var float: Double
        /// The unpruned float32 compact model (the same runtime as the compressed one, float kernels).
        public var floatCompact: Double
        /// The compressed policy.
        public var compressed: Double
        /// float / compressed.
        public var speedup: Double
        /// Timed calls per policy.
        public var actions: Int
        /// The int8 kernel in use (`avx512-vnni`, `avx512bw`, `avx2`, `portable`).
        public var int8Kernel: String

        enum CodingKeys: String, CodingKey {
            case float, compressed, speedup, actions
            case floatCompact = "float_compact"
            case int8Kernel = "int8_kernel"
        }
    }

    /// Greedy evaluation before and after, on the same seeds.
    public struct Returns: Codable, Sendable, Equatable {
        /// The agent's own greedy policy.
        public var before: EvaluationResult
        /// The compressed policy.
        public var after: EvaluationResult
        /// after.meanReturn / before.meanReturn (nil when before is 0).
        public var returnKept: Double?

        enum CodingKeys: String, CodingKey {
            case before, after
            case returnKept = "return_kept"
        }
    }

    /// The run's agent.
    public var agent: String
    /// The run's environment.
    public var environment: String
    /// What was done, as written into the policy file.
    public var policy: CompressedPolicyMetadata
    /// Parameter counts.
    public var parameters: Parameters
    /// File sizes.
    public var sizes: Sizes
    /// Acting latency.
    public var latency: Latency
    /// Evaluation returns.
    public var evaluation: Returns

    /// A few lines for a terminal.
    public var summary: String {
        func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
        var lines = [
            "parameters   \(parameters.before) (\(parameters.nonzeroBefore) nonzero) → \(parameters.after) (\(parameters.nonzeroAfter) nonzero)",
            "file size    \(sizes.floatPolicy) B float32 → \(sizes.compressed) B (\(f(sizes.ratio))×)"
                + (sizes.checkpoint.map { "; training checkpoint \($0) B" } ?? ""),
            "latency      float \(f(latency.float)) µs, float compact \(f(latency.floatCompact)) µs, compressed \(f(latency.compressed)) µs "
                + "(\(f(latency.speedup))× vs float; median of \(latency.actions) batch-1 actions; int8 kernel \(latency.int8Kernel))",
            "return       before \(f(evaluation.before.meanReturn, 3)) ± \(f(evaluation.before.stdReturn, 3)), "
                + "after \(f(evaluation.after.meanReturn, 3)) ± \(f(evaluation.after.stdReturn, 3))"
                + (evaluation.returnKept.map { " (\(f(100 * $0, 1))% kept)" } ?? "")
                + " over \(evaluation.after.episodes) episodes, seed \(evaluation.after.seed)",
        ]
        if let before = evaluation.before.successRate, let after = evaluation.after.successRate {
            lines.append("success      before \(f(before)), after \(f(after))")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes the report as indented JSON, atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: url, options: .atomic)
    }
}

/// How `rlrun compress` treats weights.
public enum Quantization: String, Sendable, CaseIterable {
    /// Symmetric per-output-channel int8 weights; activations quantised per call.
    case int8
    /// Float32 weights (pruning only).
    case none
}

/// Prunes and quantises a run's greedy policy and measures what it costs.
public enum Compression {
    /// Compresses the newest checkpoint's greedy policy of the run in `runFolder`
    /// into `runFolder/compressed/<name>/` (policy.bin, report.json, and the
    /// compressed policy's evaluation episodes in eval_episodes.jsonl, which
    /// `rlrun replay` checks), then evaluates the policy before and after on the
    /// same `episodes` seeds and times `latencyActions` batch-1 actions of each.
    ///
    /// - Parameters:
    ///   - pruneFraction: the fraction of every weight matrix (dense, convolution,
    ///     LSTM `W_ih` and `W_hh`) zeroed by magnitude, in `[0, 1)`.
    ///   - name: the folder name (default `prune<F>-<quantization>`).
    public static func compress(
        runFolder: URL, pruneFraction: Double, quantization: Quantization, name: String? = nil, episodes: Int = 100,
        seed: UInt64? = nil, latencyActions: Int = 3000, registry: EnvironmentRegistry = .standard
    ) throws -> (report: CompressionReport, folder: URL) {
        guard (0..<1).contains(pruneFraction) else {
            throw CompressionError.badOption("--prune must be in [0, 1), got \(pruneFraction)")
        }
        guard episodes >= 1 else { throw CompressionError.badOption("--episodes must be at least 1, got \(episodes)") }
        let restored = try Training.restoredPolicy(runFolder: runFolder, registry: registry)
        guard let exportable = restored.exportable else {
            throw CompressionError.unsupported("the \(restored.kind.name) agent has no compact form")
        }
        let original = try exportable.compactModel()
        var compressed = original.pruned(fraction: pruneFraction)
        if quantization == .int8 { compressed = compressed.quantized() }
        let folderName = name ?? "prune\(String(format: "%g", pruneFraction))-\(quantization.rawValue)"
        guard !folderName.isEmpty, !folderName.contains("/"), folderName != ".", folderName != ".." else {
            throw CompressionError.badOption("--name must be a plain folder name, got '\(folderName)'")
        }
        let folder = runFolder.appendingPathComponent("compressed").appendingPathComponent(folderName)
        let metadata = CompressedPolicyMetadata(
            agent: restored.kind.name, environment: restored.environment, checkpointStep: restored.checkpointStep,
            pruneFraction: pruneFraction, quantization: quantization.rawValue,
            activations: quantization == .int8 ? "dynamic-int8" : "float32")
        try CompressedPolicyFile.write(compressed, metadata: metadata, to: folder)
        // What acting uses is what was written: read it back through the checksum.
        let loaded = try CompressedPolicyFile.read(folder: folder).model
        let compressedPolicy = CompactPolicy(model: loaded)
        let floatCompactPolicy = CompactPolicy(model: original)

        let evaluationSeed = seed ?? restored.evaluationSeed
        var environment = try restored.makeEnvironment()
        let before = try Evaluation.run(&environment, episodes: episodes, seed: evaluationSeed, episodeStepCap: Evaluation.episodeStepCap,
                                        log: nil, onEpisodeStart: { restored.policy.beginEpisode() }) {
            restored.policy.action(for: $0) + restored.actionOffset
        }
        let after = try Evaluation.play(
            compressedPolicy, actionOffset: restored.actionOffset, environment: try restored.makeEnvironment(), episodes: episodes,
            seed: evaluationSeed, logURL: folder.appendingPathComponent("eval_episodes.jsonl"),
            logHeader: EpisodeLogHeader(environment: restored.environment, options: restored.options,
                                        agent: restored.kind.name + "-compressed", seed: evaluationSeed))

        let observations = try sampleObservations(restored, count: 500, seed: evaluationSeed)
        let latencies = measureLatency([restored.policy, floatCompactPolicy, compressedPolicy], observations: observations,
                                       actions: latencyActions)
        let floatBytes = CompressedPolicyFile.encoded(original, metadata: metadata).count
        let compressedBytes = try FileManager.default.attributesOfItem(atPath: CompressedPolicyFile.policyURL(in: folder).path)[.size] as? Int ?? 0
        let report = CompressionReport(
            agent: restored.kind.name, environment: restored.environment, policy: metadata,
            parameters: .init(before: original.parameterCount, after: loaded.parameterCount,
                              nonzeroBefore: original.nonzeroParameterCount, nonzeroAfter: loaded.nonzeroParameterCount),
            sizes: .init(floatPolicy: floatBytes, compressed: compressedBytes, ratio: Double(floatBytes) / Double(max(1, compressedBytes)),
                         checkpoint: newestCheckpointModelSize(runFolder)),
            latency: .init(float: latencies[0], floatCompact: latencies[1], compressed: latencies[2],
                           speedup: latencies[0] / max(latencies[2], 1e-9), actions: latencyActions,
                           int8Kernel: CompactNetwork.int8KernelName),
            evaluation: .init(before: before, after: after, returnKept: before.meanReturn != 0 ? after.meanReturn / before.meanReturn : nil))
        try report.write(to: folder.appendingPathComponent(CompressedPolicyFile.reportFileName))
        return (report, folder)
    }

    /// Up to `count` observations the environment shows the greedy policy, from
    /// episodes on seeds derived from `seed` (what latency is measured on).
    static func sampleObservations(_ restored: Training.RestoredPolicy, count: Int, seed: UInt64) throws -> [[Float]] {
        var environment = try restored.makeEnvironment()
        var observations: [[Float]] = []
        var episode = 0
        while observations.count < count && episode < 50 {
            var observation = try environment.reset(seed: SeedDerivation.episodeSeed(runSeed: seed &+ 7_919, index: episode)).observation
            restored.policy.beginEpisode()
            episode += 1
            while observations.count < count {
                observations.append(observation)
                let step = try environment.step(restored.policy.action(for: observation) + restored.actionOffset)
                observation = step.observation
                if step.terminated || step.truncated { break }
            }
        }
        return observations
    }

    /// The median wall time in microseconds of one `action(for:)` call of each
    /// policy, over `actions` calls each, interleaved in rounds so that load on
    /// the machine falls on all of them alike.
    static func measureLatency(_ policies: [any Policy<Int>], observations: [[Float]], actions: Int) -> [Double] {
        precondition(!observations.isEmpty)
        var samples = [[Double]](repeating: [], count: policies.count)
        var sink = 0
        // Warm up caches and lazily sized buffers.
        for policy in policies {
            policy.beginEpisode()
            for observation in observations.prefix(50) { sink &+= policy.action(for: observation) }
        }
        let round = min(100, observations.count)
        var done = 0, cursor = 0
        while done < actions {
            let calls = min(round, actions - done)
            for (index, policy) in policies.enumerated() {
                policy.beginEpisode()
                for call in 0..<calls {
                    let observation = observations[(cursor + call) % observations.count]
                    let start = monotonicNanoseconds()
                    sink &+= policy.action(for: observation)
                    samples[index].append(Double(monotonicNanoseconds() - start) / 1000)
                }
            }
            cursor += calls
            done += calls
        }
        if sink == Int.min { print(sink) }  // keeps the calls from being optimised away
        return samples.map { times in
            let sorted = times.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }

    /// The size of `model.ckpt` in the newest checkpoint folder of the run, if any.
    static func newestCheckpointModelSize(_ runFolder: URL) -> Int? {
        let checkpoints = runFolder.appendingPathComponent("checkpoints")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
        for name in names.sorted().reversed() {
            let model = checkpoints.appendingPathComponent(name).appendingPathComponent("model.ckpt").path
            if let size = (try? FileManager.default.attributesOfItem(atPath: model))?[.size] as? Int { return size }
        }
        return nil
    }
}

private func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
