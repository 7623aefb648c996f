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
                maxEpisodeSteps: maxEpisodeSteps,
                make: { _ in Acrobot() }),
        ]
    }
}
