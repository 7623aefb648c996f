import Foundation
import XCTest
@testable import Experiments

/// Run-folder JSON files that cannot be read are named, with the key and the problem in words.
final class JSONFileTests: XCTestCase {
    private struct Sample: Codable {
        struct Inner: Codable { var gamma: Double }
        var agent: String
        var inner: Inner
        var steps: [Int]
    }

    private func problem(_ text: String?) throws -> String {
        let folder = try makeTemporaryFolder()
        let url = folder.appendingPathComponent("config.json")
        if let text { try Data(text.utf8).write(to: url) }
        do {
            _ = try JSONFile.decode(Sample.self, from: url)
            return "decoded"
        } catch {
            XCTAssertEqual(error.path, url.path)
            return error.problem
        }
    }

    func testProblemsNameTheKeyInWords() throws {
        XCTAssertEqual(try problem(nil), "no such file")
        XCTAssertEqual(try problem("{\"agent\": "), "not valid JSON")
        XCTAssertEqual(try problem(#"{"agent": 7, "inner": {"gamma": 1}, "steps": []}"#), "agent must be text")
        XCTAssertEqual(try problem(#"{"agent": "dqn", "inner": {"gamma": "x"}, "steps": []}"#), "inner.gamma must be a number")
        XCTAssertEqual(try problem(#"{"agent": "dqn", "inner": {"gamma": 1}, "steps": [1, "a"]}"#), "steps[1] must be an integer")
        XCTAssertEqual(try problem(#"{"agent": "dqn", "inner": {}, "steps": []}"#), "the key 'inner.gamma' is missing")
        XCTAssertEqual(try problem(#"{"agent": null, "inner": {"gamma": 1}, "steps": []}"#), "agent is null; it must be text")
        XCTAssertEqual(try problem(#"{"agent": "dqn", "inner": {"gamma": 1}, "steps": []}"#), "decoded")
    }
}
