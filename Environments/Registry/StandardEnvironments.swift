extension EnvironmentRegistry {
    /// Every built-in environment, in the order `rlrun list` shows them.
    public static let standard: EnvironmentRegistry = EnvironmentRegistry(builtInSpecs())

    private static func builtInSpecs() -> [EnvironmentSpec] {
        GridWorld.registrations + MemoryCorridor.registrations
            + CartPole.registrations + MountainCar.registrations + Acrobot.registrations
            + Catch.registrations + Snake.registrations
            + MinAtar.registrations
            + RobotNavigation.registrations
    }
}
