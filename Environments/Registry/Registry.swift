import Foundation

/// A named way to make an environment: its options with defaults, and a factory.
///
/// The factory's concrete type is captured when the spec is created, so work that
/// runs through a spec (random rollouts for benchmarks) is specialised for that
/// type and pays no existential call per step.
public struct EnvironmentSpec: Sendable {
    /// The registered name, such as `"gridworld"`.
    public let name: String
    /// One line describing the task.
    public let summary: String
    /// The typed options, with their defaults: the factory's own, then the
    /// wrapper options of ``WrapperSettings/optionSpecs`` that the factory does
    /// not declare itself.
    public let options: [OptionSpec]
    /// The names of the options the factory itself declared (with
    /// ``maxEpisodeSteps``, `max_episode_steps` among them).
    public let environmentOptionNames: Set<String>
    /// The default of the `max_episode_steps` option when the spec puts its
    /// environments in a ``TimeLimit``; `nil` when their episodes end by themselves.
    public let maxEpisodeSteps: Int?
    /// The environment's own sticky-action option (MinAtar's
    /// `sticky_action_probability`), which the `sticky_action` wrapper option
    /// must not stack on; `nil` when it has none.
    public let stickyActionOption: String?
    private let factory: @Sendable (EnvironmentOptions) throws -> any Environment
    /// As ``factory``, but an environment without option wrappers comes already
    /// in an ``AnyEnvironment`` made here, where its type is known, so that
    /// typed makes step it through specialised code.
    private let erasingFactory: @Sendable (EnvironmentOptions) throws -> Any
    private let randomRolloutRunner: @Sendable (EnvironmentOptions, Int, UInt64) throws -> RandomRolloutResult

    /// The option that sets the ``TimeLimit`` of a spec with ``maxEpisodeSteps``.
    public static var maxEpisodeStepsOption: String { "max_episode_steps" }

    /// Registers a factory for the concrete environment type `E`.
    ///
    /// Every spec also takes the wrapper options (``WrapperSettings``): with all
    /// of them at their defaults ``make(_:)`` returns the factory's environment
    /// itself; otherwise the wrappers they turn on, around it.
    ///
    /// - Parameters:
    ///   - options: the factory's own options.
    ///   - maxEpisodeSteps: when given, the spec declares the option
    ///     `max_episode_steps` with this default (a positive int) and puts the
    ///     factory's `E` in a ``TimeLimit`` of that many steps, as Gymnasium's
    ///     registrations do, so ``make(_:)`` returns `TimeLimit<E>`.
    ///   - stickyActionOption: the name of the factory's own option for a
    ///     sticky-action probability, when it has one: the `sticky_action`
    ///     wrapper option is then refused while that option is above 0, as the
    ///     two would stack.
    public init<E: Environment & SendableMetatype>(
        name: String,
        summary: String,
        options: [OptionSpec] = [],
        maxEpisodeSteps: Int? = nil,
        stickyActionOption: String? = nil,
        make: @escaping @Sendable (EnvironmentOptions) throws -> E
    ) {
        guard let maxEpisodeSteps else {
            self.init(name: name, summary: summary, ownOptions: options, maxEpisodeSteps: nil,
                      stickyActionOption: stickyActionOption, factory: make)
            return
        }
        let limitOption = OptionSpec.int(Self.maxEpisodeStepsOption, default: maxEpisodeSteps,
                                         "steps after which an episode is truncated")
        self.init(name: name, summary: summary, ownOptions: [limitOption] + options, maxEpisodeSteps: maxEpisodeSteps,
                  stickyActionOption: stickyActionOption) { options in
            let limit = options.int(Self.maxEpisodeStepsOption)
            guard limit > 0 else {
                throw OptionError.badValue(option: Self.maxEpisodeStepsOption, value: String(limit), expected: "positive int")
            }
            return TimeLimit(try make(options), maxEpisodeSteps: limit)
        }
    }

    private init<E: Environment & SendableMetatype>(
        name: String, summary: String, ownOptions options: [OptionSpec], maxEpisodeSteps: Int?,
        stickyActionOption: String?, factory make: @escaping @Sendable (EnvironmentOptions) throws -> E
    ) {
        let ownNames = Set(options.map(\.name))
        self.name = name
        self.summary = summary
        self.options = options + WrapperSettings.optionSpecs.filter { !ownNames.contains($0.name) }
        self.environmentOptionNames = ownNames
        self.maxEpisodeSteps = maxEpisodeSteps
        self.stickyActionOption = stickyActionOption
        self.factory = { options in
            let wrappers = try WrapperSettings(options: options, ownedByEnvironment: ownNames)
            return try wrappers.apply(to: try make(options))
        }
        self.erasingFactory = { options in
            let wrappers = try WrapperSettings(options: options, ownedByEnvironment: ownNames)
            let environment = try make(options)
            guard wrappers.isEmpty else { return try wrappers.apply(to: environment) }
            return AnyEnvironment(environment)
        }
        self.randomRolloutRunner = { options, steps, seed in
            let wrappers = try WrapperSettings(options: options, ownedByEnvironment: ownNames)
            var environment = try make(options)
            guard wrappers.isEmpty else {
                // Wrapped by option: the composition is only known at run time.
                return try randomRolloutOpening(try wrappers.apply(to: environment), steps: steps, seed: seed)
            }
            return try randomRollout(&environment, steps: steps, seed: seed)
        }
    }

    /// Resolves `overrides` against the declared options (unknown keys and bad
    /// values are errors naming this environment).
    ///
    /// - Throws: also ``OptionError/conflictingOptions(_:_:reason:)`` when the
    ///   `sticky_action` wrapper would stack on the environment's own sticky actions.
    public func resolveOptions(_ overrides: [String: InfoValue] = [:]) throws(OptionError) -> EnvironmentOptions {
        let resolved = try EnvironmentOptions(specs: options, overrides: overrides, owner: "environment '\(name)'")
        let wrapperKey = WrapperSettings.Key.stickyAction
        if let own = stickyActionOption, !environmentOptionNames.contains(wrapperKey),
           resolved.double(wrapperKey) > 0, resolved.double(own) > 0 {
            throw .conflictingOptions(
                "\(wrapperKey)=\(resolved.double(wrapperKey))", "\(own)=\(resolved.double(own))",
                reason: "environment '\(name)' has sticky actions of its own, and the wrapper would repeat actions on top of them; "
                    + "set \(own) to the probability you want (or set it to 0 to use the wrapper alone)")
        }
        return resolved
    }

    /// Makes the environment with the given option overrides.
    public func make(_ overrides: [String: InfoValue] = [:]) throws -> any Environment {
        try factory(try resolveOptions(overrides))
    }

    /// Steps a freshly made environment `steps` times with uniformly random
    /// actions (resetting at episode ends), fully specialised for its type.
    public func runRandomRollout(options overrides: [String: InfoValue] = [:], steps: Int, seed: UInt64) throws -> RandomRolloutResult {
        try randomRolloutRunner(try resolveOptions(overrides), steps, seed)
    }
}

/// What ``randomRollout(_:steps:seed:)`` measured.
public struct RandomRolloutResult: Sendable, Equatable {
    /// Environment steps taken.
    public var steps: Int
    /// Episodes that ended within those steps.
    public var episodes: Int
    /// Sum of all rewards, so the work cannot be optimised away.
    public var totalReward: Double

    /// Creates a result.
    @inlinable
    public init(steps: Int, episodes: Int, totalReward: Double) {
        self.steps = steps
        self.episodes = episodes
        self.totalReward = totalReward
    }
}

/// Opens an existential and runs ``randomRollout(_:steps:seed:)`` on it.
func randomRolloutOpening<E: Environment>(_ environment: E, steps: Int, seed: UInt64) throws -> RandomRolloutResult {
    var environment = environment
    return try randomRollout(&environment, steps: steps, seed: seed)
}

/// Steps `environment` with random actions from its own action space, resetting
/// at each episode end; the generic loop used by benchmarks and smoke tests.
@inlinable
public func randomRollout<E: Environment>(_ environment: inout E, steps: Int, seed: UInt64) throws -> RandomRolloutResult {
    var generator = Xoshiro256(seed: seed)
    let actionSpace = environment.actionSpace
    _ = try environment.reset(seed: seed)
    var result = RandomRolloutResult(steps: 0, episodes: 0, totalReward: 0)
    for _ in 0..<steps {
        let step = try environment.step(actionSpace.sample(using: &generator))
        result.totalReward += step.reward
        if step.terminated || step.truncated {
            result.episodes += 1
            _ = try environment.reset()
        }
    }
    result.steps = steps
    return result
}

/// Lookup of environments by name.
///
/// ``EnvironmentRegistry/standard`` holds every built-in environment; a user can
/// build their own registry with their environments added.
public struct EnvironmentRegistry: Sendable {
    /// The registered specs, in listing order.
    public private(set) var specs: [EnvironmentSpec]

    /// Creates a registry holding `specs`.
    public init(_ specs: [EnvironmentSpec] = []) {
        self.specs = specs
    }

    /// Adds a spec; a name registered twice is a programming error.
    public mutating func register(_ spec: EnvironmentSpec) {
        precondition(!specs.contains { $0.name == spec.name }, "environment '\(spec.name)' registered twice")
        specs.append(spec)
    }

    /// The registered names, in listing order.
    public var names: [String] { specs.map(\.name) }

    /// The spec registered as `name`.
    ///
    /// - Throws: ``RegistryError/unknownEnvironment(name:known:)`` listing the
    ///   known names and the closest match.
    public func spec(named name: String) throws(RegistryError) -> EnvironmentSpec {
        guard let spec = specs.first(where: { $0.name == name }) else {
            throw .unknownEnvironment(name: name, known: names)
        }
        return spec
    }

    /// Makes the environment registered as `name` with option overrides.
    public func make(_ name: String, options: [String: InfoValue] = [:]) throws -> any Environment {
        try spec(named: name).make(options)
    }

    /// Makes the environment registered as `name`, typed: observations of type
    /// `Observation` and actions of type `Action`, with no cast at the call site.
    ///
    /// ```swift
    /// var cartPole = try EnvironmentRegistry.standard.make(
    ///     "cartpole", as: [Float].self, Int.self, options: ["max_episode_steps": 200])
    /// ```
    ///
    /// - Throws: ``RegistryError/unknownEnvironment(name:known:)``, the option
    ///   errors of ``EnvironmentSpec/make(_:)``, or
    ///   ``RegistryError/typeMismatch(environment:observation:action:requestedObservation:requestedAction:)`` naming the
    ///   environment's actual observation and action types.
    public func make<Observation, Action>(
        _ name: String, as observationType: Observation.Type, _ actionType: Action.Type,
        options: [String: InfoValue] = [:]
    ) throws -> AnyEnvironment<Observation, Action> {
        try spec(named: name).make(as: observationType, actionType, options: options)
    }
}

extension EnvironmentSpec {
    /// Makes the environment with the given option overrides, typed; see
    /// ``EnvironmentRegistry/make(_:as:_:options:)``.
    public func make<Observation, Action>(
        as observationType: Observation.Type, _ actionType: Action.Type, options overrides: [String: InfoValue] = [:]
    ) throws -> AnyEnvironment<Observation, Action> {
        let made = try erasingFactory(try resolveOptions(overrides))
        if let erased = made as? AnyEnvironment<Observation, Action> { return erased }
        if let typed = made as? any Environment<Observation, Action> { return AnyEnvironment(typed) }
        let actual: (observation: String, action: String) =
            (made as? any Environment).map { observationAndActionTypes(of: $0) } ?? ("\(type(of: made))", "?")
        throw RegistryError.typeMismatch(
            environment: name, observation: actual.observation, action: actual.action,
            requestedObservation: swiftTypeName(Observation.self), requestedAction: swiftTypeName(Action.self))
    }
}

/// The observation and action type names of an environment, for messages.
private func observationAndActionTypes<E: Environment>(of environment: E) -> (observation: String, action: String) {
    (swiftTypeName(E.Observation.self), swiftTypeName(E.Action.self))
}

/// A type's name as Swift code writes it: `[Float]` rather than the runtime's `Array<Float>`.
func swiftTypeName(_ type: Any.Type) -> String {
    var name = String(describing: type)
    while let start = name.range(of: "Array<") {
        var depth = 1, index = start.upperBound
        while index < name.endIndex, depth > 0 {
            if name[index] == "<" { depth += 1 } else if name[index] == ">" { depth -= 1 }
            if depth > 0 { index = name.index(after: index) }
        }
        guard index < name.endIndex else { break }
        name.replaceSubrange(start.lowerBound...index, with: "[" + name[start.upperBound..<index] + "]")
    }
    return name
}

/// An environment name that is not registered.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No environment is registered under `name`.
    case unknownEnvironment(name: String, known: [String])
    /// A typed make asked for observation and action types that the environment
    /// does not have; its own are `observation` and `action`.
    case typeMismatch(environment: String, observation: String, action: String,
                      requestedObservation: String, requestedAction: String)

    public var description: String {
        switch self {
        case .unknownEnvironment(let name, let known):
            var message = "unknown environment '\(name)'"
            if let suggestion = closestMatch(to: name, in: known) {
                message += "; did you mean '\(suggestion)'?"
            }
            return message + " (known environments: \(known.joined(separator: ", ")))"
        case .typeMismatch(let environment, let observation, let action, let requestedObservation, let requestedAction):
            return "environment '\(environment)' has \(observation) observations and \(action) actions, "
                + "not \(requestedObservation) and \(requestedAction) as asked: make it with `as: \(observation).self, \(action).self`"
        }
    }
}
