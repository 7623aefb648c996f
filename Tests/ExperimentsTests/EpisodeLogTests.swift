import Environments
import Foundation
import XCTest
@testable import Experiments

final class EpisodeLogTests: XCTestCase {
    private let header = EpisodeLogHeader(
        environment: "walk", options: ["max_steps": .int(30), "reward_scale": .double(0.1), "label": .string("a \"quoted\"\nname")],
        agent: "random", seed: 18_446_744_073_709_551_557)

    private func sampleRecords() -> [EpisodeRecord] {
        [
            EpisodeRecord(index: 0, seed: 12_345_678_901_234_567_890, actions: [.integer(0), .integer(2), .integer(1)],
                          rewards: [0.1, -2.5e-8, 1e300], terminated: true, truncated: false),
            EpisodeRecord(index: 1, seed: 7, actions: [.vector([0.25, -1.0000001192092896])], rewards: [-0.0],
                          terminated: false, truncated: true),
            EpisodeRecord(index: 3, seed: 0, actions: [], rewards: [], terminated: false, truncated: false),
        ]
    }

    private func writeLog(_ records: [EpisodeRecord], in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("episodes.jsonl")
        let writer = try EpisodeLogWriter(url: url, header: header)
        for record in records { try writer.append(record) }
        XCTAssertEqual(writer.episodeCount, records.count)
        return url
    }

    private func lines(of url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private func replaceLine(_ number: Int, of url: URL, with text: String) throws {
        var all = try lines(of: url)
        all[number - 1] = text
        try all.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    func testWrittenLogReadsBackEqual() throws {
        let url = try writeLog(sampleRecords(), in: try makeTemporaryFolder())
        let contents = try EpisodeLogReader.read(from: url)
        XCTAssertEqual(contents.header, header)
        XCTAssertEqual(contents.episodes, sampleRecords())
        XCTAssertEqual(contents.episodeLines, [2, 3, 4])
        XCTAssertEqual(contents.problems, [])
        XCTAssertEqual(contents.episode(index: 3)?.seed, 0)
        XCTAssertNil(contents.episode(index: 2))
    }

    func testLinesHaveTheDocumentedLayout() throws {
        let url = try writeLog([sampleRecords()[0]], in: try makeTemporaryFolder())
        let written = try lines(of: url)
        XCTAssertEqual(written.count, 3, "header, one episode, and the final newline")
        XCTAssertTrue(written[0].hasPrefix("{\"format\":\"swiftrl-episodes\",\"version\":1,\"environment\":\"walk\",\"options\":{"))
        XCTAssertTrue(written[0].hasSuffix(",\"agent\":\"random\",\"seed\":18446744073709551557,\"project_version\":\"\(Environments.version)\"}"))
        XCTAssertEqual(written[1], "{\"index\":0,\"seed\":12345678901234567890,\"length\":3,\"return\":1e+300,\"terminated\":true,"
                       + "\"truncated\":false,\"actions\":[0,2,1],\"rewards\":[0.1,-2.5e-08,1e+300]}")
        XCTAssertEqual(written[2], "")
    }

    func testRewardsRoundTripBitExactly() throws {
        var generator = Xoshiro256(seed: 99)
        var rewards: [Double] = [0.1, 1.0 / 3.0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude / 4, .ulpOfOne]
        while rewards.count < 5_000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite && abs(value) < 1e300 { rewards.append(value) }
        }
        rewards += (0..<1_000).map { _ in generator.nextUnitDouble() * 2 - 1 }
        // One reward per record so the returns stay finite.
        let records = rewards.enumerated().map { index, reward in
            EpisodeRecord(index: index, seed: generator.next(), actions: [.integer(1)], rewards: [reward],
                          terminated: true, truncated: false)
        }
        let url = try writeLog(records, in: try makeTemporaryFolder())
        let contents = try EpisodeLogReader.read(from: url)
        XCTAssertEqual(contents.problems, [])
        XCTAssertEqual(contents.episodes.count, records.count)
        for (written, read) in zip(records, contents.episodes) {
            XCTAssertEqual(written.rewards[0].bitPattern, read.rewards[0].bitPattern)
            XCTAssertEqual(written.seed, read.seed)
        }
    }

    func testCorruptedLineIsReportedByNumberAndTheOthersAreKept() throws {
        let url = try writeLog(sampleRecords(), in: try makeTemporaryFolder())
        let third = try lines(of: url)[2]
        try replaceLine(3, of: url, with: String(third.prefix(third.count / 2)))
        let contents = try EpisodeLogReader.read(from: url)
        XCTAssertEqual(contents.episodes.map(\.index), [0, 3])
        XCTAssertEqual(contents.episodeLines, [2, 4])
        XCTAssertEqual(contents.problems.map(\.line), [3])
        XCTAssertTrue(contents.problems[0].description.hasPrefix("line 3: "), contents.problems[0].description)
    }

    func testInconsistentLinesAreExplained() throws {
        let url = try writeLog(sampleRecords(), in: try makeTemporaryFolder())
        try replaceLine(2, of: url, with: "{\"index\":0,\"seed\":1,\"length\":2,\"return\":1,\"terminated\":true,\"truncated\":false,\"actions\":[0,1],\"rewards\":[1]}")
        try replaceLine(3, of: url, with: "{\"index\":1,\"seed\":1,\"length\":1,\"return\":2,\"terminated\":true,\"truncated\":false,\"actions\":[0],\"rewards\":[1]}")
        try replaceLine(4, of: url, with: "{\"index\":3,\"seed\":1,\"length\":1,\"terminated\":true,\"truncated\":false,\"actions\":[0],\"rewards\":[1]}")
        try String(contentsOf: url, encoding: .utf8).appending(
            "{\"index\":2,\"seed\":1,\"length\":1,\"return\":1,\"terminated\":true,\"truncated\":false,\"actions\":[0],\"rewards\":[1]}\n"
                + "{\"index\":4,\"seed\":-1,\"length\":1,\"return\":1,\"terminated\":true,\"truncated\":false,\"actions\":[0],\"rewards\":[1]}\n"
                + "{\"index\":5,\"seed\":1,\"length\":1,\"return\":1,\"terminated\":true,\"truncated\":false,\"actions\":[\"up\"],\"rewards\":[1]}\n"
                + "{\"index\":6,\"seed\":1,\"length\":1,\"return\":1.0000000000001,\"terminated\":true,\"truncated\":false,\"actions\":[[0.5]],\"rewards\":[1]}\n"
        ).write(to: url, atomically: true, encoding: .utf8)

        let contents = try EpisodeLogReader.read(from: url)
        let messages = Dictionary(uniqueKeysWithValues: contents.problems.map { ($0.line, $0.message) })
        XCTAssertEqual(contents.problems.map(\.line), [2, 3, 4, 6, 7], "\(contents.problems)")
        XCTAssertEqual(messages[2], "episode 0: 1 rewards but length is 2")
        XCTAssertEqual(messages[3], "episode 1: return 2.0 differs from the sum of its rewards 1.0")
        XCTAssertEqual(messages[4], "missing key 'return'")
        XCTAssertEqual(messages[6], "'seed' must be an integer from 0 to 18446744073709551615")
        XCTAssertTrue(messages[7]?.contains("actions[0]") ?? false, messages[7] ?? "")
        // Line 5 has index 2 but no valid line came before it, so it is kept; line 8's
        // return is within the relative tolerance of its reward sum.
        XCTAssertEqual(contents.episodes.map(\.index), [2, 6])
        XCTAssertEqual(contents.episodes.last?.actions, [.vector([0.5])])
    }

    func testIndicesMustIncrease() throws {
        var records = sampleRecords()
        records[2].index = 1
        let url = try writeLog(records, in: try makeTemporaryFolder())
        let contents = try EpisodeLogReader.read(from: url)
        XCTAssertEqual(contents.problems.map(\.line), [4])
        XCTAssertTrue(contents.problems[0].message.contains("index does not increase"))
        XCTAssertEqual(contents.episodes.map(\.index), [0, 1])
    }

    func testFilesThatCannotBeReadAtAllThrow() throws {
        let folder = try makeTemporaryFolder()
        XCTAssertThrowsError(try EpisodeLogReader.read(from: folder.appendingPathComponent("missing.jsonl"))) { error in
            XCTAssertEqual(error as? EpisodeLogError, .unreadable(path: folder.appendingPathComponent("missing.jsonl").path, reason: "no such file"))
        }
        XCTAssertThrowsError(try EpisodeLogReader.read(from: folder)) { error in
            XCTAssertTrue("\(error)".contains("it is a folder"), "\(error)")
        }
        let empty = folder.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        XCTAssertThrowsError(try EpisodeLogReader.read(from: empty)) { error in
            XCTAssertEqual(error as? EpisodeLogError, .empty(path: empty.path))
        }
        let wrongFormat = folder.appendingPathComponent("other.jsonl")
        try Data("{\"format\":\"other\",\"version\":1}\n".utf8).write(to: wrongFormat)
        XCTAssertThrowsError(try EpisodeLogReader.read(from: wrongFormat)) { error in
            XCTAssertTrue("\(error)".contains("format is 'other'"), "\(error)")
        }
    }

    func testWriterNeverOverwritesAFile() throws {
        let url = try writeLog([], in: try makeTemporaryFolder())
        XCTAssertThrowsError(try EpisodeLogWriter(url: url, header: header)) { error in
            XCTAssertEqual(error as? EpisodeLogError, .alreadyExists(path: url.path))
        }
    }

    func testNonFiniteRewardsAreRefused() throws {
        let record = EpisodeRecord(index: 4, seed: 1, actions: [.integer(0), .integer(0)], rewards: [1, .infinity],
                                   terminated: true, truncated: false)
        XCTAssertThrowsError(try record.jsonLine()) { error in
            XCTAssertEqual(error as? EpisodeLogError, .nonFiniteReward(episode: 4, step: 1, value: .infinity))
        }
    }

    func testActionsConvertToAndFromTheirLoggedForm() {
        XCTAssertEqual(3.loggedAction, .integer(3))
        XCTAssertEqual(Int(loggedAction: .integer(3)), 3)
        XCTAssertNil(Int(loggedAction: .vector([3])))
        let continuous: [Float] = [0.1, -2.75]
        XCTAssertEqual([Float](loggedAction: continuous.loggedAction), continuous)
        XCTAssertNil([Float](loggedAction: .vector([0.1])), "0.1 as a Double is not exactly a Float")
        XCTAssertEqual([Int](loggedAction: .vector([1, 0, 2])), [1, 0, 2])
        XCTAssertNil([Int](loggedAction: .vector([1.5])))
    }

    func testSeedDerivationIsFixedAndSpreadsSeeds() {
        var reference = SplitMix64(seed: 0)
        // 0xE220A8397B1DCDAF is SplitMix64's published first output from state 0.
        XCTAssertEqual(reference.next(), 0xE220_A839_7B1D_CDAF)
        var episodeZero = SplitMix64(seed: 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(SeedDerivation.episodeSeed(runSeed: 0, index: 0), episodeZero.next(), "the documented derivation")

        let seeds = (0..<10_000).map { SeedDerivation.episodeSeed(runSeed: 42, index: $0) }
        XCTAssertEqual(Set(seeds).count, seeds.count)
        XCTAssertFalse(seeds.contains(SeedDerivation.agentSeed(runSeed: 42)))
        let neighbourSeeds = Set((0..<10_000).map { SeedDerivation.episodeSeed(runSeed: 43, index: $0) })
        XCTAssertTrue(neighbourSeeds.isDisjoint(with: seeds), "runs with adjacent seeds share no episode")
    }
}
