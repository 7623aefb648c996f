import Environments
import Neural

/// A sampled minibatch of windows for a recurrent Q-learner, in tensors reused across calls.
///
/// Each of the `batch` windows has ``window`` step positions (the longest span
/// in the batch, at most `burnIn + sequenceLength`) plus one bootstrap
/// position, so inputs run over `window + 1` positions. A window's steps start
/// at position 0 (its burn-in steps first, then its trained steps). Position `p`
/// holds the observation the action at `p` was chosen from; the position after
/// a window's last real step holds that step's next observation (the final
/// observation when the episode ended there), so the value of the state after
/// step `p` is always read at position `p + 1`.
///
/// A window never holds two episodes: positions after its span are padding
/// (zero observations, no loss). ``episodeStarts`` marks position 0 of every
/// window, where the LSTM state starts from zero.
public final class SequenceBatch {
    /// Windows in the batch.
    public private(set) var batchSize = 0
    /// Positions per window that carry actions: the longest span in the batch.
    public private(set) var window = 0
    /// `[batch · (window + 1), observation shape...]`, window-major: row `b · (window + 1) + p`.
    public let observations = Tensor(shape: [0])
    /// `[batch, window + 1]`: 1 where the LSTM state resets to zero before the position.
    public let episodeStarts = Tensor(shape: [0, 0])
    /// `[batch · window]`: the action at each position (0 on padding).
    public var actions: [Int] = []
    /// `[batch, window]`: the reward of each step.
    public let rewards = Tensor(shape: [0, 0])
    /// `[batch, window]`: 1 where the step terminated its episode (no bootstrap).
    public let terminated = Tensor(shape: [0, 0])
    /// `[batch, window]`: the bootstrap discount γ of each step.
    public let discounts = Tensor(shape: [0, 0])
    /// `[batch, window]`: 1 for the trained steps (stored, not burn-in, not padding), else 0.
    public let lossMask = Tensor(shape: [0, 0])
    /// `[batch, window + 1]`: 1 where the position holds stored data (a step or the bootstrap observation).
    public let filled = Tensor(shape: [0, 0])
    /// For each window, the logical index (0 = oldest stored) of its first trained step.
    public var startIndices: [Int] = []

    /// Creates an empty batch; ``SequenceReplayBuffer/sample(batchSize:using:into:)`` sizes it.
    public init() {}

    func resize(batchSize: Int, window: Int, observationShape: [Int]) {
        self.batchSize = batchSize
        self.window = window
        observations.resize(to: [batchSize * (window + 1)] + observationShape)
        observations.fill(0)
        for tensor in [episodeStarts, filled] {
            tensor.resize(batchSize, window + 1)
            tensor.fill(0)
        }
        for tensor in [rewards, terminated, discounts, lossMask] {
            tensor.resize(batchSize, window)
            tensor.fill(0)
        }
        actions.removeAll(keepingCapacity: true)
        actions.append(contentsOf: repeatElement(0, count: batchSize * window))
        startIndices.removeAll(keepingCapacity: true)
    }
}

/// A replay of whole episodes for recurrent Q-learning (DRQN, R2D2-style windows).
///
/// Transitions are stored in order in a preallocated ring (a ``ReplayBuffer``,
/// so observations may be bit-packed), each marked when it is the first of its
/// episode. Sampling draws a stored step uniformly as the first trained step of
/// a window, reaches back up to ``burnIn`` steps within the same episode (never
/// past the oldest stored step) and forward up to ``sequenceLength`` steps until
/// the episode ends or the stored data does; see ``SequenceBatch`` for the layout.
///
/// Windows start from a zero LSTM state (R2D2's "zero start state" strategy with
/// burn-in): storing the acting state per step would be stale once the network
/// has changed, and the tasks here have short episodes that burn-in covers.
public final class SequenceReplayBuffer {
    /// Transitions held when full.
    public var capacity: Int { transitions.capacity }
    /// Transitions currently held.
    public var count: Int { transitions.count }
    /// Steps that only warm up the state before each window's trained part.
    public let burnIn: Int
    /// Trained steps per window.
    public let sequenceLength: Int
    /// The stored transitions, in the order they were added.
    public let transitions: ReplayBuffer
    private var episodeStartFlags: [UInt8]
    private var spans: [ClosedRange<Int>] = []

    /// Allocates the whole ring up front.
    public init(capacity: Int, observationShape: [Int], storage: ObservationStorage, burnIn: Int, sequenceLength: Int) {
        precondition(burnIn >= 0 && sequenceLength >= 1, "burn-in must be ≥ 0 and sequence length ≥ 1")
        transitions = ReplayBuffer(capacity: capacity, observationShape: observationShape, storage: storage)
        episodeStartFlags = [UInt8](repeating: 0, count: capacity)
        self.burnIn = burnIn
        self.sequenceLength = sequenceLength
    }

    /// The most positions a window's span can cover.
    public var maximumWindow: Int { burnIn + sequenceLength }

    /// Stores one transition, overwriting the oldest when full.
    ///
    /// - Parameter episodeStart: the transition is the first of its episode.
    public func add(
        observation: [Float], action: Int, reward: Float, nextObservation: [Float],
        terminated: Bool, truncated: Bool, discount: Float, episodeStart: Bool
    ) throws(ReplayBufferError) {
        let row = transitions.position
        try transitions.add(observation: observation, action: action, reward: reward, nextObservation: nextObservation,
                            terminated: terminated, truncated: truncated, discount: discount)
        episodeStartFlags[row] = episodeStart ? 1 : 0
    }

    /// The ring row of logical index `index` (0 = the oldest stored transition).
    func row(ofIndex index: Int) -> Int {
        let oldest = transitions.isFull ? transitions.position : 0
        return (oldest + index) % capacity
    }

    /// Whether the transition at logical `index` is the first of its episode.
    public func isEpisodeStart(index: Int) -> Bool { episodeStartFlags[row(ofIndex: index)] == 1 }

    /// Whether the transition at logical `index` ended its episode (terminated or truncated).
    public func endsEpisode(index: Int) -> Bool {
        let row = row(ofIndex: index)
        return transitions.isTerminated(row: row) || transitions.wasTruncated(row: row)
    }

    /// The logical indices a window whose first trained step is `start` covers:
    /// from the earliest burn-in step of the same episode to the last step of
    /// the same episode within the window.
    public func span(start: Int) -> ClosedRange<Int> {
        precondition(start >= 0 && start < count, "window start \(start) outside the \(count) stored transitions")
        var first = start
        while first > start - burnIn && first > 0 && !isEpisodeStart(index: first) && !endsEpisode(index: first - 1) {
            first -= 1
        }
        var last = start
        while last + 1 < count && last + 1 < start + sequenceLength && !endsEpisode(index: last) && !isEpisodeStart(index: last + 1) {
            last += 1
        }
        return first...last
    }

    /// Fills `batch` with `batchSize` windows whose first trained steps are drawn
    /// uniformly (with replacement) from the stored transitions.
    public func sample<G: RandomNumberGenerator>(batchSize: Int, using generator: inout G, into batch: SequenceBatch) {
        precondition(count > 0, "cannot sample from an empty replay buffer")
        var starts: [Int] = []
        starts.reserveCapacity(batchSize)
        for _ in 0..<batchSize { starts.append(generator.nextInt(upperBound: count)) }
        gather(starts: starts, into: batch)
    }

    /// Fills `batch` with the windows whose first trained steps are `starts` (logical indices), in order.
    ///
    /// Each window is left-aligned: position 0 holds the first step of its span,
    /// and the batch is as long as its longest span (plus the bootstrap position),
    /// so short episodes cost no padding beyond the batch's longest.
    public func gather(starts: [Int], into batch: SequenceBatch) {
        spans.removeAll(keepingCapacity: true)
        var window = 0
        for start in starts {
            let span = span(start: start)
            spans.append(span)
            window = max(window, span.count)
        }
        let positions = window + 1
        let size = transitions.observationSize
        batch.resize(batchSize: starts.count, window: window, observationShape: transitions.observationShape)
        for (slot, start) in starts.enumerated() {
            batch.startIndices.append(start)
            let span = spans[slot]
            let base = slot * positions
            batch.episodeStarts[base] = 1
            for index in span {
                let position = index - span.lowerBound, row = row(ofIndex: index)
                transitions.copyObservation(row: row, next: false, to: batch.observations.pointer + (base + position) * size)
                batch.filled[base + position] = 1
                let step = slot * window + position
                batch.actions[step] = transitions.action(row: row)
                batch.rewards[step] = transitions.reward(row: row)
                batch.terminated[step] = transitions.isTerminated(row: row) ? 1 : 0
                batch.discounts[step] = transitions.discount(row: row)
                batch.lossMask[step] = index >= start ? 1 : 0
            }
            let bootstrap = span.count
            transitions.copyObservation(row: row(ofIndex: span.upperBound), next: true,
                                        to: batch.observations.pointer + (base + bootstrap) * size)
            batch.filled[base + bootstrap] = 1
        }
    }

    // MARK: - Serialization

    /// The whole buffer as bytes, for checkpoints.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        writer.append(UInt64(burnIn))
        writer.append(UInt64(sequenceLength))
        writer.append(array: transitions.serialized())
        writer.append(array: episodeStartFlags)
        return writer.bytes
    }

    /// Restores the state written by ``serialized()`` into this buffer, whose
    /// configuration must match.
    public func restore(from bytes: [UInt8]) throws(ReplayBufferError) {
        var reader = ByteReader(bytes: bytes)
        let stored = (try reader.readUInt64(), try reader.readUInt64())
        guard stored == (UInt64(burnIn), UInt64(sequenceLength)) else {
            throw .corrupt("stored burn-in/sequence length \(stored.0)/\(stored.1) differ from this buffer's \(burnIn)/\(sequenceLength)")
        }
        let transitionBytes: [UInt8] = try reader.readArray(count: Int(try peekCount(reader)))
        let flags: [UInt8] = try reader.readArray(count: capacity)
        guard reader.isAtEnd else { throw .corrupt("\(bytes.count - reader.offset) unexpected trailing bytes") }
        try transitions.restore(from: transitionBytes)
        episodeStartFlags = flags
    }

    private func peekCount(_ reader: ByteReader) throws(ReplayBufferError) -> UInt64 {
        var copy = reader
        return try copy.readUInt64()
    }
}
