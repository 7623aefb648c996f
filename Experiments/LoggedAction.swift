/// One action as an episode log stores it: an integer for discrete action
/// spaces, an array of numbers for vector actions (continuous boxes, multi-discrete).
///
/// In JSON an integer action is a bare number (`2`) and a vector action is an
/// array (`[0.25, -1.0]`), so logs of discrete environments stay compact.
/// `Float` components are stored widened to `Double`, which is exact, and narrow
/// back to the same `Float`.
public enum LoggedAction: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A discrete action.
    case integer(Int)
    /// A vector action, each component widened to `Double`.
    case vector([Double])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let components = try? container.decode([Double].self) {
            self = .vector(components)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "an action must be an integer or an array of numbers")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let integer): try container.encode(integer)
        case .vector(let components): try container.encode(components)
        }
    }

    /// The action as JSON text, as it appears in an episode line.
    public var jsonText: String {
        switch self {
        case .integer(let integer): return String(integer)
        case .vector(let components): return "[" + components.map { $0.isFinite ? $0.description : "null" }.joined(separator: ",") + "]"
        }
    }

    public var description: String { jsonText }
}

/// An action type that can be written to and read from an episode log.
///
/// The runner and ``Replay`` work on environments whose action type is known
/// only at run time; they convert through this protocol. `Int`, `[Int]`,
/// `[Float]` and `[Double]` conform.
public protocol LoggableAction {
    /// The action as logged.
    var loggedAction: LoggedAction { get }
    /// Reads a logged action back, or `nil` when it has the wrong shape for this type.
    init?(loggedAction: LoggedAction)
}

extension Int: LoggableAction {
    public var loggedAction: LoggedAction { .integer(self) }
    public init?(loggedAction: LoggedAction) {
        guard case .integer(let integer) = loggedAction else { return nil }
        self = integer
    }
}

extension Array: LoggableAction where Element: LoggableVectorComponent {
    public var loggedAction: LoggedAction { .vector(map(\.loggedComponent)) }
    public init?(loggedAction: LoggedAction) {
        guard case .vector(let components) = loggedAction else { return nil }
        var result: [Element] = []
        result.reserveCapacity(components.count)
        for component in components {
            guard let element = Element(loggedComponent: component) else { return nil }
            result.append(element)
        }
        self = result
    }
}

/// A scalar that can be one component of a vector action in an episode log.
public protocol LoggableVectorComponent {
    /// The component widened to `Double` (exactly).
    var loggedComponent: Double { get }
    /// The component read back, or `nil` when `loggedComponent` is not exactly representable.
    init?(loggedComponent: Double)
}

extension Double: LoggableVectorComponent {
    public var loggedComponent: Double { self }
    public init?(loggedComponent: Double) { self = loggedComponent }
}

extension Float: LoggableVectorComponent {
    public var loggedComponent: Double { Double(self) }
    public init?(loggedComponent: Double) {
        guard let exact = Float(exactly: loggedComponent) else { return nil }
        self = exact
    }
}

extension Int: LoggableVectorComponent {
    public var loggedComponent: Double { Double(self) }
    public init?(loggedComponent: Double) {
        guard let exact = Int(exactly: loggedComponent) else { return nil }
        self = exact
    }
}
