@testable import Environments

/// A walk on a line: start drawn from the seed in 0...2, action 1 moves right,
/// 0 moves left; reaching 5 terminates with reward 1, every other step costs 0.1.
/// The observation is the position and a per-episode label drawn from the seed,
/// so a reset that ignores its seed shows.
struct LineWalk: Environment {
    var observationSpace: Box { Box(low: [-100, 0], high: [100, 1]) }
    var actionSpace: Discrete { Discrete(2) }
    var position = 0
    var label: Float = 0
    var generator = Xoshiro256(seed: 0)
    var phase = EpisodePhase.needsReset

    mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
        if let seed { generator = Xoshiro256(seed: seed) }
        position = generator.nextInt(upperBound: 3)
        label = generator.nextUnitFloat()
        phase = .running
        return Reset(observation: [Float(position), label])
    }

    mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: "\(action)", space: "\(actionSpace)")
        }
        position += action == 1 ? 1 : -1
        let terminated = position >= 5
        if terminated { phase = .ended }
        return Step(observation: [Float(position), label], reward: terminated ? 1 : -0.1, terminated: terminated, truncated: false)
    }

    func render() -> Frame? {
        var canvas = Canvas(width: 12, height: 2)
        canvas.fillRect(x: max(0, min(11, position + 5)), y: 0, width: 1, height: 2, color: .white)
        return canvas.frame
    }
}

/// Faults that ``BrokenWalk`` can be given, one per checker rule.
enum Fault: CaseIterable {
    case ignoresSeed, leavesSpace, stepsAfterEnd, stepsBeforeReset, changesFrameSize
}

/// ``LineWalk`` with one deliberate fault, to prove the checker catches each.
struct BrokenWalk: Environment {
    var inner = LineWalk()
    let fault: Fault
    var resets: UInt64 = 0
    var steps = 0

    var observationSpace: Box { fault == .leavesSpace ? Box(low: [0, 0], high: [3, 1]) : inner.observationSpace }
    var actionSpace: Discrete { inner.actionSpace }

    mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
        resets += 1
        steps = 0
        return inner.reset(seed: fault == .ignoresSeed ? resets : seed, options: options)
    }

    mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        steps += 1
        if fault == .stepsAfterEnd || fault == .stepsBeforeReset { inner.phase = .running }
        return try inner.step(action)
    }

    func render() -> Frame? {
        fault == .changesFrameSize && steps % 2 == 1 ? Frame(width: 3, height: 3) : inner.render()
    }
}

/// A fully predictable environment for wrapper and vector tests: the
/// observation is `[count, lastAction, tag]` where `count` is the steps taken in
/// the episode, `lastAction` the last action taken (-1 after reset) and `tag`
/// the last seed given to reset (plus 100 per unseeded reset since). Action `a`
/// in `Discrete(3)` earns reward `a + count / 10` (count after the step); the
/// episode terminates when `count` reaches `length`, never truncates.
struct Counter: Environment {
    var length: Int
    var count = 0
    var lastAction = -1
    var tag: Float = 0
    var phase = EpisodePhase.needsReset
    var observationSpace: Box { Box(low: [0, -1, 0], high: [1000, 2, 100_000]) }
    var actionSpace: Discrete { Discrete(3) }

    init(length: Int = 3) { self.length = length }

    var observation: [Float] { [Float(count), Float(lastAction), tag] }

    mutating func reset(seed: UInt64?, options: Info) -> Reset<[Float]> {
        if let seed { tag = Float(seed) } else { tag += 100 }
        count = 0
        lastAction = -1
        phase = .running
        return Reset(observation: observation, info: ["reset_tag": .double(Double(tag))])
    }

    mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: "\(action)", space: "\(actionSpace)")
        }
        count += 1
        lastAction = action
        let terminated = count >= length
        if terminated { phase = .ended }
        return Step(observation: observation, reward: Double(action) + Double(count) / 10,
                    terminated: terminated, truncated: false)
    }
}
