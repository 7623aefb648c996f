import Foundation
import XCTest
@testable import Environments

/// Generated layouts and the registered names with their options.
extension GridWorldTests {
    func testGeneratedLayoutsAreAlwaysSolvable() throws {
        let layouts: [GridWorld.Layout] = [.fourRooms, .lavaCrossing(size: 9), .lavaCrossing(size: 5), .maze(size: 11), .maze(size: 5), .maze(size: 21)]
        for layout in layouts {
            var world = GridWorld(layout: layout, seed: 0)
            for seed in 0..<200 as Range<UInt64> {
                let reset = try world.reset(seed: seed)
                let length = reset.info[GridWorld.InfoKey.shortestPath]?.intValue ?? -1
                XCTAssertGreaterThan(length, 0, "\(layout.name) seed \(seed) has no path:\n\(world.map.text)")
                XCTAssertEqual(world.map.shortestPathLength(), length)
            }
        }
    }

    func testFourRoomsHasOneGapPerInnerWallSegment() throws {
        var world = GridWorld(layout: .fourRooms, seed: 0)
        for seed in 0..<50 as Range<UInt64> {
            _ = try world.reset(seed: seed)
            let map = world.map
            XCTAssertEqual(map.width, 19)
            XCTAssertEqual(map.height, 19)
            let upperVertical = (1..<9).filter { map[9, $0] != .wall }.count
            let lowerVertical = (10..<18).filter { map[9, $0] != .wall }.count
            let leftHorizontal = (1..<9).filter { map[$0, 9] != .wall }.count
            let rightHorizontal = (10..<18).filter { map[$0, 9] != .wall }.count
            XCTAssertEqual([upperVertical, lowerVertical, leftHorizontal, rightHorizontal], [1, 1, 1, 1], map.text)
            XCTAssertEqual(map[9, 9], .wall)
            XCTAssertEqual(map.goals.count, 1)
            XCTAssertNotEqual(map.goals.first, map.start)
        }
    }

    func testLavaCrossingHasOneRiverWithOneOpening() throws {
        var world = GridWorld(layout: .lavaCrossing(size: 9), seed: 0)
        var orientations = Set<Bool>()
        for seed in 0..<100 as Range<UInt64> {
            _ = try world.reset(seed: seed)
            let map = world.map
            XCTAssertEqual(map.cells.filter { $0 == .lava }.count, 6, map.text)
            let lavaColumns = Set((0..<81).filter { map.cells[$0] == .lava }.map { $0 % 9 })
            let lavaRows = Set((0..<81).filter { map.cells[$0] == .lava }.map { $0 / 9 })
            XCTAssertTrue(lavaColumns.count == 1 || lavaRows.count == 1, map.text)
            orientations.insert(lavaColumns.count == 1)
            XCTAssertEqual(map.start, GridPosition(x: 1, y: 1))
            XCTAssertEqual(map.goals, [GridPosition(x: 7, y: 7)])
        }
        XCTAssertEqual(orientations, [true, false], "rivers run both ways across seeds")
    }

    func testMazeIsPerfect() throws {
        var world = GridWorld(layout: .maze(size: 11), seed: 0)
        for seed in 0..<50 as Range<UInt64> {
            _ = try world.reset(seed: seed)
            let map = world.map
            let open = (0..<(11 * 11)).filter { map.cells[$0].isPassable }
            var edges = 0
            for index in open {
                let x = index % 11, y = index / 11
                if map[x + 1, y].isPassable { edges += 1 }
                if map[x, y + 1].isPassable { edges += 1 }
            }
            // A connected graph with one edge fewer than nodes is a tree: one path between any two cells.
            XCTAssertEqual(edges, open.count - 1, map.text)
            XCTAssertEqual(map.start, GridPosition(x: 1, y: 1))
            XCTAssertEqual(map.goals, [GridPosition(x: 9, y: 9)])
        }
    }

    // MARK: - Registry

    func spec(_ name: String) throws -> EnvironmentSpec {
        try EnvironmentRegistry(GridWorld.registrations).spec(named: name)
    }

    func testRegisteredNamesMakeWorkingEnvironments() throws {
        XCTAssertEqual(GridWorld.registrations.map(\.name),
                       ["gridworld", "gridworld-fourrooms", "gridworld-lava", "gridworld-maze"] + ["gridworld-file"])
        for name in ["gridworld", "gridworld-fourrooms", "gridworld-lava", "gridworld-maze"] {
            let result = try spec(name).runRandomRollout(steps: 2_000, seed: 1)
            XCTAssertEqual(result.steps, 2_000)
            XCTAssertGreaterThan(result.episodes, 0, name)
        }
        let room = try XCTUnwrap(try spec("gridworld").make(["size": .int(6), "max_steps": .int(17)]) as? GridWorld)
        XCTAssertEqual(room.layout, .room(size: 6))
        XCTAssertEqual(room.maxSteps, 17)
        let defaults = try XCTUnwrap(try spec("gridworld").make() as? GridWorld)
        XCTAssertEqual(defaults.maxSteps, 256)
        XCTAssertEqual(defaults.observationSpace, Box(low: 0, high: 1, shape: [5, 8, 8]))
        XCTAssertEqual(defaults.actionSpace, Discrete(4))
        let viewed = try XCTUnwrap(try spec("gridworld-fourrooms").make(["actions": .string("egocentric"), "view": .int(7)]) as? GridWorld)
        XCTAssertEqual(viewed.observationSpace.shape, [5, 7, 7])
        XCTAssertEqual(viewed.actionSpace, Discrete(3))
    }

    func testBadOptionValuesThrowBadValue() throws {
        let cases: [(String, [String: InfoValue], String)] = [
            ("gridworld", ["view": .int(4)], "view"),
            ("gridworld", ["view": .int(1)], "view"),
            ("gridworld", ["actions": .string("sideways")], "actions"),
            ("gridworld", ["size": .int(3)], "size"),
            ("gridworld", ["max_steps": .int(-5)], "max_steps"),
            ("gridworld-lava", ["size": .int(8)], "size"),
            ("gridworld-maze", ["size": .int(10)], "size"),
            ("gridworld-file", [:], "path"),
        ]
        for (name, overrides, option) in cases {
            XCTAssertThrowsError(try spec(name).make(overrides), "\(name) \(overrides)") { error in
                guard case .badValue(let reported, _, _)? = error as? OptionError else {
                    return XCTFail("expected OptionError.badValue, got \(error)")
                }
                XCTAssertEqual(reported, option)
            }
        }
    }

    func testFileEnvironmentReadsTheMapAndNamesABadFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridworld-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("map.txt").path
        try "S.L\n..G\n".write(toFile: path, atomically: true, encoding: .utf8)
        let world = try XCTUnwrap(try spec("gridworld-file").make(["path": .string(path)]) as? GridWorld)
        XCTAssertEqual(world.map, try GridMap(parsing: "S.L\n..G\n"))
        XCTAssertEqual(world.maxSteps, 4 * 3 * 2)
        let missing = directory.appendingPathComponent("nope.txt").path
        XCTAssertThrowsError(try spec("gridworld-file").make(["path": .string(missing)])) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
    }
}
