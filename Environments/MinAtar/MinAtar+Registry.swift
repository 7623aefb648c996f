extension MinAtar {
    /// The registry entries for the five MinAtar games: `breakout`,
    /// `space-invaders`, `freeway`, `asterix` and `seaquest`, each a
    /// ``MinAtarEnvironment`` with no wrapper (MinAtar's episodes end by
    /// themselves).
    ///
    /// Options (the same for every game):
    /// - `sticky_action_probability` (default 0.1): in `[0, 1]`, the chance that a
    ///   frame repeats the previous action. The generic `sticky_action` wrapper
    ///   option is refused while this is above 0, as the two would stack.
    /// - `minimal_actions` (default false): use the game's minimal action set.
    /// - `difficulty_ramping` (default true): the reference's difficulty ramp
    ///   (Asterix, Seaquest, Space Invaders; the others ignore it).
    public static var registrations: [EnvironmentSpec] {
        [
            spec(Breakout.self, name: "breakout",
                 summary: "MinAtar Breakout: bounce the ball to break bricks (10x10x4 binary, 6 actions, +1 per brick)"),
            spec(SpaceInvaders.self, name: "space-invaders",
                 summary: "MinAtar Space Invaders: shoot the descending aliens (10x10x6 binary, 6 actions, +1 per alien)"),
            spec(Freeway.self, name: "freeway",
                 summary: "MinAtar Freeway: cross eight lanes of traffic (10x10x7 binary, 6 actions, +1 per crossing, 2500 frames)"),
            spec(Asterix.self, name: "asterix",
                 summary: "MinAtar Asterix: collect gold, dodge enemies (10x10x4 binary, 6 actions, +1 per gold)"),
            spec(Seaquest.self, name: "seaquest",
                 summary: "MinAtar Seaquest: shoot enemies, rescue divers, surface for oxygen (10x10x10 binary, 6 actions)"),
        ]
    }

    /// The options every MinAtar game takes.
    static let optionSpecs: [OptionSpec] = [
        .double("sticky_action_probability", default: 0.1, "chance in [0, 1] that a frame repeats the previous action"),
        .bool("minimal_actions", default: false, "use the game's minimal action set instead of all six"),
        .bool("difficulty_ramping", default: true, "let the game speed up over time as the reference does"),
    ]

    private static func spec<Game: MinAtarGame>(_ game: Game.Type, name: String, summary: String) -> EnvironmentSpec {
        EnvironmentSpec(name: name, summary: summary, options: optionSpecs, stickyActionOption: "sticky_action_probability",
                        make: { options throws(OptionError) in
            let sticky = options.double("sticky_action_probability")
            guard (0...1).contains(sticky) else {
                throw .badValue(option: "sticky_action_probability", value: String(sticky), expected: "number in [0, 1]")
            }
            return MinAtarEnvironment<Game>(stickyActionProbability: sticky,
                                            minimalActions: options.bool("minimal_actions"),
                                            difficultyRamping: options.bool("difficulty_ramping"))
        })
    }
}
