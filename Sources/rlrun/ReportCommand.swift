import ArgumentParser
import Experiments
import Foundation

/// `rlrun report DIR...`: statistics across seeds, one row per configuration.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare finished training runs across seeds: mean, IQM and a 95% bootstrap confidence interval.",
        discussion: """
            Takes run folders, or folders holding run folders (searched below, as a sweep's), groups the \
            runs by agent, environment and configuration (every setting except the seed), and prints per \
            group the seeds, the mean ± standard deviation of the final evaluation return, the \
            interquartile mean (IQM) with a 95% bootstrap confidence interval (2,000 seeded resamples, \
            as rliable recommends for few runs), the success rate where the environment defines it, and \
            the mean training wall time, as a Markdown table. Runs without eval.json are listed as skipped.

            Examples:
              rlrun report runs/dqn-cartpole-*
              rlrun report sweeps/cartpole-seeds --csv cartpole.csv
            """
    )

    @Argument(help: ArgumentHelp("Run folders or folders of run folders.", valueName: "dir"))
    var paths: [String]

    @Option(help: ArgumentHelp("Also write the table as CSV to this file.", valueName: "file"))
    var csv: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Name at least one run folder or sweep folder.") }
    }

    func run() throws {
        let report = try reportingUserErrors { try RunReport(paths: paths.map { URL(fileURLWithPath: $0) }) }
        if report.groups.isEmpty { throw fail("no finished runs (with an eval.json) in \(paths.joined(separator: ", "))") }
        print(report.markdown, terminator: "")
        for (folder, reason) in report.skipped {
            print("skipped \(displayPath(folder)): \(reason)")
        }
        if let csv {
            try reportingUserErrors { try Data(report.csv.utf8).write(to: URL(fileURLWithPath: csv), options: .atomic) }
            print("wrote \(csv)")
        }
    }
}
