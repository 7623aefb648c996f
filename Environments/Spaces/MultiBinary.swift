/// Binary vectors of length `n`: each entry is 0 or 1.
///
/// Sampling sets each entry to 1 with probability 1/2, independently.
public struct MultiBinary: Space, Hashable {
    /// The number of entries.
    public let n: Int

    /// Creates the space of binary vectors of length `n` (`n > 0`).
    public init(_ n: Int) {
        precondition(n > 0, "MultiBinary needs n > 0, got \(n)")
        self.n = n
    }

    public var shape: [Int] { [n] }

    public func contains(_ element: [UInt8]) -> Bool {
        element.count == n && element.allSatisfy { $0 <= 1 }
    }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 63) }
    }

    public var description: String { "MultiBinary(\(n))" }
}
