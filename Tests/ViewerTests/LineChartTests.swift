import Environments
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Viewer

final class LineChartTests: XCTestCase {
    private func chart() -> LineChart {
        let x = (0..<50).map { Double($0) * 400 }
        let mean = x.map { $0 / 20000 }
        return LineChart(title: "Episode return <during> training", xLabel: "environment steps", yLabel: "episode return",
                         series: [
                            LineChart.Series(label: "dqn on gridworld (3 runs)", x: x, y: mean,
                                             band: (mean.map { $0 - 0.1 }, mean.map { $0 + 0.1 })),
                            LineChart.Series(label: "dqn on cartpole", x: x, y: mean.map { 1 - $0 }),
                         ], note: "moving average over 20 episodes")
    }

    func testNiceTicksAreRoundAndCoverTheData() {
        XCTAssertEqual(LineChart.niceTicks(low: 0, high: 19600), [0, 5000, 10000, 15000, 20000])
        XCTAssertEqual(LineChart.niceTicks(low: -0.13, high: 0.96), [-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1])
        let flat = LineChart.niceTicks(low: 3, high: 3)
        XCTAssertTrue(flat.count >= 2 && flat.first! < 3 && flat.last! > 3, "a flat line still gets a range: \(flat)")
        XCTAssertEqual(LineChart.tickLabel(20000), "20k")
        XCTAssertEqual(LineChart.tickLabel(1_500_000), "1.5M")
        XCTAssertEqual(LineChart.tickLabel(0.6000000000000001), "0.6")
        XCTAssertEqual(LineChart.tickLabel(-0.0), "0")
    }

    func testSVGIsWellFormedWithTitleAxesLegendLinesAndBand() throws {
        let svg = chart().svg(width: 800, height: 500)
        let document = try XMLDocument(data: Data(svg.utf8))
        let root = try XCTUnwrap(document.rootElement())
        XCTAssertEqual(root.name, "svg")
        XCTAssertTrue(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500""#))
        let texts = try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        XCTAssertTrue(texts.contains("Episode return <during> training"), "title, escaped and read back")
        XCTAssertTrue(texts.contains("environment steps"))
        XCTAssertTrue(texts.contains("episode return"))
        XCTAssertTrue(texts.contains("dqn on gridworld (3 runs) (band: min to max)"))
        XCTAssertTrue(texts.contains("dqn on cartpole"))
        XCTAssertTrue(texts.contains("20k"))
        XCTAssertEqual(try document.nodes(forXPath: "//*[local-name()='polyline']").count, 2)
        XCTAssertEqual(try document.nodes(forXPath: "//*[local-name()='polygon']").count, 1, "only the series with a band")
    }

    func testRasterChartDrawsTheLinesInTheirColoursOnWhite() {
        let image = chart().render(width: 800, height: 500)
        XCTAssertEqual(image.width, 800)
        XCTAssertEqual(image[1, 1], .white)
        var counts: [Color: Int] = [:]
        for y in 0..<image.height { for x in 0..<image.width { counts[image[x, y], default: 0] += 1 } }
        XCTAssertGreaterThan(counts[LineChart.palette[0]] ?? 0, 500)
        XCTAssertGreaterThan(counts[LineChart.palette[1]] ?? 0, 500)
        // The band: the first colour lightened, filling a region around the line.
        let light = Color(red: UInt8((31 + 4 * 255) / 5), green: UInt8((119 + 4 * 255) / 5), blue: UInt8((180 + 4 * 255) / 5))
        XCTAssertGreaterThan(counts[light] ?? 0, 2000)
        // The first series rises from bottom left to top right: its colour appears in both corners' halves.
        let area = LineChart.plotArea(width: 800, height: 500)
        let midX = Int((area.left + area.right) / 2)
        let leftHalf = (0..<500).contains { y in (Int(area.left)..<midX).contains { image[$0, y] == LineChart.palette[0] } }
        XCTAssertTrue(leftHalf)
    }

    /// The legend goes to the corner of the plot whose box hides the fewest points:
    /// top left when that is free, the next free corner when a line crosses it.
    func testTheLegendAvoidsTheLines() {
        let area = (left: 0.0, top: 0.0, right: 100.0, bottom: 100.0)
        func origin(_ x: [Double], _ y: [Double]) -> (x: Double, y: Double) {
            let chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [LineChart.Series(label: "a", x: x, y: y)])
            return chart.legendOrigin(area: area, width: 30, height: 20, px: { $0 }, py: { $0 })
        }
        // Screen y grows downwards: points at y 90 lie along the bottom, at y 10 along the top.
        let bottom = origin(Array(stride(from: 0.0, through: 100, by: 5)), Array(repeating: 90, count: 21))
        XCTAssertEqual(bottom.x, 6)
        XCTAssertEqual(bottom.y, 4)
        let top = origin(Array(stride(from: 0.0, through: 100, by: 5)), Array(repeating: 10, count: 21))
        XCTAssertEqual(top.y, 100 - 4 - 20, "a line along the top sends the legend to a bottom corner")
        let topLeftOnly = origin(Array(stride(from: 0.0, through: 30, by: 5)), Array(repeating: 10, count: 7))
        XCTAssertEqual(topLeftOnly.x, 100 - 6 - 30, "the top-right corner is free")
        XCTAssertEqual(topLeftOnly.y, 4)
    }

    /// Lines through all four corners: the y axis is raised until the lines stay below a
    /// strip the legend's height, so the legend hides nothing.
    func testTheAxisMakesRoomForTheLegendWhenEveryCornerIsTaken() {
        let x = Array(stride(from: 0.0, through: 100, by: 1)) + [100]
        let chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [
            LineChart.Series(label: "high", x: x, y: Array(repeating: 9.5, count: x.count - 1) + [10]),
            LineChart.Series(label: "low", x: x, y: Array(repeating: 0.5, count: x.count - 1) + [0]),
        ])
        let area = (left: 0.0, top: 0.0, right: 200.0, bottom: 200.0)
        let plain = LineChart.mapping(chart.scales(), area)
        XCTAssertGreaterThan(chart.legendPlacement(area: area, width: 40, height: 30, px: plain.px, py: plain.py).hidden, 0)
        let raised = chart.scales(area: area, legendWidth: 40, legendHeight: 30)
        XCTAssertGreaterThan(raised.yRange.upperBound, chart.scales().yRange.upperBound)
        let mapping = LineChart.mapping(raised, area)
        XCTAssertEqual(chart.legendPlacement(area: area, width: 40, height: 30, px: mapping.px, py: mapping.py).hidden, 0)
        XCTAssertGreaterThanOrEqual(mapping.py(10), 30 + 8, "the highest line sits below the legend's strip")
    }
}
