import Environments

/// Something that plays episodes frame by frame for ``ViewerWindow/play(_:framesPerSecond:lingerSeconds:)``
/// and the exporters: a greedy agent, a replayed log. The viewer drives it and
/// knows nothing of the environment behind it.
public protocol PlaybackSource: AnyObject {
    /// Puts the current episode back to its start and returns its first frame.
    func restartEpisode() throws -> Frame
    /// Takes one step and returns the frame after it; after an episode's last
    /// step it starts the next episode and returns that one's first frame.
    /// Returns `nil` when there is nothing more to play.
    func advance() throws -> Frame?
    /// The head-up facts for the frame returned last.
    var headUp: HeadUpDisplay { get }
}
