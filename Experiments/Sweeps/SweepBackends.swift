import Foundation

/// What happened to the runs a sweep launch touched.
public struct SweepOutcome: Sendable, Equatable {
    /// Runs that were already finished and skipped.
    public var skipped: [String] = []
    /// Runs that finished in this launch.
    public var finished: [String] = []
    /// Runs stopped by a signal (each wrote a checkpoint; the next launch resumes them).
    public var stopped: [String] = []
    /// Runs whose process failed, with its exit status.
    public var failed: [(id: String, status: Int32)] = []

    public static func == (lhs: SweepOutcome, rhs: SweepOutcome) -> Bool {
        lhs.skipped == rhs.skipped && lhs.finished == rhs.finished && lhs.stopped == rhs.stopped
            && lhs.failed.map(\.id) == rhs.failed.map(\.id) && lhs.failed.map(\.status) == rhs.failed.map(\.status)
    }
}

extension Sweep {
    /// Runs every unfinished run as its own `rlrun` process (`executable`), at
    /// most `jobs` at a time, each with one BLAS thread; finished runs are
    /// skipped and interrupted ones resumed. When `stopRequest` is set (Ctrl-C,
    /// SIGTERM), no new run starts and every running one gets SIGINT, checkpoints
    /// and exits as it does alone. `index.json` is rewritten at every change;
    /// `onEvent` hears one line per start and end.
    public func runLocally(executable: URL, jobs: Int, stopRequest: StopRequest,
                           onEvent: (String) -> Void = { _ in }) throws -> SweepOutcome {
        precondition(jobs >= 1, "a pool needs at least one worker")
        var outcome = SweepOutcome()
        var queue: [Run] = []
        for run in runs {
            if state(of: run) == .finished { outcome.skipped.append(run.id) } else { queue.append(run) }
        }
        var running: [(run: Run, process: Process)] = []
        var interrupted = false
        try writeIndex(executable: executable.path)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("logs"), withIntermediateDirectories: true)

        while !queue.isEmpty || !running.isEmpty {
            if stopRequest.signal != nil && !interrupted {
                interrupted = true
                queue.removeAll()
                for (_, process) in running where process.isRunning { kill(process.processIdentifier, SIGINT) }
            }
            while running.count < jobs, !queue.isEmpty {
                let run = queue.removeFirst()
                try prepare(run)
                let arguments = arguments(for: run)
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                var environment = ProcessInfo.processInfo.environment
                environment["OPENBLAS_NUM_THREADS"] = "1"
                process.environment = environment
                let logURL = logURL(of: run)
                if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
                let log = try FileHandle(forWritingTo: logURL)
                try log.seekToEnd()
                process.standardOutput = log
                process.standardError = log
                process.standardInput = FileHandle.nullDevice
                try process.run()
                try? log.close()
                running.append((run, process))
                onEvent("started  \(run.id)" + (arguments.contains("--resume") ? " (resumed)" : ""))
                try writeIndex(executable: executable.path, running: Set(running.map(\.run.id)))
            }
            usleep(20_000)
            let ended = running.filter { !$0.process.isRunning }
            guard !ended.isEmpty else { continue }
            running.removeAll { !$0.process.isRunning }
            for (run, process) in ended {
                let status = process.terminationStatus
                if status == 0 && state(of: run) == .finished {
                    outcome.finished.append(run.id)
                    onEvent("finished \(run.id)")
                } else if StopRequest.handledSignals.map(StopRequest.exitStatus).contains(status) {
                    outcome.stopped.append(run.id)
                    onEvent("stopped  \(run.id) (checkpoint written)")
                } else {
                    outcome.failed.append((run.id, status))
                    onEvent("failed   \(run.id): exit status \(status), see \(logURL(of: run).path)")
                }
            }
            try writeIndex(executable: executable.path, running: Set(running.map(\.run.id)))
        }
        return outcome
    }

    /// Slurm settings for ``slurmScript(executable:settings:)``.
    public struct SlurmSettings: Sendable {
        /// `--partition`, when given.
        public var partition: String?
        /// `--time` (for example `01:00:00`), when given.
        public var time: String?
        /// `--cpus-per-task` (each run uses one BLAS thread; more helps only the environment).
        public var cpusPerTask: Int = 1
        /// Extra lines passed through, each written as `#SBATCH <line>`.
        public var extraLines: [String] = []

        /// Slurm settings; the defaults leave partition and time to the cluster.
        public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 1, extraLines: [String] = []) {
            self.partition = partition
            self.time = time
            self.cpusPerTask = cpusPerTask
            self.extraLines = extraLines
        }
    }

    /// An sbatch script for a job array with one task per unfinished run (the
    /// array lists their indices in ``runs``); each task runs one `rlrun`
    /// process that writes its own run folder, resuming an interrupted one.
    /// `nil` when every run is finished.
    public func slurmScript(executable: URL, settings: SlurmSettings, workingDirectory: URL) -> String? {
        let pending = runs.indices.filter { state(of: runs[$0]) != .finished }
        guard !pending.isEmpty else { return nil }
        var lines = ["#!/bin/bash",
                     "#SBATCH --job-name=\(spec.name)",
                     "#SBATCH --array=\(pending.map(String.init).joined(separator: ","))",
                     "#SBATCH --cpus-per-task=\(settings.cpusPerTask)",
                     "#SBATCH --output=\(directory.appendingPathComponent("logs").path)/slurm-%A_%a.log"]
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = settings.time { lines.append("#SBATCH --time=\(time)") }
        lines += settings.extraLines.map { "#SBATCH \($0)" }
        lines += ["# Written by rlrun sweep for \(spec.file): one task per run, each one rlrun process with one BLAS thread.",
                  "export OPENBLAS_NUM_THREADS=1",
                  "cd \(Self.shellQuoted(workingDirectory.path)) || exit 1",
                  "case \"$SLURM_ARRAY_TASK_ID\" in"]
        for index in pending {
            let run = runs[index]
            let command = ([executable.path] + arguments(for: run)).map(Self.shellQuoted).joined(separator: " ")
            let reset = state(of: run) == .pending ? "rm -rf \(Self.shellQuoted(run.folder.path)); " : ""
            lines.append("  \(index)) \(reset)mkdir -p \(Self.shellQuoted(run.folder.deletingLastPathComponent().path)) && exec \(command) ;;")
        }
        lines += ["  *) echo \"no run for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 1 ;;", "esac", ""]
        return lines.joined(separator: "\n")
    }

    /// Writes ``slurmScript(executable:settings:workingDirectory:)`` to
    /// `<sweep>/sweep.sbatch`, submits it with `sbatch`, and returns the job id;
    /// `nil` when every run is finished.
    public func submitToSlurm(executable: URL, settings: SlurmSettings, workingDirectory: URL) throws -> String? {
        guard let script = slurmScript(executable: executable, settings: settings, workingDirectory: workingDirectory) else { return nil }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let scriptURL = directory.appendingPathComponent("sweep.sbatch")
        try Data(script.utf8).write(to: scriptURL, options: .atomic)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable", scriptURL.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw SweepError.scheduler("cannot run sbatch: \(error.localizedDescription)")
        }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SweepError.scheduler("sbatch \(scriptURL.path) failed (exit \(process.terminationStatus)): "
                                       + complaint.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let jobID = printed.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? printed
        try writeIndex(executable: executable.path, note: Dictionary(uniqueKeysWithValues: runs.filter { state(of: $0) != .finished }
            .map { ($0.id, "submitted to Slurm as job \(jobID)") }))
        return jobID
    }
}
