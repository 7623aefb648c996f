import Environments
import Foundation
import XCTest
@testable import Experiments

final class ReplayTests: XCTestCase {
    private let registry = WalkEnvironment.registry

    /// Runs the random agent on the walk environment and returns the folder and its log.
    private func recordRun(seed: UInt64 = 5, episodes: Int = 6, options: [String: InfoValue] = [:]) throws -> (RunFolder, EpisodeLogContents) {
        let folder = try RunFolder.create(at: try makeTemporaryFolder().appendingPathComponent("run"))
        let run = RandomRun(environment: "walk", options: options, seed: seed, episodes: episodes, registry: registry)
        _ = try run.run(in: folder)
        return (folder, try EpisodeLogReader.read(from: folder.episodesURL))
    }

    private func rewrite(_ contents: EpisodeLogContents, to url: URL) throws {
        let text = ([contents.header.jsonLine()] + (try contents.episodes.map { try $0.jsonLine() })).joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testEveryLoggedEpisodeReplaysExactly() throws {
        let (_, contents) = try recordRun(options: ["max_steps": .string("12")])
        XCTAssertEqual(contents.problems, [])
        XCTAssertEqual(contents.episodes.map(\.index), Array(0..<6))
        XCTAssertEqual(contents.header.options["max_steps"], .int(12))
        XCTAssertEqual(contents.header.options["reward_scale"], .double(0.1), "defaults are logged too")
        for episode in contents.episodes {
            XCTAssertEqual(episode.seed, SeedDerivation.episodeSeed(runSeed: 5, index: episode.index))
            let replayed = try Replay(registry: registry).replay(episode, header: contents.header)
            XCTAssertNil(replayed.mismatch)
            XCTAssertEqual(replayed.stepsReplayed, episode.length)
            XCTAssertEqual(replayed.replayedReturn, episode.episodeReturn)
        }
    }

    /// MinAtar carries its previous action (sticky actions) from one episode into
    /// the next, as the reference does: each record holds it, so every episode of a
    /// random Breakout run replays on its own (50 episodes: without it one did not).
    func testEpisodesOfAnEnvironmentThatCarriesStateAcrossResetsReplayAlone() throws {
        let folder = try RunFolder.create(at: try makeTemporaryFolder().appendingPathComponent("run"))
        _ = try RandomRun(environment: "breakout", seed: 3, episodes: 50).run(in: folder)
        let contents = try EpisodeLogReader.read(from: folder.episodesURL)
        XCTAssertEqual(contents.problems, [])
        XCTAssertTrue(contents.episodes.allSatisfy { $0.resetOptions[MinAtarEnvironment<Breakout>.previousActionOption] != nil })
        XCTAssertGreaterThan(Set(contents.episodes.compactMap { $0.resetOptions["previous_action"] }).count, 1)
        for episode in contents.episodes {
            XCTAssertNil(try Replay().replay(episode, header: contents.header).mismatch, "episode \(episode.index)")
        }
        let line = try contents.episodes[1].jsonLine()
        XCTAssertTrue(line.hasSuffix(",\"reset_options\":{\"previous_action\":\(contents.episodes[1].resetOptions["previous_action"]!)}}"), line)
        XCTAssertEqual(try JSONDecoder().decode(EpisodeRecord.self, from: Data(line.utf8)), contents.episodes[1])
    }

    func testTamperedRewardIsCaughtAtItsEpisodeAndStep() throws {
        let (folder, original) = try recordRun()
        let target = try XCTUnwrap(original.episodes.firstIndex { $0.length >= 3 })
        var tampered = original
        let loggedReward = tampered.episodes[target].rewards[2]
        tampered.episodes[target].rewards[2] = loggedReward.nextUp
        tampered.episodes[target].episodeReturn = EpisodeRecord.sum(tampered.episodes[target].rewards)
        try rewrite(tampered, to: folder.episodesURL)

        let reread = try EpisodeLogReader.read(from: folder.episodesURL)
        XCTAssertEqual(reread.problems, [], "the tampered line is still well formed")
        let replay = Replay(registry: registry)
        for episode in reread.episodes {
            let replayed = try replay.replay(episode, header: reread.header)
            if episode.index == original.episodes[target].index {
                let mismatch = try XCTUnwrap(replayed.mismatch)
                XCTAssertEqual(mismatch, ReplayMismatch(episode: episode.index, step: 2,
                                                        kind: .reward(expected: loggedReward.nextUp, actual: loggedReward)))
                XCTAssertEqual(replayed.stepsReplayed, 3)
                XCTAssertTrue(mismatch.description.hasPrefix("episode \(episode.index), step 2: reward "), mismatch.description)
            } else {
                XCTAssertNil(replayed.mismatch)
            }
        }
    }

    func testAShortenedEpisodeIsCaughtAtItsNewLastStep() throws {
        let (_, contents) = try recordRun()
        var episode = try XCTUnwrap(contents.episodes.first { $0.length >= 2 && $0.terminated })
        episode.actions.removeLast()
        episode.rewards.removeLast()
        episode.length -= 1
        episode.episodeReturn = EpisodeRecord.sum(episode.rewards)
        let replayed = try Replay(registry: registry).replay(episode, header: contents.header)
        XCTAssertEqual(replayed.mismatch, ReplayMismatch(episode: episode.index, step: episode.length - 1,
                                                         kind: .terminated(expected: true, actual: false)))
    }

    func testAWrongSeedIsCaught() throws {
        let (_, contents) = try recordRun()
        var episode = contents.episodes[0]
        episode.seed &+= 1
        let replayed = try Replay(registry: registry).replay(episode, header: contents.header)
        XCTAssertNotNil(replayed.mismatch)
        XCTAssertEqual(replayed.mismatch?.episode, 0)
    }

    func testActionsOfTheWrongTypeAndMalformedRecordsAreReportedNotTrapped() throws {
        let vectorAction = EpisodeRecord(index: 9, seed: 1, actions: [.integer(1), .vector([1])], rewards: [0, 0],
                                         terminated: false, truncated: false)
        let replayed = try Replay(registry: registry).replay(vectorAction, environment: "walk", options: [:])
        XCTAssertEqual(replayed.mismatch, ReplayMismatch(episode: 9, step: 1, kind: .incompatibleAction(action: .vector([1]), actionType: "Int")))

        let outOfSpace = EpisodeRecord(index: 2, seed: 1, actions: [.integer(7)], rewards: [0], terminated: false, truncated: false)
        let refused = try Replay(registry: registry).replay(outOfSpace, environment: "walk", options: [:])
        guard case .environmentError(let message)? = refused.mismatch?.kind else { return XCTFail("\(refused)") }
        XCTAssertTrue(message.contains("action 7 is not in the action space Discrete(3)"), message)

        var malformed = outOfSpace
        malformed.rewards = []
        let malformedResult = try Replay(registry: registry).replay(malformed, environment: "walk", options: [:])
        guard case .malformedRecord? = malformedResult.mismatch?.kind else { return XCTFail("\(malformedResult)") }
    }

    func testRenderingsShowTheResetAndEveryStep() throws {
        let (_, contents) = try recordRun()
        let episode = contents.episodes[1]
        let replayed = try Replay(registry: registry).replay(episode, header: contents.header, collectRenderings: true)
        XCTAssertEqual(replayed.renderings.count, episode.length + 1)
        XCTAssertTrue(replayed.renderings.allSatisfy { $0.count == 11 && $0.contains("@") })
    }

    func testUnknownEnvironmentAndBadOptionsThrowTheRegistryErrors() {
        let episode = EpisodeRecord(index: 0, seed: 1, actions: [], rewards: [], terminated: false, truncated: false)
        XCTAssertThrowsError(try Replay(registry: registry).replay(episode, environment: "wlak", options: [:])) { error in
            XCTAssertEqual(error as? RegistryError, .unknownEnvironment(name: "wlak", known: ["walk"]))
        }
        XCTAssertThrowsError(try Replay(registry: registry).replay(episode, environment: "walk", options: ["steps": .int(3)])) { error in
            XCTAssertTrue("\(error)".contains("unknown option 'steps'"), "\(error)")
        }
    }

    // MARK: - The run that produces logs

    func testRunsAreDeterministicInTheirSeed() throws {
        let (first, _) = try recordRun(seed: 11)
        let (second, _) = try recordRun(seed: 11)
        let (other, _) = try recordRun(seed: 12)
        let firstText = try String(contentsOf: first.episodesURL, encoding: .utf8)
        XCTAssertEqual(firstText, try String(contentsOf: second.episodesURL, encoding: .utf8))
        XCTAssertNotEqual(firstText, try String(contentsOf: other.episodesURL, encoding: .utf8))
    }

    func testRunWritesItsResolvedConfiguration() throws {
        let folder = try RunFolder.create(at: try makeTemporaryFolder().appendingPathComponent("nested/run"))
        let run = RandomRun(environment: "walk", options: ["reward_scale": .int(2)], seed: 3, episodes: 4, registry: registry)
        var seen: [Int] = []
        let summary = try run.run(in: folder) { seen.append($0.index) }
        XCTAssertEqual(seen, [0, 1, 2, 3])
        XCTAssertEqual(summary.episodes, 4)
        XCTAssertEqual(summary.meanLength, Double(summary.lengths.reduce(0, +)) / 4)

        let configuration = try JSONDecoder().decode(RunConfiguration.self, from: Data(contentsOf: folder.configurationURL))
        XCTAssertEqual(configuration.agent, "random")
        XCTAssertEqual(configuration.environment, "walk")
        // JSON does not tell 2 from 2.0; resolving against the spec restores the declared types.
        // The wrapper options every spec takes are logged too, at their defaults.
        let spec = try registry.spec(named: "walk")
        let resolved = try spec.resolveOptions(configuration.options)
        XCTAssertEqual(resolved.values.filter { spec.environmentOptionNames.contains($0.key) },
                       ["max_steps": .int(30), "reward_scale": .double(2), "nan_reward_step": .int(0)])
        XCTAssertEqual(resolved.nonDefaultValues, ["reward_scale": .double(2)])
        XCTAssertEqual(configuration.seed, 3)
        XCTAssertEqual(configuration.agentSeed, SeedDerivation.agentSeed(runSeed: 3))
        XCTAssertEqual(configuration.episodes, 4)
        XCTAssertEqual(configuration.projectVersion, Environments.version)

        XCTAssertThrowsError(try RunFolder.create(at: folder.url)) { error in
            XCTAssertEqual(error as? RunFolderError, .alreadyUsed(path: folder.url.path))
        }
    }

    func testSummaryStatistics() {
        let summary = RunSummary(folder: RunFolder(url: URL(fileURLWithPath: "/tmp")), returns: [1, 3], lengths: [2, 5])
        XCTAssertEqual(summary.meanReturn, 2)
        XCTAssertEqual(summary.returnStandardDeviation, 1)
        XCTAssertEqual(summary.meanLength, 3.5)
    }

    func testEpisodesThatNeverEndStopTheRunWithAnError() throws {
        let folder = try RunFolder.create(at: try makeTemporaryFolder())
        let run = RandomRun(environment: "walk", seed: 1, episodes: 2, maxEpisodeSteps: 1, registry: registry)
        XCTAssertThrowsError(try run.run(in: folder)) { error in
            guard case .episodeNeverEnded(environment: "walk", episode: _, maxSteps: 1)? = error as? RunError else {
                return XCTFail("\(error)")
            }
        }
        let zero = RandomRun(environment: "walk", seed: 1, episodes: 0, registry: registry)
        XCTAssertThrowsError(try zero.configuration()) { XCTAssertEqual($0 as? RunError, .invalidEpisodeCount(0)) }
    }

    func testDefaultFolderNamesAreTimestampedAndNeverReused() throws {
        let parent = try makeTemporaryFolder()
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        XCTAssertEqual(RunFolder.defaultName(agent: "random", environment: "walk", date: date), "random-walk-20261130T005320Z")
        let first = try RunFolder.createDefault(in: parent, agent: "random", environment: "walk", date: date)
        let second = try RunFolder.createDefault(in: parent, agent: "random", environment: "walk", date: date)
        XCTAssertEqual(first.url.lastPathComponent, "random-walk-20261130T005320Z")
        XCTAssertEqual(second.url.lastPathComponent, "random-walk-20261130T005320Z-2")
    }
}
