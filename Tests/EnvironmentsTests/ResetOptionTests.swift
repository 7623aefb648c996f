import XCTest
@testable import Environments

/// Malformed reset options throw ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
/// naming the environment, the option, the value and what was expected, and
/// leave the environment as it was.
final class ResetOptionTests: XCTestCase {
    private func assertRefused<E: Environment>(
        _ environment: inout E, _ options: Info, option: String, value: String, expected: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try environment.reset(seed: 1, options: options), file: file, line: line) { error in
            XCTAssertEqual(error as? EnvironmentError,
                           .invalidResetOption(environment: environment.name, option: option, value: value, expected: expected),
                           file: file, line: line)
        }
    }

    func testCartPoleStateWithThreeNumbersThrowsAClearMessage() {
        var cartPole = CartPole()
        XCTAssertThrowsError(try cartPole.reset(seed: 0, options: ["state": [0, 0, 0.1]])) { error in
            XCTAssertEqual("\(error)", "CartPole: reset option 'state' is [0.0, 0.0, 0.1]; "
                           + "expected a list of 4 finite numbers [x, xDot, theta, thetaDot]")
        }
    }

    func testClassicControlStatesAndRangesAreChecked() {
        var cartPole = CartPole()
        assertRefused(&cartPole, ["state": "upright"], option: "state", value: "upright",
                      expected: "a list of 4 finite numbers [x, xDot, theta, thetaDot]")
        assertRefused(&cartPole, ["state": [0, .infinity, 0, 0]], option: "state", value: "[0.0, inf, 0.0, 0.0]",
                      expected: "a list of 4 finite numbers [x, xDot, theta, thetaDot]")
        assertRefused(&cartPole, ["low": true], option: "low", value: "true", expected: "a finite number")
        assertRefused(&cartPole, ["low": 0.2, "high": 0.1], option: "low", value: "0.2", expected: "a number no greater than 'high' (0.1)")
        var acrobot = Acrobot()
        assertRefused(&acrobot, ["state": [1, 2]], option: "state", value: "[1.0, 2.0]",
                      expected: "a list of 4 finite numbers [theta1, theta2, dtheta1, dtheta2]")
        assertRefused(&acrobot, ["high": "wide"], option: "high", value: "wide", expected: "a finite number")
        var car = MountainCar()
        assertRefused(&car, ["state": [-0.5, 0, 0]], option: "state", value: "[-0.5, 0.0, 0.0]",
                      expected: "a list of 2 finite numbers [position, velocity]")
    }

    func testGameOptionsAreChecked() {
        var game = Catch(rows: 5, columns: 4)
        assertRefused(&game, ["ball_column": 4], option: "ball_column", value: "4", expected: "an int in 0..<4")
        assertRefused(&game, ["ball_column": 1.0], option: "ball_column", value: "1.0", expected: "an int in 0..<4")
        var corridor = MemoryCorridor()
        assertRefused(&corridor, ["cue": 2], option: "cue", value: "2", expected: "an int in 0..<2")
        var snake = Snake(width: 5, height: 5)
        assertRefused(&snake, ["body": [0]], option: "body", value: "[0.0]", expected: "a list of at least 2 cell indices in 0..<25")
        assertRefused(&snake, ["body": [0, 2]], option: "body", value: "[0.0, 2.0]",
                      expected: "each cell next to the one before (0 and 2 are not neighbours)")
        assertRefused(&snake, ["body": [0, 1, 0]], option: "body", value: "[0.0, 1.0, 0.0]", expected: "cells that do not repeat")
        assertRefused(&snake, ["body": [0, 1], "food": 1], option: "food", value: "1", expected: "a cell the snake's body does not occupy")
        assertRefused(&snake, ["food": 25], option: "food", value: "25", expected: "an int in 0..<25")
    }

    func testAFailedResetLeavesTheEpisodeAsItWas() throws {
        var cartPole = TimeLimit(CartPole(), maxEpisodeSteps: 10)
        _ = try cartPole.reset(seed: 5)
        _ = try cartPole.step(1)
        let state = cartPole.wrapped.state
        XCTAssertThrowsError(try cartPole.reset(seed: 6, options: ["state": [1]]))
        XCTAssertEqual(cartPole.wrapped.state, state)
        XCTAssertEqual(cartPole.elapsedSteps, 1, "the wrapper did not restart its count either")
        XCTAssertNoThrow(try cartPole.step(0))
    }

    func testValidOptionsStillWork() throws {
        var cartPole = CartPole()
        XCTAssertEqual(try cartPole.reset(seed: 0, options: ["state": [0.01, 0.5, 0.02, -0.7]]).observation, [0.01, 0.5, 0.02, -0.7])
        var game = Catch(rows: 5, columns: 4)
        XCTAssertEqual(try game.reset(seed: 0, options: ["ball_column": 3]).observation[3], 1)
        var snake = Snake(width: 5, height: 5)
        let observation = try snake.reset(seed: 0, options: ["body": [0, 1, 2], "food": 24]).observation
        XCTAssertEqual(observation.count, 75)
    }
}

final class InfoValueLiteralTests: XCTestCase {
    func testEveryLiteralKindMakesItsCase() {
        let info: Info = ["int": 200, "double": 0.5, "bool": true, "string": "drop", "list": [0, 0.1, -2]]
        XCTAssertEqual(info["int"], .int(200))
        XCTAssertEqual(info["double"], .double(0.5))
        XCTAssertEqual(info["bool"], .bool(true))
        XCTAssertEqual(info["string"], .string("drop"))
        XCTAssertEqual(info["list"], .doubles([0, 0.1, -2]))
    }

    func testLiteralOptionsConfigureARegistryEnvironment() throws {
        let environment = try EnvironmentRegistry.standard.make("cartpole", options: ["max_episode_steps": 200, "clip_reward": 0.5])
        XCTAssertEqual((environment as? ClipReward<TimeLimit<CartPole>>)?.wrapped.maxEpisodeSteps, 200)
    }
}

final class RegistrySpecTests: XCTestCase {
    func testMaxEpisodeStepsIsOneFieldOfTheSpec() throws {
        let expected = ["cartpole": 500, "cartpole-novel": 500, "mountaincar": 200, "acrobot": 500]
        for spec in EnvironmentRegistry.standard.specs {
            XCTAssertEqual(spec.maxEpisodeSteps, expected[spec.name], spec.name)
            let option = spec.options.first { $0.name == "max_episode_steps" }
            XCTAssertEqual(option?.defaultValue, expected[spec.name].map(InfoValue.int), spec.name)
            XCTAssertEqual(option.map { _ in spec.environmentOptionNames.contains("max_episode_steps") }, expected[spec.name].map { _ in true })
        }
        XCTAssertEqual(try EnvironmentRegistry.standard.spec(named: "mountaincar").options.prefix(2).map(\.name),
                       ["max_episode_steps", "goal_velocity"], "the option comes first, as before")
    }

    func testTheSpecWrapsItsFactoryInTheTimeLimit() throws {
        let spec = EnvironmentSpec(name: "walk", summary: "a walk", maxEpisodeSteps: 7) { _ in LineWalk() }
        XCTAssertEqual((try spec.make() as? TimeLimit<LineWalk>)?.maxEpisodeSteps, 7)
        XCTAssertEqual((try spec.make(["max_episode_steps": 2]) as? TimeLimit<LineWalk>)?.maxEpisodeSteps, 2)
        for bad in [0, -3] {
            XCTAssertThrowsError(try spec.make(["max_episode_steps": .int(bad)])) { error in
                XCTAssertEqual(error as? OptionError, .badValue(option: "max_episode_steps", value: String(bad), expected: "positive int"))
            }
        }
        let untimed = EnvironmentSpec(name: "walk", summary: "a walk") { _ in LineWalk() }
        XCTAssertNil(untimed.maxEpisodeSteps)
        XCTAssertTrue(try untimed.make() is LineWalk)
        XCTAssertFalse(untimed.options.contains { $0.name == "max_episode_steps" })
    }

    func testStickyActionsDoNotStackOnMinAtarsOwn() throws {
        let spec = try EnvironmentRegistry.standard.spec(named: "breakout")
        XCTAssertThrowsError(try spec.make(["sticky_action": 0.25])) { error in
            XCTAssertEqual("\(error)", "options 'sticky_action=0.25' and 'sticky_action_probability=0.1' cannot be on together: "
                           + "environment 'breakout' has sticky actions of its own, and the wrapper would repeat actions on top of them; "
                           + "set sticky_action_probability to the probability you want (or set it to 0 to use the wrapper alone)")
        }
        XCTAssertThrowsError(try spec.resolveOptions(["sticky_action": 0.1, "sticky_action_probability": 0.3]))
        let wrapperAlone = try spec.make(["sticky_action": 0.25, "sticky_action_probability": 0])
        XCTAssertEqual(wrapperAlone.name, "StickyAction<MinAtar/Breakout>")
        XCTAssertEqual(try spec.make(["sticky_action_probability": 0.3]).name, "MinAtar/Breakout")
        XCTAssertEqual(try EnvironmentRegistry.standard.spec(named: "cartpole").make(["sticky_action": 0.25]).name,
                       "StickyAction<TimeLimit<CartPole>>", "environments without sticky actions of their own take the wrapper")
    }
}
