import Environments
import Foundation

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
        try measureVector(label: "cartpole", copies: copies, threads: threads, seed: seed) { _ in
            TimeLimit(CartPole(), maxEpisodeSteps: CartPole.maxEpisodeSteps)
        }
    }

    /// ``measureVector(copies:threads:seed:)`` for any environment with
    /// `[Float]` observations and `Int` actions, fully specialised for its type;
    /// `label` names it in the rows.
    ///
    /// The cases take turns, one repetition each (see ``measureInterleaved(_:)``),
    /// so that on a shared machine every case meets the same spells of load.
    public func measureVector<E: Environment>(label: String, copies: Int, threads: Int, seed: UInt64 = 0,
                                              make: (Int) throws -> E) throws -> [Measurement]
    where E.Observation == [Float], E.Action == Int {
        let tableSteps = 1024
        var generator = Xoshiro256(seed: seed)
        let actionSpace = try make(0).actionSpace
        let table: [[Int]] = (0..<tableSteps).map { _ in (0..<copies).map { _ in actionSpace.sample(using: &generator) } }
        let schedulings: [(String, VectorScheduling)] = [
            ("\(copies) x \(label), 1 thread", .serial),
            ("\(copies) x \(label), \(threads) worker threads", .workerThreads(threads)),
            ("\(copies) x \(label), concurrentPerform(\(threads))", .dispatch(threads)),
        ]
        var cases: [(name: String, run: (Int) throws -> Int)] = []
        for (name, scheduling) in schedulings {
            let vector = try VectorEnvironment(count: copies, scheduling: scheduling, make: make)
            _ = try vector.reset(seed: seed)
            // `steps` counts environment steps; the vector takes steps / copies of its own.
            cases.append((name, { steps in
                var episodes = 0
                for index in 0..<max(1, steps / copies) {
                    let step = try vector.step(table[index % tableSteps])
                    for ended in step.terminated where ended { episodes += 1 }
                }
                return episodes
            }))
        }
        return try measureInterleaved(cases)
    }

    /// ``measure(name:run:)`` for several cases that take turns: repetition 1 of
    /// every case, then repetition 2 of every case, and so on, each reporting
    /// its fastest and median repetition. Every case runs the step count
    /// calibrated on the first (with ``targetSeconds``), so their rows compare.
    func measureInterleaved(_ cases: [(name: String, run: (Int) throws -> Int)]) throws -> [Measurement] {
        guard let first = cases.first else { return [] }
        var stepCount = steps
        if let targetSeconds {
            let calibrationSteps = 10_000
            let start = monotonicSeconds()
            _ = try first.run(calibrationSteps)
            let perStep = max(monotonicSeconds() - start, 1e-9) / Double(calibrationSteps)
            stepCount = max(calibrationSteps, Int(min(targetSeconds / perStep, 1e10)))
        }
        var durations = [[Double]](repeating: [], count: cases.count)
        var episodes = [Int](repeating: 0, count: cases.count)
        for _ in 0..<repetitions {
            for (index, measured) in cases.enumerated() {
                let start = monotonicSeconds()
                episodes[index] = try measured.run(stepCount)
                durations[index].append(max(monotonicSeconds() - start, 1e-9))
            }
        }
        return cases.indices.map { index in
            let sorted = durations[index].sorted()
            return Measurement(name: cases[index].name, steps: stepCount, episodes: episodes[index],
                               bestSeconds: sorted[0], medianSeconds: sorted[sorted.count / 2])
        }
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

extension EnvironmentBenchmark {
    /// The parallel speed-up the machine offers right now, as a control for the
    /// vector rows: `threads` independent chains of arithmetic (no shared data,
    /// no synchronisation inside) run one after another, then at once with
    /// `DispatchQueue.concurrentPerform`. On an idle machine the second row is
    /// close to `threads`× faster; on a shared, busy one it shows how much of
    /// that the vector could ever get. `steps` counts arithmetic rounds.
    public func measureParallelControl(threads: Int = 2) -> [Measurement] {
        let results = UnsafeMutablePointer<Double>.allocate(capacity: threads)
        defer { results.deallocate() }
        results.initialize(repeating: 0, count: threads)
        let sequential = measure(name: "\(threads) arithmetic chains, 1 thread") { steps in
            for chain in 0..<threads { results[chain] = Self.arithmeticChain(rounds: steps / threads, seed: Double(chain + 1)) }
            return results[0] > 0 ? 0 : 1
        }
        let output = UncheckedResults(pointer: results)
        let parallel = measure(name: "\(threads) arithmetic chains, \(threads) threads") { steps in
            DispatchQueue.concurrentPerform(iterations: threads) { chain in
                output.pointer[chain] = Self.arithmeticChain(rounds: steps / threads, seed: Double(chain + 1))
            }
            return results[0] > 0 ? 0 : 1
        }
        return [sequential, parallel]
    }

    /// A dependent chain of multiply-add and square root that the optimiser cannot shorten.
    @inline(never)
    static func arithmeticChain(rounds: Int, seed: Double) -> Double {
        var value = seed
        for _ in 0..<rounds { value = (value * 1.000_000_1 + 0.5).squareRoot() }
        return value
    }
}

/// Result slots written by separate threads, one slot each.
private struct UncheckedResults: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
}
