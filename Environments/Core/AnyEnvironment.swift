/// Any environment with observations of type `Observation` and actions of type
/// `Action`, as one concrete type: what a typed registry make returns, and
/// what code that holds environments of several types stores.
///
/// Unlike `any Environment<Observation, Action>`, it is a type that conforms to
/// ``Environment``, so generic code takes it as it is: a ``VectorEnvironment``
/// of registry-made copies, a wrapper around one, a checker run.
///
/// ```swift
/// let vector = try VectorEnvironment(count: 4) { _ in
///     try EnvironmentRegistry.standard.make("cartpole", as: [Float].self, Int.self)
/// }
/// ```
///
/// It has value semantics like the environments it holds: a copy steps on its
/// own. The environment lives in a reference that is copied only when a copy
/// that shares it is stepped or reset, so a step costs one uniqueness check and
/// one dynamic call into code specialised for the environment's type.
public struct AnyEnvironment<Observation, Action>: Environment {
    public let observationSpace: AnySpace<Observation>
    public let actionSpace: AnySpace<Action>
    @usableFromInline var box: AnyEnvironmentBox<Observation, Action>

    /// Wraps `environment`; an `AnyEnvironment` is not wrapped twice.
    public init<E: Environment>(_ environment: E) where E.Observation == Observation, E.Action == Action {
        if let erased = environment as? AnyEnvironment<Observation, Action> {
            self = erased
            return
        }
        observationSpace = AnySpace(environment.observationSpace)
        actionSpace = AnySpace(environment.actionSpace)
        box = EnvironmentBox(environment)
    }

    /// The wrapped environment's name, such as `TimeLimit<CartPole>`.
    public var name: String { box.name }

    /// A copy of the wrapped environment, to cast to its concrete type (or to a
    /// protocol such as ``ObservationNormalizationCarrying``).
    public var base: any Environment<Observation, Action> { box.base }

    @inlinable
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Observation> {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
        return try box.reset(seed: seed, options: options)
    }

    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
        return try box.step(action)
    }

    public func render() -> Frame? { box.render() }

    public func renderANSI() -> String? { box.renderANSI() }
}

/// The reference an ``AnyEnvironment`` keeps its environment in; subclassed
/// once per environment type, so each call is one virtual call into
/// specialised code. Every method is overridden.
@usableFromInline
class AnyEnvironmentBox<Observation, Action> {
    @usableFromInline init() {}

    @usableFromInline var name: String { preconditionFailure("overridden") }
    @usableFromInline var base: any Environment<Observation, Action> { preconditionFailure("overridden") }
    @usableFromInline func copy() -> AnyEnvironmentBox<Observation, Action> { preconditionFailure("overridden") }
    @usableFromInline func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Observation> {
        preconditionFailure("overridden")
    }
    @usableFromInline func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        preconditionFailure("overridden")
    }
    @usableFromInline func render() -> Frame? { preconditionFailure("overridden") }
    @usableFromInline func renderANSI() -> String? { preconditionFailure("overridden") }
}

@usableFromInline
final class EnvironmentBox<E: Environment>: AnyEnvironmentBox<E.Observation, E.Action> {
    @usableFromInline var environment: E

    @usableFromInline init(_ environment: E) {
        self.environment = environment
    }

    @usableFromInline override var name: String { environment.name }
    @usableFromInline override var base: any Environment<E.Observation, E.Action> { environment }
    @usableFromInline override func copy() -> AnyEnvironmentBox<E.Observation, E.Action> { EnvironmentBox(environment) }

    @usableFromInline
    override func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<E.Observation> {
        try environment.reset(seed: seed, options: options)
    }

    @usableFromInline
    override func step(_ action: E.Action) throws(EnvironmentError) -> Step<E.Observation> {
        try environment.step(action)
    }

    @usableFromInline override func render() -> Frame? { environment.render() }
    @usableFromInline override func renderANSI() -> String? { environment.renderANSI() }
}
