extension CartPole {
    /// The registry entries for cart-pole: `cartpole` is Gymnasium's
    /// `CartPole-v1`, a ``CartPole`` inside a ``TimeLimit`` of 500 steps.
    ///
    /// Option `max_episode_steps` (default 500) changes the time limit; it must
    /// be positive.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "cartpole",
                summary: "Balance a pole on a moving cart (Gymnasium CartPole-v1: 2 actions, 4 floats, +1 per step)",
                options: [
                    .int("max_episode_steps", default: maxEpisodeSteps, "steps after which an episode is truncated"),
                ],
                make: { options throws(OptionError) in
                    let limit = options.int("max_episode_steps")
                    guard limit > 0 else {
                        throw .badValue(option: "max_episode_steps", value: String(limit), expected: "positive int")
                    }
                    return TimeLimit(CartPole(), maxEpisodeSteps: limit)
                }),
        ]
    }
}
