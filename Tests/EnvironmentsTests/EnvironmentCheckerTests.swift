import XCTest
@testable import Environments

final class EnvironmentCheckerTests: XCTestCase {
    func testCorrectEnvironmentPassesEveryCheck() {
        let results = EnvironmentChecker.check { TimeLimit(LineWalk(), maxEpisodeSteps: 50) }
        XCTAssertEqual(results.count, 6)
        for result in results { XCTAssertTrue(result.passed, "\(result)") }
    }

    func testEachFaultFailsExactlyTheMatchingCheck() {
        let expectedFailure: [Fault: String] = [
            .ignoresSeed: "seeded reset determinism",
            .leavesSpace: "observations in observation space, finite rewards",
            .stepsAfterEnd: "reset after episode end",
            .stepsBeforeReset: "step before reset is refused",
            .changesFrameSize: "render size stable",
        ]
        for fault in Fault.allCases {
            let results = EnvironmentChecker.check { BrokenWalk(fault: fault) }
            let failed = results.filter { !$0.passed }.map(\.name)
            XCTAssertTrue(failed.contains(expectedFailure[fault]!), "\(fault): failed \(failed)")
            for result in results where !result.passed { XCTAssertFalse(result.detail.isEmpty) }
        }
    }

    func testEveryStandardEnvironmentPassesTheChecker() throws {
        for spec in EnvironmentRegistry.standard.specs {
            for result in try spec.check() {
                XCTAssertTrue(result.passed, "\(spec.name): \(result)")
            }
        }
    }
}
