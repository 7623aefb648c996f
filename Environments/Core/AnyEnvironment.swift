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
/// that shares it is stepped or reset. A step costs a uniqueness check and one
/// indirect call into code specialised for the environment's type where the
/// `AnyEnvironment` was made (the initialiser is inlinable, so in the caller's
/// module; a registry spec makes it where the environment is registered).
public struct AnyEnvironment<Observation, Action>: Environment {
    public let observationSpace: AnySpace<Observation>
    public let actionSpace: AnySpace<Action>
    @usableFromInline var storage: AnyEnvironmentStorage
    @usableFromInline let operations: AnyEnvironmentOperations<Observation, Action>

    /// Wraps `environment`; an `AnyEnvironment` is not wrapped twice.
    @inlinable
    public init<E: Environment>(_ environment: E) where E.Observation == Observation, E.Action == Action {
        if let erased = environment as? AnyEnvironment<Observation, Action> {
            self = erased
            return
        }
        observationSpace = AnySpace(environment.observationSpace)
        actionSpace = AnySpace(environment.actionSpace)
        storage = EnvironmentStorage(environment)
        operations = AnyEnvironmentOperations(for: E.self)
    }

    /// The wrapped environment's name, such as `TimeLimit<CartPole>`.
    public var name: String { operations.name(storage) }

    /// A copy of the wrapped environment, to cast to its concrete type (or to a
    /// protocol such as ``ObservationNormalizationCarrying``).
    public var base: any Environment<Observation, Action> { operations.base(storage) }

    @inlinable
    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Observation> {
        if !isKnownUniquelyReferenced(&storage) { storage = operations.copy(storage) }
        return try operations.reset(storage, seed, options)
    }

    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> Step<Observation> {
        if !isKnownUniquelyReferenced(&storage) { storage = operations.copy(storage) }
        return try operations.step(storage, action)
    }

    public func render() -> Frame? { operations.render(storage) }

    public func renderANSI() -> String? { operations.renderANSI(storage) }

    public var carriedResetOptions: Info { operations.carriedResetOptions(storage) }
}

/// The reference an ``AnyEnvironment`` keeps its environment behind.
@usableFromInline
class AnyEnvironmentStorage {
    @usableFromInline init() {}
}

/// The environment itself, in memory of its own: reached through a pointer,
/// so stepping pays no dynamic exclusivity check as a class property would.
@usableFromInline
final class EnvironmentStorage<E: Environment>: AnyEnvironmentStorage {
    @usableFromInline let environment: UnsafeMutablePointer<E>

    @inlinable
    init(_ environment: E) {
        self.environment = UnsafeMutablePointer<E>.allocate(capacity: 1)
        self.environment.initialize(to: environment)
    }

    deinit {
        environment.deinitialize(count: 1)
        environment.deallocate()
    }
}

/// What an ``AnyEnvironment`` does with its storage, as closures made for one
/// environment type where that type is known, so their bodies are specialised.
/// Shared by every copy (it holds no state).
@usableFromInline
final class AnyEnvironmentOperations<Observation, Action> {
    @usableFromInline let step: (AnyEnvironmentStorage, Action) throws(EnvironmentError) -> Step<Observation>
    @usableFromInline let reset: (AnyEnvironmentStorage, UInt64?, Info) throws(EnvironmentError) -> Reset<Observation>
    @usableFromInline let copy: (AnyEnvironmentStorage) -> AnyEnvironmentStorage
    @usableFromInline let name: (AnyEnvironmentStorage) -> String
    @usableFromInline let base: (AnyEnvironmentStorage) -> any Environment<Observation, Action>
    @usableFromInline let render: (AnyEnvironmentStorage) -> Frame?
    @usableFromInline let renderANSI: (AnyEnvironmentStorage) -> String?
    @usableFromInline let carriedResetOptions: (AnyEnvironmentStorage) -> Info

    @inlinable
    init<E: Environment>(for type: E.Type) where E.Observation == Observation, E.Action == Action {
        // Every storage these closures receive was made by the same AnyEnvironment
        // initialiser as they were, for `E`.
        func environment(_ storage: AnyEnvironmentStorage) -> UnsafeMutablePointer<E> {
            unsafeDowncast(storage, to: EnvironmentStorage<E>.self).environment
        }
        step = { (storage, action) throws(EnvironmentError) in try environment(storage).pointee.step(action) }
        reset = { (storage, seed, options) throws(EnvironmentError) in
            try environment(storage).pointee.reset(seed: seed, options: options)
        }
        copy = { storage in EnvironmentStorage(environment(storage).pointee) }
        name = { storage in environment(storage).pointee.name }
        base = { storage in environment(storage).pointee }
        render = { storage in environment(storage).pointee.render() }
        renderANSI = { storage in environment(storage).pointee.renderANSI() }
        carriedResetOptions = { storage in environment(storage).pointee.carriedResetOptions }
    }
}
