import Environments
import Experiments
import Viewer

/// Greedy episodes of a trained policy, frame by frame, for the window and exporters.
final class PolicyPlaybackSource: PlaybackSource {
    let playback: PolicyPlayback

    init(_ playback: PolicyPlayback) {
        self.playback = playback
    }

    func restartEpisode() throws -> Frame {
        try playback.restartEpisode()
        return try frame()
    }

    func advance() throws -> Frame? {
        try playback.advance() ? try frame() : nil
    }

    var headUp: HeadUpDisplay {
        HeadUpDisplay(environment: playback.policy.environmentName, episode: playback.episode, step: playback.step,
                      episodeReturn: playback.episodeReturn, lastAction: playback.lastAction.map(String.init),
                      note: playback.episodeEnded ? (playback.terminated ? "terminated" : "truncated") : nil)
    }

    private func frame() throws -> Frame {
        guard let frame = playback.render() else {
            throw fail("environment '\(playback.policy.environmentName)' does not draw frames, so there is nothing to show")
        }
        return frame
    }
}

/// The frames of one replayed episode, with the logged actions and rewards for the head-up line.
final class ReplayedFramesSource: PlaybackSource {
    let environment: String
    let record: EpisodeRecord
    let frames: [Frame]
    private var position = 0

    init(environment: String, record: EpisodeRecord, frames: [Frame]) {
        precondition(!frames.isEmpty, "a replayed episode has at least the frame after its reset")
        self.environment = environment
        self.record = record
        self.frames = frames
    }

    func restartEpisode() throws -> Frame {
        position = 0
        return frames[0]
    }

    func advance() throws -> Frame? {
        guard position + 1 < frames.count else { return nil }
        position += 1
        return frames[position]
    }

    var headUp: HeadUpDisplay {
        let ended = position == record.length
        return HeadUpDisplay(environment: environment, episode: record.index, step: position,
                             episodeReturn: record.rewards.prefix(position).reduce(0, +),
                             lastAction: position > 0 ? record.actions[position - 1].description : nil,
                             note: ended ? (record.terminated ? "terminated" : "truncated") : nil)
    }
}
