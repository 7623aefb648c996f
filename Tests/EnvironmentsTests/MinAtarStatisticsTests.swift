import Foundation
import XCTest
@testable import Environments

/// Uniform random play against the Python reference's statistics
/// (`scripts/minatar/reference_statistics.py` made the reference numbers).
///
/// Reference: `minatar` 1.0.15 from PyPI, `Environment(game, sticky_action_prob=0.1)`
/// with its default difficulty ramping, `seed(1)`, actions uniform over all
/// six from `numpy.random.RandomState(7)`; 50000 episodes of Breakout, 20000
/// of Space Invaders, Asterix and Seaquest, 4000 of Freeway. Ours: the same
/// settings with `Xoshiro256` seeds 20261129 (environment) and 7 (policy),
/// 20000 episodes of Breakout, 4000 of Seaquest, 2000 of Space Invaders and
/// Asterix. Each mean must lie within the reference's 95% interval widened by
/// our own standard error: `|mean − reference| ≤ 1.96 · √(se_reference² + se_ours²)`.
///
/// Freeway's 1000 episodes of 2501 frames take long in a debug build, so they
/// run only with `SWIFTRL_SLOW_TESTS=1`; a 40-episode check always runs.
final class MinAtarStatisticsTests: XCTestCase {
    /// Mean, sample standard deviation and count of one quantity.
    struct Summary: CustomStringConvertible {
        var mean: Double
        var standardDeviation: Double
        var count: Int

        var standardError: Double { standardDeviation / Double(count).squareRoot() }

        init(mean: Double, standardDeviation: Double, count: Int) {
            self.mean = mean
            self.standardDeviation = standardDeviation
            self.count = count
        }

        init(_ values: [Double]) {
            let mean = values.reduce(0, +) / Double(values.count)
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            self.init(mean: mean, standardDeviation: (squares / Double(values.count - 1)).squareRoot(), count: values.count)
        }

        var description: String {
            String(format: "%.4f ± %.4f (sd %.4f, n %d)", mean, 1.96 * standardError, standardDeviation, count)
        }
    }

    /// The reference's return and length summaries, measured with the Python package.
    static let reference: [String: (episodeReturn: Summary, length: Summary)] = [
        "breakout": (Summary(mean: 0.51176, standardDeviation: 0.746829, count: 50000),
                     Summary(mean: 11.22708, standardDeviation: 7.796484, count: 50000)),
        "space-invaders": (Summary(mean: 2.83275, standardDeviation: 2.291340, count: 20000),
                           Summary(mean: 51.1419, standardDeviation: 38.666821, count: 20000)),
        "freeway": (Summary(mean: 0.12975, standardDeviation: 0.359092, count: 4000),
                    Summary(mean: 2501, standardDeviation: 0, count: 4000)),
        "asterix": (Summary(mean: 0.51355, standardDeviation: 0.881110, count: 20000),
                    Summary(mean: 71.1111, standardDeviation: 45.396122, count: 20000)),
        "seaquest": (Summary(mean: 0.1007, standardDeviation: 0.386092, count: 20000),
                     Summary(mean: 30.2122, standardDeviation: 37.015948, count: 20000)),
    ]

    static var slowTestsEnabled: Bool { ProcessInfo.processInfo.environment["SWIFTRL_SLOW_TESTS"] == "1" }

    private func randomEpisodes<Game: MinAtarGame>(_ game: Game.Type, count: Int) throws -> (episodeReturn: Summary, length: Summary) {
        var environment = MinAtarEnvironment<Game>(stickyActionProbability: 0.1, seed: 20_261_129)
        var policy = Xoshiro256(seed: 7)
        var returns: [Double] = [], lengths: [Double] = []
        for _ in 0..<count {
            _ = try environment.reset()
            var episodeReturn = 0.0, length = 0
            while true {
                let step = try environment.step(policy.nextInt(upperBound: 6))
                episodeReturn += step.reward
                length += 1
                if step.terminated || step.truncated { break }
            }
            returns.append(episodeReturn)
            lengths.append(Double(length))
        }
        return (Summary(returns), Summary(lengths))
    }

    private func assertAgrees<Game: MinAtarGame>(_ game: Game.Type, name: String, episodes: Int,
                                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let ours = try randomEpisodes(game, count: episodes)
        let reference = try XCTUnwrap(Self.reference[name])
        for (label, mine, theirs) in [("return", ours.episodeReturn, reference.episodeReturn),
                                      ("length", ours.length, reference.length)] {
            let tolerance = 1.96 * (theirs.standardError * theirs.standardError + mine.standardError * mine.standardError).squareRoot()
            XCTAssertLessThanOrEqual(abs(mine.mean - theirs.mean), tolerance,
                                     "\(name) mean \(label): ours \(mine), reference \(theirs)", file: file, line: line)
        }
        print("MinAtar statistics \(name): return \(ours.episodeReturn), length \(ours.length)")
    }

    func testBreakoutRandomPlayMatchesTheReference() throws {
        try assertAgrees(Breakout.self, name: "breakout", episodes: 20000)
    }

    func testSpaceInvadersRandomPlayMatchesTheReference() throws {
        try assertAgrees(SpaceInvaders.self, name: "space-invaders", episodes: 2000)
    }

    func testAsterixRandomPlayMatchesTheReference() throws {
        try assertAgrees(Asterix.self, name: "asterix", episodes: 2000)
    }

    func testSeaquestRandomPlayMatchesTheReference() throws {
        try assertAgrees(Seaquest.self, name: "seaquest", episodes: 4000)
    }

    func testFreewayRandomPlayMatchesTheReference() throws {
        try assertAgrees(Freeway.self, name: "freeway", episodes: Self.slowTestsEnabled ? 1000 : 40)
    }
}
