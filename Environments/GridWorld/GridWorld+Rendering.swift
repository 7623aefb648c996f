// Drawing only: reads the state, never changes it.
extension GridWorld {
    /// The colours of ``render()``, named so tests and viewers can check pixels.
    public enum Palette {
        /// Floor cells (MiniGrid's near-black).
        public static let floor = Color(red: 24, green: 24, blue: 24)
        /// The one-pixel lines on each tile's top and left edges.
        public static let gridLine = Color(red: 64, green: 64, blue: 64)
        /// Wall cells.
        public static let wall = Color(red: 128, green: 128, blue: 128)
        /// Goal cells.
        public static let goal = Color(red: 40, green: 200, blue: 60)
        /// Lava cells.
        public static let lava = Color(red: 255, green: 120, blue: 0)
        /// The agent: a triangle pointing the way it faces (egocentric actions)
        /// or a disc (absolute moves).
        public static let agent = Color(red: 230, green: 30, blue: 30)
        /// Floor inside the agent's view, when the observation is a view.
        public static let visibleFloor = Color(red: 56, green: 56, blue: 72)

        /// The fill colour of a cell's tile.
        public static func color(of cell: GridCell) -> Color {
            switch cell {
            case .floor: return floor
            case .wall: return wall
            case .goal: return goal
            case .lava: return lava
            }
        }
    }

    /// The side of one cell in ``render()``'s frame, in pixels.
    public static let tileSize = 16

    /// Draws the whole grid, `tileSize` pixels per cell: one filled tile per cell
    /// with grid lines, the cells of a partial view lightened, and the agent on top.
    /// The frame is `width * tileSize` by `height * tileSize` pixels.
    public func render() -> Frame? {
        let tile = Self.tileSize
        var canvas = Canvas(width: width * tile, height: height * tile, background: Palette.floor)
        let visible = visibleCells()
        for y in 0..<height {
            for x in 0..<width {
                let cell = map[x, y]
                var color = Palette.color(of: cell)
                if cell == .floor, visible.contains(GridPosition(x: x, y: y)) { color = Palette.visibleFloor }
                canvas.fillRect(x: x * tile, y: y * tile, width: tile, height: tile, color: color)
                canvas.fillRect(x: x * tile, y: y * tile, width: tile, height: 1, color: Palette.gridLine)
                canvas.fillRect(x: x * tile, y: y * tile, width: 1, height: tile, color: Palette.gridLine)
            }
        }
        drawAgent(on: &canvas)
        return canvas.frame
    }

    private func drawAgent(on canvas: inout Canvas) {
        let tile = Double(Self.tileSize)
        let centerX = (Double(agentPosition.x) + 0.5) * tile, centerY = (Double(agentPosition.y) + 0.5) * tile
        guard actionMode == .egocentric else {
            canvas.fillCircle(centerX: centerX, centerY: centerY, radius: tile * 0.35, color: Palette.agent)
            return
        }
        // An upward triangle in tile units around the centre, turned to the facing direction.
        let reach = tile * 0.36
        let upward: [(x: Double, y: Double)] = [(0, -reach), (reach * 0.85, reach), (-reach * 0.85, reach)]
        let points = upward.map { point -> (x: Double, y: Double) in
            switch facing {
            case .up: return (centerX + point.x, centerY + point.y)
            case .right: return (centerX - point.y, centerY + point.x)
            case .down: return (centerX - point.x, centerY - point.y)
            case .left: return (centerX + point.y, centerY - point.x)
            }
        }
        canvas.fillPolygon(points, color: Palette.agent)
    }

    /// The map cells the agent's view covers (empty for the full grid).
    private func visibleCells() -> Set<GridPosition> {
        guard let size = viewSize else { return [] }
        let half = size / 2
        var cells = Set<GridPosition>()
        for ahead in 0..<size {
            for lateral in -half...half {
                let position: GridPosition
                switch actionMode {
                case .absolute:
                    position = GridPosition(x: agentPosition.x + lateral, y: agentPosition.y + ahead - half)
                case .egocentric:
                    let forward = GridPosition(x: 0, y: 0).moved(facing), right = GridPosition(x: 0, y: 0).moved(facing.turnedRight)
                    position = GridPosition(x: agentPosition.x + forward.x * ahead + right.x * lateral,
                                            y: agentPosition.y + forward.y * ahead + right.y * lateral)
                }
                cells.insert(position)
            }
        }
        return cells
    }

    /// The grid as text, one character per cell (`#` wall, `.` floor, `G` goal,
    /// `L` lava) and the agent as `^ > v <` (egocentric) or `A` (absolute),
    /// with ANSI colours; rows end with a newline.
    public func renderANSI() -> String? {
        renderText(colored: true)
    }

    /// The grid as text like ``renderANSI()``, with or without ANSI colour codes.
    public func renderText(colored: Bool) -> String {
        var text = ""
        for y in 0..<height {
            for x in 0..<width {
                let isAgent = GridPosition(x: x, y: y) == agentPosition
                let cell = map[x, y]
                let symbol: Character
                if isAgent {
                    switch actionMode {
                    case .absolute: symbol = "A"
                    case .egocentric: symbol = ["^", ">", "v", "<"][facing.rawValue]
                    }
                } else {
                    symbol = cell.symbol
                }
                guard colored else {
                    text.append(symbol)
                    continue
                }
                let code: String
                if isAgent {
                    code = "1;31"
                } else {
                    switch cell {
                    case .floor: code = "2"
                    case .wall: code = "37"
                    case .goal: code = "1;32"
                    case .lava: code = "33"
                    }
                }
                text += "\u{1B}[\(code)m\(symbol)\u{1B}[0m"
            }
            text.append("\n")
        }
        return text
    }
}
