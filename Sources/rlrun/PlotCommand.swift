import ArgumentParser
import Environments
import Experiments
import Foundation
import Viewer

/// `rlrun plot RUN_DIR... --out curve.svg`: learning curves from run folders.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot episode return against environment steps for one or more runs (SVG or PNG).",
        discussion: """
            Reads each run's episodes.jsonl: the step axis is the running sum of episode lengths, the \
            returns are smoothed by a trailing moving average over --smoothing episodes. Runs of the \
            same agent, environment and configuration (for example several seeds) are drawn as their \
            mean with a band from the lowest to the highest run; other groups get their own line. A \
            folder of run folders (a sweep's) stands for every run in it. The format \
            follows --out: .svg (text) or .png.

            Examples:
              rlrun plot runs/dqn-gridworld-20261129T170000Z --out curve.svg
              rlrun plot runs/dqn-cartpole-* --out cartpole.png --smoothing 50
            """
    )

    @Argument(help: ArgumentHelp("Run folders, sweep folders or episodes.jsonl files.", valueName: "run-dir"))
    var runFolders: [String]

    @Option(help: ArgumentHelp("The picture to write: a .svg or .png file.", valueName: "file"))
    var out: String

    @Option(help: "Episodes in the moving average.")
    var smoothing: Int = 20

    @Option(help: "The chart's title (default: 'Episode return during training').")
    var title: String?

    @Option(help: "Picture width in pixels.")
    var width: Int = 800

    @Option(help: "Picture height in pixels.")
    var height: Int = 500

    func validate() throws {
        if runFolders.isEmpty { throw ValidationError("Name at least one run folder.") }
        let lowered = out.lowercased()
        if !lowered.hasSuffix(".svg") && !lowered.hasSuffix(".png") {
            throw ValidationError("--out must end in .svg or .png, got '\(out)'.")
        }
        if smoothing < 1 { throw ValidationError("--smoothing must be at least 1, got \(smoothing).") }
        if width < 200 || height < 150 { throw ValidationError("--width and --height must be at least 200 and 150, got \(width)x\(height).") }
    }

    func run() throws {
        let curves = try reportingUserErrors { try LearningCurve.loadRuns(from: runFolders.map { URL(fileURLWithPath: $0) }) }
        if let empty = curves.first(where: { $0.steps.isEmpty }) {
            throw fail("run '\(empty.label)' has no finished episodes to plot")
        }
        let summaries = LearningCurveSummary.summariseByGroup(curves, smoothing: smoothing)
        let series = summaries.map { summary in
            LineChart.Series(label: summary.label, x: summary.steps, y: summary.mean,
                             band: summary.runCount > 1 ? (summary.lower, summary.upper) : nil)
        }
        let chart = LineChart(title: title ?? "Episode return during training", xLabel: "environment steps",
                              yLabel: "episode return", series: series,
                              note: "moving average over \(smoothing) episode\(smoothing == 1 ? "" : "s")")
        let url = URL(fileURLWithPath: out)
        try reportingUserErrors {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if out.lowercased().hasSuffix(".svg") {
                try Data(chart.svg(width: width, height: height).utf8).write(to: url, options: .atomic)
            } else {
                try PNGImage.write(chart.render(width: width, height: height), to: url)
            }
        }
        for summary in summaries {
            let last = summary.mean.last.map { String(format: "%.3f", $0) } ?? "-"
            print("\(summary.label): \(summary.steps.count) points, final smoothed return \(last)")
        }
        print("wrote \(out)")
    }
}
