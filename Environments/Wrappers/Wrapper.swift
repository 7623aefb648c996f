/// An environment that wraps another one and forwards to it everything it does
/// not change, as Gymnasium's `Wrapper`.
///
/// A conforming type stores ``wrapped`` and writes only what it changes: the
/// spaces, ``Environment/reset(seed:options:)``, ``Environment/step(_:)``,
/// both renderings and ``Environment/name`` all default to the wrapped
/// environment's (the name as `Outer<inner name>`, such as `TimeLimit<CartPole>`).
/// The refinements ``ObservationWrapper``, ``RewardWrapper`` and
/// ``ActionWrapper`` go further: they ask for one function that maps one value.
///
/// ```swift
/// struct CountSteps<Wrapped: Environment>: Wrapper {
///     var wrapped: Wrapped
///     var steps = 0
///     mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
///         steps += 1
///         return try wrapped.step(action)
///     }
/// }
/// ```
///
/// The defaults are `@inlinable`, so a stack of wrappers built by hand is one
/// specialised type in the caller's module, with no call through a witness table per step.
/// Where a stack runs unspecialised (built at run time, as the registry's wrapper
/// options do), a refinement's default `step` costs generic witness-table
/// lookups per call; the package's hot wrappers therefore write their `step` out.
public protocol Wrapper<Wrapped>: Environment {
    /// The type of the environment inside.
    associatedtype Wrapped: Environment
    /// The environment inside, which the defaults forward to.
    var wrapped: Wrapped { get set }
}

extension Wrapper {
    /// The wrapper's type name without its generic arguments, then the wrapped
    /// environment's name in angle brackets, such as `TimeLimit<CartPole>`.
    public var name: String {
        let typeName = String(describing: Self.self)
        return "\(typeName.prefix { $0 != "<" })<\(wrapped.name)>"
    }

    /// The wrapped environment's frame.
    public func render() -> Frame? { wrapped.render() }

    /// The wrapped environment's text rendering.
    public func renderANSI() -> String? { wrapped.renderANSI() }

    /// The wrapped environment's.
    public var carriedResetOptions: Info { wrapped.carriedResetOptions }
}

extension Wrapper where ObservationSpace == Wrapped.ObservationSpace {
    /// The wrapped environment's observation space.
    @inlinable public var observationSpace: Wrapped.ObservationSpace { wrapped.observationSpace }
}

extension Wrapper where ActionSpace == Wrapped.ActionSpace {
    /// The wrapped environment's action space.
    @inlinable public var actionSpace: Wrapped.ActionSpace { wrapped.actionSpace }
}

extension Wrapper where Observation == Wrapped.Observation {
    /// Resets the wrapped environment and returns its first observation and info.
    @inlinable
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Observation> {
        try wrapped.reset(seed: seed, options: options)
    }
}

extension Wrapper where Observation == Wrapped.Observation, Action == Wrapped.Action {
    /// Steps the wrapped environment and returns its step unchanged.
    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        try wrapped.step(action)
    }
}

/// A wrapper that changes only observations (and their space), as Gymnasium's
/// `ObservationWrapper`: every observation, the reset's and each step's, goes
/// through ``observation(_:)``; rewards, endings, info and actions pass through.
public protocol ObservationWrapper<Wrapped>: Wrapper
where Action == Wrapped.Action, ActionSpace == Wrapped.ActionSpace {
    /// The observation the agent sees in place of the wrapped environment's `observation`.
    mutating func observation(_ observation: Wrapped.Observation) -> Observation
}

extension ObservationWrapper {
    /// Resets the wrapped environment and maps its first observation.
    @inlinable
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Observation> {
        let first = try wrapped.reset(seed: seed, options: options)
        return Reset(observation: observation(first.observation), info: first.info)
    }

    /// Steps the wrapped environment and maps the step's observation.
    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        let step = try wrapped.step(action)
        return Step(observation: observation(step.observation), reward: step.reward,
                    terminated: step.terminated, truncated: step.truncated, info: step.info)
    }
}

/// A wrapper that changes only rewards, as Gymnasium's `RewardWrapper`: each
/// step's reward goes through ``reward(_:)``; everything else passes through.
public protocol RewardWrapper<Wrapped>: Wrapper
where Observation == Wrapped.Observation, Action == Wrapped.Action,
      ObservationSpace == Wrapped.ObservationSpace, ActionSpace == Wrapped.ActionSpace {
    /// The reward the agent receives in place of the wrapped environment's `reward`.
    func reward(_ reward: Double) -> Double
}

extension RewardWrapper {
    /// Steps the wrapped environment and maps the step's reward.
    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        var step = try wrapped.step(action)
        step.reward = reward(step.reward)
        return step
    }
}

/// A wrapper that changes only actions (and their space), as Gymnasium's
/// `ActionWrapper`: the agent's action goes through ``action(_:)`` before the
/// wrapped environment takes it; observations, rewards and endings pass through.
///
/// The wrapper's own action space is its business: it declares `actionSpace`.
/// An action outside it is refused with
/// ``EnvironmentError/invalidAction(environment:action:space:)`` before it is mapped.
public protocol ActionWrapper<Wrapped>: Wrapper
where Observation == Wrapped.Observation, ObservationSpace == Wrapped.ObservationSpace {
    /// The wrapped environment's action for the agent's `action` (which lies in ``Environment/actionSpace``).
    func action(_ action: Action) -> Wrapped.Action
}

extension ActionWrapper {
    /// Checks the action against this wrapper's action space, maps it and steps the wrapped environment.
    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        guard actionSpace.contains(action) else {
            throw .invalidAction(environment: name, action: "\(action)", space: "\(actionSpace)")
        }
        return try wrapped.step(self.action(action))
    }
}
