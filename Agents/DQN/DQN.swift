import Environments
import Neural

/// Deep Q-learning (Mnih et al. 2015) with the usual refinements: double-DQN
/// targets (van Hasselt et al. 2016), Huber loss, gradient-norm clipping, a
/// linear ε schedule, hard or Polyak target updates, n-step returns and an
/// optional dueling head (Wang et al. 2016).
///
/// The runner calls ``act(_:explore:)`` before each environment step and
/// ``observe(_:)`` after it; `observe` stores the transition and trains when
/// due, counting intervals in environment steps as Stable-Baselines3 does:
/// the target network is updated every `targetUpdateInterval` steps, and every
/// `trainFrequency` steps after `learningStarts` the agent takes
/// `gradientSteps` gradient steps.
///
/// Bootstrapping stops at `terminated` only: a truncated episode (time limit)
/// still bootstraps from its final observation.
///
/// With `nSampledGoal` k > 0 the agent also does hindsight experience replay
/// (Andrychowicz et al. 2017): at the end of each episode it stores, for every
/// transition, k copies relabelled with goals reached later in the episode
/// (the "future" strategy), with rewards, n-step returns and termination
/// recomputed for that goal through ``hindsightGoals``. A copy is taken as the
/// first steps of an episode that starts in the copy's first state, so a reward
/// that depends on the step count (MiniGrid's) counts from there: the same
/// short walk to a goal earns the same reward wherever it lay in the episode,
/// which the observation (it does not show the step count) could not tell apart.
public final class DQNAgent {
    /// The hyperparameters.
    public let config: DQNConfig
    /// The shape of one observation (`[C, H, W]` gets a CNN encoder, vectors an MLP).
    public let observationShape: [Int]
    /// The number of discrete actions.
    public let actionCount: Int
    /// The network being trained.
    public let online: Sequential
    /// The slowly updated copy that values next states.
    public let target: Sequential
    /// The optimiser of ``online``.
    public let optimizer: any Optimizer
    /// Past transitions to learn from.
    public let replayBuffer: ReplayBuffer
    /// Exploration and replay sampling draw from this; its state is part of a checkpoint.
    public var generator: Xoshiro256
    /// Environment steps observed so far.
    public private(set) var environmentSteps = 0
    /// Gradient steps taken so far.
    public private(set) var gradientSteps = 0
    /// The loss of the last gradient step, if any.
    public private(set) var lastLoss: Float?
    /// How the environment's observations show their goal; hindsight replay
    /// (`nSampledGoal` > 0) needs it, and the runner sets it before training.
    public var hindsightGoals: (any HindsightGoals)?

    private let loss: any RegressionLoss
    private let batch = ReplayBatch()
    private let actingInput: Tensor
    private let selectedValues = Tensor(shape: [0])
    private let targetValues = Tensor(shape: [0])
    private let valueGradient = Tensor(shape: [0])
    private var nextActions: [Int] = []
    /// Transitions of the running episode not yet long enough for an n-step return.
    private var pending: [(observation: [Float], action: Int, reward: Double)] = []
    /// The running episode's observations, the goals their states achieve, and
    /// actions, kept for hindsight replay (states from the reset's on: one more than actions).
    private var episodeObservations: [[Float]] = []
    private var episodeAchievedGoals: [Int?] = []
    private var episodeActions: [Int] = []

    /// Builds the networks from `seed` and allocates the replay buffer.
    ///
    /// - Throws: ``DQNConfigError`` for an invalid configuration.
    public init(observationSpace: Box, actionCount: Int, config: DQNConfig, seed: UInt64) throws {
        try config.validate()
        try config.checkNetworkShapes(observationShape: observationSpace.shape, actionCount: actionCount)
        self.config = config
        observationShape = observationSpace.shape
        self.actionCount = actionCount
        generator = Xoshiro256(seed: seed)
        var initGenerator = Xoshiro256(seed: seed ^ 0x5EED_0F_4E7)
        online = makeQNetwork(observationShape: observationShape, actionCount: actionCount, config: config, generator: &initGenerator)
        target = makeQNetwork(observationShape: observationShape, actionCount: actionCount, config: config, generator: &initGenerator)
        copyParameters(from: online.parameters, to: target.parameters)
        // Nothing consumes the gradient with respect to the observations (and the
        // target network has no backward pass at all); this also lets a first
        // convolution take its sparse path on mostly-zero observations.
        online.computesInputGradient = false
        target.computesInputGradient = false
        optimizer = makeOptimizer(config: config, parameters: online.parameters)
        loss = makeTDLoss(config)
        replayBuffer = ReplayBuffer(capacity: config.bufferSize, observationShape: observationShape,
                                    storage: replayStorage(config, observationSpace: observationSpace))
        actingInput = Tensor(shape: [1] + observationShape)
    }

    /// The exploration rate at the current step.
    public var epsilon: Double { config.epsilon(atStep: environmentSteps) }

    // MARK: - Algorithm

    /// Chooses an action: uniformly random before `learningStarts`, then ε-greedy
    /// when `explore` is true; greedy when it is false.
    public func act(_ observation: [Float], explore: Bool) -> Int {
        if explore {
            if shouldActRandomly(config: config, environmentSteps: environmentSteps, generator: &generator) {
                return generator.nextInt(upperBound: actionCount)
            }
        }
        return greedyAction(observation)
    }

    /// The action with the highest Q-value (the first one on ties).
    public func greedyAction(_ observation: [Float]) -> Int {
        actingInput.assign(observation)
        let values = online.inference(actingInput)
        return argmax(values.pointer, count: actionCount)
    }

    /// The online network's Q-values for one observation.
    public func qValues(_ observation: [Float]) -> [Float] {
        actingInput.assign(observation)
        return online.inference(actingInput).scalars
    }

    /// Stores one transition and, when due, updates the target network and trains.
    ///
    /// - Returns: the mean loss of the gradient steps taken, or `nil` when none was due.
    /// - Throws: ``DQNError/nonFiniteLoss(gradientStep:loss:)`` when a loss is NaN or
    ///   infinite (the weights are left as they were before that step), or a
    ///   ``ReplayBufferError`` when the observation cannot be stored.
    @discardableResult
    public func observe(_ transition: Transition<[Float], Int>) throws -> Float? {
        precondition(config.nSampledGoal == 0, "hindsight replay needs the achieved goals: observe(_:achievedGoals:)")
        return try observe(transition, achievedGoals: (nil, nil))
    }

    /// ``observe(_:)`` with the goals that the transition's two states achieve
    /// (``HindsightGoalProviding/achievedGoal``), which hindsight replay
    /// (`nSampledGoal` > 0) keeps with the episode; without it they are ignored.
    @discardableResult
    public func observe(_ transition: Transition<[Float], Int>, achievedGoals: (before: Int?, after: Int?)) throws -> Float? {
        environmentSteps += 1
        try store(transition)
        if config.nSampledGoal > 0 { try storeHindsight(transition, achievedGoals: achievedGoals) }
        if isTargetUpdateDue(config: config, environmentSteps: environmentSteps) {
            updateTargetParameters(from: online.parameters, to: target.parameters, tau: config.tau)
        }
        guard isTrainingDue(config: config, environmentSteps: environmentSteps) else { return nil }
        var total: Float = 0
        for _ in 0..<config.gradientSteps {
            total += try trainStep()
        }
        return total / Float(config.gradientSteps)
    }

    /// Turns transitions into n-step transitions and writes them to the replay buffer.
    ///
    /// With n = 1 each transition is stored as it comes with discount γ. With n > 1,
    /// a transition is stored once n rewards follow it (discount γⁿ), and at the end
    /// of an episode every pending one is flushed with the rewards it has.
    private func store(_ transition: Transition<[Float], Int>) throws {
        pending.append((transition.observation, transition.action, transition.reward))
        let episodeOver = transition.terminated || transition.truncated
        while !pending.isEmpty && (episodeOver || pending.count == config.nStep) {
            var discountedReturn = 0.0, discount = 1.0
            for entry in pending {
                discountedReturn += discount * entry.reward
                discount *= config.gamma
            }
            let first = pending.removeFirst()
            try replayBuffer.add(
                observation: first.observation, action: first.action, reward: Float(discountedReturn),
                nextObservation: transition.nextObservation,
                terminated: transition.terminated, truncated: transition.truncated && !transition.terminated,
                discount: Float(discount))
        }
    }

    /// Keeps the episode and, when it ends, stores its relabelled copies.
    private func storeHindsight(_ transition: Transition<[Float], Int>, achievedGoals: (before: Int?, after: Int?)) throws {
        guard let goals = hindsightGoals else {
            preconditionFailure("n_sampled_goal needs the environment's hindsightGoals")
        }
        if episodeObservations.isEmpty {
            episodeObservations.append(transition.observation)
            episodeAchievedGoals.append(achievedGoals.before)
        }
        episodeObservations.append(transition.nextObservation)
        episodeAchievedGoals.append(achievedGoals.after)
        episodeActions.append(transition.action)
        guard transition.terminated || transition.truncated else { return }
        defer {
            episodeObservations.removeAll(keepingCapacity: true)
            episodeAchievedGoals.removeAll(keepingCapacity: true)
            episodeActions.removeAll(keepingCapacity: true)
        }
        let achieved = episodeAchievedGoals, stepCount = episodeActions.count
        for start in 0..<stepCount {
            for _ in 0..<config.nSampledGoal {
                let future = start + 1 + generator.nextInt(upperBound: stepCount - start)
                // A state that already is the goal would have ended the episode before the step.
                guard let goal = achieved[future], let startGoal = achieved[start], goal != startGoal else { continue }
                var discountedReturn = 0.0, discount = 1.0, end = start, reached = false
                while end < min(start + config.nStep, stepCount) && !reached {
                    end += 1
                    reached = achieved[end] == goal
                    if reached { discountedReturn += discount * goals.rewardForReachingGoal(atStep: end - start) }
                    discount *= config.gamma
                }
                // The walk reaches the goal at `future` at the latest, so a window that
                // reaches the episode's end has reached it: the real ending never applies.
                // Only the last state of an episode can achieve no goal, and the window stops before it.
                guard let endGoal = achieved[end] else { continue }
                var observation = episodeObservations[start], nextObservation = episodeObservations[end]
                goals.relabel(&observation, achieved: startGoal, goal: goal)
                goals.relabel(&nextObservation, achieved: endGoal, goal: goal)
                try replayBuffer.add(
                    observation: observation, action: episodeActions[start], reward: Float(discountedReturn),
                    nextObservation: nextObservation, terminated: reached, truncated: false, discount: Float(discount))
            }
        }
    }

    /// One gradient step on a sampled minibatch; returns its loss.
    private func trainStep() throws -> Float {
        optimizer.learningRate = Float(config.learningRate(atStep: environmentSteps))
        replayBuffer.sample(batchSize: config.batchSize, using: &generator, into: batch)
        let batchSize = config.batchSize

        computeTargets(for: batch)
        online.forward(batch.observations).gather(columns: batch.actions, into: selectedValues)
        let lossValue = loss.compute(prediction: selectedValues, target: targetValues)
        guard lossValue.isFinite else {
            throw DQNError.nonFiniteLoss(gradientStep: gradientSteps + 1, loss: lossValue)
        }
        valueGradient.scatter(loss.gradient, columns: batch.actions, rowCount: batchSize, width: actionCount)
        optimizer.zeroGradients()
        _ = online.backward(valueGradient)
        if config.maxGradNorm > 0 { _ = clipGradientNorm(online.parameters, maxNorm: Float(config.maxGradNorm)) }
        optimizer.step()
        gradientSteps += 1
        lastLoss = lossValue
        return lossValue
    }

    /// Fills ``targetValues`` with `r + discount · (1 − terminated) · Q_target(s′, a′)`,
    /// where `a′` is the online network's choice (double DQN) or the target's own.
    ///
    /// Both networks run as inference, so this may come before or after the online
    /// forward pass whose activations the backward pass uses.
    func computeTargets(for batch: ReplayBatch) {
        let batchSize = batch.actions.count
        nextActions.removeAll(keepingCapacity: true)
        if config.doubleDQN {
            let onlineNext = online.inference(batch.nextObservations)
            for row in 0..<batchSize {
                nextActions.append(argmax(onlineNext.pointer + row * actionCount, count: actionCount))
            }
        }
        let targetNext = target.inference(batch.nextObservations)
        targetValues.resize(to: [batchSize])
        for row in 0..<batchSize {
            let values = targetNext.pointer + row * actionCount
            let nextValue = config.doubleDQN ? values[nextActions[row]] : values[argmax(values, count: actionCount)]
            targetValues[row] = batch.rewards[row] + batch.discounts[row] * (1 - batch.terminated[row]) * nextValue
        }
    }

    /// The targets of the last ``computeTargets(for:)``.
    var lastTargets: [Float] { targetValues.scalars }

    // MARK: - Plumbing

    /// Counters and generator state that, with the networks, optimiser and replay
    /// buffer, fix the agent's future exactly (for checkpoints).
    public struct State: Codable, Sendable, Equatable {
        public var environmentSteps: Int
        public var gradientSteps: Int
        public var generator: Xoshiro256
        public var lastLoss: Float?
        public var pendingObservations: [[Float]]
        public var pendingActions: [Int]
        public var pendingRewards: [Double]
        /// The running episode's observations, achieved goals and actions, for
        /// hindsight replay (absent in checkpoints written before it existed).
        public var episodeObservations: [[Float]]?
        public var episodeAchievedGoals: [Int?]?
        public var episodeActions: [Int]?
    }

    /// The agent's scalar state, for checkpoints.
    public var state: State {
        State(environmentSteps: environmentSteps, gradientSteps: gradientSteps, generator: generator, lastLoss: lastLoss,
              pendingObservations: pending.map(\.observation), pendingActions: pending.map(\.action),
              pendingRewards: pending.map(\.reward),
              episodeObservations: config.nSampledGoal > 0 ? episodeObservations : nil,
              episodeAchievedGoals: config.nSampledGoal > 0 ? episodeAchievedGoals : nil,
              episodeActions: config.nSampledGoal > 0 ? episodeActions : nil)
    }

    /// Restores the scalar state written by ``state``.
    public func restore(_ state: State) {
        environmentSteps = state.environmentSteps
        gradientSteps = state.gradientSteps
        generator = state.generator
        lastLoss = state.lastLoss
        pending = zip(state.pendingObservations, zip(state.pendingActions, state.pendingRewards)).map { ($0, $1.0, $1.1) }
        episodeObservations = state.episodeObservations ?? []
        episodeAchievedGoals = state.episodeAchievedGoals ?? []
        episodeActions = state.episodeActions ?? []
    }
}

/// A failure while training a ``DQNAgent``.
public enum DQNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A loss came out NaN or infinite; training cannot continue meaningfully.
    case nonFiniteLoss(gradientStep: Int, loss: Float)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let loss):
            return "the TD loss became \(loss) at gradient step \(step); lower learning_rate or max_grad_norm, or check the rewards"
        }
    }
}
