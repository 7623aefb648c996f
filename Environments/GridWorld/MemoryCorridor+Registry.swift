extension MemoryCorridor {
    /// The registry entry `gridworld-memory`.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "gridworld-memory",
                summary: "MiniGrid Memory-like corridor: a cue at the start says which end is correct; needs memory (4 actions, [5, 3, 3] view)",
                options: [
                    .int("length", default: 5, "floor cells from the start to the junction (at least view / 2 + 1)"),
                    .int("view", default: 3, "side of the agent's view (odd, at least 3)"),
                    .int("max_steps", default: 0, "truncation step count; 0 means 4 * width * height"),
                ],
                make: { options throws(OptionError) in
                    let length = options.int("length"), view = options.int("view"), maxSteps = options.int("max_steps")
                    guard view >= 3, view % 2 == 1 else {
                        throw .badValue(option: "view", value: String(view), expected: "odd view size of at least 3")
                    }
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
