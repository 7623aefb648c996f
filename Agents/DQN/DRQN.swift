import Environments
import Neural

/// Deep recurrent Q-learning (DRQN, Hausknecht & Stone 2015) trained as R2D2
/// (Kapturowski et al. 2019) trains its LSTM: from windows of stored episodes
/// with a burn-in prefix.
///
/// The network is a ``RecurrentQNetwork`` (encoder → LSTM → Q head). Everything
/// DRQN shares with ``DQNAgent`` comes from the same code and the same keys:
/// the ε schedule, learning-rate schedule, optimiser, Huber or MSE loss,
/// gradient-norm clipping, hard or Polyak target updates and the step counting
/// of `learningStarts`, `trainFrequency`, `gradientSteps` and
/// `targetUpdateInterval`.
///
/// Acting carries the LSTM state across an episode: every ``act(_:explore:)``
/// advances it by the observation (random actions too, so the state always
/// reflects what was seen), and it returns to zero at the start of each episode,
/// after a transition that ended one or on ``beginEpisode()``.
///
/// Training samples ``DQNConfig/batchSize`` windows from a ``SequenceReplayBuffer``:
/// each window starts from a zero state, runs `burnIn` steps without loss, then
/// `sequenceLength` trained steps. Targets are double-DQN (or plain) one-step
/// targets `r + γ · (1 − terminated) · Q_target(h_{t+1}, a′)`, where the online
/// and target networks both run over the same window, so `h_{t+1}` has seen the
/// same history in both. A truncated step bootstraps from its final observation.
/// The loss is the mean over the trained steps of all windows; burn-in and
/// padding carry none.
public final class DRQNAgent {
    /// The hyperparameters.
    public let config: DRQNConfig
    /// The shape of one observation.
    public let observationShape: [Int]
    /// The number of discrete actions.
    public let actionCount: Int
    /// The network being trained.
    public let online: RecurrentQNetwork
    /// The slowly updated copy that values next states.
    public let target: RecurrentQNetwork
    /// The optimiser of ``online``.
    public let optimizer: any Optimizer
    /// Past episodes to learn from.
    public let replayBuffer: SequenceReplayBuffer
    /// Exploration and replay sampling draw from this; its state is part of a checkpoint.
    public var generator: Xoshiro256
    /// Environment steps observed so far.
    public private(set) var environmentSteps = 0
    /// Gradient steps taken so far.
    public private(set) var gradientSteps = 0
    /// The loss of the last gradient step, if any.
    public private(set) var lastLoss: Float?
    /// The acting hidden state, `[1, lstmHiddenSize]`.
    public let hidden: Tensor
    /// The acting cell state, `[1, lstmHiddenSize]`.
    public let cell: Tensor
    /// The next transition observed is the first of an episode.
    public private(set) var atEpisodeStart = true

    private let loss: any RegressionLoss
    private let batch = SequenceBatch()
    private let selectedValues = Tensor(shape: [0])
    private let targetValues = Tensor(shape: [0])
    private let valueGradient = Tensor(shape: [0, 0])
    /// The `(window, position)` of each trained step in the last batch, in loss order.
    private var trainedSteps: [(window: Int, position: Int)] = []
    /// For each trained step, its row in the online Q-values and its action.
    private var trainedRows: [Int] = [], trainedActions: [Int] = []
    private var targetNext: [Float] = []

    /// Builds the networks from `seed` and allocates the replay.
    ///
    /// - Throws: ``AgentConfigError`` for an invalid configuration.
    public init(observationSpace: Box, actionCount: Int, config: DRQNConfig, seed: UInt64) throws {
        try config.validate()
        try config.checkNetworkShapes(observationShape: observationSpace.shape, actionCount: actionCount)
        self.config = config
        observationShape = observationSpace.shape
        self.actionCount = actionCount
        generator = Xoshiro256(seed: seed)
        var initGenerator = Xoshiro256(seed: seed ^ 0x5EED_0F_4E7)
        online = RecurrentQNetwork(observationShape: observationShape, actionCount: actionCount, config: config, generator: &initGenerator)
        target = RecurrentQNetwork(observationShape: observationShape, actionCount: actionCount, config: config, generator: &initGenerator)
        copyParameters(from: online.parameters, to: target.parameters)
        optimizer = makeOptimizer(config: config.dqn, parameters: online.parameters)
        loss = makeTDLoss(config.dqn)
        replayBuffer = SequenceReplayBuffer(capacity: config.dqn.bufferSize, observationShape: observationShape,
                                            storage: replayStorage(config.dqn, observationSpace: observationSpace),
                                            burnIn: config.burnIn, sequenceLength: config.sequenceLength)
        hidden = Tensor(shape: [1, config.lstmHiddenSize])
        cell = Tensor(shape: [1, config.lstmHiddenSize])
    }

    /// The exploration rate at the current step.
    public var epsilon: Double { config.dqn.epsilon(atStep: environmentSteps) }

    // MARK: - Acting

    /// Forgets the acting state: the next observation is an episode's first.
    public func beginEpisode() {
        hidden.fill(0)
        cell.fill(0)
    }

    /// Advances the acting state by `observation` and chooses an action: uniformly
    /// random before `learningStarts`, then ε-greedy when `explore` is true;
    /// greedy when it is false.
    public func act(_ observation: [Float], explore: Bool) -> Int {
        let values = online.step(observation, hidden: hidden, cell: cell)
        if explore && shouldActRandomly(config: config.dqn, environmentSteps: environmentSteps, generator: &generator) {
            return generator.nextInt(upperBound: actionCount)
        }
        return argmax(values.pointer, count: actionCount)
    }

    // MARK: - Learning

    /// Stores one transition and, when due, updates the target network and trains.
    /// A transition that ends the episode also resets the acting state.
    ///
    /// - Returns: the mean loss of the gradient steps taken, or `nil` when none was due.
    /// - Throws: ``DQNError/nonFiniteLoss(gradientStep:loss:)`` when a loss is NaN or
    ///   infinite (the weights are left as they were before that step), or a
    ///   ``ReplayBufferError`` when the observation cannot be stored.
    @discardableResult
    public func observe(_ transition: Transition<[Float], Int>) throws -> Float? {
        environmentSteps += 1
        try replayBuffer.add(observation: transition.observation, action: transition.action, reward: Float(transition.reward),
                             nextObservation: transition.nextObservation, terminated: transition.terminated,
                             truncated: transition.truncated && !transition.terminated,
                             discount: Float(config.dqn.gamma), episodeStart: atEpisodeStart)
        atEpisodeStart = transition.terminated || transition.truncated
        if atEpisodeStart { beginEpisode() }
        if isTargetUpdateDue(config: config.dqn, environmentSteps: environmentSteps) {
            updateTargetParameters(from: online.parameters, to: target.parameters, tau: config.dqn.tau)
        }
        guard isTrainingDue(config: config.dqn, environmentSteps: environmentSteps) else { return nil }
        var total: Float = 0
        for _ in 0..<config.dqn.gradientSteps {
            total += try trainStep()
        }
        return total / Float(config.dqn.gradientSteps)
    }

    /// One gradient step on sampled windows; returns its loss.
    private func trainStep() throws -> Float {
        optimizer.learningRate = Float(config.dqn.learningRate(atStep: environmentSteps))
        replayBuffer.sample(batchSize: config.dqn.batchSize, using: &generator, into: batch)
        let predicted = computeTargets(for: batch)
        let positions = batch.window + 1
        trainedRows.removeAll(keepingCapacity: true)
        trainedActions.removeAll(keepingCapacity: true)
        for step in trainedSteps {
            trainedRows.append(step.window * positions + step.position)
            trainedActions.append(batch.actions[step.window * batch.window + step.position])
        }
        predicted.gather(columns: trainedActions, rows: trainedRows, into: selectedValues)
        let lossValue = loss.compute(prediction: selectedValues, target: targetValues)
        guard lossValue.isFinite else {
            throw DQNError.nonFiniteLoss(gradientStep: gradientSteps + 1, loss: lossValue)
        }
        valueGradient.scatter(loss.gradient, columns: trainedActions, rows: trainedRows,
                              rowCount: batch.batchSize * positions, width: actionCount)
        optimizer.zeroGradients()
        online.backward(valueGradient)
        if config.dqn.maxGradNorm > 0 { _ = clipGradientNorm(online.parameters, maxNorm: Float(config.dqn.maxGradNorm)) }
        optimizer.step()
        gradientSteps += 1
        lastLoss = lossValue
        return lossValue
    }

    /// Runs the target and then the online network over the batch's windows, fills
    /// ``targetValues`` with one target per trained step (in window, then position
    /// order) and returns the online Q-values, whose activations the backward pass uses.
    ///
    /// The target of the step at position `p` is `r + γ · (1 − terminated) · Q_target(p + 1, a′)`
    /// with `a′` the online network's greedy action at `p + 1` (double DQN) or the
    /// target's own.
    @discardableResult
    func computeTargets(for batch: SequenceBatch) -> Tensor {
        let windows = batch.batchSize, window = batch.window, positions = window + 1
        let targetQ = target.forward(batch.observations, batch: windows, time: positions, episodeStarts: batch.episodeStarts)
        targetNext.removeAll(keepingCapacity: true)
        targetNext.append(contentsOf: UnsafeBufferPointer(start: targetQ.pointer, count: targetQ.count))
        let onlineQ = online.forward(batch.observations, batch: windows, time: positions, episodeStarts: batch.episodeStarts)
        trainedSteps.removeAll(keepingCapacity: true)
        for slot in 0..<windows {
            for position in 0..<window where batch.lossMask[slot * window + position] != 0 {
                trainedSteps.append((slot, position))
            }
        }
        targetValues.resize(to: [trainedSteps.count])
        targetNext.withUnsafeBufferPointer { targetAll in
            for (index, step) in trainedSteps.enumerated() {
                let next = (step.window * positions + step.position + 1) * actionCount
                let values = targetAll.baseAddress! + next
                let nextAction = config.dqn.doubleDQN ? argmax(onlineQ.pointer + next, count: actionCount) : argmax(values, count: actionCount)
                let stepIndex = step.window * window + step.position
                targetValues[index] = batch.rewards[stepIndex]
                    + batch.discounts[stepIndex] * (1 - batch.terminated[stepIndex]) * values[nextAction]
            }
        }
        return onlineQ
    }

    /// The targets of the last ``computeTargets(for:)``, in window, then position order.
    var lastTargets: [Float] { targetValues.scalars }

    // MARK: - Plumbing

    /// Counters, generator and acting state that, with the networks, optimiser and
    /// replay, fix the agent's future exactly (for checkpoints).
    public struct State: Codable, Sendable, Equatable {
        public var environmentSteps: Int
        public var gradientSteps: Int
        public var generator: Xoshiro256
        public var lastLoss: Float?
        public var atEpisodeStart: Bool
        public var hidden: [Float]
        public var cell: [Float]
    }

    /// The agent's scalar state and acting state, for checkpoints.
    public var state: State {
        State(environmentSteps: environmentSteps, gradientSteps: gradientSteps, generator: generator, lastLoss: lastLoss,
              atEpisodeStart: atEpisodeStart, hidden: hidden.scalars, cell: cell.scalars)
    }

    /// Restores the state written by ``state``.
    public func restore(_ state: State) {
        environmentSteps = state.environmentSteps
        gradientSteps = state.gradientSteps
        generator = state.generator
        lastLoss = state.lastLoss
        atEpisodeStart = state.atEpisodeStart
        hidden.assign(state.hidden)
        cell.assign(state.cell)
    }
}
