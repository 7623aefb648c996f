import Environments
import XCTest

/// Keeps the README's import example honest: the same code, compiled and run.
final class ReadmeExampleTests: XCTestCase {
    func testImportExampleRuns() throws {
        guard EnvironmentRegistry.standard.names.contains("cartpole") else {
            throw XCTSkip("cartpole is not registered in this build")
        }
        var returns: [Double] = []
        // From README.md, "Import" (keep the two in step); only the `returns` lines are added.
        let environment = try EnvironmentRegistry.standard.make("cartpole", options: ["max_episode_steps": .int(200)])
        guard var cartPole = environment as? any Environment<[Float], Int> else {
            fatalError("cartpole observes [Float] and takes Int actions")
        }
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
        XCTAssertEqual(returns.count, 5)
        // CartPole pays +1 per step, and the time limit ends episodes at 200 steps.
        XCTAssertTrue(returns.allSatisfy { $0 >= 1 && $0 <= 200 && $0 == $0.rounded() }, "\(returns)")
    }
}
