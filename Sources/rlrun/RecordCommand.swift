import ArgumentParser
import Environments
import Experiments
import Foundation
import Viewer

/// `rlrun record RUN_DIR --episodes N --out DIR`: one GIF per greedy evaluation episode.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record greedy evaluation episodes of a trained DQN run as animated GIFs.",
        discussion: """
            Like Gymnasium's video recorder: plays N greedy episodes from the run's newest \
            checkpoint (episode i reset with a seed derived from --seed, the run's evaluation seed by \
            default, so they are the episodes of its evaluation) and writes each as \
            DIR/episode-000.gif, DIR/episode-001.gif, ... with the environment's own frames. \
            Needs no display.

            Example:
              rlrun record runs/dqn-gridworld-20261129T170000Z --episodes 5 --out videos
            """
    )

    @Argument(help: ArgumentHelp("A DQN run folder with at least one checkpoint.", valueName: "run-dir"))
    var runFolder: String

    @Option(name: .customLong("policy"), help: ArgumentHelp("Play a compressed policy of the run (`compressed/<name>`, written by `rlrun compress`) instead of its newest checkpoint.", valueName: "dir"))
    var compressedPolicy: String?

    @Option(help: "Episodes to record.")
    var episodes: Int = 1

    @Option(help: ArgumentHelp("Folder for the GIF files (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: "Frames per second of the GIFs.")
    var fps: Double = 10

    @Option(help: "Seed episode seeds are derived from (default: the run's evaluation seed).")
    var seed: UInt64?

    func validate() throws {
        if episodes < 1 { throw ValidationError("--episodes must be at least 1, got \(episodes).") }
        if !(fps > 0 && fps <= 50) { throw ValidationError("--fps must be in (0, 50] (GIF timing is in hundredths of a second), got \(fps).") }
    }

    func run() throws {
        let path = runFolder
        let playback = try reportingUserErrors { () throws -> PolicyPlayback in
            let run = URL(fileURLWithPath: path)
            let compressed = compressedPolicy.map { CompressedPolicyFile.folder(named: $0, runFolder: run) }
            let greedy = try GreedyPolicy(runFolder: run, compressedPolicy: compressed)
            return try PolicyPlayback(policy: greedy, episodes: episodes, seed: seed)
        }
        let source = PolicyPlaybackSource(playback)
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        try reportingUserErrors {
            for episode in 0..<episodes {
                let name = "episode-" + String(repeating: "0", count: max(0, 3 - String(episode).count)) + String(episode) + ".gif"
                let exporter = try FrameExporter(path: folder.appendingPathComponent(name).path, framesPerSecond: fps)
                try exporter.append(try source.restartEpisode())
                while !playback.episodeEnded {
                    _ = try playback.advance()
                    guard let frame = playback.render() else { break }
                    try exporter.append(frame)
                }
                try exporter.finish()
                print("episode \(episode): \(playback.step) steps, return \(playback.episodeReturn)"
                      + (playback.terminated ? "" : " (truncated)") + " -> \(displayPath(folder.appendingPathComponent(name)))")
                if episode + 1 < episodes { _ = try playback.advance() }
            }
        }
    }
}
