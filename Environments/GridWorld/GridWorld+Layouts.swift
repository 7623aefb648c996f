extension GridWorld {
    /// Where a grid world's walls, lava, goals and start come from.
    ///
    /// Generated layouts always leave a path from the start to the goal.
    public enum Layout: Sendable, Equatable {
        /// MiniGrid's Empty room: a `size × size` grid whose border is wall
        /// (`(size - 2)²` floor cells), start in the top-left floor cell, goal in
        /// the bottom-right one. `size >= 4`. The same every episode.
        case room(size: Int)
        /// MiniGrid's FourRooms: 19 × 19, four 8 × 8 rooms joined by one gap in each
        /// of the four inner wall segments. Gaps, goal, start and facing are drawn
        /// at random every episode.
        case fourRooms
        /// MiniGrid's LavaCrossing with one river (S9N1 at size 9): a `size × size`
        /// walled grid (`size` odd, at least 5) crossed by one full river of lava,
        /// vertical or horizontal, on an even row or column, with one opening.
        /// The river and opening are drawn every episode; start top-left, goal
        /// bottom-right.
        case lavaCrossing(size: Int)
        /// A perfect maze (exactly one path between any two floor cells) carved
        /// by a randomized depth-first search (recursive backtracker) on a
        /// `size × size` grid (`size` odd, at least 5); floor cells on odd rows
        /// and columns. Drawn every episode; start top-left, goal bottom-right.
        case maze(size: Int)
        /// A fixed map, such as one read from a file.
        case map(GridMap)

        /// A short name for messages.
        public var name: String {
            switch self {
            case .room(let size): return "room \(size)x\(size)"
            case .fourRooms: return "four rooms"
            case .lavaCrossing(let size): return "lava crossing \(size)x\(size)"
            case .maze(let size): return "maze \(size)x\(size)"
            case .map(let map): return "map \(map.width)x\(map.height)"
            }
        }

        /// Whether every reset draws a new map from the generator.
        public var isRandomPerEpisode: Bool {
            switch self {
            case .room, .map: return false
            case .fourRooms, .lavaCrossing, .maze: return true
            }
        }

        /// Why the layout's parameters are invalid, or `nil` when they are fine.
        public var validationProblem: String? {
            switch self {
            case .room(let size) where size < 4 || size > OptionLimits.gridSide:
                return "room size must be at least 4 (a 2x2 floor) and at most \(OptionLimits.gridSide), got \(size)"
            case .lavaCrossing(let size) where size < 5 || size > OptionLimits.gridSide || size % 2 == 0:
                return "lava crossing size must be odd and in [5, \(OptionLimits.gridSide - 1)], got \(size)"
            case .maze(let size) where size < 5 || size > OptionLimits.gridSide || size % 2 == 0:
                return "maze size must be odd and in [5, \(OptionLimits.gridSide - 1)], got \(size)"
            case .map(let map) where map.width > OptionLimits.gridSide || map.height > OptionLimits.gridSide:
                return "map is \(map.width)x\(map.height); at most \(OptionLimits.gridSide) cells per side"
            default:
                return nil
            }
        }

        /// Builds this episode's map and the agent's first facing direction,
        /// drawing from `generator` only for random layouts.
        public func generate(using generator: inout Xoshiro256) -> (map: GridMap, facing: Direction) {
            switch self {
            case .room(let size):
                var cells = Self.walledSquare(size)
                cells[(size - 2) * size + size - 2] = .goal
                return (GridMap(width: size, height: size, cells: cells, start: GridPosition(x: 1, y: 1)), .right)
            case .fourRooms:
                return Self.fourRooms(using: &generator)
            case .lavaCrossing(let size):
                return (Self.lavaCrossing(size: size, using: &generator), .right)
            case .maze(let size):
                return (Self.maze(size: size, using: &generator), .right)
            case .map(let map):
                return (map, .right)
            }
        }

        /// A `size × size` square of floor with a wall border.
        private static func walledSquare(_ size: Int) -> [GridCell] {
            var cells = [GridCell](repeating: .floor, count: size * size)
            for index in 0..<size {
                cells[index] = .wall
                cells[(size - 1) * size + index] = .wall
                cells[index * size] = .wall
                cells[index * size + size - 1] = .wall
            }
            return cells
        }

        private static func fourRooms(using generator: inout Xoshiro256) -> (map: GridMap, facing: Direction) {
            let size = 19, roomSize = size / 2
            var cells = walledSquare(size)
            // MiniGrid's order of draws: for each room, row by row, the gap in
            // the wall to its right, then the gap in the wall below it.
            for roomRow in 0..<2 {
                for roomColumn in 0..<2 {
                    let left = roomColumn * roomSize, top = roomRow * roomSize
                    let right = left + roomSize, bottom = top + roomSize
                    if roomColumn == 0 {
                        for y in top..<bottom { cells[y * size + right] = .wall }
                        let gap = top + 1 + generator.nextInt(upperBound: roomSize - 1)
                        cells[gap * size + right] = .floor
                    }
                    if roomRow == 0 {
                        for x in left..<right { cells[bottom * size + x] = .wall }
                        let gap = left + 1 + generator.nextInt(upperBound: roomSize - 1)
                        cells[bottom * size + gap] = .floor
                    }
                }
            }
            let goal = randomFloorCell(cells, size: size, using: &generator)
            cells[goal] = .goal
            let start = randomFloorCell(cells, size: size, using: &generator)
            let facing = Direction(rawValue: generator.nextInt(upperBound: 4))!
            let map = GridMap(width: size, height: size, cells: cells, start: GridPosition(x: start % size, y: start / size))
            return (map, facing)
        }

        /// A uniformly random floor cell index, by rejection as MiniGrid places objects.
        private static func randomFloorCell(_ cells: [GridCell], size: Int, using generator: inout Xoshiro256) -> Int {
            while true {
                let index = generator.nextInt(upperBound: size * size)
                if cells[index] == .floor { return index }
            }
        }

        private static func lavaCrossing(size: Int, using generator: inout Xoshiro256) -> GridMap {
            var cells = walledSquare(size)
            let riverPositions = Array(stride(from: 2, to: size - 2, by: 2))
            let choice = generator.nextInt(upperBound: 2 * riverPositions.count)
            let isVertical = choice < riverPositions.count
            let river = riverPositions[choice % riverPositions.count]
            let opening = 1 + generator.nextInt(upperBound: size - 2)
            for along in 1..<(size - 1) {
                let index = isVertical ? along * size + river : river * size + along
                cells[index] = along == opening ? .floor : .lava
            }
            cells[(size - 2) * size + size - 2] = .goal
            return GridMap(width: size, height: size, cells: cells, start: GridPosition(x: 1, y: 1))
        }

        private static func maze(size: Int, using generator: inout Xoshiro256) -> GridMap {
            var cells = [GridCell](repeating: .wall, count: size * size)
            // Depth-first search with an explicit stack: carve into a random
            // unvisited neighbour two cells away, backtrack when there is none.
            var stack = [GridPosition(x: 1, y: 1)]
            cells[size + 1] = .floor
            var candidates: [GridPosition] = []
            candidates.reserveCapacity(4)
            while let current = stack.last {
                candidates.removeAll(keepingCapacity: true)
                for (dx, dy) in [(0, -2), (2, 0), (0, 2), (-2, 0)] {
                    let x = current.x + dx, y = current.y + dy
                    if x > 0, x < size - 1, y > 0, y < size - 1, cells[y * size + x] == .wall {
                        candidates.append(GridPosition(x: x, y: y))
                    }
                }
                guard !candidates.isEmpty else {
                    stack.removeLast()
                    continue
                }
                let next = candidates[generator.nextInt(upperBound: candidates.count)]
                cells[((current.y + next.y) / 2) * size + (current.x + next.x) / 2] = .floor
                cells[next.y * size + next.x] = .floor
                stack.append(next)
            }
            cells[(size - 2) * size + size - 2] = .goal
            return GridMap(width: size, height: size, cells: cells, start: GridPosition(x: 1, y: 1))
        }
    }
}
