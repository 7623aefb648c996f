import XCTest
@testable import Experiments

final class SweepTests: XCTestCase {
    private let specText = """
        name: gw
        agent: dqn
        environments: [gridworld]
        seeds: [1, 2]
        set: {total_steps: 1200, eval_episodes: 3, learning_starts: 200, checkpoint_interval: 600}
        grid: {learning_rate: [0.001, 0.003], double_dqn: [true]}
        """

    func testTheGridExpandsIntoEveryCombinationTimesEverySeed() throws {
        let spec = try SweepSpec.parse(specText, file: "gw.yaml")
        XCTAssertEqual(spec.variants, [["double_dqn=true", "learning_rate=0.001"], ["double_dqn=true", "learning_rate=0.003"]])
        let root = try makeTemporaryFolder()
        let sweep = try Sweep(spec: spec, root: root)
        XCTAssertEqual(sweep.runs.map(\.id), ["gridworld-v0-s1", "gridworld-v0-s2", "gridworld-v1-s1", "gridworld-v1-s2"])
        let first = sweep.runs[0]
        XCTAssertEqual(first.folder, root.appendingPathComponent("gw/runs/gridworld-v0-s1"))
        XCTAssertEqual(sweep.state(of: first), .pending)
        XCTAssertEqual(sweep.arguments(for: first), [
            "dqn", "gridworld", "--seed", "1", "--set", "checkpoint_interval=600", "--set", "eval_episodes=3",
            "--set", "learning_starts=200", "--set", "total_steps=1200", "--set", "double_dqn=true", "--set", "learning_rate=0.001",
            "--out", first.folder.path])
    }

    func testSweepFileMistakesNameTheFileAndKey() throws {
        func message(_ text: String) -> String {
            do { _ = try SweepSpec.parse(text, file: "s.yaml"); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("name: a\nagent: dqn\nenvironment: gridworld\nseeds: [1]\nseed: 3\n"),
                       "s.yaml: seed: unknown key; the keys are \(SweepSpec.keys.joined(separator: ", "))")
        XCTAssertTrue(message("name: a\nagent: dqm\nenvironment: gridworld\nseeds: [1]\n").hasPrefix("s.yaml: agent: unknown agent 'dqm'"))
        XCTAssertEqual(message("name: a\nagent: dqn\nenvironment: gridworld\nseeds: []\n"),
                       "s.yaml: seeds: must be a non-empty list of non-negative integers")
        XCTAssertEqual(message("name: ../up\nagent: dqn\nenvironment: gridworld\nseeds: [1]\n"),
                       "s.yaml: name: '../up' must be letters, digits, '-', '_' or '.' (it names a folder)")
        // A bad setting is refused for the run it would break, before anything runs.
        let spec = try SweepSpec.parse("name: a\nagent: dqn\nenvironment: gridworld\nseeds: [1]\ngrid: {learning_rat: [0.1]}\n", file: "s.yaml")
        XCTAssertThrowsError(try Sweep(spec: spec, root: makeTemporaryFolder())) { error in
            XCTAssertTrue("\(error)".contains("sweep run gridworld-s1:") && "\(error)".contains("unknown key 'learning_rat'"), "\(error)")
        }
    }

    func testTheSlurmScriptIsAJobArrayOfTheUnfinishedRuns() throws {
        let root = try makeTemporaryFolder()
        let sweep = try Sweep(spec: SweepSpec.parse(specText, file: "gw.yaml"), root: root)
        // The second run has finished: the array leaves it out.
        try FileManager.default.createDirectory(at: sweep.runs[1].folder, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: sweep.runs[1].folder.appendingPathComponent("eval.json"))
        let script = try XCTUnwrap(sweep.slurmScript(
            executable: URL(fileURLWithPath: "/opt/rlrun"), settings: .init(partition: "cpu", time: "00:10:00", extraLines: ["--mem=2G"]),
            workingDirectory: URL(fileURLWithPath: "/work")))
        let lines = script.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "#!/bin/bash")
        XCTAssertTrue(lines.contains("#SBATCH --array=0,2,3"), script)
        XCTAssertTrue(lines.contains("#SBATCH --partition=cpu"), script)
        XCTAssertTrue(lines.contains("#SBATCH --time=00:10:00"), script)
        XCTAssertTrue(lines.contains("#SBATCH --mem=2G"), script)
        XCTAssertTrue(lines.contains("export OPENBLAS_NUM_THREADS=1"), script)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  2) rm -rf \(sweep.runs[2].folder.path);") && $0.contains("exec /opt/rlrun dqn gridworld --seed 1") },
                      script)
        XCTAssertFalse(lines.contains { $0.hasPrefix("  1)") }, script)
    }

    /// The local pool runs every run as its own rlrun process; launched again it
    /// skips the finished runs.
    func testTheLocalPoolRunsEveryRunOnceAndSkipsFinishedOnes() throws {
        let root = try makeTemporaryFolder()
        let specURL = root.appendingPathComponent("gw.yaml")
        try Data(specText.utf8).write(to: specURL)
        let first = try runRLRun(["sweep", specURL.path, "--jobs", "2", "--root", root.appendingPathComponent("sweeps").path],
                                 in: root, outputFolder: makeTemporaryFolder())
        XCTAssertEqual(first.status, 0, first.standardError)
        XCTAssertTrue(first.standardOutput.contains("4 finished, 0 already finished, 0 stopped, 0 failed"), first.standardOutput)
        for id in ["gridworld-v0-s1", "gridworld-v0-s2", "gridworld-v1-s1", "gridworld-v1-s2"] {
            let folder = root.appendingPathComponent("sweeps/gw/runs/\(id)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("eval.json").path), id)
        }
        let index = try String(contentsOf: root.appendingPathComponent("sweeps/gw/index.json"), encoding: .utf8)
        XCTAssertEqual(index.components(separatedBy: "\"state\" : \"finished\"").count - 1, 4, index)

        let again = try runRLRun(["sweep", specURL.path, "--root", root.appendingPathComponent("sweeps").path],
                                 in: root, outputFolder: makeTemporaryFolder())
        XCTAssertTrue(again.standardOutput.contains("0 finished, 4 already finished"), again.standardOutput)
        let report = try runRLRun(["report", root.appendingPathComponent("sweeps/gw").path], in: root, outputFolder: makeTemporaryFolder())
        XCTAssertTrue(report.standardOutput.contains("| dqn | gridworld | learning_rate") || report.standardOutput.contains("dqn.learning_rate=0.001"),
                      report.standardOutput)
    }

    /// Against a real Slurm (`SWIFTRL_SLURM_TESTS=1` with `SLURM_CONF` set, as
    /// `.ci/run` does after `scripts/local-slurm.sh start`): the sweep is submitted
    /// as a job array, every task writes its run folder with an eval.json, and a
    /// second launch finds nothing left to submit.
    func testASweepRunsAsASlurmJobArray() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SWIFTRL_SLURM_TESTS"] == "1",
                          "set SWIFTRL_SLURM_TESTS=1 and SLURM_CONF (scripts/local-slurm.sh start DIR) to test against Slurm")
        let root = try makeTemporaryFolder()
        let specURL = root.appendingPathComponent("gw.yaml")
        try Data(specText.replacingOccurrences(of: "name: gw", with: "name: gw-slurm").utf8).write(to: specURL)
        let sweeps = root.appendingPathComponent("sweeps").path
        let submitted = try runRLRun(["sweep", specURL.path, "--backend", "slurm", "--time", "00:10:00", "--root", sweeps],
                                     in: root, outputFolder: makeTemporaryFolder())
        XCTAssertEqual(submitted.status, 0, submitted.standardError)
        XCTAssertTrue(submitted.standardOutput.contains("submitted job array"), submitted.standardOutput)
        let script = try String(contentsOf: root.appendingPathComponent("sweeps/gw-slurm/sweep.sbatch"), encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0,1,2,3"), script)

        let ids = ["gridworld-v0-s1", "gridworld-v0-s2", "gridworld-v1-s1", "gridworld-v1-s2"]
        let deadline = Date().addingTimeInterval(300)
        var status = ""
        while Date() < deadline {
            status = try runRLRun(["sweep", specURL.path, "--status", "--root", sweeps], in: root, outputFolder: makeTemporaryFolder())
                .standardOutput
            if status.components(separatedBy: "finished").count - 1 == ids.count { break }
            Thread.sleep(forTimeInterval: 2)
        }
        for id in ids {
            XCTAssertTrue(status.contains("finished     \(id)"), status)
            let evaluation = root.appendingPathComponent("sweeps/gw-slurm/runs/\(id)/eval.json")
            XCTAssertTrue(FileManager.default.fileExists(atPath: evaluation.path), id)
        }
        let again = try runRLRun(["sweep", specURL.path, "--backend", "slurm", "--root", sweeps], in: root, outputFolder: makeTemporaryFolder())
        XCTAssertTrue(again.standardOutput.contains("every run is finished: nothing to submit"), again.standardOutput)
    }
}
