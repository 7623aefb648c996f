/// SplitMix64 (Steele, Lea & Flood 2014): a tiny 64-bit generator used here only
/// to expand one seed into the 256-bit state of ``Xoshiro256``.
///
/// Its stream is fixed by its arithmetic, so it is the same on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state; each call adds the golden-ratio increment.
    public var state: UInt64

    /// Creates a generator whose first output is derived from `seed`.
    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The project's seedable random generator: xoshiro256** (Blackman & Vigna 2018),
/// seeded through ``SplitMix64``.
///
/// The standard library's `SystemRandomNumberGenerator` cannot be seeded, so every
/// environment, agent and initialiser that must be reproducible owns one of these.
/// The stream depends only on the seed: the same seed gives the same numbers on
/// every machine and every Swift version. The conversions to bounded integers and
/// to floating point (``nextInt(upperBound:)``, ``nextUnitDouble()``,
/// ``nextUnitFloat()``) are the project's own for the same reason: the standard
/// library's `random(in:using:)` does not promise a fixed algorithm.
///
/// The whole state is four words, `Codable`, so checkpoints can store it and a
/// resumed run continues the exact stream.
public struct Xoshiro256: RandomNumberGenerator, Codable, Equatable, Hashable, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// The 256-bit state. Never all zero (SplitMix64 cannot produce four zero words).
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Creates a generator from a 64-bit seed, expanded with SplitMix64.
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
    }

    /// Creates a generator seeded from the operating system's entropy, for
    /// environments that were never given a seed (as Gymnasium does).
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    @inlinable
    internal func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    public static func == (lhs: Xoshiro256, rhs: Xoshiro256) -> Bool {
        lhs.state == rhs.state
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let words = try (0..<4).map { _ in try container.decode(UInt64.self) }
        guard words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "xoshiro256** state must not be all zero"))
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(contentsOf: [state.0, state.1, state.2, state.3])
    }
}

extension RandomNumberGenerator {
    /// A uniform integer in `0..<upperBound`, without modulo bias (Lemire 2019).
    ///
    /// - Precondition: `upperBound > 0`.
    @inlinable
    public mutating func nextInt(upperBound: Int) -> Int {
        precondition(upperBound > 0, "upperBound must be positive, got \(upperBound)")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// A uniform integer in the closed range.
    @inlinable
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + nextInt(upperBound: range.upperBound - range.lowerBound + 1)
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform `Double` in `[low, high)`.
    @inlinable
    public mutating func nextDouble(in low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnitDouble()
    }

    /// A standard normal `Double` (Box–Muller; one draw per call, the pair's
    /// second value is discarded so the stream position stays simple).
    @inlinable
    public mutating func nextGaussian() -> Double {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - nextUnitDouble()
        let u2 = nextUnitDouble()
        return (-2 * _logarithm(u1)).squareRoot() * _cosine(2 * Double.pi * u2)
    }

    /// `true` with probability `probability`.
    @inlinable
    public mutating func nextBool(probability: Double) -> Bool {
        nextUnitDouble() < probability
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline func _logarithm(_ x: Double) -> Double { log(x) }
@usableFromInline func _cosine(_ x: Double) -> Double { cos(x) }
