extension Acrobot {
    /// The registry entry `acrobot`: Gymnasium's `Acrobot-v1`, an ``Acrobot``
    /// inside a ``TimeLimit`` of 500 steps.
    ///
    /// Option `max_episode_steps` (default 500) changes the time limit; it must be positive.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "acrobot",
                summary: "Swing a two-link pendulum's tip above a line (Gymnasium Acrobot-v1: 3 actions, 6 floats, -1 per step)",
                options: [
                    .int("max_episode_steps", default: maxEpisodeSteps, "steps after which an episode is truncated"),
                ],
                make: { options throws(OptionError) in
                    let limit = options.int("max_episode_steps")
                    guard limit > 0 else {
                        throw .badValue(option: "max_episode_steps", value: String(limit), expected: "positive int")
                    }
                    return TimeLimit(Acrobot(), maxEpisodeSteps: limit)
                }),
        ]
    }
}
