import XCTest
@testable import Environments

final class AnyEnvironmentTests: XCTestCase {
    func testForwardsEverythingToTheErasedEnvironment() throws {
        var plain = TimeLimit(LineWalk(), maxEpisodeSteps: 4)
        var erased = AnyEnvironment(TimeLimit(LineWalk(), maxEpisodeSteps: 4))
        XCTAssertEqual(erased.name, "TimeLimit<LineWalk>")
        XCTAssertEqual(erased.observationSpace.base as? Box, plain.observationSpace)
        XCTAssertEqual(erased.actionSpace.base as? Discrete, plain.actionSpace)
        XCTAssertEqual(erased.actionSpace.description, plain.actionSpace.description)
        XCTAssertTrue(erased.actionSpace.contains(1))
        XCTAssertFalse(erased.actionSpace.contains(2))
        XCTAssertEqual(try erased.reset(seed: 7, options: [:]), try plain.reset(seed: 7, options: [:]))
        for action in [1, 0, 1, 1] {
            XCTAssertEqual(try erased.step(action), try plain.step(action))
        }
        XCTAssertEqual(erased.render(), plain.render())
        XCTAssertThrowsError(try erased.step(1)) { error in
            XCTAssertEqual(error as? EnvironmentError, .episodeEnded(environment: "TimeLimit<LineWalk>"))
        }
        XCTAssertEqual((erased.base as? TimeLimit<LineWalk>)?.elapsedSteps, 4, "the concrete type is still reachable")
    }

    func testErasesDifferentTypesToOneType() throws {
        var environments: [AnyEnvironment<[Float], Int>] = [
            AnyEnvironment(CartPole()), AnyEnvironment(LineWalk()), AnyEnvironment(Catch(rows: 4, columns: 3)),
        ]
        XCTAssertEqual(environments.map(\.name), ["CartPole", "LineWalk", "Catch"])
        for index in environments.indices {
            let first = try environments[index].reset(seed: 1)
            XCTAssertTrue(environments[index].observationSpace.contains(first.observation))
            _ = try environments[index].step(0)
        }
        XCTAssertEqual(AnyEnvironment(environments[0]).name, "CartPole", "an AnyEnvironment is not wrapped twice")
    }

    func testCopiesStepOnTheirOwn() throws {
        var original = AnyEnvironment(LineWalk())
        _ = try original.reset(seed: 3)
        var copy = original
        let fromCopy = try copy.step(1)
        let fromOriginal = try original.step(0)
        XCTAssertEqual(fromCopy.observation[0], fromOriginal.observation[0] + 2, "value semantics: one moved right, the other left")
        XCTAssertEqual(try copy.step(1).observation[0], fromCopy.observation[0] + 1)
    }

    func testIsACopyForAVectorEnvironmentAndTheChecker() throws {
        let registry = EnvironmentRegistry.standard
        let vector = try VectorEnvironment(count: 3) { _ in
            try registry.make("cartpole", as: [Float].self, Int.self, options: ["max_episode_steps": 5])
        }
        let typed = VectorEnvironment(count: 3) { _ in TimeLimit(CartPole(), maxEpisodeSteps: 5) }
        XCTAssertEqual(try vector.reset(seed: 9).observations, try typed.reset(seed: 9).observations)
        for _ in 0..<12 {
            let erasedStep = try vector.step([1, 0, 1]), typedStep = try typed.step([1, 0, 1])
            XCTAssertEqual(erasedStep.observations, typedStep.observations)
            XCTAssertEqual(erasedStep.rewards, typedStep.rewards)
            XCTAssertEqual(erasedStep.truncated, typedStep.truncated)
        }
        for result in EnvironmentChecker.check(make: { AnyEnvironment(TimeLimit(LineWalk(), maxEpisodeSteps: 30)) }) {
            XCTAssertTrue(result.passed, "\(result)")
        }
    }

    func testAnySpaceComparesAndEncodesTheWrappedSpace() throws {
        XCTAssertEqual(AnySpace(Discrete(3)), AnySpace(Discrete(3)))
        XCTAssertNotEqual(AnySpace(Discrete(3)), AnySpace(Discrete(4)))
        XCTAssertNotEqual(AnySpace(Box(low: [0], high: [1])), AnySpace(Box(low: [0], high: [2])))
        XCTAssertNotEqual(AnySpace(Discrete(2)), AnySpace(LineWalkActions()), "spaces of different types differ")
        XCTAssertEqual(AnySpace(AnySpace(Discrete(3))).base as? Discrete, Discrete(3), "not wrapped twice")
        let encoded = try JSONEncoder().encode(AnySpace(Discrete(3)))
        XCTAssertEqual(try JSONDecoder().decode(Discrete.self, from: encoded), Discrete(3))
        XCTAssertThrowsError(try JSONDecoder().decode(AnySpace<Int>.self, from: encoded))
    }
}

final class TypedMakeTests: XCTestCase {
    func testTypeNamesReadAsSwiftCode() {
        XCTAssertEqual(swiftTypeName([Float].self), "[Float]")
        XCTAssertEqual(swiftTypeName([[Int]].self), "[[Int]]")
        XCTAssertEqual(swiftTypeName(Dictionary<String, [Double]>.self), "Dictionary<String, [Double]>")
        XCTAssertEqual(swiftTypeName(Int.self), "Int")
    }

    func testTypedMakeNeedsNoCast() throws {
        var environment = try EnvironmentRegistry.standard.make(
            "cartpole", as: [Float].self, Int.self, options: ["max_episode_steps": 3])
        XCTAssertEqual(environment.name, "TimeLimit<CartPole>")
        XCTAssertEqual(try environment.reset(seed: 0).observation.count, 4)
        for _ in 0..<2 { XCTAssertFalse(try environment.step(1).truncated) }
        XCTAssertTrue(try environment.step(1).truncated)

        var stacked = try EnvironmentRegistry.standard.make("cartpole", as: [Float].self, Int.self, options: ["frame_stack": 2])
        XCTAssertEqual(stacked.name, "FrameStack<TimeLimit<CartPole>>")
        XCTAssertEqual(try stacked.reset(seed: 1).observation.count, 8)

        let spec = try EnvironmentRegistry.standard.spec(named: "robot-nav-continuous")
        let continuous = try spec.make(as: [Float].self, [Float].self)
        XCTAssertEqual(continuous.actionSpace.shape, [2])
    }

    func testTypedMakeNamesTheEnvironmentAndItsTypesWhenTheyDoNotMatch() {
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("cartpole", as: [Float].self, [Float].self)) { error in
            XCTAssertEqual(error as? RegistryError, .typeMismatch(
                environment: "cartpole", observation: "[Float]", action: "Int", requestedObservation: "[Float]", requestedAction: "[Float]"))
            XCTAssertEqual("\(error)", "environment 'cartpole' has [Float] observations and Int actions, "
                           + "not [Float] and [Float] as asked: make it with `as: [Float].self, Int.self`")
        }
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("robot-nav-continuous", as: [Float].self, Int.self)) { error in
            XCTAssertTrue("\(error)".hasPrefix("environment 'robot-nav-continuous' has [Float] observations and [Float] actions"), "\(error)")
        }
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("cartpole", as: [Double].self, Int.self, options: ["frame_stack": 2]),
                             "a stack made by wrapper options is checked too") { error in
            XCTAssertTrue("\(error)".hasPrefix("environment 'cartpole' has [Float] observations and Int actions"), "\(error)")
        }
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("cartpol", as: [Float].self, Int.self)) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'cartpole'?"), "\(error)")
        }
    }
}

/// A space of LineWalk's two actions that is not a ``Discrete``.
private struct LineWalkActions: Space {
    var shape: [Int] { [] }
    func contains(_ element: Int) -> Bool { element == 0 || element == 1 }
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int { Int.random(in: 0...1, using: &generator) }
    var description: String { "Discrete(2)" }
}
