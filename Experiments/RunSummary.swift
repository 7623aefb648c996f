import Foundation

/// The outcome of a run, for the summary a person reads at its end.
public struct RunSummary: Equatable, Sendable {
    /// The folder the run wrote.
    public var folder: RunFolder
    /// The return of every episode, in order.
    public var returns: [Double]
    /// The length of every episode, in steps, in order.
    public var lengths: [Int]

    /// Creates a summary.
    public init(folder: RunFolder, returns: [Double], lengths: [Int]) {
        self.folder = folder
        self.returns = returns
        self.lengths = lengths
    }

    /// The number of episodes.
    public var episodes: Int { returns.count }

    /// The mean episode return (0 without episodes).
    public var meanReturn: Double {
        returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count)
    }

    /// The population standard deviation of the returns (divides by n, as NumPy's default).
    public var returnStandardDeviation: Double {
        guard !returns.isEmpty else { return 0 }
        let mean = meanReturn
        let squares = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(returns.count)).squareRoot()
    }

    /// The mean episode length in steps (0 without episodes).
    public var meanLength: Double {
        lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
    }
}
