extension Snake {
    /// The registry entry `snake`: a 10 × 10 board, truncated after 1000 steps.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "snake",
                summary: "Snake: eat food and grow without hitting a wall or yourself (4 actions, [3, 10, 10] binary image, +1 per food)",
                options: [
                    .int("width", default: 10, "columns of the board (4 to 1000)"),
                    .int("height", default: 10, "rows of the board (4 to 1000)"),
                    .int("max_steps", default: 1000, "steps after which an episode is truncated (0: never)"),
                    .double("death_reward", default: 0, "reward on the step the snake dies"),
                ],
                make: { options throws(OptionError) in
                    let width = try options.int("width", in: 4...OptionLimits.gridSide)
                    let height = try options.int("height", in: 4...OptionLimits.gridSide)
                    let maxSteps = options.int("max_steps")
                    guard maxSteps >= 0 else { throw .badValue(option: "max_steps", value: String(maxSteps), expected: "step count (0 for none)") }
                    return Snake(width: width, height: height, maxSteps: maxSteps == 0 ? nil : maxSteps,
                                 deathReward: options.double("death_reward"))
                }),
        ]
    }
}
