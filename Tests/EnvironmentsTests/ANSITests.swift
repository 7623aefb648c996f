import XCTest
@testable import Environments

final class ANSITests: XCTestCase {
    private let red = Color(red: 255, green: 0, blue: 0)
    private let green = Color(red: 0, green: 128, blue: 0)
    private let blue = Color(red: 0, green: 0, blue: 255)
    private let grey = Color(red: 7, green: 8, blue: 9)

    func testColourCodes() {
        XCTAssertEqual(ANSI.foreground(Color(red: 1, green: 22, blue: 255)), "\u{1B}[38;2;1;22;255m")
        XCTAssertEqual(ANSI.background(.black), "\u{1B}[48;2;0;0;0m")
        XCTAssertEqual(ANSI.reset, "\u{1B}[0m")
        XCTAssertEqual(ANSI.colored("hi", foreground: red), "\u{1B}[38;2;255;0;0mhi\u{1B}[0m")
        XCTAssertEqual(ANSI.colored("hi", foreground: red, background: .white),
                       "\u{1B}[38;2;255;0;0m\u{1B}[48;2;255;255;255mhi\u{1B}[0m")
    }

    func testTwoByTwoFrameBecomesTwoHalfBlocks() {
        var frame = Frame(width: 2, height: 2)
        frame[0, 0] = red
        frame[1, 0] = green
        frame[0, 1] = blue
        frame[1, 1] = grey
        let text = renderFrameANSI(frame, columns: 2)
        XCTAssertEqual(text,
            "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀"
            + "\u{1B}[38;2;0;128;0m\u{1B}[48;2;7;8;9m▀"
            + "\u{1B}[0m")
    }

    func testRepeatedColoursAreNotRepeatedInTheOutput() {
        let frame = Frame(width: 2, height: 2, fill: blue)
        XCTAssertEqual(renderFrameANSI(frame, columns: 2),
                       "\u{1B}[38;2;0;0;255m\u{1B}[48;2;0;0;255m▀▀\u{1B}[0m")
    }

    func testDownsamplingAveragesEachCell() {
        // 4×4 pixels into 2 columns: each character covers a 2×2 cell above and
        // one below; a cell's colour is its pixels' rounded mean.
        var frame = Frame(width: 4, height: 4, fill: .white)
        frame[0, 0] = .black            // top-left cell: 3 white + 1 black -> 191
        frame[2, 2] = red; frame[3, 2] = red; frame[2, 3] = red; frame[3, 3] = red
        let text = renderFrameANSI(frame, columns: 2)
        XCTAssertEqual(text,
            "\u{1B}[38;2;191;191;191m\u{1B}[48;2;255;255;255m▀"
            + "\u{1B}[38;2;255;255;255m\u{1B}[48;2;255;0;0m▀"
            + "\u{1B}[0m")
    }

    func testOddRowCountAndLineBreaks() {
        // 1 column over a 1×3 frame: three 1×1 cells, two lines; the last line's
        // lower half keeps the terminal's background.
        var frame = Frame(width: 1, height: 3)
        frame[0, 0] = red
        frame[0, 1] = green
        frame[0, 2] = blue
        XCTAssertEqual(renderFrameANSI(frame, columns: 1),
            "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;128;0m▀\u{1B}[0m\n"
            + "\u{1B}[38;2;0;0;255m\u{1B}[49m▀\u{1B}[0m")
    }

    func testLargeFrameHasRequestedWidthAndSquareCells() {
        let frame = Frame(width: 600, height: 400, fill: .white)
        let lines = renderFrameANSI(frame, columns: 60).split(separator: "\n")
        // 10-pixel cells: 40 cell rows make 20 lines of 60 half blocks each.
        XCTAssertEqual(lines.count, 20)
        XCTAssertTrue(lines.allSatisfy { $0.filter { $0 == "▀" }.count == 60 })
        // Columns beyond the frame's width are clamped.
        XCTAssertEqual(renderFrameANSI(Frame(width: 2, height: 2), columns: 50).filter { $0 == "▀" }.count, 2)
    }
}
