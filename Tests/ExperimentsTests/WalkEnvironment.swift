import Environments

/// A tiny deterministic test environment: a walk on the integers -5...5.
///
/// Actions 0, 1, 2 move left, stay, right. The start lies in -2...2 and each
/// reward carries a little noise from the environment's generator, so rewards
/// depend on the seed and have many significant digits. Reaching ±5 terminates;
/// `max_steps` truncates.
struct WalkEnvironment: Environment {
    let observationSpace = Box(low: -5, high: 5, shape: [1])
    let actionSpace = Discrete(3)
    var name: String { "Walk" }

    var maxSteps: Int
    var rewardScale: Double
    /// From this step of every episode on, rewards are NaN (0: never); for divergence tests.
    var nanRewardStep = 0
    private var generator = Xoshiro256(seed: 0)
    private var position = 0
    private var stepsTaken = 0
    private var phase = EpisodePhase.needsReset

    init(maxSteps: Int, rewardScale: Double) {
        self.maxSteps = maxSteps
        self.rewardScale = rewardScale
    }

    mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
        if let seed { generator = Xoshiro256(seed: seed) }
        position = generator.nextInt(upperBound: 5) - 2
        stepsTaken = 0
        phase = .running
        return Reset(observation: [Float(position)])
    }

    mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        position += action - 1
        stepsTaken += 1
        var reward = Double(position) * rewardScale + generator.nextUnitDouble() * 1e-3
        if nanRewardStep > 0 && stepsTaken >= nanRewardStep { reward = .nan }
        let terminated = abs(position) >= 5
        let truncated = !terminated && stepsTaken >= maxSteps
        if terminated || truncated { phase = .ended }
        return Step(observation: [Float(position)], reward: reward, terminated: terminated, truncated: truncated)
    }

    func renderANSI() -> String? {
        String((-5...5).map { $0 == position ? "@" : "." })
    }

    /// The registry tests use instead of the standard one.
    static let registry = EnvironmentRegistry([
        EnvironmentSpec(
            name: "walk", summary: "A walk on -5...5 (test environment)",
            options: [
                .int("max_steps", default: 30, "Steps after which an episode is truncated"),
                .double("reward_scale", default: 0.1, "Reward per unit of position"),
                .int("nan_reward_step", default: 0, "Step from which rewards are NaN (0: never)"),
            ],
            make: { options in
                var walk = WalkEnvironment(maxSteps: options.int("max_steps"), rewardScale: options.double("reward_scale"))
                walk.nanRewardStep = options.int("nan_reward_step")
                return walk
            }),
    ])
}
