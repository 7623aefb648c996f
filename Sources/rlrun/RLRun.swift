import ArgumentParser
import Environments
#if canImport(Glibc)
import Glibc
#endif

/// The `rlrun` command: runs agents on environments, lists what exists, checks
/// environments, replays logged episodes and benchmarks simulators.
///
/// It only parses arguments and calls the Experiments module; all work and all
/// files are Experiments' business.
@main
struct RLRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rlrun",
        abstract: "Run, check, replay and benchmark reinforcement-learning environments.",
        discussion: """
            Environments are chosen by registered name (see `rlrun list`) and configured with \
            `--set key=value`. Every run writes a folder with its resolved configuration (config.json) \
            and one JSON line per episode (episodes.jsonl), which `rlrun replay` re-simulates and checks.

            Exit status: 0 on success; 1 when an environment check fails or a replay does not match \
            its log; 64 for bad input (unknown command, environment or option, bad value, malformed map, \
            unreadable file).

            Examples:
              rlrun list
              rlrun random gridworld --episodes 20 --seed 7
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl
            """,
        version: Environments.version,
        subcommands: [DQNCommand.self, DRQNCommand.self, PPOCommand.self, PPOLSTMCommand.self, EvalCommand.self, CompressCommand.self, RandomCommand.self, AStarCommand.self, ListCommand.self, CheckEnvironmentCommand.self, ReplayCommand.self, WatchCommand.self, RecordCommand.self, PlotCommand.self, ReportCommand.self, SweepCommand.self, BenchCommand.self]
    )

    /// Names an unknown command as such (the argument parser would call it an
    /// unexpected argument) before parsing.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-"), first != "help" {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName }
            if !names.contains(first) {
                let suggestion = closestMatch(to: first, in: names).map { "; did you mean '\($0)'?" } ?? ""
                printError("error: unknown command '\(first)'\(suggestion) (commands: \(names.joined(separator: ", ")))")
                Glibc.exit(ExitCode.validationFailure.rawValue)
            }
        }
        main(arguments)
    }
}
