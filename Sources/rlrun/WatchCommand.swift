import ArgumentParser
import Environments
import Experiments
import Foundation
import Viewer

/// `rlrun watch RUN_DIR`: plays greedy episodes of a trained DQN run in a window, or exports them.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a trained agent play greedy episodes in a window, or export them as images.",
        discussion: """
            Loads the newest checkpoint and the environment of a DQN run folder and plays greedy \
            episodes (episode i is reset with a seed derived from --seed, the run's evaluation seed by \
            default). Keys: space pause/resume, right arrow one step while paused, + and - speed, \
            r restart the episode, q or Esc quit.

            Without a display, pass --export (an animated GIF for PATH.gif, numbered PNG files for \
            DIR/) or run under a virtual display with `xvfb-run -a rlrun watch RUN_DIR`. Exported \
            images show what the window shows: the frame scaled up, with the head-up line.

            Examples:
              rlrun watch runs/dqn-gridworld-20261129T170000Z
              rlrun watch runs/dqn-gridworld-20261129T170000Z --episodes 1 --export gridworld.gif
            """
    )

    @Argument(help: ArgumentHelp("A DQN run folder with at least one checkpoint.", valueName: "run-dir"))
    var runFolder: String

    @Option(name: .customLong("policy"), help: ArgumentHelp("Play a compressed policy of the run (`compressed/<name>`, written by `rlrun compress`) instead of its newest checkpoint.", valueName: "dir"))
    var compressedPolicy: String?

    @Option(help: "Episodes to play.")
    var episodes: Int = 3

    @Option(help: "Environment steps shown per second (at speed 1).")
    var fps: Double = 10

    @Option(help: "Seed episode seeds are derived from (default: the run's evaluation seed).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Write the episodes to PATH.gif (animated GIF) or DIR/ (PNG frames) instead of a window.", valueName: "path"))
    var export: String?

    @Flag(help: "With --export: the environment's frames as drawn, without scaling or the head-up line.")
    var bare = false

    func validate() throws {
        if episodes < 1 { throw ValidationError("--episodes must be at least 1, got \(episodes).") }
        if !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must be in (0, 1000], got \(fps).") }
        if let export { _ = try reportingUserErrors { try FrameExporter.destination(for: export) } }
    }

    func run() throws {
        let path = runFolder
        let playback = try reportingUserErrors { () throws -> PolicyPlayback in
            let run = URL(fileURLWithPath: path)
            let compressed = compressedPolicy.map { CompressedPolicyFile.folder(named: $0, runFolder: run) }
            let greedy = try GreedyPolicy(runFolder: run, compressedPolicy: compressed)
            return try PolicyPlayback(policy: greedy, episodes: episodes, seed: seed)
        }
        if export == nil, let problem = ViewerWindow.displayProblem() {
            _ = try reportingUserErrors { () throws -> Int in throw problem }
        }
        let source = PolicyPlaybackSource(playback)
        let environment = playback.policy.environmentName
        print("watching \(playback.policy.agentName) on \(environment): checkpoint at step \(playback.policy.checkpointStep), "
              + "\(episodes) episode\(episodes == 1 ? "" : "s"), seed \(playback.seed)")
        if let export {
            let exporter = try reportingUserErrors { try FrameExporter(path: export, framesPerSecond: fps) }
            let frames = try reportingUserErrors { try exporter.export(source, windowView: !bare) }
            printReturns(playback)
            print("wrote \(frames) frames to \(export)")
            return
        }
        let first = try reportingUserErrors { try source.restartEpisode() }
        let window = try reportingUserErrors {
            try ViewerWindow(title: "rlrun watch: dqn on \(environment)", frameWidth: first.width, frameHeight: first.height)
        }
        defer { window.close() }
        let completed = try reportingUserErrors { try window.play(source, framesPerSecond: fps) }
        printReturns(playback)
        if !completed { print("stopped by the user") }
    }

    private func printReturns(_ playback: PolicyPlayback) {
        for (index, episodeReturn) in playback.finishedReturns.enumerated() {
            print("episode \(index): return \(episodeReturn)")
        }
    }
}
