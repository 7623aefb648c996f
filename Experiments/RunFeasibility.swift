import Foundation
import Environments
import Agents

/// The memory a run may use, and where that number comes from.
public enum MemoryLimit {
    /// The environment variable that overrides the machine's memory (bytes, for tests
    /// and for machines whose share is smaller than their physical memory).
    public static let environmentVariable = "SWIFTRL_MEMORY_LIMIT_BYTES"

    /// The limit in bytes and a phrase naming its source: the variable when set to a
    /// positive number, else `MemTotal` of `/proc/meminfo`; `nil` when neither is known.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment,
                               meminfoPath: String = "/proc/meminfo") -> (bytes: Double, source: String)? {
        if let text = environment[environmentVariable], let bytes = Double(text.trimmingCharacters(in: .whitespaces)),
           bytes > 0, bytes.isFinite {
            return (bytes, "\(environmentVariable)")
        }
        guard let meminfo = try? String(contentsOfFile: meminfoPath, encoding: .utf8) else { return nil }
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            // "MemTotal:       24576000 kB"
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kilobytes = Double(fields[1]) { return (kilobytes * 1024, "this machine's memory") }
        }
        return nil
    }
}

extension TrainingConfiguration {
    /// Checks, before a new run writes anything, that the agent can be built for the
    /// configured environment: its spaces, its network shapes (a layer that does not
    /// fit the observation is named) and its estimated memory against
    /// ``MemoryLimit/current(environment:meminfoPath:)``.
    ///
    /// - Throws: ``TrainingError/unsupportedSpaces(environment:observation:action:)``,
    ///   ``NetworkShapeError``, or ``RunError/exceedsMemory(environment:agent:estimate:limitBytes:limitSource:)``.
    func checkAgentFits(registry: EnvironmentRegistry, memoryLimit: (bytes: Double, source: String)? = MemoryLimit.current()) throws {
        let made = try registry.spec(named: environment).make(options)
        // The network's outputs: one per action, or per Box component for PPO's Gaussian policy.
        let box: Box, outputs: Int
        if case .onPolicy = try AgentRegistry.standard.kind(named: agent).family {
            let spaces = try onPolicySpaces(of: made)
            (box, outputs) = (spaces.observation, spaces.action.policyOutputs)
        } else {
            let spaces = try agentSpaces(of: made)
            (box, outputs) = (spaces.observation, spaces.action.n)
        }
        try agentConfig.checkNetworkShapes(observationShape: box.shape, actionCount: outputs)
        let estimate = try agentConfig.memoryEstimate(observationSpace: box, actionCount: outputs)
        if let memoryLimit, estimate.totalBytes > memoryLimit.bytes {
            throw RunError.exceedsMemory(environment: environment, agent: agent, estimate: estimate.description,
                                         limitBytes: memoryLimit.bytes, limitSource: memoryLimit.source)
        }
    }
}
