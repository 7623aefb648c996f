import Environments

extension EnvironmentBenchmark {
    /// What wrappers and type erasure cost per step, measured on cart-pole:
    /// (a) the bare ``CartPole``, (b) `TimeLimit<RecordEpisodeStatistics<CartPole>>`
    /// stepped in a loop specialised for that type, (c) the same composition
    /// stepped through `any Environment<[Float], Int>`, (d) the same composition
    /// in an ``AnyEnvironment`` stepped in a specialised loop (one uniqueness
    /// check and one virtual call per step).
    ///
    /// All three draw the same actions (uniform over the two pushes) and reset at
    /// episode ends, so the differences are the wrappers' own work (including
    /// `RecordEpisodeStatistics` reading the clock at each reset and episode end)
    /// and the existential calls.
    public func measureWrapperCost(seed: UInt64 = 0) throws -> [Measurement] {
        let limit = CartPole.maxEpisodeSteps
        var bare = CartPole()
        var wrapped = TimeLimit(RecordEpisodeStatistics(CartPole()), maxEpisodeSteps: limit)
        var erased: any Environment<[Float], Int> = TimeLimit(RecordEpisodeStatistics(CartPole()), maxEpisodeSteps: limit)
        var typeErased = AnyEnvironment(TimeLimit(RecordEpisodeStatistics(CartPole()), maxEpisodeSteps: limit))
        return [
            try measure(name: bare.name) { try Self.stepSpecialised(&bare, steps: $0, seed: seed) },
            try measure(name: wrapped.name) { try Self.stepSpecialised(&wrapped, steps: $0, seed: seed) },
            try measure(name: "any Environment<[Float], Int> (\(erased.name))") {
                try Self.stepThroughExistential(&erased, steps: $0, seed: seed)
            },
            try measure(name: "AnyEnvironment<[Float], Int> (\(typeErased.name))") {
                try Self.stepSpecialised(&typeErased, steps: $0, seed: seed)
            },
        ]
    }

    /// Steps `environment` with uniformly random binary actions, resetting at episode
    /// ends; returns the episodes that ended. Specialised for `E`.
    static func stepSpecialised<E: Environment>(_ environment: inout E, steps: Int, seed: UInt64) throws -> Int
    where E.Action == Int {
        var generator = Xoshiro256(seed: seed)
        _ = try environment.reset(seed: seed)
        var episodes = 0
        var totalReward = 0.0
        for _ in 0..<steps {
            let step = try environment.step(generator.nextInt(upperBound: 2))
            totalReward += step.reward
            if step.terminated || step.truncated {
                episodes += 1
                _ = try environment.reset()
            }
        }
        return totalReward.isNaN ? -1 : episodes
    }

    /// The same loop as ``stepSpecialised(_:steps:seed:)`` with every call going
    /// through the existential; kept out of line so the optimiser cannot see the
    /// concrete type and devirtualise the calls.
    @inline(never)
    static func stepThroughExistential(_ environment: inout any Environment<[Float], Int>, steps: Int, seed: UInt64) throws -> Int {
        var generator = Xoshiro256(seed: seed)
        _ = try environment.reset(seed: seed)
        var episodes = 0
        var totalReward = 0.0
        for _ in 0..<steps {
            let step = try environment.step(generator.nextInt(upperBound: 2))
            totalReward += step.reward
            if step.terminated || step.truncated {
                episodes += 1
                _ = try environment.reset()
            }
        }
        return totalReward.isNaN ? -1 : episodes
    }
}
