import Environments

/// How a run seed becomes the seeds of its episodes and its agent.
///
/// Every episode is reset with an explicit seed, recorded in its log line, so
/// one episode can be replayed without replaying the ones before it.
public enum SeedDerivation {
    /// The seed of episode `index`: the first output of ``SplitMix64`` started
    /// from the state `runSeed &+ index`.
    ///
    /// SplitMix64's output function is a bijection on 64-bit words that mixes
    /// every input bit into every output bit, so consecutive indices give
    /// unrelated seeds, and two different indices of one run never share a seed.
    public static func episodeSeed(runSeed: UInt64, index: Int) -> UInt64 {
        var generator = SplitMix64(seed: runSeed &+ UInt64(truncatingIfNeeded: index))
        return generator.next()
    }

    /// The seed of the agent's own generator: the first output of ``SplitMix64``
    /// started from `runSeed &+ 2^63`.
    ///
    /// That state lies 2^63 away from the state of episode 0, so it equals the
    /// state of no episode below index 2^63: the agent's stream never
    /// coincides with an environment's.
    public static func agentSeed(runSeed: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: runSeed &+ (1 << 63))
        return generator.next()
    }

    /// The derivation in words, written into `config.json`.
    public static let summary =
        "episode seed = first output of SplitMix64 from state (run seed + episode index) mod 2^64; "
        + "agent seed = first output of SplitMix64 from state (run seed + 2^63) mod 2^64"
}
