extension MountainCar {
    /// The registry entry `mountaincar`: Gymnasium's `MountainCar-v0`, a
    /// ``MountainCar`` inside a ``TimeLimit`` of 200 steps.
    ///
    /// Options: `max_episode_steps` (default 200, positive) and `goal_velocity`
    /// (default 0, Gymnasium's argument of that name).
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "mountaincar",
                summary: "Drive an underpowered car up a hill (Gymnasium MountainCar-v0: 3 actions, 2 floats, -1 per step)",
                options: [
                    .double("goal_velocity", default: 0, "least velocity at the goal that ends the episode"),
                ],
                maxEpisodeSteps: maxEpisodeSteps,
                make: { options in MountainCar(goalVelocity: options.double("goal_velocity")) }),
        ]
    }
}
