import Environments

/// A tiny deterministic test environment with `Box` actions: steer a point on a
/// line towards 0.
///
/// The action `[v]` in `Box([-0.5], [0.5])` moves the point by `v`; stepping with
/// an action outside the box throws, so a runner must clip. The start lies in
/// `[-2, 2]` (from the seed); each reward is `−|x|` plus a little noise from the
/// environment's generator, so rewards depend on the seed and on every bit of
/// the actions. Leaving `[-3, 3]` terminates; `max_steps` truncates.
struct SteerEnvironment: Environment {
    let observationSpace = Box(low: -3, high: 3, shape: [1])
    let actionSpace = Box(low: [-0.5], high: [0.5])
    var name: String { "Steer" }

    var maxSteps: Int
    private var generator = Xoshiro256(seed: 0)
    private var position: Float = 0
    private var stepsTaken = 0
    private var phase = EpisodePhase.needsReset

    init(maxSteps: Int) {
        self.maxSteps = maxSteps
    }

    mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
        if let seed { generator = Xoshiro256(seed: seed) }
        position = generator.nextUnitFloat() * 4 - 2
        stepsTaken = 0
        phase = .running
        return Reset(observation: [position])
    }

    mutating func step(_ action: [Float]) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: "\(action)", space: actionSpace.description)
        }
        position += action[0]
        stepsTaken += 1
        let reward = -Double(abs(position)) + generator.nextUnitDouble() * 1e-3
        let terminated = abs(position) >= 3
        let truncated = !terminated && stepsTaken >= maxSteps
        if terminated || truncated { phase = .ended }
        return Step(observation: [min(max(position, -3), 3)], reward: reward, terminated: terminated, truncated: truncated)
    }

    /// The registry continuous-action tests use.
    static let registry = EnvironmentRegistry([
        EnvironmentSpec(
            name: "steer", summary: "Steer a point towards 0 with a velocity in a Box (test environment)",
            options: [.int("max_steps", default: 10, "Steps after which an episode is truncated")],
            make: { options in SteerEnvironment(maxSteps: options.int("max_steps")) }),
    ])
}
