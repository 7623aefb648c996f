import Environments

extension EnvironmentBenchmark {
    /// Steps per second of a vector of `copies` cart-poles (`TimeLimit<CartPole>`,
    /// next-step autoreset) on one thread, then spread over `threads` threads by
    /// persistent spinning workers and by `DispatchQueue.concurrentPerform`.
    ///
    /// The actions come from a table of random actions drawn before timing, so
    /// the measured work is the vector's own: stepping the copies, resetting
    /// finished ones and writing the observation batch. A measurement's `steps`
    /// counts environment steps (vector steps × copies).
    public func measureVector(copies: Int = 64, threads: Int = 2, seed: UInt64 = 0) throws -> [Measurement] {
        let tableSteps = 1024
        var generator = Xoshiro256(seed: seed)
        let table: [[Int]] = (0..<tableSteps).map { _ in (0..<copies).map { _ in generator.nextInt(upperBound: 2) } }
        var measurements: [Measurement] = []
        let cases: [(String, VectorScheduling)] = [
            ("\(copies) x cartpole, 1 thread", .serial),
            ("\(copies) x cartpole, \(threads) worker threads", .workerThreads(threads)),
            ("\(copies) x cartpole, concurrentPerform(\(threads))", .dispatch(threads)),
        ]
        for (name, scheduling) in cases {
            let vector = VectorEnvironment(count: copies, scheduling: scheduling) { _ in
                TimeLimit(CartPole(), maxEpisodeSteps: CartPole.maxEpisodeSteps)
            }
            _ = vector.reset(seed: seed)
            // `steps` counts environment steps; the vector takes steps / copies of its own.
            let measurement = try measure(name: name) { steps in
                var episodes = 0
                for index in 0..<max(1, steps / copies) {
                    let step = try vector.step(table[index % tableSteps])
                    for ended in step.terminated where ended { episodes += 1 }
                }
                return episodes
            }
            measurements.append(measurement)
        }
        return measurements
    }

    /// What wrappers turned on by registry options cost: cart-pole made by the
    /// registry with `clip_reward=1` (one wrapper, stepped through the
    /// type-erased composition the registry builds), against the same wrapper
    /// built by hand and stepped in a loop specialised for its type.
    public func measureWrapperOptionsCost(seed: UInt64 = 0) throws -> [Measurement] {
        var byHand = ClipReward(TimeLimit(CartPole(), maxEpisodeSteps: CartPole.maxEpisodeSteps), minimum: -1, maximum: 1)
        let byOption = try EnvironmentRegistry.standard.make("cartpole", options: ["clip_reward": .double(1)])
        return [
            try measure(name: "\(byHand.name) by hand") { try Self.stepSpecialised(&byHand, steps: $0, seed: seed) },
            try measure(name: "\(byOption.name) by option") { try Self.stepOpened(byOption, steps: $0, seed: seed) },
        ]
    }

    /// Opens the existential and steps it; the loop runs unspecialised for the
    /// opened type, as any code that receives a registry-built composition does.
    @inline(never)
    static func stepOpened(_ environment: any Environment, steps: Int, seed: UInt64) throws -> Int {
        func open<E: Environment>(_ environment: E) throws -> Int {
            guard var typed = environment as? any Environment<[Float], Int> else { return 0 }
            return try stepExistentialOpened(&typed, steps: steps, seed: seed)
        }
        return try open(environment)
    }

    @inline(never)
    static func stepExistentialOpened<E: Environment<[Float], Int>>(_ environment: inout E, steps: Int, seed: UInt64) throws -> Int {
        try stepSpecialised(&environment, steps: steps, seed: seed)
    }
}
