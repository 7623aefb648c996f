import Environments

/// How a run seed becomes the seeds of its episodes and its agent.
///
/// Every episode is reset with an explicit seed, recorded in its log line, so
/// one episode can be replayed without replaying the ones before it.
///
/// Both derivations start from a base `b`, the first output of ``SplitMix64``
/// from state `runSeed`. Mixing the run seed first keeps runs with nearby seeds
/// (0, 1, 2, ...) apart: without it, run 1's episode 0 would be run 0's episode 1.
public enum SeedDerivation {
    /// The seed of episode `index`: the first output of ``SplitMix64`` from the
    /// state `b &+ index`, where `b` is the base of `runSeed`.
    ///
    /// SplitMix64's output function is a bijection on 64-bit words that mixes
    /// every input bit into every output bit, so consecutive indices give
    /// unrelated seeds, and two different indices of one run never share a seed.
    public static func episodeSeed(runSeed: UInt64, index: Int) -> UInt64 {
        var generator = SplitMix64(seed: base(runSeed) &+ UInt64(truncatingIfNeeded: index))
        return generator.next()
    }

    /// The seed of the agent's own generator: the first output of ``SplitMix64``
    /// from the state `b &+ 2^63`, where `b` is the base of `runSeed`.
    ///
    /// That state lies 2^63 away from the state of episode 0, so it equals the
    /// state of no episode below index 2^63: the agent's stream never coincides
    /// with an episode's.
    public static func agentSeed(runSeed: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: base(runSeed) &+ (1 << 63))
        return generator.next()
    }

    private static func base(_ runSeed: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: runSeed)
        return generator.next()
    }

    /// The derivation in words, written into `config.json`.
    public static let summary =
        "b = first output of SplitMix64 from state (run seed); "
        + "episode seed = first output of SplitMix64 from state (b + episode index) mod 2^64; "
        + "agent seed = first output of SplitMix64 from state (b + 2^63) mod 2^64"
}
