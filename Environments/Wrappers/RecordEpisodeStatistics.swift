#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Statistics of one finished episode.
public struct EpisodeStatistics: Sendable, Equatable, Codable {
    /// Sum of the episode's rewards.
    public var episodeReturn: Double
    /// Number of steps in the episode.
    public var episodeLength: Int
    /// Wall-clock seconds from reset to the last step.
    public var wallSeconds: Double
}

/// Records the return, length and wall time of every episode.
///
/// At the end of an episode (terminated or truncated) the step's info gains
/// `"episode_return"`, `"episode_length"` and `"episode_seconds"`, and
/// ``lastEpisode`` and ``recentEpisodes`` are updated. Steps within an episode
/// carry no extra info, so the wrapper costs a few additions per step.
public struct RecordEpisodeStatistics<Wrapped: Environment>: Wrapper {
    /// The environment being measured.
    public var wrapped: Wrapped
    /// How many recent episodes ``recentEpisodes`` keeps.
    public let historyLength: Int
    /// The most recent finished episodes, oldest first, at most ``historyLength``.
    public private(set) var recentEpisodes: [EpisodeStatistics] = []
    /// The number of episodes finished since creation.
    public private(set) var episodeCount = 0

    @usableFromInline var episodeReturn = 0.0
    @usableFromInline var episodeLength = 0
    @usableFromInline var episodeStart = 0.0

    /// Wraps `wrapped`, keeping the last `historyLength` episodes' statistics.
    public init(_ wrapped: Wrapped, historyLength: Int = 100) {
        self.wrapped = wrapped
        self.historyLength = max(1, historyLength)
    }

    /// The statistics of the last finished episode, if any.
    public var lastEpisode: EpisodeStatistics? { recentEpisodes.last }

    public mutating func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> Reset<Wrapped.Observation> {
        let first = try wrapped.reset(seed: seed, options: options)
        episodeReturn = 0
        episodeLength = 0
        episodeStart = monotonicSeconds()
        return first
    }

    @inlinable
    public mutating func step(_ action: Wrapped.Action) throws(EnvironmentError) -> Step<Wrapped.Observation> {
        var result = try wrapped.step(action)
        episodeReturn += result.reward
        episodeLength += 1
        if result.terminated || result.truncated {
            finishEpisode(into: &result.info)
        }
        return result
    }

    @usableFromInline
    mutating func finishEpisode(into info: inout Info) {
        let statistics = EpisodeStatistics(
            episodeReturn: episodeReturn, episodeLength: episodeLength,
            wallSeconds: monotonicSeconds() - episodeStart)
        info["episode_return"] = .double(statistics.episodeReturn)
        info["episode_length"] = .int(statistics.episodeLength)
        info["episode_seconds"] = .double(statistics.wallSeconds)
        if recentEpisodes.count == historyLength { recentEpisodes.removeFirst() }
        recentEpisodes.append(statistics)
        episodeCount += 1
    }
}

/// Seconds from an arbitrary fixed point, from the monotonic clock.
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
