import Foundation
import XCTest
@testable import Environments

/// The ASCII map format and its located errors.
extension GridWorldTests {
    func assertMapError(_ text: String, line: Int, column: Int, _ problem: GridMapError.Problem,
                        file: StaticString = #filePath, testLine: UInt = #line) {
        XCTAssertThrowsError(try GridMap(parsing: text), file: file, line: testLine) { error in
            guard let error = error as? GridMapError else {
                return XCTFail("expected GridMapError, got \(error)", file: file, line: testLine)
            }
            XCTAssertEqual(error.source, "<string>", file: file, line: testLine)
            XCTAssertEqual(error.line, line, "line", file: file, line: testLine)
            XCTAssertEqual(error.column, column, "column", file: file, line: testLine)
            XCTAssertEqual(error.problem, problem, file: file, line: testLine)
            XCTAssertTrue(error.description.hasPrefix("<string>:\(line):\(column): "), error.description,
                          file: file, line: testLine)
        }
    }

    func testParsesAMap() throws {
        let map = try GridMap(parsing: "#####\n#S.L#\n#..G#\n#####\n")
        XCTAssertEqual(map.width, 5)
        XCTAssertEqual(map.height, 4)
        XCTAssertEqual(map.start, GridPosition(x: 1, y: 1))
        XCTAssertEqual(map.goals, [GridPosition(x: 3, y: 2)])
        XCTAssertEqual(map[1, 1], .floor, "the start is floor")
        XCTAssertEqual(map[3, 1], .lava)
        XCTAssertEqual(map[0, 0], .wall)
        XCTAssertEqual(map[-1, 2], .wall, "outside the map is wall")
        XCTAssertEqual(map[5, 0], .wall)
        XCTAssertEqual(map[2, 4], .wall)
        XCTAssertEqual(map.text, "#####\n#S.L#\n#..G#\n#####\n")
        XCTAssertEqual(try GridMap(parsing: map.text), map)
        XCTAssertEqual(map.shortestPathLength(), 3)
    }

    func testParsesCRLFAndIgnoresTrailingBlankLines() throws {
        let map = try GridMap(parsing: "S.\r\n.G\r\n\r\n\n")
        XCTAssertEqual(map.height, 2)
        XCTAssertEqual(map.width, 2)
    }

    func testMapWithoutBorderTreatsOutsideAsWall() throws {
        var world = try mapWorld("S.G\n")
        _ = try world.reset(seed: 0)
        _ = try step(&world, .up)
        _ = try step(&world, .left)
        XCTAssertEqual(world.agentPosition, GridPosition(x: 0, y: 0))
    }

    func testUnknownCharacterIsLocated() {
        assertMapError("###\n#Sx\n#G#\n", line: 2, column: 3, .unknownCharacter("x"))
        assertMapError("S G\n", line: 1, column: 2, .unknownCharacter(" "))
        XCTAssertThrowsError(try GridMap(parsing: "S?G")) { error in
            XCTAssertTrue("\(error)".contains("'?'"), "\(error)")
        }
    }

    func testRaggedRowsAreLocated() {
        assertMapError("S..\n..\n..G\n", line: 2, column: 3, .raggedRow(expectedLength: 3, actualLength: 2))
        assertMapError("S..\n....\n..G\n", line: 2, column: 4, .raggedRow(expectedLength: 3, actualLength: 4))
        assertMapError("S.G\n\n...\n", line: 2, column: 1, .raggedRow(expectedLength: 3, actualLength: 0))
    }

    func testStartErrors() {
        assertMapError("...\n..G\n", line: 1, column: 1, .noStart)
        assertMapError("S..\n.SG\n", line: 2, column: 2, .multipleStarts(firstLine: 1, firstColumn: 1))
    }

    func testMissingGoalAndEmptyMap() {
        assertMapError("S..\n...\n", line: 1, column: 1, .noGoal)
        assertMapError("", line: 1, column: 1, .emptyMap)
        assertMapError("\n\n", line: 1, column: 1, .emptyMap)
    }

    func testFileErrorsNameTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridworld-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("broken.txt").path
        try "#####\n#S..#\n#..Q#\n#####\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GridMap(contentsOfFile: path)) { error in
            let error = error as? GridMapError
            XCTAssertEqual(error?.source, path)
            XCTAssertEqual(error?.problem, .unknownCharacter("Q"))
            XCTAssertTrue(error?.description.hasPrefix("\(path):3:4: unknown character 'Q'") ?? false, "\(String(describing: error))")
        }
        let missing = directory.appendingPathComponent("missing.txt").path
        XCTAssertThrowsError(try GridMap(contentsOfFile: missing)) { error in
            XCTAssertEqual((error as? GridMapError)?.problem, .unreadableFile(reason: "no such file"))
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
        let good = directory.appendingPathComponent("good.txt").path
        try "S.\n.G\n".write(toFile: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(try GridMap(contentsOfFile: good).goals, [GridPosition(x: 1, y: 1)])
    }

    func testShortestPathAvoidsLavaAndReportsUnreachableGoals() throws {
        XCTAssertEqual(try GridMap(parsing: "S#G\n.#.\n...\n").shortestPathLength(), 6)
        XCTAssertEqual(try GridMap(parsing: "G.S.G.\n").shortestPathLength(), 2, "the nearest goal counts")
        // Built from cells (as generated layouts are), an unreachable goal is allowed and reported.
        let walled = GridMap(width: 3, height: 1, cells: [.floor, .wall, .goal], start: GridPosition(x: 0, y: 0))
        XCTAssertNil(walled.shortestPathLength())
        XCTAssertNil(GridMap(width: 3, height: 1, cells: [.floor, .lava, .goal], start: GridPosition(x: 0, y: 0)).shortestPathLength())
        var world = GridWorld(layout: .map(walled), actionMode: .absolute, maxSteps: nil, seed: 0)
        XCTAssertEqual(try world.reset(seed: 0).info[GridWorld.InfoKey.shortestPath], .int(-1))
    }

    /// A map text whose goals cannot be reached is refused at load time, pointing at the start.
    func testMapsWithUnreachableGoalsAreRefused() {
        assertMapError("S#G\n", line: 1, column: 1, .unreachableGoal)
        assertMapError("..#.\n.S#G\n", line: 2, column: 2, .unreachableGoal)
        assertMapError("SLG\n", line: 1, column: 1, .unreachableGoal)
        XCTAssertEqual(GridMapError(source: "m.txt", line: 2, column: 2, problem: .unreachableGoal).description,
                       "m.txt:2:2: no goal 'G' can be reached from the start 'S' here without crossing walls or lava")
    }

    func testGridCellCapabilities() {
        XCTAssertEqual(GridCell.allCases.filter(\.isPassable), [.floor, .goal, .lava])
        XCTAssertEqual(GridCell.allCases.filter(\.endsEpisode), [.goal, .lava])
        XCTAssertEqual(GridCell.allCases.filter(\.isDeadly), [.lava])
        XCTAssertEqual(GridCell.allCases.filter(\.blocksSight), [.wall])
        for cell in GridCell.allCases { XCTAssertEqual(GridCell(symbol: cell.symbol), cell) }
        XCTAssertNil(GridCell(symbol: "S"))
    }
}
