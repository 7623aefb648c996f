/// The verdict of one check of ``EnvironmentChecker``.
public struct CheckResult: Sendable, Equatable, CustomStringConvertible {
    /// What was checked, such as `"seeded reset determinism"`.
    public let name: String
    /// Whether the environment passed.
    public let passed: Bool
    /// Why it failed, or what was verified.
    public let detail: String

    public var description: String { "\(passed ? "PASS" : "FAIL") \(name): \(detail)" }
}

/// Validates any environment, a user's too, against the ``Environment`` protocol's
/// contract, as Gymnasium's `check_env` does.
///
/// Each check makes fresh environments with `make`, so checks do not disturb one
/// another. The battery:
/// - stepping before the first reset throws ``EnvironmentError/resetNeeded(environment:)``;
/// - every observation (after reset and after each step) lies in the observation space,
///   and every reward is finite;
/// - the same seed gives the same first observation (seeded reset determinism);
/// - the same seed and actions give the same observations, rewards and flags
///   (seeded step determinism);
/// - after an episode ends, stepping throws ``EnvironmentError/episodeEnded(environment:)``
///   and a reset starts a new episode that can be stepped;
/// - every rendered frame has the same size.
public enum EnvironmentChecker {
    /// Runs every check and returns one verdict per check, in order.
    ///
    /// - Parameters:
    ///   - seed: the seed for resets and for the random actions.
    ///   - steps: how many random steps each rollout takes (episodes restart as needed).
    ///   - make: makes a fresh environment with the configuration under test.
    public static func check<E: Environment>(seed: UInt64 = 0, steps: Int = 300, make: () throws -> E) rethrows -> [CheckResult] {
        var results: [CheckResult] = []
        results.append(checkStepBeforeReset(try make()))
        results.append(checkSpaces(try make(), seed: seed, steps: steps))
        results.append(checkResetDeterminism(try make(), try make(), seed: seed))
        results.append(checkStepDeterminism(try make(), try make(), seed: seed, steps: steps))
        results.append(checkResetAfterEnd(try make(), seed: seed))
        results.append(checkRenderSize(try make(), seed: seed, steps: min(steps, 50)))
        return results
    }

    static func checkStepBeforeReset<E: Environment>(_ environment: E) -> CheckResult {
        let name = "step before reset is refused"
        var environment = environment
        var generator = Xoshiro256(seed: 0)
        do {
            _ = try environment.step(environment.actionSpace.sample(using: &generator))
            return CheckResult(name: name, passed: false, detail: "step(_:) succeeded on a fresh environment; it must throw EnvironmentError.resetNeeded")
        } catch .resetNeeded {
            return CheckResult(name: name, passed: true, detail: "threw resetNeeded")
        } catch {
            return CheckResult(name: name, passed: false, detail: "threw \(error) instead of resetNeeded")
        }
    }

    static func checkSpaces<E: Environment>(_ environment: E, seed: UInt64, steps: Int) -> CheckResult {
        let name = "observations in observation space, finite rewards"
        do {
            var environment = environment
            var generator = Xoshiro256(seed: seed)
            let space = environment.observationSpace
            let first = try environment.reset(seed: seed).observation
            guard space.contains(first) else {
                return CheckResult(name: name, passed: false, detail: "reset(seed: \(seed)) returned \(preview(first)), not in \(space)")
            }
            for index in 0..<steps {
                let action = environment.actionSpace.sample(using: &generator)
                let step: Step<E.Observation>
                do { step = try environment.step(action) } catch {
                    return CheckResult(name: name, passed: false, detail: "step \(index) with action \(action) threw: \(error)")
                }
                guard space.contains(step.observation) else {
                    return CheckResult(name: name, passed: false, detail: "step \(index) returned \(preview(step.observation)), not in \(space)")
                }
                guard step.reward.isFinite else {
                    return CheckResult(name: name, passed: false, detail: "step \(index) returned reward \(step.reward)")
                }
                if step.terminated || step.truncated { _ = try environment.reset() }
            }
            return CheckResult(name: name, passed: true, detail: "reset and \(steps) random steps stayed inside \(space)")
        } catch {
            return CheckResult(name: name, passed: false, detail: "reset threw \(error)")
        }
    }

    static func checkResetDeterminism<E: Environment>(_ first: E, _ second: E, seed: UInt64) -> CheckResult {
        let name = "seeded reset determinism"
        do {
            var first = first, second = second
            let a = try first.reset(seed: seed).observation
            // Advance the first environment's stream, then reseed: the seed must win.
            _ = try first.reset()
            let again = try first.reset(seed: seed).observation
            let b = try second.reset(seed: seed).observation
            guard valuesEqual(a, b) else {
                return CheckResult(name: name, passed: false, detail: "two environments reset with seed \(seed) gave different observations: \(preview(a)) vs \(preview(b))")
            }
            guard valuesEqual(a, again) else {
                return CheckResult(name: name, passed: false, detail: "reset(seed: \(seed)) after other episodes gave \(preview(again)), first time \(preview(a)): the seed must fully reseed")
            }
            return CheckResult(name: name, passed: true, detail: "same seed, same first observation")
        } catch {
            return CheckResult(name: name, passed: false, detail: "reset threw \(error)")
        }
    }

    static func checkStepDeterminism<E: Environment>(_ first: E, _ second: E, seed: UInt64, steps: Int) -> CheckResult {
        let name = "seeded step determinism"
        do {
            var environments = [first, second]
            var traces: [[String]] = [[], []]
            for which in 0..<2 {
                var generator = Xoshiro256(seed: seed &+ 1)
                _ = try environments[which].reset(seed: seed)
                for index in 0..<steps {
                    let action = environments[which].actionSpace.sample(using: &generator)
                    guard let step = try? environments[which].step(action) else {
                        return CheckResult(name: name, passed: false, detail: "step \(index) threw")
                    }
                    traces[which].append("\(step.observation) \(step.reward) \(step.terminated) \(step.truncated)")
                    if step.terminated || step.truncated {
                        _ = try environments[which].reset()
                    }
                }
            }
            if let index = traces[0].indices.first(where: { traces[0][$0] != traces[1][$0] }) {
                return CheckResult(name: name, passed: false, detail: "same seed and actions diverged at step \(index): \(traces[0][index].prefix(120)) vs \(traces[1][index].prefix(120))")
            }
            return CheckResult(name: name, passed: true, detail: "\(steps) steps (with resets) identical across two environments")
        } catch {
            return CheckResult(name: name, passed: false, detail: "reset threw \(error)")
        }
    }

    static func checkResetAfterEnd<E: Environment>(_ environment: E, seed: UInt64, maxSteps: Int = 100_000) -> CheckResult {
        let name = "reset after episode end"
        do {
            var environment = environment
            var generator = Xoshiro256(seed: seed)
            _ = try environment.reset(seed: seed)
            var ended = false
            for _ in 0..<maxSteps {
                guard let step = try? environment.step(environment.actionSpace.sample(using: &generator)) else {
                    return CheckResult(name: name, passed: false, detail: "step threw before the episode ended")
                }
                if step.terminated || step.truncated { ended = true; break }
            }
            guard ended else {
                return CheckResult(name: name, passed: false, detail: "no episode ended within \(maxSteps) random steps; wrap it in TimeLimit")
            }
            do {
                _ = try environment.step(environment.actionSpace.sample(using: &generator))
                return CheckResult(name: name, passed: false, detail: "step(_:) after the episode ended succeeded; it must throw EnvironmentError.episodeEnded")
            } catch .episodeEnded {
            } catch {
                return CheckResult(name: name, passed: false, detail: "step after the end threw \(error) instead of episodeEnded")
            }
            let observation = try environment.reset().observation
            guard environment.observationSpace.contains(observation) else {
                return CheckResult(name: name, passed: false, detail: "reset after the end returned \(preview(observation)), not in the observation space")
            }
            do {
                _ = try environment.step(environment.actionSpace.sample(using: &generator))
            } catch {
                return CheckResult(name: name, passed: false, detail: "step after reset threw \(error)")
            }
            return CheckResult(name: name, passed: true, detail: "stepping after the end was refused; reset started a new episode")
        } catch {
            return CheckResult(name: name, passed: false, detail: "reset threw \(error)")
        }
    }

    static func checkRenderSize<E: Environment>(_ environment: E, seed: UInt64, steps: Int) -> CheckResult {
        let name = "render size stable"
        do {
            var environment = environment
            var generator = Xoshiro256(seed: seed)
            _ = try environment.reset(seed: seed)
            guard let first = environment.render() else {
                return CheckResult(name: name, passed: true, detail: "no pixel rendering (render() returns nil)")
            }
            for index in 0..<steps {
                guard let step = try? environment.step(environment.actionSpace.sample(using: &generator)) else { break }
                if step.terminated || step.truncated { _ = try environment.reset() }
                guard let frame = environment.render() else {
                    return CheckResult(name: name, passed: false, detail: "render() returned nil after step \(index) but a frame before")
                }
                guard frame.width == first.width, frame.height == first.height, frame.pixels.count == frame.width * frame.height * 3 else {
                    return CheckResult(name: name, passed: false, detail: "frame after step \(index) is \(frame.width)x\(frame.height), first was \(first.width)x\(first.height)")
                }
            }
            return CheckResult(name: name, passed: true, detail: "every frame \(first.width)x\(first.height)")
        } catch {
            return CheckResult(name: name, passed: false, detail: "reset threw \(error)")
        }
    }

    private static func preview<T>(_ value: T) -> String {
        let text = String(describing: value)
        return text.count > 80 ? text.prefix(80) + "..." : text
    }

    private static func valuesEqual<T>(_ a: T, _ b: T) -> Bool {
        if let a = a as? any Equatable { return a.isEqual(to: b) }
        return String(describing: a) == String(describing: b)
    }
}

extension Equatable {
    fileprivate func isEqual(to other: Any) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}

extension EnvironmentSpec {
    /// Runs ``EnvironmentChecker`` on this environment with the given option overrides.
    public func check(options overrides: [String: InfoValue] = [:], seed: UInt64 = 0) throws -> [CheckResult] {
        let first = try make(overrides)
        return try checkOpened(first, overrides: overrides, seed: seed)
    }

    private func checkOpened<E: Environment>(_ first: E, overrides: [String: InfoValue], seed: UInt64) throws -> [CheckResult] {
        var pending: E? = first
        return try EnvironmentChecker.check(seed: seed) {
            if let environment = pending {
                pending = nil
                return environment
            }
            guard let environment = try make(overrides) as? E else {
                preconditionFailure("factory of '\(name)' returned a different type on a second call")
            }
            return environment
        }
    }
}
