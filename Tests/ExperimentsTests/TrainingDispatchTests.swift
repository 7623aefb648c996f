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
}
