import ArgumentParser
import Experiments
import Foundation

/// `rlrun sweep SPEC.yaml`: many runs of one agent, locally or on Slurm.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a sweep (environments × settings × seeds) in a local process pool or as a Slurm job array.",
        discussion: """
            The sweep file names the agent, the environments, the seeds, settings for every run (set:) and \
            a grid (grid: {KEY: [VALUES]}) or list (variants: [{KEY: VALUE}]) of varied settings. Each run \
            gets a run folder under sweeps/<name>/runs/, and sweeps/<name>/index.json lists every run's \
            command and state. Launching the same sweep again skips finished runs and resumes interrupted ones.

            --backend local (the default) runs --jobs processes at a time, one BLAS thread each; Ctrl-C \
            stops the pool and every running run checkpoints. --backend slurm writes \
            sweeps/<name>/sweep.sbatch, a job array with one task per unfinished run, and submits it with \
            sbatch (--dry-run prints it instead). --status prints each run's state. `rlrun report \
            sweeps/<name>` compares the finished runs.

            Example sweep file:
              name: cartpole-seeds
              agent: dqn
              environment: cartpole
              seeds: [1, 2, 3, 4, 5]
              set: {total_steps: 20000}
              grid: {learning_rate: [0.001, 0.0023]}
            """
    )

    /// Where the runs go.
    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case local, slurm
    }

    @Argument(help: ArgumentHelp("The sweep file (YAML).", valueName: "spec"))
    var spec: String

    @Option(help: "local (a process pool on this machine) or slurm (a job array).")
    var backend: Backend = .local

    @Option(help: "Local backend: runs at a time (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("The folder that holds sweep folders.", valueName: "dir"))
    var root: String = "sweeps"

    @Option(help: "Slurm: the partition.")
    var partition: String?

    @Option(help: "Slurm: the time limit of each task (for example 01:00:00).")
    var time: String?

    @Option(help: "Slurm: CPUs per task.")
    var cpusPerTask: Int = 1

    @Option(name: .customLong("sbatch"), parsing: .singleValue,
            help: ArgumentHelp("Slurm: an extra line for the script, written as #SBATCH LINE; repeat for several.", valueName: "line"))
    var sbatchLines: [String] = []

    @Flag(help: "Slurm: print the sbatch script instead of submitting it.")
    var dryRun = false

    @Flag(help: "Print each run's state and exit.")
    var status = false

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be in 1...256, got \(jobs).") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask).") }
        if dryRun && backend != .slurm { throw ValidationError("--dry-run is for --backend slurm.") }
    }

    func run() throws {
        let sweep = try reportingUserErrors {
            try Sweep(spec: SweepSpec.load(from: URL(fileURLWithPath: spec)), root: URL(fileURLWithPath: root))
        }
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        if status {
            for run in sweep.runs { print("\(sweep.state(of: run).rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(run.id)") }
            return
        }
        print("sweep \(sweep.spec.name): \(sweep.runs.count) runs of \(sweep.spec.agent) in \(displayPath(sweep.directory))")
        switch backend {
        case .local:
            let stopRequest = StopRequest()
            stopRequest.installSignalHandlers()
            let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            let outcome = try reportingUserErrors {
                try sweep.runLocally(executable: executable, jobs: workers, stopRequest: stopRequest) { print($0); fflush(nil) }
            }
            print("\(outcome.finished.count) finished, \(outcome.skipped.count) already finished, \(outcome.stopped.count) stopped, "
                  + "\(outcome.failed.count) failed; index: \(displayPath(sweep.directory.appendingPathComponent("index.json")))")
            if let signal = stopRequest.signal {
                print("stopped by signal \(signal); run the same command again to resume")
                throw ExitCode(StopRequest.exitStatus(for: signal))
            }
            if !outcome.failed.isEmpty { throw ExitCode.failure }
        case .slurm:
            let settings = Sweep.SlurmSettings(partition: partition, time: time, cpusPerTask: cpusPerTask, extraLines: sbatchLines)
            let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            if dryRun {
                print(sweep.slurmScript(executable: executable, settings: settings, workingDirectory: workingDirectory)
                      ?? "# every run is finished: nothing to submit", terminator: "")
                return
            }
            guard let job = try reportingUserErrors({
                try sweep.submitToSlurm(executable: executable, settings: settings, workingDirectory: workingDirectory)
            }) else {
                print("every run is finished: nothing to submit")
                return
            }
            print("submitted job array \(job); follow it with `squeue -j \(job)` or `rlrun sweep \(spec) --status`")
        }
    }
}
