import XCTest
@testable import Environments

final class RegistryTests: XCTestCase {
    private var registry: EnvironmentRegistry {
        EnvironmentRegistry([
            EnvironmentSpec(name: "line-walk", summary: "test walk",
                            options: [.int("limit", default: 20, "time limit"), .bool("fast", default: false, "unused")]) { options in
                TimeLimit(LineWalk(), maxEpisodeSteps: options.int("limit"))
            },
        ])
    }

    func testUnknownNameListsKnownNamesAndClosestMatch() {
        XCTAssertThrowsError(try registry.make("line-wlak")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("unknown environment 'line-wlak'"), message)
            XCTAssertTrue(message.contains("did you mean 'line-walk'?"), message)
            XCTAssertTrue(message.contains("known environments: line-walk"), message)
        }
    }

    func testTypedOptionsParseAndApply() throws {
        let spec = try registry.spec(named: "line-walk")
        let settings = try EnvironmentOptions.parseSettings(["limit=3", "fast=yes"])
        let environment = try spec.make(settings)
        XCTAssertEqual((environment as? TimeLimit<LineWalk>)?.maxEpisodeSteps, 3)
        let resolved = try spec.resolveOptions(settings)
        XCTAssertEqual(resolved.bool("fast"), true)
        XCTAssertEqual(resolved.nonDefaultValues, ["limit": .int(3), "fast": .bool(true)])
    }

    func testBadOptionsNameTheKeyOrValue() throws {
        let spec = try registry.spec(named: "line-walk")
        XCTAssertThrowsError(try spec.make(["limt": .int(3)])) { error in
            XCTAssertEqual("\(error)", "unknown option 'limt' for environment 'line-walk'; did you mean 'limit'? (known options: limit, fast, frame_stack, normalize_observation, normalize_observation_clip, clip_reward, sticky_action, action_repeat, mask, mask_mode)")
        }
        XCTAssertThrowsError(try spec.make(["limit": .string("many")])) { error in
            XCTAssertEqual("\(error)", "option 'limit': 'many' is not a valid int")
        }
        XCTAssertThrowsError(try EnvironmentOptions.parseSettings(["limit"])) { error in
            XCTAssertEqual("\(error)", "setting 'limit' must have the form key=value")
        }
    }

    func testRandomRolloutThroughSpecIsSeeded() throws {
        let spec = try registry.spec(named: "line-walk")
        let first = try spec.runRandomRollout(steps: 500, seed: 4)
        let second = try spec.runRandomRollout(steps: 500, seed: 4)
        XCTAssertEqual(first, second)
        XCTAssertGreaterThan(first.episodes, 0)
    }

    func testEditDistance() {
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
        XCTAssertNil(closestMatch(to: "zzzzzz", in: ["cartpole", "gridworld"]))
    }
}
