extension CartPole {
    /// The observation indices of the two velocities, hidden by `cartpole-novel`.
    public static let velocityIndices = [1, 3]

    /// The registry entries for cart-pole: `cartpole` is Gymnasium's
    /// `CartPole-v1`, a ``CartPole`` inside a ``TimeLimit`` of 500 steps.
    ///
    /// `cartpole-novel` ("no velocity") is the same with an ``ObservationMask``
    /// (inside the time limit, which does not change what the mask does) that zeroes the two velocity entries (indices 1 and 3), as
    /// rl-baselines3-zoo's `MaskVelocityWrapper` for `CartPoleNoVel-v1`: the
    /// observation keeps its four entries, the velocities always 0, so a policy
    /// must infer them from successive positions (memory or frame stacking).
    ///
    /// Option `max_episode_steps` (default 500) changes the time limit; it must
    /// be positive.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "cartpole",
                summary: "Balance a pole on a moving cart (Gymnasium CartPole-v1: 2 actions, 4 floats, +1 per step)",
                maxEpisodeSteps: maxEpisodeSteps,
                make: { _ in CartPole() }),
            EnvironmentSpec(
                name: "cartpole-novel",
                summary: "CartPole-v1 without velocities (rl-baselines3-zoo's mask-velocity): positions only, needs memory",
                maxEpisodeSteps: maxEpisodeSteps,
                make: { _ in ObservationMask(CartPole(), hiding: velocityIndices, mode: .zero) }),
        ]
    }
}
