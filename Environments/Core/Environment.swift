/// A reinforcement-learning environment with Gymnasium's semantics.
///
/// An episode starts with ``reset(seed:options:)`` and advances with
/// ``step(_:)`` until the step result says `terminated` or `truncated`; then the
/// environment must be reset before it is stepped again.
///
/// - ``reset(seed:options:)`` returns the first observation and an info
///   dictionary. A seed reseeds the environment's own generator; `nil` keeps the
///   generator where it is, so the next episode continues the same random stream.
///   Seed once, then let the stream run.
/// - ``step(_:)`` returns a ``Step``: observation, reward, `terminated` (the MDP
///   reached a terminal state: agents must not bootstrap) and `truncated` (an
///   outside limit, usually time, ended the episode: agents must bootstrap).
///   Stepping before the first reset, or after an episode ended, throws
///   ``EnvironmentError`` naming the environment instead of continuing silently.
///
/// Observations that agents learn from are `[Float]` laid out row-major with the
/// shape of the observation space (images channels-first, `[C, H, W]`).
///
/// The primary associated types let heterogeneous environments be stored as
/// `any Environment<[Float], Int>`, or as ``AnyEnvironment`` where a type that
/// conforms is needed (a vector's copies), while generic code (wrappers,
/// benchmarks, runners) stays fully specialised. Wrappers conform to
/// ``Wrapper``, which forwards everything they do not change.
public protocol Environment<Observation, Action> {
    /// What ``reset(seed:options:)`` and ``step(_:)`` return to the agent.
    associatedtype Observation
    /// What the agent passes to ``step(_:)``.
    associatedtype Action
    /// The space every observation lies in.
    associatedtype ObservationSpace: Space where ObservationSpace.Element == Observation
    /// The space of valid actions.
    associatedtype ActionSpace: Space where ActionSpace.Element == Action

    /// The set every observation belongs to.
    var observationSpace: ObservationSpace { get }
    /// The set of valid actions.
    var actionSpace: ActionSpace { get }
    /// A short name for messages, such as `"CartPole"` or `"TimeLimit<GridWorld>"`.
    var name: String { get }

    /// Starts a new episode and returns its first observation.
    ///
    /// - Parameters:
    ///   - seed: reseeds the environment's generator when given; when `nil` the
    ///     generator continues its stream.
    ///   - options: environment-specific reset options (for example a start state).
    ///     Keys an environment does not read are ignored, as in Gymnasium.
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   when an option the environment reads has the wrong type or value. The
    ///   environments and wrappers of this package check options before they
    ///   change anything, so a failed reset leaves them as they were.
    mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Observation>

    /// Advances the episode by one action.
    ///
    /// - Throws: ``EnvironmentError/resetNeeded(environment:)`` before the first
    ///   reset, ``EnvironmentError/episodeEnded(environment:)`` after the episode
    ///   ended, ``EnvironmentError/invalidAction(environment:action:space:)`` when
    ///   the action lies outside ``actionSpace``.
    mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation>

    /// Draws the current state as RGB pixels, or `nil` when the environment has
    /// no pixel rendering. Drawing never changes the state. For a given
    /// environment configuration, every frame has the same size.
    func render() -> Frame?

    /// The current state as text for a terminal (may contain ANSI colour codes),
    /// or `nil` when the environment has no text rendering.
    func renderANSI() -> String?

    /// The reset options that reproduce what the environment carries from one
    /// episode into the next, read just after a reset: the start of the episode
    /// depends on its seed and these. Empty (the default) for environments that
    /// carry nothing; MinAtar's games carry their previous action (for sticky
    /// actions), as the reference does. Episode logs record them, so one episode
    /// replays alone.
    var carriedResetOptions: Info { get }
}

extension Environment {
    public var name: String { String(describing: Self.self) }

    public func render() -> Frame? { nil }

    public func renderANSI() -> String? { nil }

    /// Nothing is carried between episodes.
    public var carriedResetOptions: Info { [:] }

    /// Starts a new episode without options; see ``reset(seed:options:)``.
    public mutating func reset(seed: UInt64? = nil) throws(EnvironmentError) -> Reset<Observation> {
        try reset(seed: seed, options: [:])
    }
}

/// What ``Environment/reset(seed:options:)`` returns: the first observation and info.
public struct Reset<Observation> {
    /// The episode's first observation.
    public var observation: Observation
    /// Auxiliary diagnostics (never needed to act).
    public var info: Info

    /// Creates a reset result.
    public init(observation: Observation, info: Info = [:]) {
        self.observation = observation
        self.info = info
    }
}

extension Reset: Sendable where Observation: Sendable {}
extension Reset: Equatable where Observation: Equatable {}

/// The result of one ``Environment/step(_:)``.
public struct Step<Observation> {
    /// The observation after the action.
    public var observation: Observation
    /// The reward for the transition.
    public var reward: Double
    /// The MDP reached a terminal state (goal, death). Do not bootstrap from
    /// ``observation``: the value of a terminal state is zero.
    public var terminated: Bool
    /// A condition outside the MDP ended the episode (usually a time limit).
    /// The state is not terminal: bootstrap from ``observation``.
    public var truncated: Bool
    /// Auxiliary diagnostics, such as episode statistics at the end of an episode.
    public var info: Info

    /// Creates a step result.
    public init(observation: Observation, reward: Double, terminated: Bool, truncated: Bool, info: Info = [:]) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    /// The episode is over, by termination or truncation: reset before stepping again.
    @inlinable public var isEpisodeOver: Bool { terminated || truncated }
}

extension Step: Sendable where Observation: Sendable {}
extension Step: Equatable where Observation: Equatable {}

/// Gymnasium's `info` dictionary: auxiliary diagnostics keyed by name.
///
/// An empty dictionary literal does not allocate, so environments that report
/// nothing pay nothing per step.
public typealias Info = [String: InfoValue]

/// One value in an ``Info`` dictionary.
public enum InfoValue: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case doubles([Double])

    /// The value as a `Double`, when it is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The value as an `Int`, when it is an integer.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The value as a `Bool`, when it is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value as `[Double]`, when it is a list of numbers.
    public var doublesValue: [Double]? {
        if case .doubles(let value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .doubles(let value): return "[" + value.map { String($0) }.joined(separator: ", ") + "]"
        }
    }
}

// Literals, so options read as Gymnasium's keyword arguments do:
// `["max_episode_steps": 200, "state": [0, 0, 0.1, 0]]`.
extension InfoValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    /// An ``int(_:)``.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A ``double(_:)``.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A ``doubles(_:)``, the only list an ``InfoValue`` holds: its elements are
    /// numbers, integer literals included (`[0, 0, 0.1, 0]`).
    public init(arrayLiteral elements: Double...) { self = .doubles(elements) }
}

/// A misuse of an environment, reported instead of continuing silently.
public enum EnvironmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ``Environment/step(_:)`` was called before the first reset.
    case resetNeeded(environment: String)
    /// ``Environment/step(_:)`` was called after the episode ended.
    case episodeEnded(environment: String)
    /// The action is not in the action space.
    case invalidAction(environment: String, action: String, space: String)
    /// A reset option the environment reads has the wrong type or value.
    case invalidResetOption(environment: String, option: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .resetNeeded(let environment):
            return "\(environment): step(_:) called before reset(); call reset(seed:) to start an episode"
        case .episodeEnded(let environment):
            return "\(environment): step(_:) called after the episode ended (terminated or truncated); call reset() before stepping again"
        case .invalidAction(let environment, let action, let space):
            return "\(environment): action \(action) is not in the action space \(space)"
        case .invalidResetOption(let environment, let option, let value, let expected):
            return "\(environment): reset option '\(option)' is \(value); expected \(expected)"
        }
    }
}

/// Where an episode stands; environments keep one to refuse stepping when they must.
public enum EpisodePhase: Sendable, Equatable {
    /// Never reset: stepping is an error.
    case needsReset
    /// Between reset and the end of the episode: stepping is allowed.
    case running
    /// The last step terminated or truncated the episode: stepping is an error.
    case ended

    /// Throws the matching ``EnvironmentError`` unless the episode is running.
    @inlinable
    public func checkCanStep(_ environment: @autoclosure () -> String) throws(EnvironmentError) {
        switch self {
        case .running: return
        case .needsReset: throw .resetNeeded(environment: environment())
        case .ended: throw .episodeEnded(environment: environment())
        }
    }
}
