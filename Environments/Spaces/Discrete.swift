/// The integers `{start, start + 1, ..., start + n - 1}`.
///
/// Sampling is uniform over the `n` values. Printed as `Discrete(4)`, or
/// `Discrete(4, start: 1)` when the start is not zero.
public struct Discrete: Space, Hashable {
    /// The number of values.
    public let n: Int
    /// The smallest value.
    public let start: Int

    /// Creates the space of `n` consecutive integers from `start`.
    ///
    /// - Precondition: `n > 0`.
    public init(_ n: Int, start: Int = 0) {
        precondition(n > 0, "Discrete needs n > 0, got \(n)")
        self.n = n
        self.start = start
    }

    public var shape: [Int] { [] }

    @inlinable
    public func contains(_ element: Int) -> Bool {
        element >= start && element - start < n
    }

    @inlinable
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        start + generator.nextInt(upperBound: n)
    }

    public var description: String {
        start == 0 ? "Discrete(\(n))" : "Discrete(\(n), start: \(start))"
    }
}
