extension MemoryCorridor {
    /// The registry entry `gridworld-memory`.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "gridworld-memory",
                summary: "MiniGrid Memory-like corridor: a cue at the start says which end is correct; needs memory (4 actions, [5, 3, 3] view)",
                options: [
                    .int("length", default: 5, "floor cells from the start to the junction (view / 2 + 1 to 997)"),
                    .int("view", default: 3, "side of the agent's view (odd, 3 to 999)"),
                    .int("max_steps", default: 0, "truncation step count; 0 means 4 * width * height"),
                ],
                make: { options throws(OptionError) in
                    let view = try options.int("view", in: 3...(OptionLimits.gridSide - 1), odd: true)
                    // The map is the corridor plus 3 columns; its width stays within the grid limit.
                    let length = try options.int("length", in: 1...(OptionLimits.gridSide - 3))
                    let maxSteps = options.int("max_steps")
                    guard length >= view / 2 + 1 else {
                        throw .badValue(option: "length", value: String(length), expected: "corridor length of at least \(view / 2 + 1) for view \(view)")
                    }
                    guard maxSteps >= 0 else {
                        throw .badValue(option: "max_steps", value: String(maxSteps), expected: "step count (0 for the default, or positive)")
                    }
                    return MemoryCorridor(corridorLength: length, viewSize: view, maxSteps: maxSteps == 0 ? nil : maxSteps)
                }),
        ]
    }
}
