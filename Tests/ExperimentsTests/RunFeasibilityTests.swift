import XCTest
import Agents
import Environments
@testable import Experiments

/// A new run's agent is checked against its environment (network shapes, memory)
/// before anything is written, so a refused configuration leaves no folder.
final class RunFeasibilityTests: XCTestCase {
    func testAConvolutionLargerThanTheObservationIsRefusedAtOnceAndLeavesNoFolder() throws {
        let root = try makeTemporaryFolder()
        let request = PresetRequest(environment: "gridworld", settings: ["conv_kernel=9", "total_steps=2000"])
        XCTAssertThrowsError(try Training.start(.dqn, preset: request) { _ in
            try RunFolder.create(at: root.appendingPathComponent("refused"))
        }) { error in
            XCTAssertTrue(error is NetworkShapeError, "\(error)")
            XCTAssertEqual("\(error)", "conv layer 1 (kernel 9, stride 1, padding 0) needs an input of at least 9×9, gets 8×8 from observation [5, 8, 8]")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("refused").path))
    }

    func testPPOWithAConvolutionOnTheMemoryCorridorIsRefused() throws {
        let root = try makeTemporaryFolder()
        let request = PresetRequest(environment: "gridworld-memory", settings: ["use_cnn=true"])
        XCTAssertThrowsError(try Training.start(.ppo, preset: request) { _ in
            try RunFolder.create(at: root.appendingPathComponent("refused"))
        }) { error in
            XCTAssertTrue("\(error)".hasPrefix("conv layer 2 (kernel 3, stride 1, padding 0) needs an input of at least 3×3, gets 1×1"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("refused").path))
    }

    func testAConfigurationAboveTheMemoryLimitIsRefusedWithTheEstimate() throws {
        let preset: Preset<DQNConfig> = try PresetRequest(environment: "gridworld", settings: ["env.size=500"])
            .resolve(agent: "dqn", registry: .standard)
        let configuration = try DQNRunConfiguration(preset: preset, startedAt: "now")
        XCTAssertThrowsError(try configuration.checkAgentFits(registry: .standard, memoryLimit: (16e9, MemoryLimit.environmentVariable))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("the dqn run on 'gridworld' needs about "), message)
            XCTAssertTrue(message.contains("replay buffer"), message)
            XCTAssertTrue(message.contains("more than the 16.0 GB of SWIFTRL_MEMORY_LIMIT_BYTES"), message)
        }
        // The preset itself fits a small limit.
        let small = try DQNRunConfiguration(preset: try PresetRequest(environment: "gridworld").resolve(agent: "dqn", registry: .standard),
                                            startedAt: "now")
        XCTAssertNoThrow(try small.checkAgentFits(registry: .standard, memoryLimit: (1e9, "test")))
    }

    func testTheLimitComesFromTheVariableOrMeminfo() throws {
        let limit = MemoryLimit.current(environment: [MemoryLimit.environmentVariable: "12345"])
        XCTAssertEqual(limit?.bytes, 12345)
        let folder = try makeTemporaryFolder()
        let meminfo = folder.appendingPathComponent("meminfo")
        try "MemTotal:       2048 kB\nMemFree:        1024 kB\n".write(to: meminfo, atomically: true, encoding: .utf8)
        let fromFile = MemoryLimit.current(environment: [MemoryLimit.environmentVariable: "junk"], meminfoPath: meminfo.path)
        XCTAssertEqual(fromFile?.bytes, 2048 * 1024)
        XCTAssertEqual(fromFile?.source, "this machine's memory")
    }
}
