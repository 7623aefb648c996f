import Environments

/// One episode as an `episodes.jsonl` line stores it: enough, with the log's
/// header, to re-simulate it exactly.
///
/// In JSON the keys appear in this order:
/// `{"index":i,"seed":s,"length":n,"return":R,"terminated":b,"truncated":b,"actions":[...],"rewards":[...]}`,
/// then `"reset_options":{...}` for an environment that carries something into
/// the episode (see `Environment.carriedResetOptions`), and only then.
/// `terminated` and `truncated` describe the last step; every earlier step had both false.
public struct EpisodeRecord: Equatable, Sendable, Codable {
    /// The episode's position in the run, counted from 0.
    public var index: Int
    /// The seed the environment was reset with (see ``SeedDerivation/episodeSeed(runSeed:index:)``).
    public var seed: UInt64
    /// The number of steps, equal to `actions.count` and `rewards.count` in a valid record.
    public var length: Int
    /// The sum of `rewards`.
    public var episodeReturn: Double
    /// The last step reached a terminal state of the MDP.
    public var terminated: Bool
    /// The last step was cut by an outside limit.
    public var truncated: Bool
    /// The action of every step, in order.
    public var actions: [LoggedAction]
    /// The reward of every step, in order, exactly as the environment returned it.
    public var rewards: [Double]
    /// The options the episode's reset needs besides its seed to start as it did
    /// (what the environment carried in from the previous episode); usually empty.
    public var resetOptions: [String: InfoValue] = [:]

    /// Creates a record from its steps; `length` and `episodeReturn` are computed.
    public init(index: Int, seed: UInt64, actions: [LoggedAction], rewards: [Double], terminated: Bool, truncated: Bool,
                resetOptions: [String: InfoValue] = [:]) {
        precondition(actions.count == rewards.count, "an episode needs one reward per action")
        self.init(index: index, seed: seed, length: actions.count, episodeReturn: EpisodeRecord.sum(rewards),
                  terminated: terminated, truncated: truncated, actions: actions, rewards: rewards)
        self.resetOptions = resetOptions
    }

    /// Creates a record with every field given, as read from a file (possibly inconsistent).
    public init(index: Int, seed: UInt64, length: Int, episodeReturn: Double, terminated: Bool, truncated: Bool,
                actions: [LoggedAction], rewards: [Double]) {
        self.index = index
        self.seed = seed
        self.length = length
        self.episodeReturn = episodeReturn
        self.terminated = terminated
        self.truncated = truncated
        self.actions = actions
        self.rewards = rewards
    }

    /// The sum of `rewards` in step order, the way every writer computes a return.
    public static func sum(_ rewards: [Double]) -> Double {
        rewards.reduce(0, +)
    }

    enum CodingKeys: String, CodingKey {
        case index, seed, length
        case episodeReturn = "return"
        case terminated, truncated, actions, rewards
        case resetOptions = "reset_options"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(index: try container.decode(Int.self, forKey: .index), seed: try container.decode(UInt64.self, forKey: .seed),
                  length: try container.decode(Int.self, forKey: .length),
                  episodeReturn: try container.decode(Double.self, forKey: .episodeReturn),
                  terminated: try container.decode(Bool.self, forKey: .terminated),
                  truncated: try container.decode(Bool.self, forKey: .truncated),
                  actions: try container.decode([LoggedAction].self, forKey: .actions),
                  rewards: try container.decode([Double].self, forKey: .rewards))
        resetOptions = try container.decodeIfPresent([String: PlainInfoValue].self, forKey: .resetOptions)?.mapValues(\.value) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(seed, forKey: .seed)
        try container.encode(length, forKey: .length)
        try container.encode(episodeReturn, forKey: .episodeReturn)
        try container.encode(terminated, forKey: .terminated)
        try container.encode(truncated, forKey: .truncated)
        try container.encode(actions, forKey: .actions)
        try container.encode(rewards, forKey: .rewards)
        if !resetOptions.isEmpty { try container.encode(resetOptions.mapValues(PlainInfoValue.init), forKey: .resetOptions) }
    }

    /// The record as one line of JSON, without the newline.
    ///
    /// - Throws: ``EpisodeLogError/nonFiniteReward(episode:step:value:)`` when a
    ///   reward or the return is infinite or NaN, which JSON cannot hold.
    public func jsonLine() throws(EpisodeLogError) -> String {
        if let step = rewards.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteReward(episode: index, step: step, value: rewards[step])
        }
        guard episodeReturn.isFinite else {
            throw .nonFiniteReward(episode: index, step: nil, value: episodeReturn)
        }
        var line = "{\"index\":\(index),\"seed\":\(seed),\"length\":\(length)"
        line += ",\"return\":" + JSONText.number(episodeReturn)
        line += ",\"terminated\":\(terminated),\"truncated\":\(truncated)"
        line += ",\"actions\":[" + actions.map(\.jsonText).joined(separator: ",") + "]"
        line += ",\"rewards\":[" + rewards.map(JSONText.number).joined(separator: ",") + "]"
        if !resetOptions.isEmpty { line += ",\"reset_options\":" + JSONText.object(resetOptions) }
        return line + "}"
    }
}
