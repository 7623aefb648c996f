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
    /// The names of the options the factory itself declared.
    public let environmentOptionNames: Set<String>
    private let factory: @Sendable (EnvironmentOptions) throws -> any Environment
    private let randomRolloutRunner: @Sendable (EnvironmentOptions, Int, UInt64) throws -> RandomRolloutResult

    /// Registers a factory for the concrete environment type `E`.
    ///
    /// Every spec also takes the wrapper options (``WrapperSettings``): with all
    /// of them at their defaults ``make(_:)`` returns the factory's `E` itself;
    /// otherwise the wrappers they turn on, around it.
    public init<E: Environment & SendableMetatype>(
        name: String,
        summary: String,
        options: [OptionSpec] = [],
        make: @escaping @Sendable (EnvironmentOptions) throws -> E
    ) {
        let ownNames = Set(options.map(\.name))
        self.name = name
        self.summary = summary
        self.options = options + WrapperSettings.optionSpecs.filter { !ownNames.contains($0.name) }
        self.environmentOptionNames = ownNames
        self.factory = { options in
            let wrappers = try WrapperSettings(options: options, ownedByEnvironment: ownNames)
            return try wrappers.apply(to: try make(options))
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
    public func resolveOptions(_ overrides: [String: InfoValue] = [:]) throws(OptionError) -> EnvironmentOptions {
        try EnvironmentOptions(specs: options, overrides: overrides, owner: "environment '\(name)'")
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
    _ = environment.reset(seed: seed)
    var result = RandomRolloutResult(steps: 0, episodes: 0, totalReward: 0)
    for _ in 0..<steps {
        let step = try environment.step(actionSpace.sample(using: &generator))
        result.totalReward += step.reward
        if step.terminated || step.truncated {
            result.episodes += 1
            _ = environment.reset()
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
}

/// An environment name that is not registered.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownEnvironment(name: String, known: [String])

    public var description: String {
        switch self {
        case .unknownEnvironment(let name, let known):
            var message = "unknown environment '\(name)'"
            if let suggestion = closestMatch(to: name, in: known) {
                message += "; did you mean '\(suggestion)'?"
            }
            return message + " (known environments: \(known.joined(separator: ", ")))"
        }
    }
}
