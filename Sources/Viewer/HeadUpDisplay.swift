/// The facts on the viewer's head-up line.
public struct HeadUpDisplay: Equatable, Sendable {
    /// The environment's registered name.
    public var environment: String
    /// The episode's index (as logged, or counted from 0 while watching).
    public var episode: Int
    /// Steps taken in the episode so far.
    public var step: Int
    /// The sum of the episode's rewards so far.
    public var episodeReturn: Double
    /// The last action taken, as text; `nil` right after a reset.
    public var lastAction: String?
    /// Frames shown per second, measured; `nil` before there is a measurement.
    public var framesPerSecond: Double?
    /// Whether playback is paused.
    public var paused = false
    /// Extra text at the end of the line (for example "training" or "done").
    public var note: String?

    /// Creates a head-up line's facts.
    public init(environment: String, episode: Int, step: Int, episodeReturn: Double, lastAction: String? = nil,
                framesPerSecond: Double? = nil, paused: Bool = false, note: String? = nil) {
        self.environment = environment
        self.episode = episode
        self.step = step
        self.episodeReturn = episodeReturn
        self.lastAction = lastAction
        self.framesPerSecond = framesPerSecond
        self.paused = paused
        self.note = note
    }

    /// The line as drawn, for example `gridworld  ep 3  step 12  return 0.95  action 2  30 fps`.
    public var text: String {
        var parts = [environment, "ep \(episode)", "step \(step)", "return \(Self.format(episodeReturn))",
                     "action \(lastAction ?? "-")"]
        if let framesPerSecond { parts.append("\(Int(framesPerSecond.rounded())) fps") }
        if paused { parts.append("PAUSED") }
        if let note { parts.append(note) }
        return parts.joined(separator: "  ")
    }

    /// Up to three decimals, without trailing zeros.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return "\(Int(rounded))" }
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 4 {
            text = String(text[..<text.index(dot, offsetBy: 4)])
        }
        return text
    }
}
