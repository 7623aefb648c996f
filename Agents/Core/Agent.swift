import Environments

/// Something that chooses actions from observations and may learn from experience.
///
/// The runner calls ``act(_:explore:)`` before every step and ``observe(_:)``
/// after it. Agents know no files and no terminal: the Experiments module owns
/// all input and output.
public protocol Agent<Observation, Action> {
    /// What the agent sees.
    associatedtype Observation
    /// What the agent chooses.
    associatedtype Action

    /// Chooses an action. With `explore` false the agent acts greedily (evaluation).
    mutating func act(_ observation: Observation, explore: Bool) -> Action

    /// Learns from one transition; agents that do not learn ignore it.
    mutating func observe(_ transition: Transition<Observation, Action>)
}

extension Agent {
    public mutating func observe(_ transition: Transition<Observation, Action>) {}
}

/// One step of experience, as the runner hands it to ``Agent/observe(_:)``.
public struct Transition<Observation, Action> {
    /// The observation the action was chosen from.
    public var observation: Observation
    /// The action taken.
    public var action: Action
    /// The reward received.
    public var reward: Double
    /// The observation after the action (the final observation when the episode ended).
    public var nextObservation: Observation
    /// The MDP ended: do not bootstrap from `nextObservation`.
    public var terminated: Bool
    /// An outside limit ended the episode: bootstrap from `nextObservation`.
    public var truncated: Bool

    /// Creates a transition.
    public init(observation: Observation, action: Action, reward: Double, nextObservation: Observation, terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.action = action
        self.reward = reward
        self.nextObservation = nextObservation
        self.terminated = terminated
        self.truncated = truncated
    }
}

/// Acts uniformly at random over an action space, from its own seeded generator.
public struct RandomAgent<ActionSpace: Space, Observation>: Agent {
    /// The space actions are drawn from.
    public let actionSpace: ActionSpace
    /// The generator; its state fixes every future action.
    public var generator: Xoshiro256

    /// Creates an agent drawing from `actionSpace`, seeded with `seed`.
    public init(actionSpace: ActionSpace, seed: UInt64, observing _: Observation.Type = Observation.self) {
        self.actionSpace = actionSpace
        self.generator = Xoshiro256(seed: seed)
    }

    public mutating func act(_ observation: Observation, explore: Bool) -> ActionSpace.Element {
        actionSpace.sample(using: &generator)
    }
}
