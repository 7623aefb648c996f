/// A MinAtar game as an ``Environment``: the reference's `minatar.Environment`
/// (sticky actions) and its Gymnasium wrapper (`minatar.gym.BaseEnv`: action
/// set, reset with a seed) in one type.
///
/// ## Actions
///
/// `Discrete(6)` over ``MinAtarAction`` (no-op, left, up, right, down, fire),
/// or with `minimalActions` `Discrete(k)` whose values index
/// ``MinAtarGame/minimalActions`` in MinAtar's order (for example Breakout's
/// `[no-op, left, right]`). ``actionSet`` maps an action value to its
/// ``MinAtarAction``.
///
/// ## Sticky actions
///
/// As in the reference, before each frame the environment draws a uniform
/// number; below ``stickyActionProbability`` (default 0.1) the agent's action is
/// replaced by the action actually taken in the previous frame. As in the
/// reference, the previous action starts at no-op (so with probability 1 the
/// game only ever sees no-op) and carries over from one episode into the next,
/// across a reset with a seed too (the reference's seed reseeds only its
/// generator). So a seed decides an episode of a fresh environment; in an
/// environment that already played, the first frames of an episode may repeat
/// the previous episode's last action, as in the reference. The reset option
/// `"previous_action"` (a ``MinAtarAction`` raw value, 0–5) sets that memory
/// when an episode must be reproduced on its own. Sticky actions live inside
/// the environment, as in the reference, so published MinAtar results compare
/// like with like.
///
/// ## Observation
///
/// `[Float]` of 0 and 1, channels-first `[n, 10, 10]` (`Box(low: 0, high: 1)`):
/// entry `(c · 10 + y) · 10 + x` is 1 when channel `c` (the game's `Channel`,
/// MinAtar's meaning and order) is active at column `x`, row `y` (row 0 at the
/// top). The reference's `state()` is the same array laid out `[10, 10, n]`.
/// The array is kept between steps and only the cells whose value changed are
/// rewritten.
///
/// ## Episode End
///
/// - Termination: the game's own terminal condition (see each game).
/// - Truncation: Freeway's 2500-frame clock, which the observation does not
///   show (the reference reports it as terminal; see ``Freeway``).
///
/// ## Randomness
///
/// One ``Xoshiro256`` drives the game and the sticky actions. `reset(seed:)`
/// reseeds it; `reset(seed: nil)` continues its stream.
public struct MinAtarEnvironment<Game: MinAtarGame>: Environment {
    public let observationSpace: Box
    public let actionSpace: Discrete
    /// The game action each action value stands for: all six, or the game's minimal set.
    public let actionSet: [MinAtarAction]
    /// The probability that a frame repeats the previous frame's action instead
    /// of the agent's.
    public let stickyActionProbability: Double
    /// Whether games with a difficulty ramp (Asterix, Seaquest, Space Invaders) use it.
    public let difficultyRamping: Bool
    public var name: String { "MinAtar/\(Game.gameName)" }

    /// The game's rules and state.
    public private(set) var game: Game
    /// Whether the episode may be stepped.
    public private(set) var phase = EpisodePhase.needsReset
    /// The action the game received in the last frame (after sticky actions),
    /// kept across resets; no-op before the first frame.
    public private(set) var previousAction = MinAtarAction.noOp
    /// Frames stepped in the current episode.
    public private(set) var frameCount = 0
    private var generator: Xoshiro256
    /// Kept between steps; only cells that change are written.
    private var observation: [Float]
    /// The planes the observation currently shows.
    private var shownPlanes: MinAtar.Planes

    /// Creates the environment.
    ///
    /// - Parameters:
    ///   - stickyActionProbability: in `[0, 1]`; MinAtar's default is 0.1.
    ///   - minimalActions: use the game's minimal action set instead of all six.
    ///   - difficultyRamping: let the game grow harder over time as the reference does.
    ///   - seed: seeds the generator; `nil` seeds it from system entropy, as Gymnasium does.
    public init(stickyActionProbability: Double = 0.1, minimalActions: Bool = false, difficultyRamping: Bool = true, seed: UInt64? = nil) {
        precondition((0...1).contains(stickyActionProbability),
                     "sticky action probability must lie in [0, 1], got \(stickyActionProbability)")
        self.stickyActionProbability = stickyActionProbability
        self.difficultyRamping = difficultyRamping
        self.actionSet = minimalActions ? Game.minimalActions : MinAtarAction.allCases
        self.actionSpace = Discrete(actionSet.count)
        let channels = Game.channelCount
        self.observationSpace = Box(low: 0, high: 1, shape: [channels, MinAtar.gridSize, MinAtar.gridSize])
        self.observation = [Float](repeating: 0, count: channels * MinAtar.cellsPerPlane)
        self.shownPlanes = MinAtar.Planes(channelCount: channels)
        self.generator = seed.map(Xoshiro256.init(seed:)) ?? Xoshiro256()
        self.game = Game(difficultyRamping: difficultyRamping)
        game.reset(using: &generator)
        refreshObservation()
    }

    /// Starts an episode: puts the game in its start state. A `seed` reseeds the
    /// generator; `nil` continues its stream. Either way ``previousAction``
    /// carries over, as in the reference, unless the option `"previous_action"`
    /// (a ``MinAtarAction`` raw value) sets it.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   when `"previous_action"` is not an int in `0..<6`.
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<[Float]> {
        let givenPrevious = try options.resetInteger(Self.previousActionOption, in: 0..<MinAtarAction.allCases.count, of: name)
        if let seed { generator = Xoshiro256(seed: seed) }
        if let givenPrevious { previousAction = MinAtarAction(rawValue: givenPrevious)! }
        game.reset(using: &generator)
        frameCount = 0
        phase = .running
        refreshObservation()
        return Reset(observation: observation)
    }

    /// The reset option that sets ``previousAction``.
    public static var previousActionOption: String { "previous_action" }

    /// The previous action, which the next episode starts with (sticky actions
    /// may repeat it on its first frame).
    public var carriedResetOptions: Info { [Self.previousActionOption: .int(previousAction.rawValue)] }

    /// Advances one frame; see the game's documentation for the rules.
    public mutating func step(_ action: Int) throws(EnvironmentError) -> Step<[Float]> {
        try phase.checkCanStep(name)
        guard action >= 0, action < actionSet.count else {
            throw .invalidAction(environment: name, action: String(action), space: actionSpace.description)
        }
        var chosen = actionSet[action]
        if stickyActionProbability > 0, generator.nextUnitDouble() < stickyActionProbability {
            chosen = previousAction
        }
        previousAction = chosen
        frameCount += 1
        let outcome = game.act(chosen, using: &generator)
        refreshObservation()
        if outcome.terminated || outcome.truncated { phase = .ended }
        return Step(observation: observation, reward: Double(outcome.reward),
                    terminated: outcome.terminated, truncated: outcome.truncated && !outcome.terminated)
    }

    /// The current observation (the one the last reset or step returned).
    public var currentObservation: [Float] { observation }

    /// The current observation planes, one mask per channel.
    public var currentPlanes: MinAtar.Planes { shownPlanes }

    /// The difficulty ramp's level (MinAtar's `difficulty_ramp()`), `nil` for
    /// games without one.
    public var difficultyLevel: Int? { game.difficultyLevel }

    /// Draws the game into fresh planes and writes only the cells that differ
    /// from the planes shown so far.
    private mutating func refreshObservation() {
        var drawnPlanes = MinAtar.Planes(channelCount: shownPlanes.channelCount)
        // Through a pointer: a plain `game.draw(into:)` inside this mutating
        // method copies the whole game first (hundreds of bytes, and a retain
        // of each of Seaquest's lists) on every frame.
        withUnsafeMutablePointer(to: &game) { $0.pointee.draw(into: &drawnPlanes) }
        for channel in 0..<drawnPlanes.channelCount {
            let drawn = drawnPlanes[channel].bits
            let changed = shownPlanes[channel].bits ^ drawn
            guard changed != 0 else { continue }
            shownPlanes[channel] = drawnPlanes[channel]
            let base = channel * MinAtar.cellsPerPlane
            observation.withUnsafeMutableBufferPointer { values in
                var appeared = changed & drawn, vanished = changed & ~drawn
                while appeared != 0 {
                    values[base + appeared.trailingZeroBitCount] = 1
                    appeared &= appeared &- 1
                }
                while vanished != 0 {
                    values[base + vanished.trailingZeroBitCount] = 0
                    vanished &= vanished &- 1
                }
            }
        }
    }
}

/// MinAtar Breakout as an environment.
public typealias BreakoutEnvironment = MinAtarEnvironment<Breakout>
/// MinAtar Space Invaders as an environment.
public typealias SpaceInvadersEnvironment = MinAtarEnvironment<SpaceInvaders>
/// MinAtar Freeway as an environment.
public typealias FreewayEnvironment = MinAtarEnvironment<Freeway>
/// MinAtar Asterix as an environment.
public typealias AsterixEnvironment = MinAtarEnvironment<Asterix>
/// MinAtar Seaquest as an environment.
public typealias SeaquestEnvironment = MinAtarEnvironment<Seaquest>
