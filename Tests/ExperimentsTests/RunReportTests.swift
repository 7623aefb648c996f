import XCTest
@testable import Experiments

final class RunReportTests: XCTestCase {
    func testInterquartileMeanCutsAQuarterFromEachEndAsSciPysTrimMean() {
        // scipy.stats.trim_mean(x, 0.25) for the same lists: 3.0, 4.5, 2.0.
        XCTAssertEqual(RunStatistics.interquartileMean([10, 1, 3, 2, 4]), 3)
        XCTAssertEqual(RunStatistics.interquartileMean([8, 7, 6, 5, 4, 3, 2, 1]), 4.5)
        XCTAssertEqual(RunStatistics.interquartileMean([1, 2, 3]), 2)
    }

    func testBootstrapIntervalIsSeededAndBracketsTheStatistic() {
        let scores: [Double] = [1, 2, 3, 4, 10, 6, 5]
        let interval = RunStatistics.bootstrapInterval(scores, statistic: RunStatistics.interquartileMean)
        XCTAssertLessThan(interval.lower, RunStatistics.interquartileMean(scores))
        XCTAssertGreaterThan(interval.upper, RunStatistics.interquartileMean(scores))
        XCTAssertGreaterThanOrEqual(interval.lower, 1)
        XCTAssertLessThanOrEqual(interval.upper, 10)
        let again = RunStatistics.bootstrapInterval(scores, statistic: RunStatistics.interquartileMean)
        XCTAssertEqual(interval.lower, again.lower)
        XCTAssertEqual(interval.upper, again.upper)
        let constant = RunStatistics.bootstrapInterval([2, 2, 2], statistic: RunStatistics.interquartileMean)
        XCTAssertEqual(constant.lower, 2)
        XCTAssertEqual(constant.upper, 2)
    }

    private func writeRun(_ folder: URL, seed: Int, learningRate: String, meanReturn: Double?) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = """
            {"agent": "dqn", "environment": "walk", "options": {"max_steps": {"int": {"_0": 20}}},
             "run": {"seed": \(seed), "eval_episodes": 5}, "dqn": {"learning_rate": \(learningRate)},
             "agent_seed": \(seed * 7), "started_at": "2026120\(seed)T000000Z", "preset_file": "/somewhere/\(seed).yaml"}
            """
        try Data(configuration.utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data("env_steps,episodes,mean_return_100,loss,epsilon,steps_per_second,wall_seconds\n100,3,,,1.0,50.0,\(seed).50\n".utf8)
            .write(to: folder.appendingPathComponent("progress.csv"))
        if let meanReturn {
            try EvaluationResult(episodes: 5, meanReturn: meanReturn, stdReturn: 0, successRate: 1, meanLength: 4, meanShortestPath: nil,
                                 seed: 9).write(to: folder.appendingPathComponent("eval.json"))
        }
    }

    func testRunsAreGroupedByEverySettingButTheSeed() throws {
        let sweep = try makeTemporaryFolder()
        try writeRun(sweep.appendingPathComponent("a/seed1"), seed: 1, learningRate: "0.001", meanReturn: 1)
        try writeRun(sweep.appendingPathComponent("a/seed2"), seed: 2, learningRate: "0.001", meanReturn: 3)
        try writeRun(sweep.appendingPathComponent("b/seed3"), seed: 3, learningRate: "0.01", meanReturn: 5)
        try writeRun(sweep.appendingPathComponent("b/seed4"), seed: 4, learningRate: "0.01", meanReturn: nil)

        let report = try RunReport(paths: [sweep])
        XCTAssertEqual(report.groups.count, 2)
        XCTAssertEqual(report.groups[0].seeds, [1, 2])
        XCTAssertEqual(report.groups[0].mean, 2)
        XCTAssertEqual(report.groups[0].standardDeviation, 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(report.groups[0].differences, "dqn.learning_rate=0.001")
        XCTAssertEqual(report.groups[0].meanWallSeconds, 2)
        XCTAssertEqual(report.groups[1].seeds, [3])
        XCTAssertEqual(report.groups[1].differences, "dqn.learning_rate=0.01")
        XCTAssertEqual(report.groups[1].successRate, 1)
        XCTAssertEqual(report.skipped.map(\.folder.lastPathComponent), ["seed4"])
        XCTAssertTrue(report.markdown.contains("| dqn | walk | dqn.learning_rate=0.001 | 2 | 2.000 ± 1.414 | 2.000 |"), report.markdown)
        XCTAssertEqual(report.csv.split(separator: "\n").count, 3)
        XCTAssertTrue(report.csv.hasPrefix("agent,environment,configuration,seeds,mean_return,std_return,iqm,ci_lower,ci_upper"))
    }

    func testAFolderWithoutRunsIsAnErrorNamingIt() throws {
        let empty = try makeTemporaryFolder()
        XCTAssertThrowsError(try RunReport(paths: [empty])) { error in
            XCTAssertTrue("\(error)".contains("\(empty.path): no run folders"), "\(error)")
        }
    }

    func testPlotCurvesOfASweepAreGroupedByConfiguration() throws {
        let sweep = try makeTemporaryFolder()
        for (name, seed, rate) in [("a", 1, "0.001"), ("b", 2, "0.001"), ("c", 3, "0.01")] {
            let folder = sweep.appendingPathComponent("runs/\(name)")
            try writeRun(folder, seed: seed, learningRate: rate, meanReturn: 1)
            let log = try EpisodeLogWriter(url: RunFolder(url: folder).episodesURL,
                                           header: EpisodeLogHeader(environment: "walk", options: [:], agent: "dqn", seed: UInt64(seed)))
            try log.append(EpisodeRecord(index: 0, seed: 1, actions: [.integer(0), .integer(1)], rewards: [0, 1],
                                         terminated: true, truncated: false))
        }
        let curves = try LearningCurve.loadRuns(from: [sweep])
        XCTAssertEqual(curves.map(\.configuration), ["dqn.learning_rate=0.001", "dqn.learning_rate=0.001", "dqn.learning_rate=0.01"])
        let summaries = LearningCurveSummary.summariseByGroup(curves, smoothing: 1)
        XCTAssertEqual(summaries.map(\.label), ["dqn on walk, dqn.learning_rate=0.001 (2 runs)", "dqn on walk, dqn.learning_rate=0.01"])
    }
}
