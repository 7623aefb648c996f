import XCTest
import Agents
import Environments
import Neural
@testable import Experiments

/// `Training` starts, resumes and evaluates runs through the agent registry.
final class TrainingDispatchTests: XCTestCase {
    override func setUp() {
        setBLASThreads(1)
    }

    private let dqnPreset = """
        environment: walk
        env: {max_steps: 20}
        seed: 3
        total_steps: 300
        learning_starts: 50
        buffer_size: 500
        batch_size: 8
        hidden_sizes: [8]
        eval_episodes: 2
        log_interval: 100
        checkpoint_interval: 100
        """

    private let ppoPreset = """
        environment: walk
        env: {max_steps: 12}
        seed: 3
        total_steps: 128
        n_envs: 2
        n_steps: 16
        batch_size: 16
        n_epochs: 1
        lstm_hidden_size: 4
        policy_layers: [4]
        value_layers: [4]
        eval_episodes: 2
        log_interval: 64
        checkpoint_interval: 64
        """

    private func writePreset(_ text: String) throws -> URL {
        let url = try makeTemporaryFolder().appendingPathComponent("preset.yaml")
        try Data(text.utf8).write(to: url)
        return url
    }

    func testTheRegistryNamesEveryKindOnceAndRefusesUnknownNames() throws {
        XCTAssertEqual(AgentRegistry.standard.names, ["dqn", "drqn", "ppo", "ppo-lstm"])
        XCTAssertFalse(try AgentRegistry.standard.kind(named: "dqn").isRecurrent)
        XCTAssertTrue(try AgentRegistry.standard.kind(named: "drqn").isRecurrent)
        XCTAssertFalse(try AgentRegistry.standard.kind(named: "ppo").isRecurrent)
        XCTAssertTrue(try AgentRegistry.standard.kind(named: "ppo-lstm").isRecurrent)
        XCTAssertThrowsError(try AgentRegistry.standard.kind(named: "a2c")) { error in
            XCTAssertEqual("\(error)", "unknown agent 'a2c'; the agents are dqn, drqn, ppo, ppo-lstm")
        }
    }

    func testEachKindStartsItsOwnRunnerAndTheRunResumesAsThatKind() throws {
        let root = try makeTemporaryFolder()
        let cases: [(AgentKind, String)] = [(.dqn, dqnPreset), (.ppoLSTM, ppoPreset)]
        for (kind, text) in cases {
            let request = PresetRequest(file: try writePreset(text), settings: ["total_steps=64"])
            let run = try Training.start(kind, preset: request, registry: WalkEnvironment.registry) { environment in
                try RunFolder.create(at: root.appendingPathComponent("\(kind.name)-\(environment)"))
            }
            XCTAssertEqual(run.kind.name, kind.name)
            XCTAssertEqual(run.environmentName, "walk")
            XCTAssertEqual(run.totalSteps, 64)
            XCTAssertEqual(run is any StepObservableRun, kind.isOffPolicy)
            guard case .completed = try run.train() else { return XCTFail("\(kind) run did not complete") }

            let reopened = try Training.resume(run.folder.url, expecting: kind, totalSteps: 128, registry: WalkEnvironment.registry)
            XCTAssertEqual(reopened.kind.name, kind.name)
            XCTAssertEqual(reopened.totalSteps, 128)
            let other: AgentKind = kind.name == "dqn" ? .ppo : .dqn
            XCTAssertThrowsError(try Training.resume(run.folder.url, expecting: other, registry: WalkEnvironment.registry)) { error in
                XCTAssertTrue("\(error)".contains("it is a \(kind.name) run, not a \(other.name) run"), "\(error)")
            }
        }
    }

    func testARefusedConfigurationLeavesNoFolderBehind() throws {
        let root = try makeTemporaryFolder()
        let request = PresetRequest(file: try writePreset(ppoPreset), settings: ["lstm_hidden_size=0"])
        XCTAssertThrowsError(try Training.start(.ppoLSTM, preset: request, registry: WalkEnvironment.registry) { _ in
            try RunFolder.create(at: root.appendingPathComponent("refused"))
        }) { error in
            XCTAssertTrue("\(error)".contains("lstm_hidden_size"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("refused").path))
    }

    /// A run folder is owned by one live process at a time: a lock naming a live
    /// other process refuses the run (with that process id), a stale lock from a
    /// dead one is taken over, and a finished run leaves no lock behind.
    func testARunFolderIsLockedByOneLiveProcess() throws {
        let request = PresetRequest(file: try writePreset(dqnPreset), settings: ["total_steps=60"])
        let root = try makeTemporaryFolder()
        let run = try Training.start(.dqn, preset: request, registry: WalkEnvironment.registry) { _ in
            try RunFolder.create(at: root.appendingPathComponent("run"))
        }
        let lockURL = run.folder.url.appendingPathComponent(RunFolderLock.fileName)
        XCTAssertEqual(try String(contentsOf: lockURL, encoding: .utf8), "\(getpid())\n")
        _ = try run.train()

        // Process 1 is alive: another process's lock refuses the resume.
        try Data("1\n".utf8).write(to: lockURL)
        XCTAssertThrowsError(try Training.resume(run.folder.url, totalSteps: 120, registry: WalkEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("is in use by process 1"), "\(error)")
        }
        // A process that has exited leaves a stale lock, which the next owner takes over.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        try Data("\(finished.processIdentifier)\n".utf8).write(to: lockURL)
        let taken = try RunFolderLock(folder: run.folder)
        XCTAssertEqual(taken.tookOverFrom, finished.processIdentifier)
        XCTAssertEqual(try String(contentsOf: lockURL, encoding: .utf8), "\(getpid())\n")
    }

    func testAFinishedRunReleasesItsLock() throws {
        let request = PresetRequest(file: try writePreset(dqnPreset), settings: ["total_steps=60"])
        let root = try makeTemporaryFolder()
        var folder: URL?
        do {
            let run = try Training.start(.dqn, preset: request, registry: WalkEnvironment.registry) { _ in
                try RunFolder.create(at: root.appendingPathComponent("run"))
            }
            folder = run.folder.url
            _ = try run.train()
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder!.appendingPathComponent(RunFolderLock.fileName).path))
    }

    /// `--resume --steps N` below the steps already taken is refused before the
    /// folder changes, and the file system's root never becomes a run folder.
    func testImpossibleBudgetsAndFoldersAreRefused() throws {
        let request = PresetRequest(file: try writePreset(dqnPreset), settings: ["total_steps=100"])
        let root = try makeTemporaryFolder()
        let run = try Training.start(.dqn, preset: request, registry: WalkEnvironment.registry) { _ in
            try RunFolder.create(at: root.appendingPathComponent("run"))
        }
        _ = try run.train()
        let configuration = try String(contentsOf: run.folder.configurationURL, encoding: .utf8)
        XCTAssertThrowsError(try Training.resume(run.folder.url, totalSteps: 50, registry: WalkEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("--steps 50 is below the 100 steps its newest checkpoint has already taken"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: run.folder.configurationURL, encoding: .utf8), configuration)
        XCTAssertThrowsError(try RunFolder.create(at: URL(fileURLWithPath: "/"))) { error in
            XCTAssertTrue("\(error)".contains("the file system's root cannot hold a run"), "\(error)")
        }
    }
}
