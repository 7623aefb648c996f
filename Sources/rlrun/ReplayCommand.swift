import ArgumentParser
import Environments
import Experiments
import Foundation
import Viewer

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

            With --episode K the episode is also shown: in a window when a display exists, in the \
            terminal (ansi) otherwise, or as images with --render gif|png (or --export PATH.gif|DIR/). \
            Exported images show what the window shows (frame scaled up, head-up line) unless --bare.

            Examples:
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl --episode 4 --render ansi
              rlrun replay runs/random-gridworld-20261129T170000Z/episodes.jsonl --episode 4 --export episode-4.gif
            """
    )

    /// How to show the replayed steps.
    enum Rendering: String, ExpressibleByArgument, CaseIterable {
        case window, ansi, gif, png, none
    }

    @Argument(help: ArgumentHelp("An episodes.jsonl file written by a run.", valueName: "file"))
    var file: String

    @Option(help: "Check only the episode with this index.")
    var episode: Int?

    @Option(help: "Show --episode in a window, the terminal (ansi), as an animated GIF or PNG frames, or not at all (default: window when a display exists, else ansi).")
    var render: Rendering?

    @Option(help: ArgumentHelp("Where --render gif|png writes: PATH.gif or DIR/ (default: episode-K.gif or episode-K/).", valueName: "path"))
    var export: String?

    @Option(help: "Steps shown per second in the window and in a GIF.")
    var fps: Double = 5

    @Flag(help: "Export the environment's frames as drawn, without scaling or the head-up line.")
    var bare = false

    func validate() throws {
        if let render, render != .none, episode == nil {
            throw ValidationError("--render \(render.rawValue) shows one episode: add --episode K.")
        }
        if export != nil && episode == nil {
            throw ValidationError("--export writes one episode: add --episode K.")
        }
        if let export {
            let destination = try reportingUserErrors { try FrameExporter.destination(for: export) }
            switch (render, destination) {
            case (Rendering.gif?, .pngFolder), (Rendering.png?, .gif):
                throw ValidationError("--render \(render!.rawValue) does not match --export '\(export)': use PATH.gif for gif, DIR/ for png.")
            case (Rendering.window?, _), (Rendering.ansi?, _), (Rendering.none?, _):
                throw ValidationError("--export goes with --render gif or png, not \(render!.rawValue).")
            default: break
            }
        }
        if !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must be in (0, 1000], got \(fps).") }
    }

    /// How the chosen episode is shown, after defaults.
    private var effectiveRendering: Rendering {
        if let render { return render }
        if let export { return export.lowercased().hasSuffix(".gif") ? .gif : .png }
        guard episode != nil else { return .none }
        return ViewerWindow.displayProblem() == nil ? .window : .ansi
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
        let rendering = effectiveRendering
        var mismatches = 0
        for record in episodes {
            let replayed = try reportingUserErrors {
                try replay.replay(record, header: contents.header, collectRenderings: rendering == .ansi,
                                  collectFrames: [.window, .gif, .png].contains(rendering))
            }
            switch rendering {
            case .ansi: show(replayed, of: record, environment: contents.header.environment)
            case .window, .gif, .png: try showFrames(replayed, of: record, environment: contents.header.environment, as: rendering)
            case .none: break
            }
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

    private func showFrames(_ replayed: ReplayedEpisode, of record: EpisodeRecord, environment: String, as rendering: Rendering) throws {
        guard !replayed.frames.isEmpty else {
            print("(environment '\(environment)' does not draw frames)")
            return
        }
        let source = ReplayedFramesSource(environment: environment, record: record, frames: replayed.frames)
        if rendering == .window {
            let window = try reportingUserErrors {
                try ViewerWindow(title: "rlrun replay: \(environment) episode \(record.index)",
                                 frameWidth: replayed.frames[0].width, frameHeight: replayed.frames[0].height)
            }
            defer { window.close() }
            _ = try reportingUserErrors { try window.play(source, framesPerSecond: fps) }
            return
        }
        let path = export ?? (rendering == .gif ? "episode-\(record.index).gif" : "episode-\(record.index)/")
        let written = try reportingUserErrors { () throws -> Int in
            let exporter = try FrameExporter(path: path, framesPerSecond: fps)
            return try exporter.export(source, windowView: !bare)
        }
        print("wrote \(written) frames of episode \(record.index) to \(path)")
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
