import Foundation
import XCTest
@testable import Environments

/// Pixels and text drawn by ``GridWorld``.
extension GridWorldTests {
    typealias Palette = GridWorld.Palette

    /// The colour at the centre of cell (x, y).
    func centre(_ frame: Frame, _ x: Int, _ y: Int) -> Color {
        frame[x * GridWorld.tileSize + GridWorld.tileSize / 2, y * GridWorld.tileSize + GridWorld.tileSize / 2]
    }

    func testFrameShowsAgentGoalWallAndLava() throws {
        var world = try mapWorld("#####\n#S.L#\n#..G#\n#####\n")
        _ = try world.reset(seed: 0)
        let frame = try XCTUnwrap(world.render())
        XCTAssertEqual(frame.width, 5 * 16)
        XCTAssertEqual(frame.height, 4 * 16)
        XCTAssertEqual(centre(frame, 1, 1), Palette.agent)
        XCTAssertEqual(centre(frame, 3, 2), Palette.goal)
        XCTAssertEqual(centre(frame, 3, 1), Palette.lava)
        XCTAssertEqual(centre(frame, 0, 0), Palette.wall)
        XCTAssertEqual(centre(frame, 2, 1), Palette.floor)
        XCTAssertEqual(frame[2 * 16, 1 * 16 + 5], Palette.gridLine)
        XCTAssertEqual(frame[1 * 16 + 1, 1 * 16 + 1], Palette.floor, "the agent's disc leaves the tile corner as floor")

        _ = try step(&world, .down)
        _ = try step(&world, .right)
        let moved = try XCTUnwrap(world.render())
        XCTAssertEqual(centre(moved, 2, 2), Palette.agent)
        XCTAssertEqual(centre(moved, 1, 1), Palette.floor)
        let agentOnGoal = try { () throws -> Frame in _ = try step(&world, .right); return try XCTUnwrap(world.render()) }()
        XCTAssertEqual(centre(agentOnGoal, 3, 2), Palette.agent)
    }

    func testEgocentricAgentIsATrianglePointingItsWay() throws {
        var world = room(actions: .egocentric)
        _ = try world.reset(seed: 0)
        let tile = GridWorld.tileSize
        func pixel(_ frame: Frame, dx: Int, dy: Int) -> Color { frame[1 * tile + dx, 1 * tile + dy] }
        let right = try XCTUnwrap(world.render())
        XCTAssertEqual(pixel(right, dx: 12, dy: 8), Palette.agent, "the tip points right")
        XCTAssertEqual(pixel(right, dx: 3, dy: 3), Palette.floor, "base corners are cut away")
        XCTAssertEqual(pixel(right, dx: 8, dy: 8), Palette.agent)
        _ = try world.step(GridWorld.EgocentricAction.turnLeft.rawValue)
        let up = try XCTUnwrap(world.render())
        XCTAssertEqual(pixel(up, dx: 8, dy: 4), Palette.agent, "the tip points up")
        XCTAssertEqual(pixel(up, dx: 8, dy: 12), Palette.agent)
        XCTAssertEqual(pixel(up, dx: 3, dy: 4), Palette.floor)
        _ = try world.step(GridWorld.EgocentricAction.turnLeft.rawValue)
        _ = try world.step(GridWorld.EgocentricAction.turnLeft.rawValue)
        let down = try XCTUnwrap(world.render())
        XCTAssertEqual(pixel(down, dx: 8, dy: 12), Palette.agent)
        XCTAssertEqual(pixel(down, dx: 4, dy: 12), Palette.floor, "the tip is narrow")
        XCTAssertEqual(pixel(down, dx: 4, dy: 4), Palette.agent, "the base is wide")
    }

    func testFrameSizeIsConstantAndRenderingChangesNothing() throws {
        var world = GridWorld(layout: .fourRooms, actionMode: .egocentric, viewSize: 7, seed: 0)
        for seed in 0..<5 as Range<UInt64> {
            let observation = try world.reset(seed: seed).observation
            let frame = try XCTUnwrap(world.render())
            XCTAssertEqual(frame.width, 19 * 16)
            XCTAssertEqual(frame.height, 19 * 16)
            XCTAssertEqual(world.render(), frame)
            XCTAssertEqual(world.currentObservation, observation)
            XCTAssertEqual(centre(frame, world.agentPosition.x, world.agentPosition.y), Palette.agent)
            XCTAssertEqual(centre(frame, world.map.goals[0].x, world.map.goals[0].y), Palette.goal)
        }
    }

    func testPartialViewIsShadedInTheFrame() throws {
        var world = room(actions: .egocentric, view: 3)
        _ = try world.reset(seed: 0)
        let frame = try XCTUnwrap(world.render())
        // Facing right from (1, 1): the view covers x 1...3, y 0...2.
        XCTAssertEqual(centre(frame, 3, 2), Palette.visibleFloor)
        XCTAssertEqual(centre(frame, 4, 2), Palette.floor)
        XCTAssertEqual(centre(frame, 3, 0), Palette.wall)
    }

    func testTextRendering() throws {
        var world = room(5)
        _ = try world.reset(seed: 0)
        XCTAssertEqual(world.renderText(colored: false), "#####\n#A..#\n#...#\n#..G#\n#####\n")
        var egocentric = room(5, actions: .egocentric)
        _ = try egocentric.reset(seed: 0)
        _ = try egocentric.step(GridWorld.EgocentricAction.turnRight.rawValue)
        XCTAssertEqual(egocentric.renderText(colored: false), "#####\n#v..#\n#...#\n#..G#\n#####\n")
        let ansi = try XCTUnwrap(egocentric.renderANSI())
        XCTAssertTrue(ansi.contains("\u{1B}["))
        let stripped = ansi.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertEqual(stripped, "#####\n#v..#\n#...#\n#..G#\n#####\n")
    }
}
