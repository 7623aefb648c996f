import XCTest
@testable import Environments

final class CanvasTests: XCTestCase {
    private let ink = Color(red: 10, green: 200, blue: 30)

    /// The set pixels of `frame` (those not equal to `background`), as (x, y) pairs.
    private func inkedPixels(_ frame: Frame, background: Color = .black) -> Set<[Int]> {
        var result = Set<[Int]>()
        for y in 0..<frame.height {
            for x in 0..<frame.width where frame[x, y] != background {
                result.insert([x, y])
            }
        }
        return result
    }

    // MARK: - Text

    func testEveryPrintableCharacterHasAGlyphAndOthersDrawABox() {
        for code in 33...126 {
            let character = Character(Unicode.Scalar(UInt8(code)))
            let rows = BitmapFont.rows(for: character)
            XCTAssertEqual(rows.count, 7)
            XCTAssertTrue(rows.contains { $0 != 0 }, "'\(character)' has an empty glyph")
            XCTAssertTrue(rows.allSatisfy { $0 < 32 }, "'\(character)' is wider than 5 pixels")
            XCTAssertNotEqual(Array(rows), BitmapFont.missingGlyph, "'\(character)' looks like the missing glyph")
        }
        XCTAssertTrue(BitmapFont.rows(for: " ").allSatisfy { $0 == 0 })
        XCTAssertEqual(Array(BitmapFont.rows(for: "é")), BitmapFont.missingGlyph)
        XCTAssertEqual(Array(BitmapFont.rows(for: "\u{7F}")), BitmapFont.missingGlyph)
        // Glyphs that share a shape would make text ambiguous.
        let shapes = (33...126).map { Array(BitmapFont.rows(for: Character(Unicode.Scalar(UInt8($0))))) }
        XCTAssertEqual(Set(shapes).count, shapes.count)
    }

    func testVerticalBarIsOneFullColumn() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.drawText("|", x: 3, y: 4, color: ink)
        let expected = Set((4..<11).map { [5, $0] })
        XCTAssertEqual(inkedPixels(canvas.frame), expected)
        XCTAssertEqual(canvas.frame[5, 4], ink)
    }

    func testCapitalIHasAStemAndTwoBars() {
        var canvas = Canvas(width: 10, height: 10)
        canvas.drawText("I", x: 0, y: 0, color: ink)
        for row in 0..<7 { XCTAssertEqual(canvas.frame[2, row], ink, "stem row \(row)") }
        for column in 1...3 {
            XCTAssertEqual(canvas.frame[column, 0], ink)
            XCTAssertEqual(canvas.frame[column, 6], ink)
        }
        XCTAssertEqual(canvas.frame[1, 3], .black)
        XCTAssertEqual(canvas.frame[0, 0], .black)
    }

    func testMinusIsOneFullRowAndSpaceDrawsNothing() {
        var canvas = Canvas(width: 20, height: 10)
        canvas.drawText(" - ", x: 0, y: 1, color: ink)
        // The minus is the second character, 6 pixels in, on glyph row 3.
        XCTAssertEqual(inkedPixels(canvas.frame), Set((6..<11).map { [$0, 4] }))

        var blank = Canvas(width: 20, height: 10)
        blank.drawText("   ", x: 0, y: 0, color: ink)
        XCTAssertTrue(inkedPixels(blank.frame).isEmpty)
    }

    func testScaleTwoDoublesEveryPixel() {
        var small = Canvas(width: 40, height: 40)
        small.drawText("A7", x: 1, y: 2, color: ink)
        var large = Canvas(width: 40, height: 40)
        large.drawText("A7", x: 1, y: 2, color: ink, scale: 2)
        var expected = Set<[Int]>()
        for pixel in inkedPixels(small.frame) {
            let (x, y) = (1 + (pixel[0] - 1) * 2, 2 + (pixel[1] - 2) * 2)
            expected.formUnion([[x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1]])
        }
        XCTAssertEqual(inkedPixels(large.frame), expected)
        XCTAssertEqual(inkedPixels(large.frame).count, 4 * inkedPixels(small.frame).count)
    }

    func testTextSize() {
        XCTAssertTrue(Canvas.textSize("", scale: 1) == (0, 0))
        XCTAssertTrue(Canvas.textSize("A", scale: 1) == (5, 7))
        XCTAssertTrue(Canvas.textSize("Hi!", scale: 1) == (17, 7))
        XCTAssertTrue(Canvas.textSize("Hi!", scale: 2) == (34, 14))
        XCTAssertTrue(Canvas.textSize("ab\nlonger", scale: 1) == (35, 15))

        // The measured box holds every drawn pixel and touches its right and bottom edges.
        var canvas = Canvas(width: 60, height: 30)
        canvas.drawText("|gW", x: 0, y: 0, color: ink, scale: 2)
        let size = Canvas.textSize("|gW", scale: 2)
        let pixels = inkedPixels(canvas.frame)
        XCTAssertEqual(pixels.map { $0[0] }.max(), size.width - 1)
        XCTAssertEqual(pixels.map { $0[1] }.max(), size.height - 1)
    }

    func testNewlineStartsALineBelow() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.drawText("|\n|", x: 2, y: 0, color: ink)
        XCTAssertEqual(canvas.frame[4, 0], ink)
        XCTAssertEqual(canvas.frame[4, 7], .black, "the blank row between lines")
        XCTAssertEqual(canvas.frame[4, 8], ink)
        XCTAssertEqual(canvas.frame[4, 14], ink)
    }

    func testTextIsClippedAtEveryEdge() {
        var canvas = Canvas(width: 8, height: 8)
        canvas.drawText("Hello, world", x: -3, y: -4, color: ink, scale: 3)
        canvas.drawText("@@", x: 5, y: 6, color: ink, scale: 2)
        canvas.drawText("#", x: Int.max / 4, y: Int.min / 4, color: ink)
        XCTAssertFalse(inkedPixels(canvas.frame).isEmpty)

        // "| |" from x = -7 puts the first stroke in column -5 (hidden) and the
        // second in column 7; only the second's rows inside the frame show.
        var partial = Canvas(width: 8, height: 10)
        partial.drawText("| |", x: -7, y: 5, color: ink)
        XCTAssertEqual(inkedPixels(partial.frame), Set((5..<10).map { [7, $0] }))
    }

    func testUnknownCharacterDrawsAHollowBox() {
        var canvas = Canvas(width: 10, height: 10)
        canvas.drawText("€", x: 0, y: 0, color: ink)
        XCTAssertEqual(canvas.frame[0, 0], ink)
        XCTAssertEqual(canvas.frame[4, 6], ink)
        XCTAssertEqual(canvas.frame[2, 3], .black)
        XCTAssertEqual(inkedPixels(canvas.frame).count, 5 * 2 + 5 * 2)
    }

    // MARK: - Primitives

    func testFillRectClipsToTheFrame() {
        var canvas = Canvas(width: 6, height: 5)
        canvas.fillRect(x: -2, y: 3, width: 4, height: 10, color: ink)
        XCTAssertEqual(inkedPixels(canvas.frame), [[0, 3], [1, 3], [0, 4], [1, 4]])
        canvas.fillRect(x: 10, y: 0, width: 5, height: 5, color: .white)
        canvas.fillRect(x: 2, y: 2, width: 0, height: 3, color: .white)
        canvas.fillRect(x: 2, y: 2, width: -3, height: 3, color: .white)
        XCTAssertEqual(inkedPixels(canvas.frame).count, 4)
        canvas.fillRect(x: -100, y: -100, width: 1000, height: 1000, color: .white)
        XCTAssertEqual(inkedPixels(canvas.frame).count, 30)
    }

    func testFillCircleCoversCentreNotCorners() {
        var canvas = Canvas(width: 21, height: 21)
        canvas.fillCircle(centerX: 10.5, centerY: 10.5, radius: 5, color: ink)
        XCTAssertEqual(canvas.frame[10, 10], ink)
        XCTAssertEqual(canvas.frame[15, 10], ink, "5 px right of the centre lies on the radius")
        XCTAssertEqual(canvas.frame[16, 10], .black)
        XCTAssertEqual(canvas.frame[14, 14], .black, "the bounding square's corner is outside")
        XCTAssertEqual(canvas.frame[13, 13], ink)
        // The disc is symmetric about its centre.
        let pixels = inkedPixels(canvas.frame)
        XCTAssertEqual(pixels, Set(pixels.map { [20 - $0[0], 20 - $0[1]] }))

        var clipped = Canvas(width: 5, height: 5)
        clipped.fillCircle(centerX: 0, centerY: 0, radius: 3, color: ink)
        clipped.fillCircle(centerX: -50, centerY: 2, radius: 3, color: ink)
        XCTAssertEqual(clipped.frame[0, 0], ink)
        XCTAssertEqual(clipped.frame[4, 4], .black)
    }

    func testDrawLineCoversBothEndpoints() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.drawLine(fromX: 2.5, y: 3.5, toX: 15.5, y: 12.5, color: ink)
        XCTAssertEqual(canvas.frame[2, 3], ink)
        XCTAssertEqual(canvas.frame[15, 12], ink)
        XCTAssertEqual(canvas.frame[15, 3], .black)

        var horizontal = Canvas(width: 10, height: 5)
        horizontal.drawLine(fromX: 1.5, y: 2.5, toX: 8.5, y: 2.5, color: ink)
        XCTAssertEqual(inkedPixels(horizontal.frame), Set((1...8).map { [$0, 2] }))

        var thick = Canvas(width: 20, height: 20)
        thick.drawLine(fromX: 5, y: 10, toX: 15, y: 10, thickness: 4, color: ink)
        XCTAssertEqual(thick.frame[10, 8], ink)
        XCTAssertEqual(thick.frame[10, 11], ink)
        XCTAssertEqual(thick.frame[10, 13], .black)

        var offFrame = Canvas(width: 5, height: 5)
        offFrame.drawLine(fromX: -10, y: -10, toX: 30, y: 30, thickness: 3, color: ink)
        XCTAssertEqual(offFrame.frame[2, 2], ink)
    }

    func testFillPolygonInsideAndOutside() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.fillPolygon([(x: 2, y: 2), (x: 18, y: 2), (x: 2, y: 18)], color: ink)
        XCTAssertEqual(canvas.frame[4, 4], ink)
        XCTAssertEqual(canvas.frame[2, 16], ink)
        XCTAssertEqual(canvas.frame[16, 2], ink)
        XCTAssertEqual(canvas.frame[15, 15], .black, "beyond the hypotenuse")
        XCTAssertEqual(canvas.frame[1, 5], .black)
        XCTAssertEqual(canvas.frame[5, 1], .black)

        // A concave "C": its notch stays empty.
        var concave = Canvas(width: 12, height: 12)
        concave.fillPolygon([(x: 1, y: 1), (x: 11, y: 1), (x: 11, y: 4), (x: 4, y: 4),
                             (x: 4, y: 8), (x: 11, y: 8), (x: 11, y: 11), (x: 1, y: 11)], color: ink)
        XCTAssertEqual(concave.frame[2, 6], ink)
        XCTAssertEqual(concave.frame[8, 6], .black)
        XCTAssertEqual(concave.frame[8, 2], ink)
        XCTAssertEqual(concave.frame[8, 9], ink)

        var degenerate = Canvas(width: 5, height: 5)
        degenerate.fillPolygon([(x: 0, y: 0), (x: 4, y: 4)], color: ink)
        XCTAssertTrue(inkedPixels(degenerate.frame).isEmpty)
    }
}
