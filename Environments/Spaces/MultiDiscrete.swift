/// The product of discrete sets: element `i` lies in `0..<nvec[i]`.
///
/// Sampling is uniform and independent per entry.
public struct MultiDiscrete: Space, Hashable {
    /// The number of values of each entry.
    public let nvec: [Int]

    /// Creates the space; every entry of `nvec` must be positive.
    public init(_ nvec: [Int]) {
        precondition(!nvec.isEmpty && nvec.allSatisfy { $0 > 0 }, "MultiDiscrete needs positive counts, got \(nvec)")
        self.nvec = nvec
    }

    public var shape: [Int] { [nvec.count] }

    public func contains(_ element: [Int]) -> Bool {
        element.count == nvec.count && zip(element, nvec).allSatisfy { $0 >= 0 && $0 < $1 }
    }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Int] {
        nvec.map { generator.nextInt(upperBound: $0) }
    }

    public var description: String { "MultiDiscrete(\(nvec))" }
}
