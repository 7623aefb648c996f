import XCTest
@testable import Environments

/// Feeds boundary and random values to every option of every registered
/// environment: each must be refused with an ``OptionError`` (or a map error)
/// or give an environment that resets and steps. A trap would end the test
/// process, so reaching the end is the assertion that none happened.
final class OptionFuzzTests: XCTestCase {
    /// Values of an int option's own type: signs, zero, small sizes, each side of
    /// the limits, and numbers whose squares or products overflow.
    private static let intValues: [Int] = [
        -1, 0, 1, 2, 3, 4, 5, 9, 33, OptionLimits.gridSide + 1, 100_000,
        3_037_000_500, 99_999_999_999, 1 << 40, Int.max, Int.min, Int.max / 2 + 1,
    ]

    /// Values of a double option's own type, non-finite ones included.
    private static let doubleValues: [Double] = [
        -1, 0, 1e-6, 0.5, 1, 3, 1e18, -1e18, .nan, .infinity, -.infinity, .greatestFiniteMagnitude,
        .leastNonzeroMagnitude,
    ]

    /// Values of another type than the option's, as a configuration file can hold them.
    private static let wrongTypeValues: [InfoValue] = [
        .string(""), .string("x"), .string("-1"), .string("99999999999999999999"), .string("nan"), .string("1e400"),
        .bool(true), .doubles([]), .doubles([.nan]), .double(0.5), .double(.nan), .int(Int.min),
    ]

    /// Text values for string options: empty, the documented words, junk.
    private static let stringValues: [String] = [
        "", "x", "absolute", "egocentric", "zero", "drop", "0", "1,3", "-1", "99999999999", "0,0,0,0,0",
        "1,99999999999999999999", "/nonexistent/map.txt", "/dev/null",
    ]

    func testEveryOptionOfEveryEnvironmentThrowsOrWorks() {
        var generator = Xoshiro256(seed: 15)
        var outcomes = (refused: 0, worked: 0)
        for spec in EnvironmentRegistry.standard.specs {
            // Wrapper options are the same code for every environment; a few
            // environments of each observation kind cover them, keeping the test fast.
            let wrapperCovered = ["cartpole", "gridworld", "breakout", "robot-nav-continuous", "catch"].contains(spec.name)
            for option in spec.options where spec.environmentOptionNames.contains(option.name) || wrapperCovered {
                for value in values(for: option, using: &generator) {
                    let context = "\(spec.name) \(option.name)=\(value)"
                    do {
                        try exercise(try spec.make([option.name: value]), context: context)
                        outcomes.worked += 1
                    } catch is OptionError {
                        outcomes.refused += 1
                    } catch is GridMapError {
                        outcomes.refused += 1
                    } catch {
                        XCTFail("\(context): unexpected error \(error)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(outcomes.refused, 100)
        XCTAssertGreaterThan(outcomes.worked, 100)
    }

    /// The cases issue 15 reported (each trapped before): every one is now an
    /// error that names the option, the value and the allowed range.
    func testReportedSizesAreRefusedWithTheirLimit() throws {
        let cases: [(String, String, InfoValue, String)] = [
            ("gridworld", "size", .string("3037000500"), "option 'size': '3037000500' is not a valid integer in [4, 1000]"),
            ("gridworld", "size", .string("100000"), "option 'size': '100000' is not a valid integer in [4, 1000]"),
            ("gridworld", "view", .string("9999999"), "option 'view': '9999999' is not a valid view size (0, or odd in [3, 999])"),
            ("catch", "columns", .string("3037000500"), "option 'columns': '3037000500' is not a valid integer in [1, 1000]"),
            ("snake", "width", .string("3037000500"), "option 'width': '3037000500' is not a valid integer in [4, 1000]"),
            ("gridworld-memory", "length", .string("99999999999"), "option 'length': '99999999999' is not a valid integer in [1, 997]"),
            ("gridworld-maze", "size", .string("99999"), "option 'size': '99999' is not a valid odd integer in [5, 999]"),
            ("cartpole", "frame_stack", .string("9999999999"), "option 'frame_stack': '9999999999' is not a valid integer in [1, 1024]"),
            ("cartpole", "action_repeat", .int(Int.max), "option 'action_repeat': '\(Int.max)' is not a valid integer in [1, 1000]"),
        ]
        for (name, option, value, message) in cases {
            XCTAssertThrowsError(try EnvironmentRegistry.standard.make(name, options: [option: value]), "\(name) \(option)") { error in
                XCTAssertEqual("\(error)", message)
            }
        }
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("robot-nav", options: ["planner_cell": 1e-6])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("option 'planner_cell': '1e-06'"), message)
            XCTAssertTrue(message.contains("at least worldSize / 1000 = 0.01 m"), message)
        }
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("mountaincar", options: ["goal_velocity": .double(.infinity)])) { error in
            XCTAssertEqual("\(error)", "option 'goal_velocity': 'inf' is not a valid double")
        }
        // A frame stack within its own limit can still make an observation too large.
        XCTAssertThrowsError(try EnvironmentRegistry.standard.make("gridworld", options: ["size": 120, "frame_stack": 1000])) { error in
            XCTAssertTrue("\(error)".contains("stays within 67108864 floats"), "\(error)")
        }
    }

    func testAMapFileLargerThanTheGridLimitIsRefusedBeforeItsCellsAreMade() {
        let row = String(repeating: ".", count: OptionLimits.gridSide + 1)
        XCTAssertThrowsError(try GridMap(parsing: "S" + row + "G\n")) { error in
            XCTAssertEqual("\(error)", "<string>:1:1001: map is 1003x1 cells; at most 1000 rows and 1000 columns are allowed")
        }
        let tall = Array(repeating: "S.G", count: OptionLimits.gridSide + 1).joined(separator: "\n")
        XCTAssertThrowsError(try GridMap(parsing: tall)) { error in
            XCTAssertEqual("\(error)", "<string>:1001:1: map is 3x1001 cells; at most 1000 rows and 1000 columns are allowed")
        }
    }

    /// Every registered environment with its own size-like options at their largest
    /// allowed values still builds (each limit is an inclusive bound that works).
    func testUpperLimitsThemselvesWork() throws {
        let cases: [(String, [String: InfoValue])] = [
            ("catch", ["columns": .int(OptionLimits.gridSide), "rows": .int(2)]),
            ("snake", ["width": .int(OptionLimits.gridSide), "height": .int(4)]),
            ("gridworld-memory", ["length": .int(OptionLimits.gridSide - 3)]),
            ("cartpole", ["frame_stack": .int(OptionLimits.frameStack)]),
            ("robot-nav", ["planner_cell": .double(0.01)]),
        ]
        for (name, options) in cases {
            try exercise(try EnvironmentRegistry.standard.spec(named: name).make(options), context: "\(name) \(options)")
        }
    }

    private func values(for option: OptionSpec, using generator: inout Xoshiro256) -> [InfoValue] {
        var values = Self.wrongTypeValues
        switch option.kind {
        case .int:
            values += Self.intValues.map(InfoValue.int)
            // A few random magnitudes: a random bit width, a random sign.
            for _ in 0..<4 {
                let magnitude = Int(truncatingIfNeeded: generator.next() >> UInt64(1 + generator.nextInt(upperBound: 63)))
                values.append(.int(generator.nextInt(upperBound: 2) == 0 ? magnitude : -magnitude))
            }
            values += [.string("12"), .double(4)]
        case .double:
            values += Self.doubleValues.map(InfoValue.double) + [.int(Int.max), .int(-1), .string("1e-300")]
            for _ in 0..<4 {
                values.append(.double(Double(bitPattern: generator.next())))
            }
        case .bool:
            values += [.bool(false), .string("yes"), .string("maybe"), .int(2)]
        case .string:
            values += Self.stringValues.map(InfoValue.string)
        }
        return values
    }

    /// Resets and takes a few random steps, through the type-erased environment.
    private func exercise(_ environment: any Environment, context: String) throws {
        func run<E: Environment>(_ typed: E) throws {
            var typed = typed
            var generator = Xoshiro256(seed: 1)
            _ = try typed.reset(seed: 3)
            for _ in 0..<3 {
                let step = try typed.step(typed.actionSpace.sample(using: &generator))
                if step.terminated || step.truncated { _ = try typed.reset() }
            }
        }
        do {
            try run(environment)
        } catch {
            XCTFail("\(context): made, but failed to run: \(error)")
        }
    }
}
