import ArgumentParser
import Environments
import Experiments
import Foundation

/// `rlrun random ENV`: the random agent, logged to a run folder.
struct RandomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "random",
        abstract: "Run a uniformly random agent on an environment and log every episode.",
        discussion: """
            Writes a run folder (by default runs/random-<env>-<UTC timestamp>/) holding config.json, \
            the resolved configuration, and episodes.jsonl, one line per episode with its seed, \
            actions and rewards. Episode i is reset with a seed derived from --seed and i, so the \
            whole run is fixed by --seed and `rlrun replay` can re-simulate any episode.

            Examples:
              rlrun random gridworld
              rlrun random gridworld --episodes 100 --seed 3 --set size=8
              rlrun random cartpole --out /tmp/cartpole-run
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of episodes to run.")
    var episodes = 10

    @Option(help: "Run seed; every episode seed and the agent's seed are derived from it.")
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
            let run = RandomRun(environment: spec.name, options: try common.overrides(for: spec), seed: seed, episodes: episodes)
            _ = try run.configuration()
            return try inNewRunFolder(out: out, agent: RandomRun.agentName, environment: spec.name) { try run.run(in: $0) }
        }
        print("random agent on \(common.environment), seed \(seed)")
        print("  episodes      \(summary.episodes)")
        print("  mean return   \(format(summary.meanReturn)) ± \(format(summary.returnStandardDeviation)) (standard deviation)")
        print("  mean length   \(format(summary.meanLength)) steps")
        print("  run folder    \(displayPath(summary.folder.url))")
    }
}

/// A number with four significant decimals, for summaries.
func format(_ value: Double) -> String {
    String(format: "%.4g", value)
}

/// `url`'s path relative to the current folder when it lies inside it.
func displayPath(_ url: URL) -> String {
    let current = FileManager.default.currentDirectoryPath + "/"
    let path = url.standardizedFileURL.path
    return path.hasPrefix(current) ? String(path.dropFirst(current.count)) : path
}
