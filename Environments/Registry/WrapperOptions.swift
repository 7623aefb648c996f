import Foundation

// Wrappers by option: every registered environment takes the options below,
// so `--set env.frame_stack=4` works for any of them without a registration
// of its own.
//
// Design. A spec's factory returns one concrete type `E`. The wrappers an
// option turns on change that type (`FrameStack<ClipReward<E>>`), and which
// ones are on is known only when the options are read, so a factory cannot
// name the result type in advance. Two ways out were weighed:
//
// - One "all wrappers" struct with runtime switches, applied to every
//   environment: one type per spec, fully specialised, but every environment
//   would then be that struct (its name, its `as? TimeLimit<CartPole>` casts and
//   its cost would change for users who set no option).
// - The real wrapper types, nested at run time by a recursive generic function
//   and returned as `any Environment`: the composition shows in the type and in
//   `name` (`ClipReward<FrameStack<TimeLimit<CartPole>>>`), exactly as a user
//   would build it by hand.
//
// The second is used. With every wrapper option at its default the factory's
// own value is returned untouched, so the common case keeps its type and its
// specialised rollouts. With some option set, the stack is built through
// generic code that the optimiser cannot specialise for every combination:
// each layer's step runs through the wrapped type's witness table. `rlrun bench
// envs` measures the cost (the "wrappers by option" rows). Code that wants the
// fully specialised stack builds it by hand (`FrameStack(TimeLimit(...), ...)`).
//
// The wrappers apply to environments with `[Float]` observations in a `Box` and
// `Int` or `[Float]` actions, innermost first in this order: sticky action, action repeat,
// mask, normalise observation, frame stack, clip reward. So the sticky draw
// happens at every inner step of a repeat (as the ALE's sticky actions under a
// frame skip), normalisation sees the masked vector, frames are stacked after
// normalising (as rl-baselines3-zoo does), and rewards are clipped after the
// repeat's sum (as DQN on Atari). A `TimeLimit` made by the factory sits inside
// all of them and counts inner steps.
//
// A spec whose factory declares an option of the same name (a game with its
// own sticky-action probability, say) keeps its own declaration and meaning;
// the wrapper of that name is then not applied by the registry. A spec whose
// environment has sticky actions under another name (MinAtar's
// `sticky_action_probability`) names that option as its `stickyActionOption`,
// and the registry refuses `sticky_action` while both are on: stacked, a frame
// would repeat an action with a probability neither option states.

/// The wrappers that registry options can turn on, read from resolved options.
public struct WrapperSettings: Equatable, Sendable {
    /// `sticky_action`: probability of repeating the previous action (0: off).
    public var stickyActionProbability: Double = 0
    /// `action_repeat`: inner steps per action (1: off).
    public var actionRepeat: Int = 1
    /// `mask`: flat observation indices to hide (empty: off).
    public var maskedIndices: [Int] = []
    /// `mask_mode`: zero or drop the hidden entries.
    public var maskMode: ObservationMaskMode = .zero
    /// `normalize_observation`: running mean and variance normalisation.
    public var normalizeObservation = false
    /// `normalize_observation_clip`: clip normalised entries to ±this (0: no clipping).
    public var normalizeObservationClip: Double = 0
    /// `frame_stack`: observations stacked along the first axis (1: off).
    public var frameStack: Int = 1
    /// `clip_reward`: clip rewards to ±this (0: off).
    public var clipReward: Double = 0

    /// No wrapper at all.
    public init() {}

    /// Whether no wrapper is turned on.
    public var isEmpty: Bool { self == WrapperSettings() }

    /// The option names, as typed after `--set env.`.
    public enum Key {
        public static let stickyAction = "sticky_action"
        public static let actionRepeat = "action_repeat"
        public static let mask = "mask"
        public static let maskMode = "mask_mode"
        public static let normalizeObservation = "normalize_observation"
        public static let normalizeObservationClip = "normalize_observation_clip"
        public static let frameStack = "frame_stack"
        public static let clipReward = "clip_reward"
    }

    /// The declarations every spec receives (unless it declares a name itself).
    public static let optionSpecs: [OptionSpec] = [
        .int(Key.frameStack, default: 1, "wrapper: stack the last k observations along the first axis (1: off)"),
        .bool(Key.normalizeObservation, default: false, "wrapper: normalise observations by running mean and variance"),
        .double(Key.normalizeObservationClip, default: 0, "wrapper: clip normalised observations to +-c (0: no clipping)"),
        .double(Key.clipReward, default: 0, "wrapper: clip rewards to [-c, c] (0: off)"),
        .double(Key.stickyAction, default: 0, "wrapper: repeat the previous action with this probability (0: off)"),
        .int(Key.actionRepeat, default: 1, "wrapper: repeat each action k times, summing rewards (1: off)"),
        .string(Key.mask, default: "", "wrapper: comma-separated flat observation indices to hide (empty: off)"),
        .string(Key.maskMode, default: "zero", "wrapper: zero (keep the shape) or drop the hidden entries"),
    ]

    /// Reads the settings from `options`, skipping names in `ownedByEnvironment`.
    ///
    /// - Throws: ``OptionError/badValue(option:value:expected:)`` for values out of range.
    public init(options: EnvironmentOptions, ownedByEnvironment: Set<String> = []) throws(OptionError) {
        func declared(_ key: String) -> Bool { !ownedByEnvironment.contains(key) && options.values[key] != nil }
        if declared(Key.stickyAction) {
            stickyActionProbability = options.double(Key.stickyAction)
            guard stickyActionProbability >= 0, stickyActionProbability <= 1 else {
                throw .badValue(option: Key.stickyAction, value: String(stickyActionProbability), expected: "probability in [0, 1]")
            }
        }
        if declared(Key.actionRepeat) {
            actionRepeat = try options.int(Key.actionRepeat, in: 1...OptionLimits.actionRepeat)
        }
        if declared(Key.mask) {
            let text = options.string(Key.mask)
            for part in text.split(separator: ",") {
                guard let index = Int(part.trimmingCharacters(in: .whitespaces)), index >= 0 else {
                    throw .badValue(option: Key.mask, value: text, expected: "comma-separated non-negative indices such as 1,3")
                }
                maskedIndices.append(index)
            }
        }
        if declared(Key.maskMode) {
            let text = options.string(Key.maskMode)
            guard let mode = ObservationMaskMode(rawValue: text.lowercased()) else {
                throw .badValue(option: Key.maskMode, value: text, expected: "zero or drop")
            }
            maskMode = mode
        }
        if declared(Key.normalizeObservation) { normalizeObservation = options.bool(Key.normalizeObservation) }
        if declared(Key.normalizeObservationClip) {
            normalizeObservationClip = options.double(Key.normalizeObservationClip)
            guard normalizeObservationClip >= 0 else {
                throw .badValue(option: Key.normalizeObservationClip, value: String(normalizeObservationClip), expected: "non-negative number")
            }
        }
        if declared(Key.frameStack) {
            frameStack = try options.int(Key.frameStack, in: 1...OptionLimits.frameStack)
        }
        if declared(Key.clipReward) {
            clipReward = options.double(Key.clipReward)
            guard clipReward >= 0 else {
                throw .badValue(option: Key.clipReward, value: String(clipReward), expected: "non-negative number")
            }
        }
    }

    /// Wraps `environment` as the settings say; returns it untouched when none is on.
    ///
    /// - Throws: ``OptionError`` when a wrapper is on but the environment does
    ///   not observe `[Float]` in a `Box` with `Int` or `[Float]` actions, or a mask index lies
    ///   outside the observation.
    public func apply<E: Environment>(to environment: E) throws(OptionError) -> any Environment {
        guard !isEmpty else { return environment }
        func unsupported() -> OptionError {
            let setting = firstActiveSetting
            return .badValue(option: setting.key, value: setting.value,
                             expected: "setting here: the wrappers take [Float] observations in a Box and Int or [Float] actions, and \(environment.name) has \(environment.observationSpace) and \(environment.actionSpace)")
        }
        guard let box = environment.observationSpace.lookingThroughAnySpace(as: Box.self) else { throw unsupported() }
        // Both factors are bounded, so the product cannot overflow.
        if frameStack > 1, frameStack * box.low.count > OptionLimits.observationEntries {
            throw .badValue(option: Key.frameStack, value: String(frameStack),
                            expected: "stack size whose observation (\(frameStack) × \(box.low.count) floats) stays within \(OptionLimits.observationEntries) floats")
        }
        if let outside = maskedIndices.first(where: { $0 >= box.low.count }) {
            throw .badValue(option: Key.mask, value: String(outside), expected: "index below the observation size \(box.low.count)")
        }
        if maskMode == .drop, Set(maskedIndices).count >= box.low.count {
            throw .badValue(option: Key.mask, value: maskedIndices.map(String.init).joined(separator: ","), expected: "mask that leaves at least one entry")
        }
        if let discrete = environment as? any Environment<[Float], Int> { return wrapStickyAction(discrete) }
        if let continuous = environment as? any Environment<[Float], [Float]> { return wrapStickyAction(continuous) }
        throw unsupported()
    }

    /// The first wrapper option that is on, in wrapping order, with its value as typed.
    private var firstActiveSetting: (key: String, value: String) {
        if stickyActionProbability != 0 { return (Key.stickyAction, String(stickyActionProbability)) }
        if actionRepeat != 1 { return (Key.actionRepeat, String(actionRepeat)) }
        if !maskedIndices.isEmpty { return (Key.mask, maskedIndices.map(String.init).joined(separator: ",")) }
        if normalizeObservation { return (Key.normalizeObservation, String(normalizeObservation)) }
        if frameStack != 1 { return (Key.frameStack, String(frameStack)) }
        return (Key.clipReward, String(clipReward))
    }

    // Each stage opens the concrete type, adds its wrapper if on, and passes the
    // result to the next stage; the last returns it erased.

    private func wrapStickyAction<E: Environment>(_ environment: E) -> any Environment where E.Observation == [Float] {
        stickyActionProbability > 0
            ? wrapActionRepeat(StickyAction(environment, probability: stickyActionProbability))
            : wrapActionRepeat(environment)
    }

    private func wrapActionRepeat<E: Environment>(_ environment: E) -> any Environment where E.Observation == [Float] {
        actionRepeat > 1 ? wrapMask(ActionRepeat(environment, repeatCount: actionRepeat)) : wrapMask(environment)
    }

    private func wrapMask<E: Environment>(_ environment: E) -> any Environment where E.Observation == [Float] {
        maskedIndices.isEmpty
            ? wrapNormalize(environment)
            : wrapNormalize(ObservationMask(environment, hiding: maskedIndices, mode: maskMode))
    }

    private func wrapNormalize<E: Environment>(_ environment: E) -> any Environment where E.Observation == [Float] {
        normalizeObservation
            ? wrapFrameStack(NormalizeObservation(environment, clipRange: normalizeObservationClip > 0 ? normalizeObservationClip : nil))
            : wrapFrameStack(environment)
    }

    private func wrapFrameStack<E: Environment>(_ environment: E) -> any Environment where E.Observation == [Float] {
        frameStack > 1 ? wrapClipReward(FrameStack(environment, stackSize: frameStack)) : wrapClipReward(environment)
    }

    private func wrapClipReward<E: Environment>(_ environment: E) -> any Environment where E.Observation == [Float] {
        clipReward > 0 ? ClipReward(environment, minimum: -clipReward, maximum: clipReward) : environment
    }
}
