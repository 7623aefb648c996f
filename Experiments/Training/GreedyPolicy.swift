import Agents
import Environments
import Foundation

/// The greedy policy of a run folder's newest checkpoint, no exploration: for a
/// DQN or DRQN run the action with the highest Q-value, for a PPO run the most probable
/// action (a recurrent policy's memory is cleared at every episode start). What
/// `rlrun watch` and `rlrun record` play.
public final class GreedyPolicy {
    /// The run folder the policy was loaded from.
    public let runFolder: URL
    /// The run's agent (`dqn`, `drqn`, `ppo`, `ppo-lstm`).
    public let agentName: String
    /// The registered name of the run's environment.
    public let environmentName: String
    /// The run's evaluation seed.
    public let evaluationSeed: UInt64
    /// The training step at which the loaded checkpoint was written.
    public let checkpointStep: Int
    /// The compressed policy's folder, when that is what plays.
    public let compressedPolicy: URL?

    private let makeEnvironmentCopy: () throws -> AnyEnvironment<[Float], Int>
    private let policy: any Policy<Int>
    private let actionOffset: Int

    /// Loads the newest complete checkpoint of the run in `runFolder`.
    ///
    /// - Throws: ``TrainingError/nothingToResume(path:reason:)`` when the folder
    ///   has no config.json, was written by an agent that does not learn (`random`,
    ///   `astar`), or has no complete checkpoint; ``CheckpointError`` when the
    ///   weights do not fit the configured networks.
    ///
    /// With `compressedPolicy` (a folder written by `rlrun compress`), that policy
    /// plays instead, loaded from its own file without the run's checkpoints.
    public init(runFolder: URL, compressedPolicy: URL? = nil, registry: EnvironmentRegistry = .standard) throws {
        let restored = try Training.restoredPolicy(runFolder: runFolder, compressedPolicy: compressedPolicy, registry: registry)
        self.compressedPolicy = compressedPolicy
        self.runFolder = runFolder
        agentName = restored.kind.name
        environmentName = restored.environment
        evaluationSeed = restored.evaluationSeed
        checkpointStep = restored.checkpointStep
        makeEnvironmentCopy = restored.makeEnvironment
        policy = restored.policy
        actionOffset = restored.actionOffset
    }

    /// A fresh environment as the run configured it.
    public func makeEnvironment() throws -> AnyEnvironment<[Float], Int> {
        try makeEnvironmentCopy()
    }

    /// The greedy action for `observation`, as the environment takes it (a
    /// recurrent policy advances its memory by one step).
    public func action(for observation: [Float]) -> Int {
        policy.action(for: observation) + actionOffset
    }

    /// Clears a recurrent policy's memory, as at an episode's start.
    public func startEpisode() {
        policy.beginEpisode()
    }
}

/// Plays episodes of a ``GreedyPolicy`` one step at a time, for a viewer or an
/// exporter to draw.
///
/// Episode `i` is reset with ``SeedDerivation/episodeSeed(runSeed:index:)`` of
/// `seed`, as the run's own evaluation does, so with the run's evaluation seed
/// the episodes are those of eval_episodes.jsonl.
public final class PolicyPlayback {
    /// The policy that chooses the actions.
    public let policy: GreedyPolicy
    /// How many episodes to play.
    public let episodes: Int
    /// The seed episode seeds are derived from.
    public let seed: UInt64
    /// Steps after which an episode is cut, for environments without a time limit.
    public let episodeStepCap: Int

    /// The index of the episode being played (from 0).
    public private(set) var episode = 0
    /// Steps taken in the episode.
    public private(set) var step = 0
    /// The sum of the episode's rewards so far.
    public private(set) var episodeReturn = 0.0
    /// The last action, `nil` right after a reset.
    public private(set) var lastAction: Int?
    /// Whether the episode has ended (terminated, truncated or cut at the cap).
    public private(set) var episodeEnded = false
    /// Whether the ended episode terminated (rather than being truncated).
    public private(set) var terminated = false
    /// Returns of the episodes that ended, in order.
    public private(set) var finishedReturns: [Double] = []

    private var environment: AnyEnvironment<[Float], Int>
    private var observation: [Float] = []

    /// Prepares `episodes` episodes on seeds derived from `seed` (the run's evaluation seed when `nil`).
    public init(policy: GreedyPolicy, episodes: Int, seed: UInt64? = nil, episodeStepCap: Int = 100_000) throws {
        precondition(episodes > 0, "PolicyPlayback needs at least one episode, got \(episodes)")
        self.policy = policy
        self.episodes = episodes
        self.seed = seed ?? policy.evaluationSeed
        self.episodeStepCap = episodeStepCap
        self.environment = try policy.makeEnvironment()
        try restartEpisode()
    }

    /// The seed episode `index` is reset with.
    public func episodeSeed(_ index: Int) -> UInt64 {
        SeedDerivation.episodeSeed(runSeed: seed, index: index)
    }

    /// The environment drawn as it is now; `nil` when it cannot draw itself.
    public func render() -> Frame? { environment.render() }

    /// Resets the current episode to its start (same seed, so the same episode).
    public func restartEpisode() throws {
        observation = try environment.reset(seed: episodeSeed(episode)).observation
        policy.startEpisode()
        step = 0
        episodeReturn = 0
        lastAction = nil
        episodeEnded = false
        terminated = false
    }

    /// Takes one greedy step, or after an episode's end starts the next episode.
    ///
    /// - Returns: `false` when the last episode had ended and nothing was done.
    public func advance() throws -> Bool {
        if episodeEnded {
            guard episode + 1 < episodes else { return false }
            episode += 1
            try restartEpisode()
            return true
        }
        let action = policy.action(for: observation)
        let outcome = try environment.step(action)
        observation = outcome.observation
        step += 1
        episodeReturn += outcome.reward
        lastAction = action
        if outcome.terminated || outcome.truncated || step >= episodeStepCap {
            episodeEnded = true
            terminated = outcome.terminated
            finishedReturns.append(episodeReturn)
        }
        return true
    }
}
