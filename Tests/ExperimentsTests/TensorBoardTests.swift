import XCTest
@testable import Experiments

/// The event files' framing and checksums, against bytes made by TensorBoard's own
/// Python writer (`tensorboard.summary.writer.record_writer.RecordWriter` over
/// `event_pb2.Event(...).SerializeToString()`, tensorboard 2.x).
final class TensorBoardTests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func testCRC32CMatchesTheStandardCheckValueAndTensorFlowsMask() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        // tensorboard's masked_crc32c(b'123456789') and of eight zero bytes.
        XCTAssertEqual(TensorBoardRecord.maskedCRC(Array("123456789".utf8)), 0xC78A_B0E5)
        XCTAssertEqual(TensorBoardRecord.maskedCRC([UInt8](repeating: 0, count: 8)), 0x0798_0329)
    }

    func testScalarAndFileVersionRecordsAreTheBytesTensorBoardWrites() {
        let scalar = TensorBoardRecord.frame(TensorBoardEvent.scalar(tag: "episode/return", value: 0.25, step: 42, wallTime: 1.5))
        XCTAssertEqual(hex(scalar),
                       "2400000000000000422b804d09000000000000f83f102a2a170a150a0e657069736f64652f72657475726e150000803e5596c8e0")
        let version = TensorBoardRecord.frame(TensorBoardEvent.fileVersion(wallTime: 1.5))
        XCTAssertEqual(hex(version), "1800000000000000a37f4b2209000000000000f83f1a0d627261696e2e4576656e743a322a28646c")
    }

    func testTheWriterAppendsOneRecordPerScalarAfterTheFileVersion() throws {
        let folder = try makeTemporaryFolder()
        let writer = try TensorBoardWriter(directory: folder.appendingPathComponent("tb"), date: Date(timeIntervalSince1970: 1.5),
                                           host: "test")
        try writer.addScalar("episode/return", 0.25, step: 42, wallTime: 1.5)
        XCTAssertEqual(writer.url.lastPathComponent, "events.out.tfevents.1.test")
        let bytes = [UInt8](try Data(contentsOf: writer.url))
        XCTAssertEqual(hex(bytes), hex(TensorBoardRecord.frame(TensorBoardEvent.fileVersion(wallTime: 1.5))
                                       + TensorBoardRecord.frame(TensorBoardEvent.scalar(tag: "episode/return", value: 0.25,
                                                                                         step: 42, wallTime: 1.5))))
        // A second writer in the same second gets a file of its own.
        let second = try TensorBoardWriter(directory: folder.appendingPathComponent("tb"), date: Date(timeIntervalSince1970: 1.5),
                                           host: "test")
        XCTAssertNotEqual(second.url, writer.url)
    }

    /// Opt-in (`SWIFTRL_TENSORBOARD_READER=1`, with `pip install tensorboard`): the
    /// real reader (TensorBoard's EventAccumulator) reads every scalar of a
    /// training run's event file, one `rollout/episode_return` per logged episode.
    func testTensorBoardsEventAccumulatorReadsEveryScalarOfARun() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["SWIFTRL_TENSORBOARD_READER"] == "1",
                          "set SWIFTRL_TENSORBOARD_READER=1 (and pip install tensorboard) to read the events with TensorBoard")
        let root = try makeTemporaryFolder()
        let preset = try DQNPreset.parse("""
            environment: walk
            env: {max_steps: 20}
            total_steps: 400
            learning_starts: 50
            buffer_size: 500
            batch_size: 8
            hidden_sizes: [8]
            eval_episodes: 2
            log_interval: 100
            checkpoint_interval: 200
            """, file: "test.yaml", agent: "dqn")
        let run = try DQNRun(preset: preset, folder: RunFolder.create(at: root), registry: WalkEnvironment.registry)
        guard case .completed = try run.train() else { return XCTFail("run did not complete") }
        let episodes = try EpisodeLogReader.read(from: run.folder.episodesURL).episodes

        let script = """
            import json, sys
            from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
            accumulator = EventAccumulator(sys.argv[1], size_guidance={'scalars': 0})
            accumulator.Reload()
            print(json.dumps({tag: [[e.step, e.value] for e in accumulator.Scalars(tag)] for tag in accumulator.Tags()['scalars']}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, root.appendingPathComponent("tb").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let scalars = try JSONDecoder().decode([String: [[Double]]].self, from: data)
        XCTAssertEqual(scalars["rollout/episode_return"]?.map { $0[1] }, episodes.map { Double(Float($0.episodeReturn)) })
        XCTAssertEqual(scalars["rollout/episode_length"]?.count, episodes.count)
        XCTAssertEqual(scalars["train/epsilon"]?.map { $0[0] }, [100, 200, 300, 400])
        XCTAssertEqual(scalars["train/learning_rate"]?.count, 4)
        XCTAssertEqual(scalars["time/steps_per_second"]?.count, 4)
        XCTAssertEqual(scalars["eval/mean_return"]?.count, 1)
    }
}
