import Environments
import Foundation

/// A line chart of one or more series, each optionally with a shaded band,
/// with labelled axes, a title and a legend; written as SVG text or drawn into
/// a ``Frame`` (for PNG) with ``Canvas`` and the built-in bitmap font.
///
/// It knows nothing of learning: `rlrun plot` fills it with learning curves.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The legend text.
        public var label: String
        /// x coordinates, increasing.
        public var x: [Double]
        /// y coordinates, one per x.
        public var y: [Double]
        /// The band's lower and upper edge at each x, or `nil` for no band.
        public var band: (lower: [Double], upper: [Double])?

        /// Creates a series; `band`'s edges need one value per x.
        public init(label: String, x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil) {
            precondition(x.count == y.count, "a series needs one y per x")
            precondition(band.map { $0.lower.count == x.count && $0.upper.count == x.count } ?? true, "a band needs one lower and upper value per x")
            self.label = label
            self.x = x
            self.y = y
            self.band = band
        }
    }

    /// The text above the chart.
    public var title: String
    /// The horizontal axis label.
    public var xLabel: String
    /// The vertical axis label.
    public var yLabel: String
    /// The lines, drawn in order in ``palette`` colours.
    public var series: [Series]
    /// A note under the legend (for example how the lines were smoothed).
    public var note: String?

    /// Line colours, one per series in turn (Matplotlib's first five "tab" colours).
    public static let palette = [
        Color(red: 31, green: 119, blue: 180), Color(red: 255, green: 127, blue: 14), Color(red: 44, green: 160, blue: 44),
        Color(red: 214, green: 39, blue: 40), Color(red: 148, green: 103, blue: 189),
    ]

    /// Creates a chart.
    public init(title: String, xLabel: String, yLabel: String, series: [Series], note: String? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.note = note
    }

    // MARK: - Layout shared by SVG and raster

    /// The data range with a little margin, and "nice" tick values on both axes.
    struct Scales {
        var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
        var xTicks: [Double], yTicks: [Double]
    }

    /// The scales of a plot `area` whose legend box is `legendWidth`×`legendHeight`: the
    /// data's own scales, or, when every corner of those would hide part of a line, a y
    /// axis raised so that the lines stay below a top strip the legend's height.
    func scales(area: (left: Double, top: Double, right: Double, bottom: Double),
                legendWidth: Double, legendHeight: Double) -> Scales {
        let plain = scales()
        let mapping = Self.mapping(plain, area)
        guard legendPlacement(area: area, width: legendWidth, height: legendHeight, px: mapping.px, py: mapping.py).hidden > 0 else {
            return plain
        }
        let strip = min(0.5, (legendHeight + 8) / (area.bottom - area.top))
        let data = dataExtent()
        let span = max(data.yHigh - data.yLow, 1e-9)
        return scales(yHigh: data.yHigh + span * strip / (1 - strip))
    }

    /// Pixel positions of data coordinates on `scales` in `area`.
    static func mapping(_ scales: Scales, _ area: (left: Double, top: Double, right: Double, bottom: Double))
        -> (px: (Double) -> Double, py: (Double) -> Double) {
        let x = scales.xRange, y = scales.yRange
        return ({ area.left + ($0 - x.lowerBound) / (x.upperBound - x.lowerBound) * (area.right - area.left) },
                { area.bottom - ($0 - y.lowerBound) / (y.upperBound - y.lowerBound) * (area.bottom - area.top) })
    }

    /// The smallest and largest finite coordinates of all series and bands.
    private func dataExtent() -> (xLow: Double, xHigh: Double, yLow: Double, yHigh: Double) {
        var xs: [Double] = [], ys: [Double] = []
        for line in series {
            xs += line.x.filter(\.isFinite)
            ys += line.y.filter(\.isFinite)
            if let band = line.band { ys += band.lower.filter(\.isFinite) + band.upper.filter(\.isFinite) }
        }
        return (xs.min() ?? 0, xs.max() ?? 1, ys.min() ?? 0, ys.max() ?? 1)
    }

    /// Nice ticks over the data, with the y axis reaching at least `yHigh` when given.
    func scales(yHigh: Double? = nil) -> Scales {
        let data = dataExtent()
        let xTicks = Self.niceTicks(low: data.xLow, high: data.xHigh)
        let yTicks = Self.niceTicks(low: data.yLow, high: yHigh ?? data.yHigh)
        return Scales(xRange: xTicks.first!...xTicks.last!, yRange: yTicks.first!...yTicks.last!, xTicks: xTicks, yTicks: yTicks)
    }

    /// Five to seven round tick values (1, 2 or 5 times a power of ten apart)
    /// covering `low...high`; the first is at or below `low`, the last at or above `high`.
    static func niceTicks(low: Double, high: Double) -> [Double] {
        var low = low, high = high
        if high <= low {
            low -= 0.5
            high += 0.5
        }
        let rough = (high - low) / 6
        let exponent = Int(log10(rough).rounded(.down))
        let magnitude = pow(10, Double(exponent))
        let mantissa = [1, 2, 5, 10].first { Double($0) * magnitude >= rough } ?? 10
        // Ticks as whole multiples of mantissa·10^exponent, divided (not multiplied) by
        // a power of ten when it is negative, so 0.4 prints as 0.4, not 0.4000000000000001.
        func tick(_ multiple: Int) -> Double {
            exponent < 0 ? Double(multiple * mantissa) / pow(10, Double(-exponent)) : Double(multiple * mantissa) * magnitude
        }
        let step = Double(mantissa) * magnitude
        let first = Int((low / step).rounded(.down)), last = Int((high / step).rounded(.up))
        return (first...max(first + 1, last)).map(tick)
    }

    /// A tick label: integers plainly, thousands as `k`, millions as `M`, fractions with up to three decimals.
    static func tickLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        func trimmed(_ number: Double) -> String {
            var text = String(format: "%.3f", number)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text == "-0" ? "0" : text
        }
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
        if magnitude >= 10_000 { return trimmed(value / 1000) + "k" }
        return trimmed(value)
    }

    /// Plot area inside a `width`×`height` picture.
    static func plotArea(width: Int, height: Int) -> (left: Double, top: Double, right: Double, bottom: Double) {
        (70, 40, Double(width) - 20, Double(height) - 60)
    }

    // MARK: - SVG

    /// The chart as a standalone SVG document of `width`×`height` pixels.
    public func svg(width: Int = 800, height: Int = 500) -> String {
        let area = Self.plotArea(width: width, height: height)
        let boxWidth = legendWidth(characterWidth: 7) + 44, boxHeight = Double(legendHeight(lineHeight: 18))
        let scales = scales(area: area, legendWidth: boxWidth, legendHeight: boxHeight)
        let mapping = Self.mapping(scales, area)
        func px(_ x: Double) -> Double { mapping.px(x) }
        func py(_ y: Double) -> Double { mapping.py(y) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var lines: [String] = []
        lines.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"##)
        lines.append(##"<rect width="\##(width)" height="\##(height)" fill="white"/>"##)
        lines.append(##"<text x="\##(number(Double(width) / 2))" y="24" text-anchor="middle" font-size="16">\##(Self.escaped(title))</text>"##)
        for tick in scales.xTicks {
            let x = number(px(tick))
            lines.append(##"<line x1="\##(x)" y1="\##(number(area.top))" x2="\##(x)" y2="\##(number(area.bottom))" stroke="#e6e6e6"/>"##)
            lines.append(##"<text x="\##(x)" y="\##(number(area.bottom + 16))" text-anchor="middle">\##(Self.tickLabel(tick))</text>"##)
        }
        for tick in scales.yTicks {
            let y = number(py(tick))
            lines.append(##"<line x1="\##(number(area.left))" y1="\##(y)" x2="\##(number(area.right))" y2="\##(y)" stroke="#e6e6e6"/>"##)
            lines.append(##"<text x="\##(number(area.left - 6))" y="\##(number(py(tick) + 4))" text-anchor="end">\##(Self.tickLabel(tick))</text>"##)
        }
        lines.append(##"<rect x="\##(number(area.left))" y="\##(number(area.top))" width="\##(number(area.right - area.left))" height="\##(number(area.bottom - area.top))" fill="none" stroke="#444444"/>"##)
        lines.append(##"<text x="\##(number((area.left + area.right) / 2))" y="\##(number(area.bottom + 40))" text-anchor="middle">\##(Self.escaped(xLabel))</text>"##)
        lines.append(##"<text transform="translate(18 \##(number((area.top + area.bottom) / 2))) rotate(-90)" text-anchor="middle">\##(Self.escaped(yLabel))</text>"##)
        for (index, line) in series.enumerated() {
            let color = Self.hex(Self.palette[index % Self.palette.count])
            if let band = line.band, line.x.count > 1 {
                let upper = zip(line.x, band.upper).map { "\(number(px($0))),\(number(py($1)))" }
                let lower = zip(line.x, band.lower).reversed().map { "\(number(px($0))),\(number(py($1)))" }
                lines.append(##"<polygon points="\##((upper + lower).joined(separator: " "))" fill="\##(color)" fill-opacity="0.2" stroke="none"/>"##)
            }
            let points = zip(line.x, line.y).map { "\(number(px($0))),\(number(py($1)))" }.joined(separator: " ")
            lines.append(##"<polyline points="\##(points)" fill="none" stroke="\##(color)" stroke-width="2" stroke-linejoin="round"/>"##)
        }
        let box = legendOrigin(area: area, width: boxWidth, height: boxHeight, px: px, py: py)
        var legendY = box.y + 10
        lines.append(##"<rect x="\##(number(box.x))" y="\##(number(box.y))" width="\##(number(boxWidth))" height="\##(number(boxHeight))" fill="white" fill-opacity="0.85"/>"##)
        for index in series.indices {
            let color = Self.hex(Self.palette[index % Self.palette.count])
            lines.append(##"<line x1="\##(number(box.x + 6))" y1="\##(number(legendY - 4))" x2="\##(number(box.x + 30))" y2="\##(number(legendY - 4))" stroke="\##(color)" stroke-width="3"/>"##)
            lines.append(##"<text x="\##(number(box.x + 36))" y="\##(number(legendY))">\##(Self.escaped(legendEntries()[index]))</text>"##)
            legendY += 18
        }
        if let note {
            lines.append(##"<text x="\##(number(box.x + 6))" y="\##(number(legendY))" fill="#555555">\##(Self.escaped(note))</text>"##)
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The legend's entries as drawn, with the band note where a series shows a band.
    func legendEntries() -> [String] {
        series.map { line in
            let showsBand = line.x.count > 1 && line.band.map { $0.lower != $0.upper } == true
            return line.label + (showsBand ? " (band: min to max)" : "")
        }
    }

    /// The widest legend line (entries and note) at `characterWidth` pixels a character.
    func legendWidth(characterWidth: Double) -> Double {
        Double((legendEntries() + [note ?? ""]).map(\.count).max() ?? 0) * characterWidth
    }

    /// The top-left corner of a `width`×`height` legend box: the corner of the plot
    /// area (top left, top right, bottom right, bottom left, preferred in that order)
    /// whose box hides the least of the lines (summed over series, each series' share
    /// of its points, so a dense series does not outweigh a sparse one).
    func legendOrigin(area: (left: Double, top: Double, right: Double, bottom: Double), width: Double, height: Double,
                      px: (Double) -> Double, py: (Double) -> Double) -> (x: Double, y: Double) {
        legendPlacement(area: area, width: width, height: height, px: px, py: py).origin
    }

    /// ``legendOrigin(area:width:height:px:py:)``'s corner and how much of the lines it hides.
    func legendPlacement(area: (left: Double, top: Double, right: Double, bottom: Double), width: Double, height: Double,
                         px: (Double) -> Double, py: (Double) -> Double) -> (origin: (x: Double, y: Double), hidden: Double) {
        let corners = [
            (x: area.left + 6, y: area.top + 4), (x: area.right - 6 - width, y: area.top + 4),
            (x: area.right - 6 - width, y: area.bottom - 4 - height), (x: area.left + 6, y: area.bottom - 4 - height),
        ]
        func hidden(_ corner: (x: Double, y: Double)) -> Double {
            series.reduce(0) { total, line in
                let inside = zip(line.x, line.y).count { x, y in
                    (corner.x...(corner.x + width)).contains(px(x)) && (corner.y...(corner.y + height)).contains(py(y))
                }
                return total + Double(inside) / Double(max(1, line.x.count))
            }
        }
        var best = corners[0], fewest = hidden(corners[0])
        for corner in corners.dropFirst() where fewest > 0 {
            let count = hidden(corner)
            if count < fewest { (best, fewest) = (corner, count) }
        }
        return (best, fewest)
    }

    /// The legend box's height for `lineHeight` pixels a line.
    func legendHeight(lineHeight: Int) -> Int {
        (series.count + (note == nil ? 0 : 1)) * lineHeight + 4
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func hex(_ color: Color) -> String {
        "#" + [color.red, color.green, color.blue].map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Raster

    /// The chart drawn into a `width`×`height` frame (white background, text in
    /// the bitmap font; the vertical axis label sits above the axis).
    public func render(width: Int = 800, height: Int = 500) -> Frame {
        let area = Self.plotArea(width: width, height: height)
        let boxWidth = Int(legendWidth(characterWidth: Double(BitmapFont.advance))) + 44, boxHeight = legendHeight(lineHeight: 14)
        let scales = scales(area: area, legendWidth: Double(boxWidth), legendHeight: Double(boxHeight))
        let mapping = Self.mapping(scales, area)
        func px(_ x: Double) -> Double { mapping.px(x) }
        func py(_ y: Double) -> Double { mapping.py(y) }
        let ink = Color(red: 40, green: 40, blue: 40), grid = Color(red: 230, green: 230, blue: 230), frameColor = Color(red: 68, green: 68, blue: 68)
        var canvas = Canvas(width: width, height: height, background: .white)
        func text(_ string: String, x: Double, y: Double, anchor: Double, scale: Int = 1, color: Color = ink) {
            let size = Canvas.textSize(string, scale: scale)
            canvas.drawText(string, x: Int((x - Double(size.width) * anchor).rounded()), y: Int((y - Double(size.height) / 2).rounded()), color: color, scale: scale)
        }
        let left = Int(area.left), top = Int(area.top), right = Int(area.right), bottom = Int(area.bottom)
        for tick in scales.xTicks {
            let x = Int(px(tick).rounded())
            canvas.fillRect(x: x, y: top, width: 1, height: bottom - top, color: grid)
            text(Self.tickLabel(tick), x: Double(x), y: area.bottom + 12, anchor: 0.5)
        }
        for tick in scales.yTicks {
            let y = Int(py(tick).rounded())
            canvas.fillRect(x: left, y: y, width: right - left, height: 1, color: grid)
            text(Self.tickLabel(tick), x: area.left - 6, y: Double(y), anchor: 1)
        }
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            if let band = line.band, line.x.count > 1, band.lower != band.upper {
                let light = Color(red: UInt8((Int(color.red) + 4 * 255) / 5), green: UInt8((Int(color.green) + 4 * 255) / 5),
                                  blue: UInt8((Int(color.blue) + 4 * 255) / 5))
                let polygon = zip(line.x, band.upper).map { (x: px($0), y: py($1)) } + zip(line.x, band.lower).reversed().map { (x: px($0), y: py($1)) }
                canvas.fillPolygon(polygon, color: light)
            }
        }
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            for point in 1..<max(1, line.x.count) {
                canvas.drawLine(fromX: px(line.x[point - 1]), y: py(line.y[point - 1]), toX: px(line.x[point]), y: py(line.y[point]),
                                thickness: 2, color: color)
            }
        }
        canvas.fillRect(x: left, y: top, width: right - left + 1, height: 1, color: frameColor)
        canvas.fillRect(x: left, y: bottom, width: right - left + 1, height: 1, color: frameColor)
        canvas.fillRect(x: left, y: top, width: 1, height: bottom - top, color: frameColor)
        canvas.fillRect(x: right, y: top, width: 1, height: bottom - top, color: frameColor)
        text(title, x: Double(width) / 2, y: 18, anchor: 0.5, scale: 2)
        text(xLabel, x: (area.left + area.right) / 2, y: area.bottom + 34, anchor: 0.5)
        text(yLabel, x: 8, y: area.top - 10, anchor: 0)
        let box = legendOrigin(area: area, width: Double(boxWidth), height: Double(boxHeight), px: px, py: py)
        let boxLeft = Int(box.x.rounded()), boxTop = Int(box.y.rounded())
        var legendY = Double(boxTop) + 8
        canvas.fillRect(x: boxLeft, y: boxTop, width: boxWidth, height: boxHeight, color: .white)
        for index in series.indices {
            let color = Self.palette[index % Self.palette.count]
            canvas.fillRect(x: boxLeft + 6, y: Int(legendY) - 1, width: 24, height: 3, color: color)
            text(legendEntries()[index], x: Double(boxLeft + 36), y: legendY, anchor: 0)
            legendY += 14
        }
        if let note { text(note, x: Double(boxLeft + 6), y: legendY, anchor: 0, color: Color(red: 85, green: 85, blue: 85)) }
        return canvas.frame
    }
}
