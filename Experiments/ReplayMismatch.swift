/// The first point where a re-simulated episode differs from its log.
public struct ReplayMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    /// What differed, with the logged (expected) and re-simulated (actual) values.
    public enum Kind: Equatable, Sendable {
        /// The reward differs (compared exactly).
        case reward(expected: Double, actual: Double)
        /// The `terminated` flag differs. Before the last logged step the log
        /// expects `false`; a `true` there means the episode ended early.
        case terminated(expected: Bool, actual: Bool)
        /// The `truncated` flag differs, as for `terminated`.
        case truncated(expected: Bool, actual: Bool)
        /// The environment refused the logged action (the error's message).
        case environmentError(String)
        /// The logged action does not have the environment's action type.
        case incompatibleAction(action: LoggedAction, actionType: String)
        /// The record contradicts itself (for example fewer rewards than actions), so it cannot be checked.
        case malformedRecord(String)
    }

    /// The episode's index in the run.
    public var episode: Int
    /// The 0-based step at which the difference appeared.
    public var step: Int
    /// What differed.
    public var kind: Kind

    /// Creates a mismatch report.
    public init(episode: Int, step: Int, kind: Kind) {
        self.episode = episode
        self.step = step
        self.kind = kind
    }

    public var description: String {
        let place = "episode \(episode), step \(step)"
        switch kind {
        case .reward(let expected, let actual):
            return "\(place): reward \(actual) differs from the logged \(expected)"
        case .terminated(let expected, let actual):
            return "\(place): terminated is \(actual), the log says \(expected)"
        case .truncated(let expected, let actual):
            return "\(place): truncated is \(actual), the log says \(expected)"
        case .environmentError(let message):
            return "\(place): the environment refused the logged action: \(message)"
        case .incompatibleAction(let action, let actionType):
            return "\(place): logged action \(action) is not a valid \(actionType)"
        case .malformedRecord(let reason):
            return "cannot replay \(reason)"
        }
    }
}
