import Environments

/// Re-simulates logged episodes and checks them step by step against the log.
///
/// An episode is made again from the environment name and options, reset with
/// its logged seed, and stepped with its logged actions. Every reward must equal
/// the logged one exactly, no step before the last may end the episode, and the
/// last step's `terminated` and `truncated` must match. The first difference is
/// reported as a ``ReplayMismatch`` instead of being hidden.
public struct Replay {
    /// Where environment names are looked up.
    public var registry: EnvironmentRegistry

    /// Creates a replayer that makes environments from `registry`.
    public init(registry: EnvironmentRegistry = .standard) {
        self.registry = registry
    }

    /// Replays `episode` of a log with `header`; see ``replay(_:environment:options:collectRenderings:collectFrames:)``.
    ///
    /// - Throws: ``EnvironmentFileError`` first when a file an option names (a map)
    ///   no longer holds what the header recorded.
    public func replay(_ episode: EpisodeRecord, header: EpisodeLogHeader, collectRenderings: Bool = false,
                       collectFrames: Bool = false) throws -> ReplayedEpisode {
        try EnvironmentFiles.verify(header.files, options: header.options)
        return try replay(episode, environment: header.environment, options: header.options, collectRenderings: collectRenderings,
                          collectFrames: collectFrames)
    }

    /// Re-simulates `episode` in the environment registered as `environment`
    /// with `options`, and compares it with the log.
    ///
    /// - Parameter collectRenderings: keep the environment's ANSI rendering after
    ///   the reset and after every replayed step (none when it has no text rendering).
    /// - Returns: the replayed episode; its ``ReplayedEpisode/mismatch`` is `nil` when it matches.
    /// - Throws: ``RegistryError`` or ``OptionError`` when the environment cannot be made.
    public func replay(_ episode: EpisodeRecord, environment: String, options: [String: InfoValue],
                       collectRenderings: Bool = false, collectFrames: Bool = false) throws -> ReplayedEpisode {
        var instance = try registry.spec(named: environment).make(options)
        return replayOpened(&instance, episode: episode, collectRenderings: collectRenderings, collectFrames: collectFrames)
    }

    /// The step loop, specialised for the concrete environment type.
    private func replayOpened<E: Environment>(_ environment: inout E, episode: EpisodeRecord,
                                              collectRenderings: Bool, collectFrames: Bool) -> ReplayedEpisode {
        var result = ReplayedEpisode(episode: episode.index, stepsReplayed: 0, replayedReturn: 0, renderings: [], mismatch: nil)
        func collect() {
            if collectRenderings, let text = environment.renderANSI() { result.renderings.append(text) }
            if collectFrames, let frame = environment.render() { result.frames.append(frame) }
        }
        func fail(_ step: Int, _ kind: ReplayMismatch.Kind) -> ReplayedEpisode {
            result.mismatch = ReplayMismatch(episode: episode.index, step: step, kind: kind)
            return result
        }

        if let reason = EpisodeLogReader.inconsistency(in: episode, previousIndex: nil) {
            return fail(0, .malformedRecord(reason))
        }
        let actionType = E.Action.self as? any LoggableAction.Type
        var actions: [E.Action] = []
        actions.reserveCapacity(episode.actions.count)
        for (step, logged) in episode.actions.enumerated() {
            guard let action = actionType?.init(loggedAction: logged) as? E.Action else {
                return fail(step, .incompatibleAction(action: logged, actionType: String(describing: E.Action.self)))
            }
            actions.append(action)
        }

        do {
            _ = try environment.reset(seed: episode.seed, options: episode.resetOptions)
        } catch {
            return fail(0, .environmentError(error.description))
        }
        collect()
        for (step, action) in actions.enumerated() {
            let outcome: Step<E.Observation>
            do {
                outcome = try environment.step(action)
            } catch {
                return fail(step, .environmentError(error.description))
            }
            result.stepsReplayed = step + 1
            result.replayedReturn += outcome.reward
            collect()

            let isLast = step == actions.count - 1
            let expectedTerminated = isLast && episode.terminated
            let expectedTruncated = isLast && episode.truncated
            if outcome.reward != episode.rewards[step] {
                return fail(step, .reward(expected: episode.rewards[step], actual: outcome.reward))
            }
            if outcome.terminated != expectedTerminated {
                return fail(step, .terminated(expected: expectedTerminated, actual: outcome.terminated))
            }
            if outcome.truncated != expectedTruncated {
                return fail(step, .truncated(expected: expectedTruncated, actual: outcome.truncated))
            }
        }
        return result
    }
}

/// What replaying one episode gave.
public struct ReplayedEpisode: Equatable, Sendable {
    /// The episode's index in the run.
    public var episode: Int
    /// The steps re-simulated, up to and including a mismatching one.
    public var stepsReplayed: Int
    /// The sum of the re-simulated rewards.
    public var replayedReturn: Double
    /// The ANSI renderings after the reset and after each replayed step, when asked for.
    public var renderings: [String]
    /// The first difference from the log, or `nil` when the episode matches.
    public var mismatch: ReplayMismatch?
    /// The frames after the reset and after each replayed step, when asked for.
    public var frames: [Frame] = []

    /// Creates a replay result.
    public init(episode: Int, stepsReplayed: Int, replayedReturn: Double, renderings: [String], mismatch: ReplayMismatch?,
                frames: [Frame] = []) {
        self.episode = episode
        self.stepsReplayed = stepsReplayed
        self.replayedReturn = replayedReturn
        self.renderings = renderings
        self.mismatch = mismatch
        self.frames = frames
    }

    /// Whether the re-simulation matched the log at every step.
    public var matches: Bool { mismatch == nil }
}
