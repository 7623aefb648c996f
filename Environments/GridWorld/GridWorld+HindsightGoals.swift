extension GridWorld: HindsightGoalProviding {
    /// The goal description: goals are cells (`y * width + x`), reaching one pays
    /// MiniGrid's `1 - 0.9 * stepCount / maxSteps`. Full-grid observations and
    /// world-aligned views (absolute actions) have one; an egocentric view, which
    /// turns with the agent, has none.
    public var hindsightGoals: (any HindsightGoals)? {
        guard viewSize == nil || actionMode == .absolute else { return nil }
        return GridGoals(width: width, height: height, viewSize: viewSize, maxSteps: maxSteps)
    }

    /// The agent's cell, or `nil` on lava.
    public var achievedGoal: Int? {
        map[agentPosition] == .lava ? nil : agentPosition.y * width + agentPosition.x
    }
}

/// ``HindsightGoals`` of a ``GridWorld`` observation: one-hot planes `[C, H, W]`
/// of the full grid, or of a world-aligned view centred on the agent.
struct GridGoals: HindsightGoals {
    let width: Int
    let height: Int
    /// The view's side, or `nil` for the full grid.
    let viewSize: Int?
    let maxSteps: Int

    func relabel(_ observation: inout [Float], achieved: Int, goal: Int) {
        let planeWidth = viewSize ?? width, planeHeight = viewSize ?? height, planeSize = planeWidth * planeHeight
        func entry(_ channel: GridWorld.Channel, _ cell: Int) -> Int { channel.rawValue * planeSize + cell }
        for cell in 0..<planeSize where observation[entry(.goal, cell)] == 1 {
            observation[entry(.goal, cell)] = 0
            observation[entry(.floor, cell)] = 1
        }
        // The goal's place in the planes: on the map, or offset from the agent at the view's centre.
        var row = goal / width, column = goal % width
        if let viewSize {
            row += viewSize / 2 - achieved / width
            column += viewSize / 2 - achieved % width
        }
        guard (0..<planeHeight).contains(row), (0..<planeWidth).contains(column) else { return }
        let cell = row * planeWidth + column
        for channel in [GridWorld.Channel.floor, .wall, .lava] { observation[entry(channel, cell)] = 0 }
        observation[entry(.goal, cell)] = 1
    }

    func rewardForReachingGoal(atStep stepCount: Int) -> Double {
        GridWorld.goalReward(stepCount: stepCount, maxSteps: maxSteps)
    }
}
