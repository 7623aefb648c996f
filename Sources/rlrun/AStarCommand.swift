import ArgumentParser
import Environments
import Experiments
import Foundation

/// `rlrun astar ENV`: the A* oracle agent on a path-planning environment, logged to a run folder.
struct AStarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "astar",
        abstract: "Run the A* oracle agent on a path-planning environment and report success rate and path efficiency.",
        discussion: """
            Works on robot-nav, robot-nav-pomdp, robot-nav-continuous and robot-grid. The agent plans \
            with A* on the episode's true world and follows the path with the environment's actions. \
            Path efficiency is the oracle's shortest path length over the length driven, averaged \
            over successful episodes; SPL (success weighted by path length) averages over all.

            Writes a run folder (by default runs/astar-<env>-<UTC timestamp>/) like `rlrun random`, \
            so `rlrun replay` re-simulates every episode.

            Examples:
              rlrun astar robot-nav
              rlrun astar robot-nav --episodes 100 --seed 3
              rlrun astar robot-grid --set size=20 --out /tmp/grid-oracle
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of episodes to run.")
    var episodes = 10

    @Option(help: "Run seed; every episode seed is derived from it.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Run folder to create (must not already hold a run).", valueName: "dir"))
    var out: String?

    func validate() throws {
        guard episodes >= 1 else {
            throw ValidationError("--episodes must be at least 1, got \(episodes).")
        }
    }

    func run() throws {
        let summary = try reportingUserErrors {
            let spec = try common.spec()
            guard AStarRun.supportedEnvironments.contains(spec.name) else {
                throw RunError.unsupportedEnvironment(environment: spec.name, agent: AStarRun.agentName,
                                                      supported: AStarRun.supportedEnvironments)
            }
            let run = AStarRun(environment: spec.name, options: try common.overrides(for: spec), seed: seed, episodes: episodes)
            _ = try run.configuration()
            return try inNewRunFolder(out: out, agent: AStarRun.agentName, environment: spec.name) { try run.run(in: $0) }
        }
        print("A* oracle agent on \(common.environment), seed \(seed)")
        print("  episodes          \(summary.run.episodes)")
        print("  success rate      \(format(summary.successRate))")
        print("  path efficiency   \(format(summary.meanPathEfficiency)) (shortest / driven, successful episodes)")
        print("  SPL               \(format(summary.successWeightedByPathLength))")
        print("  mean return       \(format(summary.run.meanReturn)) ± \(format(summary.run.returnStandardDeviation)) (standard deviation)")
        print("  mean length       \(format(summary.run.meanLength)) steps")
        print("  run folder        \(displayPath(summary.run.folder.url))")
    }
}
