import Environments
import XCTest

// From README.md, "Import" (keep the two in step).
/// A wrapper writes only what it changes: here the reward (RewardWrapper); the
/// spaces, reset, rendering and the rest of each step pass through.
struct ScaledReward<Wrapped: Environment>: RewardWrapper {
    var wrapped: Wrapped
    func reward(_ reward: Double) -> Double { reward / 100 }
}

/// Keeps the README's import example honest: the same code, compiled and run.
final class ReadmeExampleTests: XCTestCase {
    func testImportExampleRuns() throws {
        guard EnvironmentRegistry.standard.names.contains("cartpole") else {
            throw XCTSkip("cartpole is not registered in this build")
        }
        var returns: [Double] = []
        // From README.md, "Import" (keep the two in step); only the `returns` lines are added.
        let registry = EnvironmentRegistry.standard
        var cartPole = ScaledReward(wrapped: try registry.make(
            "cartpole", as: [Float].self, Int.self, options: ["max_episode_steps": 200]))
        var generator = Xoshiro256(seed: 42)
        for episode in 0..<5 {
            _ = try cartPole.reset(seed: UInt64(episode))
            var episodeReturn = 0.0
            while true {
                let step = try cartPole.step(cartPole.actionSpace.sample(using: &generator))
                episodeReturn += step.reward
                if step.terminated || step.truncated { break }
            }
            print("episode \(episode): return \(episodeReturn)")
            returns.append(episodeReturn)
        }

        // Four copies in one batch, each reset automatically when its episode ends.
        let copies = try VectorEnvironment(count: 4) { _ in try registry.make("cartpole", as: [Float].self, Int.self) }
        _ = try copies.reset(seed: 7)
        let batch = try copies.step([0, 1, 0, 1])
        print("observations \(copies.observationShape), rewards \(batch.rewards)")

        XCTAssertEqual(returns.count, 5)
        // CartPole pays +1 per step, scaled to 0.01, and the time limit ends episodes at 200 steps.
        for episodeReturn in returns {
            let steps = (episodeReturn * 100).rounded()
            XCTAssertEqual(episodeReturn * 100, steps, accuracy: 1e-6)
            XCTAssertTrue((1...200).contains(steps), "\(returns)")
        }
        XCTAssertEqual(cartPole.name, "ScaledReward<TimeLimit<CartPole>>")
        XCTAssertEqual(copies.observationShape, [4, 4])
        XCTAssertEqual(batch.rewards, [1, 1, 1, 1])
    }
}
