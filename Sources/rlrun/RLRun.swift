import ArgumentParser
import Environments

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
            its log; 64 for bad input (unknown environment or option, bad value, unreadable file).

            Examples:
              rlrun list
              rlrun random gridworld --episodes 20 --seed 7
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl
            """,
        version: Environments.version,
        subcommands: [DQNCommand.self, DRQNCommand.self, PPOCommand.self, PPOLSTMCommand.self, EvalCommand.self, RandomCommand.self, AStarCommand.self, ListCommand.self, CheckEnvironmentCommand.self, ReplayCommand.self, WatchCommand.self, RecordCommand.self, PlotCommand.self, ReportCommand.self, SweepCommand.self, BenchCommand.self]
    )
}
