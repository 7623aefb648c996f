import Environments

/// The hyperparameters of an agent as a preset file holds them: a flat mapping
/// of snake_case keys that decodes into the conforming type.
///
/// The Experiments module's `Preset` is generic over this protocol, so each
/// agent supplies its own keys, decoding and validation.
public protocol AgentConfiguration: Codable, Sendable, Equatable {
    /// The preset-file keys, in declaration order.
    static var keys: [String] { get }
    /// The defaults.
    init()
    /// Environment steps to train for.
    var totalSteps: Int { get set }
    /// Checks ranges and names; the error names the offending key and value.
    func validate() throws(AgentConfigError)
    /// Checks that the networks this configuration builds fit observations of
    /// `observationShape` and `actionCount` actions, before any layer exists;
    /// call after ``validate()``.
    func checkNetworkShapes(observationShape: [Int], actionCount: Int) throws(NetworkShapeError)
    /// Estimates the bytes an agent of this configuration allocates for
    /// observations in `observationSpace`; call after ``validate()``.
    func memoryEstimate(observationSpace: Box, actionCount: Int) throws(NetworkShapeError) -> MemoryEstimate
}

/// A hyperparameter outside its valid range.
public struct AgentConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The preset key.
    public let key: String
    /// The offending value.
    public let value: String
    /// What would be valid.
    public let expectation: String

    /// Creates an error for `key` holding `value`, which should be `expectation`.
    public init(key: String, value: String, expectation: String) {
        self.key = key
        self.value = value
        self.expectation = expectation
    }

    public var description: String { "\(key) = \(value) is invalid: expected \(expectation)" }
}

/// The name ``DQNConfig/validate()`` throws under.
public typealias DQNConfigError = AgentConfigError
