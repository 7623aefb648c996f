extension GridWorld: HindsightGoalProviding {
    /// The goal description of full-grid observations (``viewSize`` `nil`):
    /// goals are cells (`y * width + x`), a state achieves the agent's cell, lava
    /// ends an episode whatever the goal, and reaching a goal pays MiniGrid's
    /// `1 - 0.9 * stepCount / maxSteps`. `nil` with a view: a view centred on the
    /// agent does not show where the agent is on the map, so a cell it reached
    /// later cannot be placed in an earlier view.
    public var hindsightGoals: (any HindsightGoals)? {
        guard viewSize == nil else { return nil }
        return GridGoals(width: width, height: height,
                         agentPlanes: Channel.agent.rawValue..<observationSpace.shape[0], maxSteps: maxSteps)
    }
}

/// ``HindsightGoals`` of a full-grid ``GridWorld`` observation (one-hot planes `[C, H, W]`).
struct GridGoals: HindsightGoals {
    let width: Int
    let height: Int
    /// One plane per facing with egocentric actions, one otherwise.
    let agentPlanes: Range<Int>
    let maxSteps: Int

    private var cellCount: Int { width * height }

    private func entry(_ channel: GridWorld.Channel, _ cell: Int) -> Int { channel.rawValue * cellCount + cell }

    func achievedGoal(in observation: [Float]) -> Int {
        for plane in agentPlanes {
            let start = plane * cellCount
            if let cell = observation[start..<(start + cellCount)].firstIndex(of: 1) { return cell - start }
        }
        preconditionFailure("a grid-world observation without the agent")
    }

    func endsEpisodeWithoutGoal(_ observation: [Float]) -> Bool {
        observation[entry(.lava, achievedGoal(in: observation))] == 1
    }

    func relabel(_ observation: inout [Float], goal: Int) {
        for cell in 0..<cellCount where observation[entry(.goal, cell)] == 1 {
            observation[entry(.goal, cell)] = 0
            observation[entry(.floor, cell)] = 1
        }
        for channel in [GridWorld.Channel.floor, .wall, .lava] { observation[entry(channel, goal)] = 0 }
        observation[entry(.goal, goal)] = 1
    }

    func rewardForReachingGoal(atStep stepCount: Int) -> Double {
        GridWorld.goalReward(stepCount: stepCount, maxSteps: maxSteps)
    }
}
