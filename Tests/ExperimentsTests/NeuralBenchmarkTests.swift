import XCTest
@testable import Experiments

/// A smoke test of `rlrun bench nn`'s cases: every case runs and reports sane
/// figures (never wall-clock assertions).
final class NeuralBenchmarkTests: XCTestCase {
    func testEveryCaseRunsAndReportsConsistentFigures() {
        let report = runNeuralBenchmark(threadCounts: [1], repetitions: 1, secondsPerRepetition: 0.001)
        let names = report.rows.map(\.name)
        XCTAssertTrue(names.contains { $0.hasPrefix("sgemm 256") })
        XCTAssertTrue(names.contains { $0.hasPrefix("sgemm 1024") })
        XCTAssertTrue(names.contains { $0.hasPrefix("MinAtar DQN update b32") })
        XCTAssertTrue(names.contains { $0.hasPrefix("MinAtar act") })
        XCTAssertTrue(names.contains { $0.hasPrefix("CartPole MLP 4-64-64-2 DQN update") })
        XCTAssertTrue(names.contains { $0.hasPrefix("LSTM(64→128) seq16 b16 fwd+bwd+Adam") })
        for row in report.rows {
            XCTAssertEqual(row.threads, 1)
            XCTAssertTrue(row.secondsPerOperation > 0 && row.secondsPerOperation.isFinite, row.name)
            XCTAssertEqual(row.rate * row.secondsPerOperation, 1, accuracy: 1e-9)
            XCTAssertTrue(row.cpuSecondsPerOperation >= 0 && row.cpuShare.isFinite, row.name)
            if let ratio = row.ratioToPyTorch, let reference = row.pytorchRate {
                XCTAssertEqual(ratio, row.rate / reference, accuracy: 1e-9)
            }
        }
        // The roofline is the 256 sgemm (issue 13).
        XCTAssertEqual(report.rows.first { $0.name.hasPrefix("sgemm 256") }?.fractionOfSGEMM ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(report.table.split(separator: "\n").count, report.rows.count + 3)
        XCTAssertTrue(report.table.contains(report.kernel))
    }

    func testAFilterKeepsTheSGEMMReferenceAndTheMatchingCases() {
        let report = runNeuralBenchmark(threadCounts: [1], repetitions: 1, secondsPerRepetition: 0.001, matching: "lstm")
        XCTAssertEqual(report.rows.count, 2 + 3)
        XCTAssertTrue(report.rows.dropFirst(2).allSatisfy { $0.name.hasPrefix("LSTM") })
    }
}
