// Drawing only: reads the observation planes, never the rules, never changes state.
extension MinAtar {
    /// The colours of MinAtar's own display (`minatar.gui` and the Gymnasium
    /// wrapper's `rgb_array`): black for an empty cell and one colour per
    /// channel, seaborn's `"cubehelix"` palette with as many colours as the game
    /// has channels (sampled once from seaborn 0.13 and rounded to bytes).
    public enum Palette {
        /// Cells where no channel is active.
        public static let empty = Color.black

        /// The colour of each channel, in channel order, for a game with
        /// `channelCount` channels (4, 6, 7 or 10; other counts get a spread of
        /// the 10-colour palette).
        public static func channelColors(channelCount: Int) -> [Color] {
            switch channelCount {
            case 4: return four
            case 6: return six
            case 7: return seven
            case 10: return ten
            default:
                return (0..<channelCount).map { ten[min(9, $0 * 10 / max(1, channelCount))] }
            }
        }

        private static let four: [Color] = [
            Color(red: 22, green: 61, blue: 78), Color(red: 84, green: 121, blue: 47),
            Color(red: 208, green: 126, blue: 147), Color(red: 193, green: 202, blue: 243),
        ]
        private static let six: [Color] = [
            Color(red: 26, green: 36, blue: 65), Color(red: 27, green: 97, blue: 69),
            Color(red: 105, green: 123, blue: 48), Color(red: 200, green: 123, blue: 124),
            Color(red: 205, green: 162, blue: 224), Color(red: 198, green: 225, blue: 241),
        ]
        private static let seven: [Color] = [
            Color(red: 27, green: 30, blue: 59), Color(red: 22, green: 83, blue: 76),
            Color(red: 68, green: 119, blue: 49), Color(red: 161, green: 121, blue: 74),
            Color(red: 212, green: 132, blue: 169), Color(red: 198, green: 180, blue: 238),
            Color(red: 203, green: 232, blue: 240),
        ]
        private static let ten: [Color] = [
            Color(red: 25, green: 18, blue: 43), Color(red: 23, green: 52, blue: 76),
            Color(red: 24, green: 91, blue: 72), Color(red: 60, green: 118, blue: 50),
            Color(red: 126, green: 122, blue: 54), Color(red: 188, green: 121, blue: 103),
            Color(red: 212, green: 134, blue: 175), Color(red: 202, green: 169, blue: 231),
            Color(red: 194, green: 210, blue: 243), Color(red: 214, green: 240, blue: 239),
        ]
    }

    /// The side of one grid cell in ``MinAtarEnvironment/render()``'s frame, in pixels.
    public static let cellPixels = 16
}

extension MinAtarEnvironment {
    /// The channel shown in the cell at column `x`, row `y`: the highest-numbered
    /// active channel (as MinAtar's display), or `nil` when the cell is empty.
    public func shownChannel(x: Int, y: Int) -> Int? {
        let planes = currentPlanes
        for channel in stride(from: planes.channelCount - 1, through: 0, by: -1)
        where planes[channel].contains(x: x, y: y) {
            return channel
        }
        return nil
    }

    /// Draws the 10×10 grid, ``MinAtar/cellPixels`` pixels per cell (a 160×160
    /// frame): each cell filled with the colour of its shown channel
    /// (``shownChannel(x:y:)``, ``MinAtar/Palette``), black when empty.
    public func render() -> Frame? {
        let size = MinAtar.cellPixels
        let colors = MinAtar.Palette.channelColors(channelCount: Game.channelCount)
        var canvas = Canvas(width: MinAtar.gridSize * size, height: MinAtar.gridSize * size, background: MinAtar.Palette.empty)
        for y in 0..<MinAtar.gridSize {
            for x in 0..<MinAtar.gridSize {
                guard let channel = shownChannel(x: x, y: y) else { continue }
                canvas.fillRect(x: x * size, y: y * size, width: size, height: size, color: colors[channel])
            }
        }
        return canvas.frame
    }

    /// The grid as ten lines of text, two spaces per cell on a background of
    /// the cell's colour (24-bit ANSI codes, the same colours as ``render()``),
    /// each line ending with ``ANSI/reset``; lines are separated by `"\n"`.
    public func renderANSI() -> String? {
        let colors = MinAtar.Palette.channelColors(channelCount: Game.channelCount)
        var lines: [String] = []
        for y in 0..<MinAtar.gridSize {
            var line = ""
            for x in 0..<MinAtar.gridSize {
                let color = shownChannel(x: x, y: y).map { colors[$0] } ?? MinAtar.Palette.empty
                line += ANSI.background(color) + "  "
            }
            lines.append(line + ANSI.reset)
        }
        return lines.joined(separator: "\n")
    }
}
