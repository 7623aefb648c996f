import XCTest
@testable import Environments

final class VectorEnvironmentTests: XCTestCase {
    /// Copy 0 ends after 2 steps, copy 1 after 3 (see ``Counter``).
    private func counters(_ mode: AutoresetMode, scheduling: VectorScheduling = .serial) -> VectorEnvironment<Counter> {
        VectorEnvironment(count: 2, autoresetMode: mode, scheduling: scheduling) { Counter(length: $0 + 2) }
    }

    func testResetSeedsCopyIWithSeedPlusI() throws {
        let vector = counters(.nextStep)
        let reset = try vector.reset(seed: 10)
        XCTAssertEqual(reset.observations, [0, -1, 10, 0, -1, 11])
        XCTAssertEqual(reset.infos.map { $0["reset_tag"] }, [.double(10), .double(11)])
        XCTAssertEqual(vector.observationShape, [2, 3])
        XCTAssertEqual(try vector.reset().observations, [0, -1, 110, 0, -1, 111], "no seed: each copy continues")
    }

    func testNextStepModeReturnsTheResetObservationOnTheStepAfterTheEnd() throws {
        let vector = counters(.nextStep)
        _ = try vector.reset(seed: 10)
        var step = try vector.step([1, 2])
        XCTAssertEqual(step.observations, [1, 1, 10, 1, 2, 11])
        XCTAssertEqual(step.rewards, [1.1, 2.1])
        XCTAssertEqual(step.terminated, [false, false])

        step = try vector.step([0, 0])
        XCTAssertEqual(step.observations, [2, 0, 10, 2, 0, 11], "copy 0's last observation, not yet reset")
        XCTAssertEqual(step.rewards, [0.2, 0.2])
        XCTAssertEqual(step.terminated, [true, false])
        XCTAssertEqual(step.truncated, [false, false])
        XCTAssertNil(step.infos[0][VectorEnvironment<Counter>.finalObservationKey])

        step = try vector.step([2, 1])
        XCTAssertEqual(step.observations, [0, -1, 110, 3, 1, 11], "copy 0 reset, its action ignored")
        XCTAssertEqual(step.rewards, [0, 1.3])
        XCTAssertEqual(step.terminated, [false, true])
        XCTAssertEqual(step.truncated, [false, false])
        XCTAssertEqual(step.infos[0]["reset_tag"], .double(110), "the reset's info")

        step = try vector.step([2, 2])
        XCTAssertEqual(step.observations, [1, 2, 110, 0, -1, 111])
        XCTAssertEqual(step.rewards, [2.1, 0])
        XCTAssertEqual(step.terminated, [false, false])
    }

    func testSameStepModeResetsAtOnceAndReportsTheFinalObservation() throws {
        let vector = counters(.sameStep)
        _ = try vector.reset(seed: 10)
        _ = try vector.step([1, 2])
        var step = try vector.step([0, 0])
        XCTAssertEqual(step.observations, [0, -1, 110, 2, 0, 11], "copy 0 already holds its next episode's first observation")
        XCTAssertEqual(step.rewards, [0.2, 0.2], "the ending step's reward")
        XCTAssertEqual(step.terminated, [true, false])
        XCTAssertEqual(step.infos[0][VectorEnvironment<Counter>.finalObservationKey], .doubles([2, 0, 10]))
        XCTAssertNil(step.infos[1][VectorEnvironment<Counter>.finalObservationKey])

        step = try vector.step([2, 1])
        XCTAssertEqual(step.observations, [1, 2, 110, 0, -1, 111], "every action is taken")
        XCTAssertEqual(step.rewards, [2.1, 1.3])
        XCTAssertEqual(step.terminated, [false, true])
        XCTAssertEqual(step.infos[1][VectorEnvironment<Counter>.finalObservationKey], .doubles([3, 1, 11]))
    }

    func testTruncationAutoresetsLikeTermination() throws {
        let vector = VectorEnvironment(count: 1) { _ in TimeLimit(Counter(length: 100), maxEpisodeSteps: 1) }
        _ = try vector.reset(seed: 0)
        var step = try vector.step([1])
        XCTAssertEqual(step.truncated, [true])
        XCTAssertEqual(step.terminated, [false])
        step = try vector.step([1])
        XCTAssertEqual(step.observations, [0, -1, 100])
        XCTAssertEqual(step.truncated, [false])
    }

    func testMisuseThrowsBeforeAnyCopySteps() throws {
        let vector = counters(.nextStep)
        XCTAssertThrowsError(try vector.step([0, 0])) { error in
            XCTAssertEqual(error as? EnvironmentError, .resetNeeded(environment: "VectorEnvironment<Counter>[2]"))
        }
        _ = try vector.reset(seed: 0)
        XCTAssertThrowsError(try vector.step([0, 3]))
        XCTAssertEqual(vector.environment(at: 0).count, 0, "no copy stepped")
    }

    func testResultsDoNotDependOnTheThreadCount() throws {
        func run(_ scheduling: VectorScheduling, mode: AutoresetMode) throws -> [String] {
            let vector = VectorEnvironment(count: 7, autoresetMode: mode, scheduling: scheduling) { _ in
                TimeLimit(CartPole(), maxEpisodeSteps: 30)
            }
            var trace = ["\(try vector.reset(seed: 3).observations)"]
            var actions = Xoshiro256(seed: 4)
            for _ in 0..<300 {
                let step = try vector.step((0..<7).map { _ in actions.nextInt(upperBound: 2) })
                trace.append("\(step.observations) \(step.rewards) \(step.terminated) \(step.truncated) \(step.infos)")
            }
            return trace
        }
        for mode in AutoresetMode.allCases {
            let serial = try run(.serial, mode: mode)
            XCTAssertEqual(try run(.workerThreads(2), mode: mode), serial, "\(mode)")
            XCTAssertEqual(try run(.workerThreads(3), mode: mode), serial, "\(mode)")
            XCTAssertEqual(try run(.workerThreads(16), mode: mode), serial, "\(mode): more threads than copies")
            XCTAssertEqual(try run(.dispatch(2), mode: mode), serial, "\(mode)")
        }
    }

    func testWorkersSurviveIdlePausesAndStopWithTheVector() throws {
        let vector = VectorEnvironment(count: 4, scheduling: .workerThreads(2)) { _ in Counter(length: 1000) }
        _ = try vector.reset(seed: 0)
        for pause in 0..<3 {
            // Long enough for the worker to fall asleep, so the wake-up path runs too.
            Thread.sleep(forTimeInterval: 0.05)
            let step = try vector.step([1, 1, 1, 1])
            XCTAssertEqual(step.observations[0], Float(pause + 1))
            XCTAssertEqual(step.observations[9], Float(pause + 1))
        }
    }

    func testSpecMakesAVectorByName() throws {
        let vector = try EnvironmentRegistry.standard.spec(named: "cartpole")
            .makeVector(count: 4, options: ["frame_stack": .int(2)], autoresetMode: .sameStep)
        XCTAssertEqual(vector.count, 4)
        XCTAssertEqual(vector.observationSize, 8)
        XCTAssertEqual(vector.name, "VectorEnvironment<FrameStack<TimeLimit<CartPole>>>[4]")
        let reset = try vector.reset(seed: 1, options: [:])
        XCTAssertEqual(reset.observations.count, 32)
        var ended = 0
        for _ in 0..<100 {
            let step = try vector.step([1, 1, 0, 0])
            ended += step.terminated.filter { $0 }.count
            XCTAssertEqual(step.observations.count, 32)
        }
        XCTAssertGreaterThan(ended, 4)
    }

    func testTheVectorProtocolHasTheSingleSpacesAndAResetWithoutArguments() throws {
        let vector: any VectorEnvironmentProtocol = try EnvironmentRegistry.standard.spec(named: "cartpole").makeVector(count: 2)
        XCTAssertEqual(vector.singleObservationSpace, CartPole().observationSpace)
        XCTAssertEqual(vector.singleActionSpace.description, Discrete(2).description)
        XCTAssertTrue(vector.singleActionSpace.contains(1))
        XCTAssertFalse(vector.singleActionSpace.contains(2))
        XCTAssertEqual(try vector.reset().observations.count, 8)
        XCTAssertEqual(try vector.reset(seed: 4).observations, try vector.reset(seed: 4, options: [:]).observations)
    }

    func testAMalformedResetOptionThrowsFromTheVector() throws {
        let vector = VectorEnvironment(count: 2) { _ in CartPole() }
        XCTAssertThrowsError(try vector.reset(seed: 0, options: ["state": [0, 0, 0]])) { error in
            XCTAssertEqual(error as? EnvironmentError, .invalidResetOption(
                environment: "CartPole", option: "state", value: "[0.0, 0.0, 0.0]",
                expected: "a list of 4 finite numbers [x, xDot, theta, thetaDot]"))
        }
        XCTAssertThrowsError(try vector.step([0, 0]), "no copy was reset") { error in
            XCTAssertEqual(error as? EnvironmentError, .resetNeeded(environment: vector.name))
        }
    }
}
