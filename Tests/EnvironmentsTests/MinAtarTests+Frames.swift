import XCTest
@testable import Environments

/// Every MinAtar game's frame shows its observation: each 16×16 cell is the
/// palette colour of the highest channel set in that cell, black where none is.
final class MinAtarFrameTests: XCTestCase {
    func testEveryGamesFrameShowsItsObservationCellByCell() throws {
        func check<Game: MinAtarGame>(_ type: Game.Type) throws {
            var environment = MinAtarEnvironment<Game>(seed: 9)
            var policy = Xoshiro256(seed: 10)
            var observation = try environment.reset().observation
            let colors = MinAtar.Palette.channelColors(channelCount: Game.channelCount)
            var nonEmptyCellsSeen = 0
            for step in 0..<150 {
                let frame = try XCTUnwrap(environment.render())
                XCTAssertEqual(frame.width, 160, Game.gameName)
                XCTAssertEqual(frame.height, 160, Game.gameName)
                for y in 0..<10 {
                    for x in 0..<10 {
                        let channels = (0..<Game.channelCount).filter { observation[$0 * 100 + y * 10 + x] == 1 }
                        let expected = channels.last.map { colors[$0] } ?? .black
                        if channels.last != nil { nonEmptyCellsSeen += 1 }
                        // The cell's corners and centre: the whole tile is one colour.
                        for (px, py) in [(0, 0), (15, 15), (8, 8)] where frame[x * 16 + px, y * 16 + py] != expected {
                            return XCTFail("\(Game.gameName) step \(step): cell (\(x), \(y)) shows \(frame[x * 16 + px, y * 16 + py]), expected \(expected)")
                        }
                    }
                }
                let outcome = try environment.step(policy.nextInt(upperBound: 6))
                observation = outcome.observation
                if outcome.terminated || outcome.truncated { observation = try environment.reset().observation }
            }
            XCTAssertGreaterThan(nonEmptyCellsSeen, 150, "\(Game.gameName) drew something")
        }
        try check(Breakout.self)
        try check(SpaceInvaders.self)
        try check(Freeway.self)
        try check(Asterix.self)
        try check(Seaquest.self)
    }
}
