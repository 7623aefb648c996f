extension GridWorld {
    /// The registered grid worlds: `gridworld`, `gridworld-fourrooms`,
    /// `gridworld-lava`, `gridworld-maze` and `gridworld-file`.
    ///
    /// Every one takes the common options `actions`, `view` and `max_steps`;
    /// invalid values throw ``OptionError/badValue(option:value:expected:)``.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "gridworld",
                summary: "MiniGrid Empty room: walk from the top-left to the goal in the bottom-right corner",
                options: [.int("size", default: 8, "grid side including the wall border (4 to 1000)")] + commonOptions
            ) { options in
                try make(.room(size: options.int("size", in: 4...OptionLimits.gridSide)), options)
            },
            EnvironmentSpec(
                name: "gridworld-fourrooms",
                summary: "MiniGrid FourRooms 19x19: four rooms with random gaps, random start and goal",
                options: commonOptions
            ) { options in
                try make(.fourRooms, options)
            },
            EnvironmentSpec(
                name: "gridworld-lava",
                summary: "MiniGrid LavaCrossing (S9N1): cross one lava river through its single opening",
                options: [.int("size", default: 9, "grid side including the wall border (odd, 5 to 999)")] + commonOptions
            ) { options in
                try make(.lavaCrossing(size: options.int("size", in: 5...(OptionLimits.gridSide - 1), odd: true)), options)
            },
            EnvironmentSpec(
                name: "gridworld-maze",
                summary: "A perfect maze generated per episode; start and goal in opposite corners",
                options: [.int("size", default: 11, "grid side including the wall border (odd, 5 to 999)")] + commonOptions
            ) { options in
                try make(.maze(size: options.int("size", in: 5...(OptionLimits.gridSide - 1), odd: true)), options)
            },
            EnvironmentSpec(
                name: "gridworld-file",
                summary: "A grid world read from an ASCII map file (# wall, . floor, S start, G goal, L lava)",
                options: [.string("path", default: "", "path of the map file")] + commonOptions
            ) { options in
                let path = options.string("path")
                guard !path.isEmpty else {
                    throw OptionError.badValue(option: "path", value: path, expected: "path of a map file (set path=FILE)")
                }
                return try make(.map(GridMap(contentsOfFile: path)), options)
            },
        ]
    }

    /// The options every registered grid world takes.
    private static let commonOptions: [OptionSpec] = [
        .string("actions", default: "absolute", "absolute (up, right, down, left) or egocentric (turn left, turn right, forward)"),
        .int("view", default: 0, "0: the full grid; k (odd, 3 to 999): an egocentric k x k view"),
        .int("max_steps", default: 0, "truncation step count; 0 means 4 * width * height"),
    ]

    private static func make(_ layout: Layout, _ options: EnvironmentOptions) throws(OptionError) -> GridWorld {
        let actionsText = options.string("actions")
        guard let actionMode = ActionMode(rawValue: actionsText.lowercased()) else {
            throw .badValue(option: "actions", value: actionsText, expected: "action mode (absolute or egocentric)")
        }
        let view = options.int("view")
        guard view == 0 || (view >= 3 && view <= OptionLimits.gridSide && view % 2 == 1) else {
            throw .badValue(option: "view", value: String(view), expected: "view size (0, or odd in [3, \(OptionLimits.gridSide - 1)])")
        }
        let maxSteps = options.int("max_steps")
        guard maxSteps >= 0 else {
            throw .badValue(option: "max_steps", value: String(maxSteps), expected: "step count (0 for the default, or positive)")
        }
        return GridWorld(layout: layout, actionMode: actionMode, viewSize: view == 0 ? nil : view,
                         maxSteps: maxSteps == 0 ? nil : maxSteps)
    }
}
