import ArgumentParser
import Environments
import Experiments
import Foundation

/// `rlrun replay FILE`: re-simulates logged episodes and checks them against the log.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-simulate logged episodes and check every reward and ending against the log.",
        discussion: """
            Each episode is made again from the environment name and options in the log's header, \
            reset with its logged seed and stepped with its logged actions. Rewards must match exactly. \
            Prints one line per episode (OK, or the first mismatch with its episode and step) and one \
            line per unreadable log line, and exits with status 1 if there was any.

            Examples:
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl --episode 4 --render ansi
            """
    )

    /// How to show the replayed steps.
    enum Rendering: String, ExpressibleByArgument, CaseIterable {
        case ansi, none
    }

    @Argument(help: ArgumentHelp("An episodes.jsonl file written by a run.", valueName: "file"))
    var file: String

    @Option(help: "Check only the episode with this index.")
    var episode: Int?

    @Option(help: "Show every step of --episode in the terminal (ansi), or nothing (none).")
    var render: Rendering = .none

    func validate() throws {
        if render == .ansi && episode == nil {
            throw ValidationError("--render ansi shows one episode: add --episode K.")
        }
    }

    func run() throws {
        let path = file
        let contents = try reportingUserErrors { try EpisodeLogReader.read(from: URL(fileURLWithPath: path)) }
        var episodes = contents.episodes
        if let episode {
            guard let selected = contents.episode(index: episode) else {
                let known = contents.episodes.map(\.index)
                let range = known.isEmpty ? "it has no valid episodes" : "valid episodes: \(known.first!)...\(known.last!)"
                throw fail("episode \(episode) is not in '\(path)' (\(range))")
            }
            episodes = [selected]
        }

        let replay = Replay()
        var mismatches = 0
        for record in episodes {
            let replayed = try reportingUserErrors {
                try replay.replay(record, header: contents.header, collectRenderings: render == .ansi)
            }
            if render == .ansi { show(replayed, of: record, environment: contents.header.environment) }
            if let mismatch = replayed.mismatch {
                mismatches += 1
                print("MISMATCH \(mismatch)")
            } else {
                print("OK       episode \(record.index): \(record.length) steps, return \(record.episodeReturn)")
            }
        }
        for problem in contents.problems {
            print("BAD LINE \(problem)")
        }
        let badLines = contents.problems.count
        print("\(episodes.count) episode\(episodes.count == 1 ? "" : "s") replayed: \(episodes.count - mismatches) matched, "
              + "\(mismatches) mismatched; \(badLines) bad line\(badLines == 1 ? "" : "s")")
        if mismatches > 0 || badLines > 0 {
            throw ExitCode.failure
        }
    }

    private func show(_ replayed: ReplayedEpisode, of record: EpisodeRecord, environment: String) {
        guard !replayed.renderings.isEmpty else {
            print("(environment '\(environment)' has no text rendering)")
            return
        }
        for (frame, text) in replayed.renderings.enumerated() {
            if frame == 0 {
                print("episode \(record.index), reset with seed \(record.seed)")
            } else {
                let step = frame - 1
                print("step \(step): action \(record.actions[step]), reward \(record.rewards[step])")
            }
            print(text)
        }
    }
}
