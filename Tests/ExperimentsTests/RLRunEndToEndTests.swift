import Environments
import Experiments
import Foundation
import XCTest

/// Runs the built `rlrun` executable and checks its output and exit status.
///
/// `swift test` builds the executable next to the test bundle; set `RLRUN_PATH`
/// to test another build.
final class RLRunEndToEndTests: XCTestCase {
    typealias Outcome = RLRunOutcome

    private func rlrun(_ arguments: String..., in folder: URL? = nil) throws -> Outcome {
        try runRLRun(arguments, in: folder ?? makeTemporaryFolder(), outputFolder: makeTemporaryFolder())
    }

    private func requireGridWorld() throws {
        guard EnvironmentRegistry.standard.names.contains("gridworld") else {
            throw XCTSkip("gridworld is not registered in this build")
        }
    }

    /// A user error: a non-zero status, one `error:` line on stderr, and no trap.
    private func assertUserError(_ outcome: Outcome, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(outcome.status, 0, file: file, line: line)
        XCTAssertEqual(outcome.errorLines.count, 1, outcome.standardError, file: file, line: line)
        XCTAssertTrue(outcome.standardError.hasPrefix("error: "), outcome.standardError, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(outcome.standardError.contains(fragment), "\(fragment) not in: \(outcome.standardError)", file: file, line: line)
        }
    }

    // MARK: - Help and listing

    func testHelpNamesEverySubcommandAndVersionIsTheProjects() throws {
        let help = try rlrun("--help")
        XCTAssertEqual(help.status, 0)
        for subcommand in ["dqn", "drqn", "ppo", "ppo-lstm", "eval", "random", "astar", "list", "check-env", "replay", "plot", "report", "bench"] {
            XCTAssertTrue(help.standardOutput.contains("  \(subcommand) "), subcommand)
        }
        let version = try rlrun("--version")
        XCTAssertEqual(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), Environments.version)
    }

    /// `rlrun ppo-lstm` trains briefly and writes a run folder whose episodes
    /// replay and whose checkpoint `rlrun eval` evaluates; `ppo` refuses an LSTM preset.
    func testPPOLSTMRunReplaysAndEvaluates() throws {
        let folder = try makeTemporaryFolder()
        let run = try rlrun("ppo-lstm", "cartpole-novel", "--steps", "256", "--seed", "3", "--out", "run", "--set", "n_epochs=2",
                            "--set", "eval_episodes=2", in: folder)
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("evaluation: 2 greedy episodes"), run.standardOutput)
        let runFolder = folder.appendingPathComponent("run")
        let replay = try rlrun("replay", runFolder.appendingPathComponent("episodes.jsonl").path)
        XCTAssertEqual(replay.status, 0, replay.standardOutput + replay.standardError)
        let evaluation = try rlrun("eval", runFolder.path, "--episodes", "2")
        XCTAssertEqual(evaluation.status, 0, evaluation.standardError)
        XCTAssertTrue(evaluation.standardOutput.contains("evaluation: 2 greedy episodes"), evaluation.standardOutput)
        assertUserError(try rlrun("ppo", "--preset", "/nonexistent.yaml"), mentions: ["nonexistent.yaml"])
        assertUserError(try rlrun("ppo", "cartpole-novel", "--set", "lstm_hidden_size=8"), mentions: ["lstm_hidden_size"])
    }

    func testListShowsEveryEnvironmentAndTheRandomAgent() throws {
        let list = try rlrun("list")
        XCTAssertEqual(list.status, 0)
        for name in EnvironmentRegistry.standard.names {
            XCTAssertTrue(list.standardOutput.contains("  \(name) - "), name)
        }
        XCTAssertTrue(list.standardOutput.contains("Agents\n  random - "))
        if !EnvironmentRegistry.standard.names.isEmpty {
            XCTAssertTrue(list.standardOutput.contains("    action       "))
        }
    }

    // MARK: - random and replay

    func testRandomRunWritesALogThatReplays() throws {
        try requireGridWorld()
        let folder = try makeTemporaryFolder()
        let run = try rlrun("random", "gridworld", "--episodes", "3", "--seed", "4", "--out", "run", in: folder)
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("episodes      3"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("run folder    run"), run.standardOutput)

        let log = folder.appendingPathComponent("run/episodes.jsonl")
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 4, "a header and three episodes")
        XCTAssertTrue(lines[0].hasPrefix("{\"format\":\"swiftrl-episodes\",\"version\":1,\"environment\":\"gridworld\""))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run/config.json").path))

        let replay = try rlrun("replay", log.path)
        XCTAssertEqual(replay.status, 0, replay.standardOutput + replay.standardError)
        XCTAssertEqual(replay.standardOutput.components(separatedBy: "\nOK ").count + (replay.standardOutput.hasPrefix("OK ") ? 1 : 0) - 1, 3,
                       replay.standardOutput)
        XCTAssertTrue(replay.standardOutput.contains("3 episodes replayed: 3 matched, 0 mismatched; 0 bad lines"), replay.standardOutput)

        let rendered = try rlrun("replay", log.path, "--episode", "1", "--render", "ansi")
        XCTAssertEqual(rendered.status, 0)
        XCTAssertTrue(rendered.standardOutput.contains("step 0: action "), rendered.standardOutput)

        let again = try rlrun("random", "gridworld", "--episodes", "1", "--out", "run", in: folder)
        assertUserError(again, mentions: ["already holds a run"])
    }

    /// A map file given by a relative path replays from any folder (the run records
    /// its absolute path and content), and an edited map is named, not replayed.
    func testAMapFileRunReplaysFromAnywhereAndAnEditedMapIsReported() throws {
        guard EnvironmentRegistry.standard.names.contains("gridworld-file") else { throw XCTSkip("gridworld-file is not registered") }
        let folder = try makeTemporaryFolder(), elsewhere = try makeTemporaryFolder()
        let map = folder.appendingPathComponent("map.txt")
        try Data("#####\n#S..#\n#..G#\n#####\n".utf8).write(to: map)
        let run = try rlrun("random", "gridworld-file", "--set", "path=map.txt", "--episodes", "2", "--out", "run", in: folder)
        XCTAssertEqual(run.status, 0, run.standardError)
        let log = folder.appendingPathComponent("run/episodes.jsonl").path
        let header = try XCTUnwrap(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").first)
        XCTAssertTrue(header.contains(#""path":"\#(map.standardizedFileURL.path)""#), String(header))
        XCTAssertTrue(header.contains("\"files\":{\"path\":\"#####\\n#S..#"), String(header))
        let replay = try rlrun("replay", log, in: elsewhere)
        XCTAssertEqual(replay.status, 0, replay.standardError)
        XCTAssertTrue(replay.standardOutput.contains("2 matched, 0 mismatched"), replay.standardOutput)

        try Data("#####\n#S.L#\n#..G#\n#####\n".utf8).write(to: map)
        let edited = try rlrun("replay", log, in: elsewhere)
        assertUserError(edited, mentions: ["env.path = \(map.standardizedFileURL.path): the file changed since the run used it"])
        XCTAssertEqual(edited.status, 64)
    }

    func testReplayReportsATamperedRewardAndABadLine() throws {
        try requireGridWorld()
        let folder = try makeTemporaryFolder()
        XCTAssertEqual(try rlrun("random", "gridworld", "--episodes", "3", "--out", "run", in: folder).status, 0)
        let log = folder.appendingPathComponent("run/episodes.jsonl")
        var lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        // Episode 1 (line 3): raise its first reward by one and its return to match.
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        var rewards = try XCTUnwrap(object["rewards"] as? [Double])
        rewards[0] += 1
        object["rewards"] = rewards
        object["return"] = rewards.reduce(0, +)
        lines[2] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        lines[3] = String(lines[3].prefix(20))
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)

        let replay = try rlrun("replay", log.path)
        XCTAssertEqual(replay.status, 1)
        XCTAssertTrue(replay.standardOutput.contains("MISMATCH episode 1, step 0: reward "), replay.standardOutput)
        XCTAssertTrue(replay.standardOutput.contains("BAD LINE line 4: "), replay.standardOutput)
        XCTAssertTrue(replay.standardOutput.contains("OK       episode 0: "), replay.standardOutput)
    }

    // MARK: - User errors

    func testUnknownEnvironmentIsOneLineWithKnownNamesAndASuggestion() throws {
        let unknown = try rlrun("random", "nosuchenv")
        assertUserError(unknown, mentions: ["unknown environment 'nosuchenv'", "known environments:"])
        XCTAssertEqual(unknown.status, 64)
        try requireGridWorld()
        assertUserError(try rlrun("random", "gridwrld"), mentions: ["did you mean 'gridworld'?"])
        assertUserError(try rlrun("check-env", "gridwrld"), mentions: ["did you mean 'gridworld'?"])
    }

    func testAnUnknownCommandIsNamedAsSuch() throws {
        let unknown = try rlrun("dqm", "cartpole")
        assertUserError(unknown, mentions: ["unknown command 'dqm'", "did you mean 'dqn'?", "commands: dqn, drqn"])
        XCTAssertEqual(unknown.status, 64)
    }

    /// A malformed map and a map whose goal cannot be reached are bad input (exit 64).
    func testMapErrorsAreBadInput() throws {
        let folder = try makeTemporaryFolder()
        try Data("S#G\n".utf8).write(to: folder.appendingPathComponent("walled.txt"))
        try Data("S.x\n..G\n".utf8).write(to: folder.appendingPathComponent("typo.txt"))
        let walled = try rlrun("check-env", "gridworld-file", "--set", "path=walled.txt", in: folder)
        assertUserError(walled, mentions: ["walled.txt:1:1: no goal 'G' can be reached"])
        XCTAssertEqual(walled.status, 64)
        let typo = try rlrun("random", "gridworld-file", "--set", "path=typo.txt", "--out", "run", in: folder)
        assertUserError(typo, mentions: ["typo.txt:1:3: unknown character 'x'"])
        XCTAssertEqual(typo.status, 64)
    }

    /// A folder that is no run, or whose config.json is broken, is named with the problem (exit 64).
    func testEvalNamesAMissingOrBrokenConfiguration() throws {
        let folder = try makeTemporaryFolder()
        let missing = try rlrun("eval", "nothing-here", in: folder)
        assertUserError(missing, mentions: ["nothing-here/config.json: no such file", "a run folder?"])
        XCTAssertEqual(missing.status, 64)
        let broken = folder.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("{\"agent\": ".utf8).write(to: broken.appendingPathComponent("config.json"))
        let notJSON = try rlrun("eval", "broken", in: folder)
        assertUserError(notJSON, mentions: ["broken/config.json: not valid JSON"])
        XCTAssertEqual(notJSON.status, 64)
    }

    func testBadSettingsNameTheKeyOrTheValue() throws {
        try requireGridWorld()
        assertUserError(try rlrun("random", "gridworld", "--set", "nosuch=1"), mentions: ["unknown option 'nosuch'", "gridworld"])
        assertUserError(try rlrun("random", "gridworld", "--set", "nosuch"), mentions: ["'nosuch' must have the form key=value"])
    }

    func testARefusedTrainingConfigurationLeavesNoRunFolder() throws {
        try requireGridWorld()
        let folder = try makeTemporaryFolder()
        let refused = try rlrun("dqn", "gridworld", "--set", "env.nosuch=1", "--out", "run", in: folder)
        assertUserError(refused, mentions: ["unknown option 'nosuch'"])
        let wrapper = try rlrun("ppo", "gridworld-memory", "--set", "env.normalize_observation=true", "--out", "run", in: folder)
        assertUserError(wrapper, mentions: ["env.normalize_observation = true is invalid"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
        // Without --out neither the run's folder nor the runs/ folder made for it is left behind.
        let defaultFolder = try rlrun("dqn", "gridworld", "--set", "env.max_steps=-1", in: folder)
        assertUserError(defaultFolder, mentions: ["max_steps"])
        let random = try rlrun("random", "gridworld-file", in: folder)
        assertUserError(random, mentions: ["path"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }, [])
    }

    func testUnreadableLogsAndBadArgumentsAreRefusedCleanly() throws {
        assertUserError(try rlrun("replay", "/nonexistent/episodes.jsonl"), mentions: ["cannot read episode log", "no such file"])
        let folder = try makeTemporaryFolder()
        try Data("not json\n".utf8).write(to: folder.appendingPathComponent("bad.jsonl"))
        assertUserError(try rlrun("replay", "bad.jsonl", in: folder), mentions: ["line 1 is not an episode-log header"])

        let renderAll = try rlrun("replay", "x.jsonl", "--render", "ansi")
        XCTAssertEqual(renderAll.status, 64)
        XCTAssertTrue(renderAll.standardError.contains("--episode K"), renderAll.standardError)
        let zero = try rlrun("random", "gridworld", "--episodes", "0")
        XCTAssertEqual(zero.status, 64)
        XCTAssertTrue(zero.standardError.contains("--episodes must be at least 1"), zero.standardError)
    }

    // MARK: - check-env

    // MARK: - drqn and eval

    /// A short DRQN run on the memory corridor trains, evaluates, and `rlrun eval`
    /// evaluates its newest checkpoint again.
    func testDRQNRunTrainsEvaluatesAndEvalReadsIt() throws {
        guard EnvironmentRegistry.standard.names.contains("gridworld-memory") else { throw XCTSkip("gridworld-memory is not registered") }
        let folder = try makeTemporaryFolder()
        let run = try rlrun("drqn", "gridworld-memory", "--steps", "300", "--seed", "2", "--out", "run",
                            "--set", "learning_starts=100", "--set", "batch_size=2", "--set", "burn_in=2", "--set", "eval_episodes=2",
                            in: folder)
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.hasPrefix("drqn on gridworld-memory, seed 2, 300 steps"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("evaluation: 2 greedy episodes"), run.standardOutput)
        for file in ["config.json", "episodes.jsonl", "progress.csv", "eval.json", "checkpoints/step-000000300/replay.bin"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run/" + file).path), file)
        }
        let evaluation = try rlrun("eval", folder.appendingPathComponent("run").path, "--episodes", "2")
        XCTAssertEqual(evaluation.status, 0, evaluation.standardError)
        XCTAssertTrue(evaluation.standardOutput.contains("evaluation: 2 greedy episodes"), evaluation.standardOutput)
        let resumeOther = try rlrun("dqn", "--resume", folder.appendingPathComponent("run").path)
        assertUserError(resumeOther, mentions: ["drqn run, not a dqn run"])
    }

    func testCheckEnvPassesOnTheGridWorld() throws {
        try requireGridWorld()
        let check = try rlrun("check-env", "gridworld")
        XCTAssertEqual(check.status, 0, check.standardOutput)
        XCTAssertTrue(check.standardOutput.contains("PASS "))
        XCTAssertFalse(check.standardOutput.contains("FAIL "))
    }

    func testAStarReportsSuccessAndEfficiencyAndItsLogReplays() throws {
        let folder = try makeTemporaryFolder()
        let run = try rlrun("astar", "robot-grid", "--episodes", "3", "--seed", "2", "--out", "run", in: folder)
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("success rate      1\n"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("path efficiency   1 "), run.standardOutput)
        let replay = try rlrun("replay", folder.appendingPathComponent("run/episodes.jsonl").path)
        XCTAssertEqual(replay.status, 0, replay.standardOutput)
        XCTAssertTrue(replay.standardOutput.contains("3 matched, 0 mismatched"), replay.standardOutput)
        assertUserError(try rlrun("astar", "cartpole"), mentions: ["cannot act in 'cartpole'", "robot-nav"])
    }

    func testAnEmptyOutFolderIsRefused() throws {
        let folder = try makeTemporaryFolder()
        let outcome = try rlrun("dqn", "gridworld", "--steps", "10", "--out", "", in: folder)
        XCTAssertEqual(outcome.status, 64)
        XCTAssertEqual(outcome.errorLines.last, "error: --out needs a folder path, got an empty one")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }, [])
    }

    /// `rlrun dqn gridworld | head -c 10`: the closed pipe ends the run like
    /// Ctrl-C (checkpoint written, exit 128 + SIGPIPE), and it resumes.
    func testAClosedOutputPipeStopsTrainingWithACheckpoint() throws {
        try requireGridWorld()
        guard let executable = ProcessInfo.processInfo.environment["RLRUN_PATH"].map(URL.init(fileURLWithPath:))
            ?? [Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("rlrun"),
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent(".build/debug/rlrun")]
                .compactMap({ $0 }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("rlrun was not built next to the tests")
        }
        let folder = try makeTemporaryFolder()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["dqn", "gridworld", "--steps", "200000", "--set", "log_interval=500", "--out", folder.appendingPathComponent("run").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A watchdog, so a regression fails the test instead of hanging the suite.
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if process.isRunning { process.interrupt() } }
        _ = pipe.fileHandleForReading.readData(ofLength: 10)
        try pipe.fileHandleForReading.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 128 + SIGPIPE)
        XCTAssertNotNil(CheckpointStore(runFolder: folder.appendingPathComponent("run")).latest())
    }
}
