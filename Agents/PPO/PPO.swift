import Foundation
import Environments
import Neural

/// Proximal policy optimisation (Schulman et al. 2017) with a categorical
/// policy for discrete actions or a diagonal Gaussian one for `Box` actions
/// (see ``PPOActionSpace``), recurrent (an LSTM between encoder and heads, as
/// sb3-contrib's RecurrentPPO) or memoryless (`lstm_hidden_size: 0`, as SB3's PPO).
///
/// Network (`PPOActorCritic.swift`, one forward path for acting, value estimates
/// and training): an encoder chosen by the observation's shape (convolutions and a
/// dense layer for `[C, H, W]`, nothing for vectors) → optional LSTM, one shared
/// by both heads or one for each (`shared_lstm`) → a policy head (one logit per
/// action) and a value head. The loss and its hand gradient are in `PPOLoss.swift`,
/// observation and reward normalisation in `PPONormalization.swift`.
///
/// The runner drives it with environment copies of its own:
///
/// 1. ``setObservations(_:episodeStarts:)`` with the batch the copies show now
///    (`episodeStarts[n]`: copy `n`'s observation is the first of an episode);
/// 2. ``act()`` (discrete) or ``actContinuous()`` (`Box`) samples one action per
///    copy and stores the step in ``buffer``;
/// 3. ``recordRewards(_:bootstrapObservations:)`` after stepping the copies;
/// 4. when ``buffer`` is full, ``update()`` computes GAE(λ) advantages and takes
///    `n_epochs` passes of clipped-surrogate minibatch steps.
///
/// Recurrent state: acting carries each copy's LSTM state from step to step and
/// zeroes it before an episode's first observation. Training replays whole
/// environment sequences from the state each copy had when the rollout began,
/// with episode-start flags zeroing the LSTM state where the rollout did, so the
/// training forward pass sees exactly the states acting saw.
///
/// Time limits: where an episode is truncated rather than terminated, the value
/// of its final observation, discounted once, is added to the last reward (as
/// SB3 does), so cutting an episode short does not look like failing.
public final class PPOAgent {
    /// The hyperparameters.
    public let config: PPOConfig
    /// The shape of one observation (`[C, H, W]` gets a CNN encoder).
    public let observationShape: [Int]
    /// Floats of one observation.
    public let observationSize: Int
    /// What the policy chooses.
    public let actionSpace: PPOActionSpace
    /// The policy head's outputs: the number of discrete actions, or the
    /// components of a `Box` action.
    public let actionCount: Int
    /// Environment copies acting together (`n_envs`).
    public let environmentCount: Int
    /// The optimiser.
    public let optimizer: Adam
    /// The rollout being collected.
    public let buffer: RolloutBuffer
    /// Sampling and minibatch shuffling draw from this; its state is part of a checkpoint.
    public var generator: Xoshiro256
    /// Environment steps taken, over all copies.
    public private(set) var environmentSteps = 0
    /// Updates (rollouts trained on) so far.
    public private(set) var updates = 0
    /// What the last update measured.
    public private(set) var lastStatistics: PPOUpdateStatistics?

    /// The acting LSTM states, `[n_envs, H]` (critic ones only with a separate critic LSTM).
    public let actorHidden: Tensor, actorCell: Tensor, criticHidden: Tensor, criticCell: Tensor
    /// The states each copy had when the rollout began (training's initial states).
    public let rolloutActorHidden: Tensor, rolloutActorCell: Tensor, rolloutCriticHidden: Tensor, rolloutCriticCell: Tensor
    /// The observations the copies show now, as the policy sees them (normalised when on).
    public private(set) var currentObservations: [Float]
    /// Whether each copy's current observation starts an episode.
    public private(set) var currentEpisodeStarts: [Bool]

    let network: PPOActorCritic
    private let lossFunction: PPOLoss
    private var normalization: PPONormalization
    private let actingInput: Tensor
    private let singleInput: Tensor
    private let singleHidden: Tensor, singleCell: Tensor
    private let scratchHidden: Tensor, scratchCell: Tensor
    // Minibatch buffers.
    private var minibatchRows: [Int] = []
    private let batchObservations = Tensor(shape: [0])
    private let batchActorHidden = Tensor(shape: [0, 0]), batchActorCell = Tensor(shape: [0, 0])
    private let batchCriticHidden = Tensor(shape: [0, 0]), batchCriticCell = Tensor(shape: [0, 0])
    private let minibatchStarts = Tensor(shape: [0, 0])
    private let logitGradient = Tensor(shape: [0])
    private let logStdGradient = Tensor(shape: [0])
    private let valueGradient = Tensor(shape: [0])
    private var standardNormals: [Double]

    /// Builds the networks from `seed`, for `actionSpace`.
    ///
    /// - Throws: ``AgentConfigError`` for an invalid configuration.
    public init(observationShape: [Int], actionSpace: PPOActionSpace, config: PPOConfig, seed: UInt64) throws {
        try config.validate()
        precondition(actionSpace.policyOutputs > 0, "PPO needs at least one action")
        if case .box(let low, let high) = actionSpace {
            precondition(low.count == high.count && zip(low, high).allSatisfy { $0 <= $1 }, "PPO needs a Box with low <= high")
        }
        try config.checkNetworkShapes(observationShape: observationShape, actionCount: actionSpace.policyOutputs)
        self.config = config
        self.observationShape = observationShape
        observationSize = observationShape.reduce(1, *)
        self.actionSpace = actionSpace
        actionCount = actionSpace.policyOutputs
        standardNormals = [Double](repeating: 0, count: actionSpace.actionSize)
        environmentCount = config.environmentCount
        generator = Xoshiro256(seed: seed)
        var initGenerator = Xoshiro256(seed: seed ^ 0x5EED_0F_99_0)
        network = PPOActorCritic(observationShape: observationShape, actionSpace: actionSpace, config: config,
                                 generator: &initGenerator)
        optimizer = Adam(parameters: network.parameters, learningRate: Float(config.learningRate),
                         epsilon: Float(config.optimizerEpsilon))
        lossFunction = PPOLoss(config: config)
        normalization = PPONormalization(observationSize: observationSize, environmentCount: environmentCount, config: config)

        buffer = RolloutBuffer(environmentCount: environmentCount, steps: config.rolloutSteps, observationSize: observationSize,
                               actionSize: actionSpace.actionSize)
        let stateShape = [environmentCount, max(config.lstmHiddenSize, 1)]
        actorHidden = Tensor(shape: stateShape)
        actorCell = Tensor(shape: stateShape)
        criticHidden = Tensor(shape: stateShape)
        criticCell = Tensor(shape: stateShape)
        rolloutActorHidden = Tensor(shape: stateShape)
        rolloutActorCell = Tensor(shape: stateShape)
        rolloutCriticHidden = Tensor(shape: stateShape)
        rolloutCriticCell = Tensor(shape: stateShape)
        scratchHidden = Tensor(shape: stateShape)
        scratchCell = Tensor(shape: stateShape)
        singleHidden = Tensor(shape: [1, stateShape[1]])
        singleCell = Tensor(shape: [1, stateShape[1]])
        let inputShape = network.encoder != nil ? observationShape : [observationSize]
        actingInput = Tensor(shape: [environmentCount] + inputShape)
        singleInput = Tensor(shape: [1] + inputShape)
        currentObservations = [Float](repeating: 0, count: environmentCount * observationSize)
        currentEpisodeStarts = [Bool](repeating: true, count: environmentCount)
    }

    /// Builds the networks from `seed`, for `actionCount` discrete actions.
    ///
    /// - Throws: ``AgentConfigError`` for an invalid configuration.
    public convenience init(observationShape: [Int], actionCount: Int, config: PPOConfig, seed: UInt64) throws {
        try self.init(observationShape: observationShape, actionSpace: .discrete(count: actionCount), config: config, seed: seed)
    }

    /// The encoder of `[C, H, W]` observations; nil for vectors.
    public var encoder: Sequential? { network.encoder }
    /// The LSTM of the policy (and of the value when shared); nil when memoryless.
    public var actorLSTM: LSTM? { network.actorLSTM }
    /// The value's own LSTM; nil when shared or memoryless.
    public var criticLSTM: LSTM? { network.criticLSTM }
    /// Hidden layers and logits.
    public var policyHead: Sequential { network.policyHead }
    /// Hidden layers and the value.
    public var valueHead: Sequential { network.valueHead }
    /// The Gaussian policy's learned log standard deviations (`Box` actions); nil for discrete actions.
    public var logStd: Parameter? { network.logStd }
    /// Every trainable parameter, in checkpoint order.
    public var parameters: [Parameter] { network.parameters }
    /// Each parameter's checkpoint name (`encoder.0.weight`, `actor_lstm.bias`, ...).
    public var parameterNames: [String] { network.parameterNames }
    /// Whether the policy has an LSTM.
    public var isRecurrent: Bool { network.isRecurrent }

    /// The shape of one network input: `[C, H, W]` for the CNN, else one flat vector.
    private var inputShape: [Int] {
        network.encoder != nil ? observationShape : [observationSize]
    }

    /// The acting states, advanced in place by a step.
    private var actingMemory: PPOActorCritic.Memory {
        isRecurrent ? .step(actor: (actorHidden, actorCell), critic: (criticHidden, criticCell)) : .none
    }

    // MARK: - Observations and rewards

    /// The clip of normalised observations (SB3's VecNormalize `clip_obs`).
    public static let observationClip = PPONormalization.observationClip
    /// Added to the variance before the square root (VecNormalize's ε).
    public static let varianceEpsilon = PPONormalization.varianceEpsilon
    /// The clip of normalised rewards (SB3's VecNormalize `clip_reward`).
    public static let rewardClip = PPONormalization.rewardClip

    /// Running observation statistics when `normalize_observations` is on.
    public var observationStatistics: RunningMeanStd? {
        get { normalization.observationStatistics }
        set { normalization.observationStatistics = newValue }
    }
    /// Running statistics of the copies' discounted returns when `normalize_rewards` is on.
    public var returnStatistics: RunningMeanStd? {
        get { normalization.returnStatistics }
        set { normalization.returnStatistics = newValue }
    }
    /// Each copy's discounted sum of raw rewards since its episode began (what
    /// ``returnStatistics`` measures).
    public var discountedReturns: [Double] { normalization.discountedReturns }

    /// Takes the observations the copies show now (`n_envs · observationSize`
    /// floats, copy by copy) and whether each starts an episode. With
    /// normalisation on, the whole batch first updates the running statistics
    /// (as VecNormalize does), then each observation is normalised.
    public func setObservations(_ observations: [Float], episodeStarts: [Bool]) {
        precondition(observations.count == environmentCount * observationSize && episodeStarts.count == environmentCount,
                     "PPO expects \(environmentCount) observations of \(observationSize) floats")
        currentEpisodeStarts = episodeStarts
        currentObservations = normalization.updateAndNormalize(observations, count: environmentCount)
    }

    /// `observation` as the policy sees it, leaving the statistics unchanged.
    public func normalizedObservation(_ observation: [Float]) -> [Float] {
        normalization.normalized(observation)
    }

    // MARK: - Acting

    /// Samples one action per copy from the categorical policy and stores the
    /// step (observation, action, value, log-probability, episode start) in ``buffer``.
    ///
    /// - Precondition: the buffer is not full (call ``update()`` first); the actions are discrete.
    public func act() -> [Int] {
        precondition(!actionSpace.isContinuous, "act() chooses discrete actions; use actContinuous() for a Box")
        let (logits, values) = beginStep()
        let step = buffer.stepsStored
        var policy = Categorical(count: actionCount)
        var actions = [Int](repeating: 0, count: environmentCount)
        for environment in 0..<environmentCount {
            let row = buffer.row(environment: environment, step: step)
            policy.setLogits(logits.pointer + environment * actionCount)
            let action = policy.sample(uniform: generator.nextUnitDouble())
            actions[environment] = action
            buffer.actions[row] = action
            buffer.logProbabilities[row] = Float(policy.logProbabilities[action])
            store(environment: environment, row: row, value: values[environment])
        }
        return actions
    }

    /// Samples one action per copy from the Gaussian policy (mean + σ · ε, the
    /// standard normal draws ε taken from ``generator`` copy by copy, component by
    /// component), stores the step with the sample as drawn in ``buffer``, and
    /// returns the samples clipped to the `Box`, as the environment must take them.
    ///
    /// - Precondition: the buffer is not full (call ``update()`` first); the actions are a `Box`.
    public func actContinuous() -> [[Float]] {
        precondition(actionSpace.isContinuous, "actContinuous() samples Box actions; use act() for discrete ones")
        let (means, values) = beginStep()
        let step = buffer.stepsStored, size = actionCount
        var policy = DiagonalGaussian(dimension: size)
        var actions: [[Float]] = []
        actions.reserveCapacity(environmentCount)
        for environment in 0..<environmentCount {
            let row = buffer.row(environment: environment, step: step)
            policy.set(mean: means.pointer + environment * size, logStd: network.logStd!.value.pointer)
            for component in 0..<size { standardNormals[component] = generator.nextGaussian() }
            buffer.continuousActions.withUnsafeMutableBufferPointer { stored in
                let sample = stored.baseAddress! + row * size
                policy.sample(standardNormals: standardNormals, into: sample)
                buffer.logProbabilities[row] = Float(policy.logProbability(of: sample))
                actions.append(actionSpace.clipped(sample))
            }
            store(environment: environment, row: row, value: values[environment])
        }
        return actions
    }

    /// Opens a rollout step: saves the rollout's initial LSTM states at its first
    /// step, zeroes the states of copies whose episode starts, and runs both heads
    /// on the current observations (acting states advanced).
    private func beginStep() -> (policy: Tensor, values: Tensor) {
        precondition(!buffer.isFull, "the rollout is full: call update() before acting again")
        let step = buffer.stepsStored
        if step == 0 && isRecurrent {
            rolloutActorHidden.assign(actorHidden)
            rolloutActorCell.assign(actorCell)
            rolloutCriticHidden.assign(criticHidden)
            rolloutCriticCell.assign(criticCell)
        }
        if isRecurrent {
            for environment in 0..<environmentCount where currentEpisodeStarts[environment] {
                zeroRow(environment, of: actorHidden, actorCell, criticHidden, criticCell)
            }
        }
        actingInput.assign(currentObservations)
        let (logits, values) = network.forward(actingInput, memory: actingMemory, heads: .both)
        return (logits!, values!)
    }

    /// Stores copy `environment`'s value, episode start and observation in `row`.
    private func store(environment: Int, row: Int, value: Float) {
        buffer.values[row] = value
        buffer.episodeStarts[row] = currentEpisodeStarts[environment]
        let offset = environment * observationSize
        for index in 0..<observationSize {
            buffer.observations[row * observationSize + index] = currentObservations[offset + index]
        }
    }

    private func zeroRow(_ row: Int, of tensors: Tensor...) {
        for tensor in tensors {
            let width = tensor.count / max(tensor.batchSize, 1)
            (tensor.pointer + row * width).update(repeating: 0, count: width)
        }
    }

    /// Stores the rewards of the step just taken (one per copy) and completes the
    /// step. With `normalize_rewards` on, each reward is first divided by the running
    /// standard deviation of the discounted returns. For each copy in
    /// `bootstrapObservations` (episodes a time limit cut, with their final
    /// observation as the environment returned it) the reward then gets
    /// `γ · V(final observation)`, valued from the state after this step.
    public func recordRewards(_ rewards: [Double], bootstrapObservations: [(environment: Int, observation: [Float])] = []) {
        precondition(rewards.count == environmentCount, "PPO expects \(environmentCount) rewards")
        let step = buffer.stepsStored
        let scaled = normalization.scaled(rewards, episodeStarts: currentEpisodeStarts)
        for environment in 0..<environmentCount {
            buffer.rewards[buffer.row(environment: environment, step: step)] = Float(scaled[environment])
        }
        for (environment, observation) in bootstrapObservations {
            let value = finalValue(observation, environment: environment)
            buffer.rewards[buffer.row(environment: environment, step: step)] += Float(config.gamma) * value
        }
        buffer.stepsStored += 1
        environmentSteps += environmentCount
    }

    /// The value of a final observation of copy `environment`, continuing from that
    /// copy's state after the step (on a copy: the acting state is left unchanged).
    private func finalValue(_ observation: [Float], environment: Int) -> Float {
        singleInput.assign(normalizedObservation(observation))
        var memory = PPOActorCritic.Memory.none
        if isRecurrent {
            let (hidden, cell) = criticLSTM != nil ? (criticHidden, criticCell) : (actorHidden, actorCell)
            let width = config.lstmHiddenSize
            singleHidden.pointer.update(from: hidden.pointer + environment * width, count: width)
            singleCell.pointer.update(from: cell.pointer + environment * width, count: width)
            memory = .step(actor: (singleHidden, singleCell), critic: (singleHidden, singleCell))
        }
        return network.forward(singleInput, memory: memory, heads: .value).values![0]
    }

    /// The values of the current observations, continuing every copy's state
    /// (zeroed where an episode starts) on a copy, leaving it unchanged.
    private func currentValues() -> [Float] {
        actingInput.assign(currentObservations)
        var memory = PPOActorCritic.Memory.none
        if isRecurrent {
            let useCritic = criticLSTM != nil
            scratchHidden.assign(useCritic ? criticHidden : actorHidden)
            scratchCell.assign(useCritic ? criticCell : actorCell)
            for environment in 0..<environmentCount where currentEpisodeStarts[environment] {
                zeroRow(environment, of: scratchHidden, scratchCell)
            }
            memory = .step(actor: (scratchHidden, scratchCell), critic: (scratchHidden, scratchCell))
        }
        return network.forward(actingInput, memory: memory, heads: .value).values!.scalars
    }

    // MARK: - Learning

    /// Trains on the full rollout: GAE(λ) advantages bootstrapped from the current
    /// observations, then `n_epochs` passes over shuffled minibatches (whole
    /// environment sequences when recurrent), each a forward pass, the loss,
    /// a backward pass, gradient-norm clipping and an Adam step; then empties the buffer.
    ///
    /// - Throws: ``PPOError/nonFiniteLoss(update:loss:)`` when a loss is NaN or infinite.
    @discardableResult
    public func update() throws -> PPOUpdateStatistics {
        precondition(buffer.isFull, "update() needs a full rollout")
        buffer.computeAdvantages(lastValues: currentValues(), nextEpisodeStarts: currentEpisodeStarts,
                                 gamma: Float(config.gamma), lambda: Float(config.gaeLambda))
        optimizer.learningRate = Float(config.learningRate(atStep: environmentSteps))
        let clip = Float(config.clipRange(atStep: environmentSteps))
        var totals = PPOUpdateStatistics()
        var minibatches = 0
        for _ in 0..<config.epochs {
            for minibatch in minibatchOrder() {
                let statistics = computeGradients(minibatch: minibatch, clip: clip)
                guard statistics.loss.isFinite else {
                    throw PPOError.nonFiniteLoss(update: updates + 1, loss: statistics.loss)
                }
                totals.gradientNorm += Double(clipGradientNorm(parameters, maxNorm: Float(config.maxGradNorm)))
                optimizer.step()
                totals.add(statistics)
                minibatches += 1
            }
        }
        totals.divide(by: minibatches)
        totals.learningRate = Double(optimizer.learningRate)
        totals.clipRange = Double(clip)
        buffer.clear()
        updates += 1
        lastStatistics = totals
        return totals
    }

    /// The minibatches of one epoch: lists of copies (recurrent: each minibatch is
    /// `batch_size / n_steps` whole sequences) or of rows (memoryless).
    ///
    /// Recurrent minibatches are cut by environment sequence, not by shuffled rows,
    /// because the LSTM must run each sequence in order from the state it had when
    /// the rollout began (CleanRL's ppo_atari_lstm does the same); shuffling only
    /// which sequences go together keeps that state valid.
    func minibatchOrder() -> [PPOMinibatch] {
        if isRecurrent {
            let order = permutation(environmentCount)
            let perBatch = max(1, config.batchSize / config.rolloutSteps)
            return stride(from: 0, to: environmentCount, by: perBatch).map {
                .sequences(Array(order[$0..<min($0 + perBatch, environmentCount)]))
            }
        }
        let order = permutation(buffer.rowCount)
        return stride(from: 0, to: order.count, by: config.batchSize).map {
            .rows(Array(order[$0..<min($0 + config.batchSize, order.count)]))
        }
    }

    private func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        if count > 1 {
            for index in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(index, generator.nextInt(upperBound: index + 1))
            }
        }
        return order
    }

    /// Runs the minibatch forward, computes the PPO loss and back-propagates it,
    /// leaving every parameter's gradient set to this minibatch's (not yet clipped
    /// or applied).
    func computeGradients(minibatch: PPOMinibatch, clip: Float) -> PPOUpdateStatistics {
        let (logits, values) = forward(minibatch)
        let statistics = lossFunction.evaluate(
            logits: logits, logStd: network.logStd?.value, values: values, rows: minibatchRows, buffer: buffer, clip: clip,
            logitGradient: logitGradient, logStdGradient: logStdGradient, valueGradient: valueGradient)
        optimizer.zeroGradients()
        network.backward(logitGradient: logitGradient, valueGradient: valueGradient, rows: minibatchRows.count)
        network.logStd?.gradient.assign(logStdGradient)
        return statistics
    }

    /// The PPO loss of a minibatch with the current parameters (no gradients).
    func loss(minibatch: PPOMinibatch, clip: Float) -> Double {
        let (logits, values) = forward(minibatch)
        return Double(lossFunction.evaluate(
            logits: logits, logStd: network.logStd?.value, values: values, rows: minibatchRows, buffer: buffer, clip: clip,
            logitGradient: nil, valueGradient: nil).loss)
    }

    /// Gathers the minibatch's rows (observations; for sequences also their initial
    /// states and episode starts) into ``minibatchRows`` and the batch buffers, and
    /// runs the network on them.
    private func forward(_ minibatch: PPOMinibatch) -> (logits: Tensor, values: Tensor) {
        minibatchRows.removeAll(keepingCapacity: true)
        switch minibatch {
        case .rows(let rows):
            minibatchRows.append(contentsOf: rows)
        case .sequences(let environments):
            for environment in environments {
                for step in 0..<config.rolloutSteps { minibatchRows.append(buffer.row(environment: environment, step: step)) }
            }
        }
        let rows = minibatchRows.count
        batchObservations.resize(to: [rows] + inputShape)
        buffer.observations.withUnsafeBufferPointer { source in
            for (index, row) in minibatchRows.enumerated() {
                (batchObservations.pointer + index * observationSize)
                    .update(from: source.baseAddress! + row * observationSize, count: observationSize)
            }
        }
        var memory = PPOActorCritic.Memory.none
        if isRecurrent, case .sequences(let environments) = minibatch {
            minibatchStarts.resize(environments.count, config.rolloutSteps)
            for (index, row) in minibatchRows.enumerated() { minibatchStarts[index] = buffer.episodeStarts[row] ? 1 : 0 }
            gatherStates(environments, from: rolloutActorHidden, into: batchActorHidden)
            gatherStates(environments, from: rolloutActorCell, into: batchActorCell)
            if criticLSTM != nil {
                gatherStates(environments, from: rolloutCriticHidden, into: batchCriticHidden)
                gatherStates(environments, from: rolloutCriticCell, into: batchCriticCell)
            }
            memory = .sequences(count: environments.count, time: config.rolloutSteps,
                                actor: (batchActorHidden, batchActorCell), critic: (batchCriticHidden, batchCriticCell),
                                episodeStarts: minibatchStarts)
        }
        let (logits, values) = network.forward(batchObservations, memory: memory, heads: .both)
        return (logits!, values!)
    }

    private func gatherStates(_ environments: [Int], from source: Tensor, into target: Tensor) {
        let width = config.lstmHiddenSize
        target.resize(environments.count, width)
        for (index, environment) in environments.enumerated() {
            (target.pointer + index * width).update(from: source.pointer + environment * width, count: width)
        }
    }

    // MARK: - Greedy play

    /// A fresh recurrent memory for one episode of greedy play (zero state).
    public func makeMemory() -> PPOMemory {
        PPOMemory(hiddenSize: max(config.lstmHiddenSize, 1))
    }

    /// The most probable discrete action for `observation` (raw, as the environment
    /// returns it; normalised with frozen statistics), advancing `memory` by one step.
    public func greedyAction(_ observation: [Float], memory: PPOMemory) -> Int {
        precondition(!actionSpace.isContinuous, "greedyAction chooses discrete actions; use greedyContinuousAction for a Box")
        return argmax(policyOutputs(observation, memory: memory).pointer, count: actionCount)
    }

    /// The Gaussian policy's mean for `observation` (raw; normalised with frozen
    /// statistics) clipped to the `Box`, advancing `memory` by one step.
    public func greedyContinuousAction(_ observation: [Float], memory: PPOMemory) -> [Float] {
        precondition(actionSpace.isContinuous, "greedyContinuousAction chooses Box actions; use greedyAction for discrete ones")
        return actionSpace.clipped(policyOutputs(observation, memory: memory).pointer)
    }

    /// The policy head's outputs (logits or means) for one raw observation.
    private func policyOutputs(_ observation: [Float], memory: PPOMemory) -> Tensor {
        singleInput.assign(normalizedObservation(observation))
        let state = (memory.hidden, memory.cell)
        return network.forward(singleInput, memory: isRecurrent ? .step(actor: state, critic: state) : .none,
                               heads: .policy).logits!
    }

    // MARK: - Checkpoints

    /// Counters, generator, statistics and the current observations that, with the
    /// tensors of ``checkpoint(metadata:)``, fix the agent's future exactly. Taken
    /// between rollouts (the buffer is empty then).
    public struct State: Codable, Sendable, Equatable {
        public var environmentSteps: Int
        public var updates: Int
        public var generator: Xoshiro256
        public var observationStatistics: RunningMeanStd?
        /// Absent in checkpoints written before reward normalisation existed.
        public var returnStatistics: RunningMeanStd?
        public var discountedReturns: [Double]?
        public var currentObservations: [Float]
        public var currentEpisodeStarts: [Bool]
        public var lastStatistics: PPOUpdateStatistics?
    }

    /// The agent's scalar state, for checkpoints.
    public var state: State {
        State(environmentSteps: environmentSteps, updates: updates, generator: generator,
              observationStatistics: observationStatistics, returnStatistics: returnStatistics,
              discountedReturns: discountedReturns, currentObservations: currentObservations,
              currentEpisodeStarts: currentEpisodeStarts, lastStatistics: lastStatistics)
    }

    /// Restores the scalar state written by ``state``.
    public func restore(_ state: State) {
        environmentSteps = state.environmentSteps
        updates = state.updates
        generator = state.generator
        normalization.observationStatistics = state.observationStatistics
        normalization.returnStatistics = state.returnStatistics
        normalization.discountedReturns = state.discountedReturns ?? [Double](repeating: 0, count: environmentCount)
        currentObservations = state.currentObservations
        currentEpisodeStarts = state.currentEpisodeStarts
        lastStatistics = state.lastStatistics
        buffer.clear()
    }

    /// The agent's tensors: parameters by ``parameterNames`` (`log_std` last for a
    /// `Box`), the acting LSTM
    /// states (`state.actor_hidden`, ...) and the optimiser's state.
    public func checkpoint(metadata: Data = Data()) -> Checkpoint {
        var entries = zip(parameterNames, parameters).map { Checkpoint.Entry(name: $0, tensor: $1.value) }
        if isRecurrent {
            entries += [("state.actor_hidden", actorHidden), ("state.actor_cell", actorCell),
                        ("state.critic_hidden", criticHidden), ("state.critic_cell", criticCell)]
                .map { Checkpoint.Entry(name: $0.0, tensor: $0.1) }
        }
        return Checkpoint(
            parameters: entries,
            optimizerState: optimizer.stateTensors.enumerated().map { Checkpoint.Entry(name: "optimizer.\($0.offset)", tensor: $0.element) },
            optimizerStep: optimizer.stepCount, metadata: metadata)
    }

    /// Restores parameters, LSTM states and optimiser from a decoded `checkpoint`
    /// (every name and shape is checked first; on error nothing changes).
    public func restoreTensors(from checkpoint: Checkpoint) throws {
        let (step, _) = try checkpoint.restore(into: self.checkpoint())
        optimizer.stepCount = step
    }
}

/// One minibatch: rows of the rollout (memoryless) or whole sequences of copies (recurrent).
enum PPOMinibatch: Equatable {
    case rows([Int])
    case sequences([Int])
}

/// The recurrent state of one episode of greedy play.
public final class PPOMemory {
    /// `[1, H]`.
    public let hidden: Tensor
    /// `[1, H]`.
    public let cell: Tensor

    init(hiddenSize: Int) {
        hidden = Tensor(shape: [1, hiddenSize])
        cell = Tensor(shape: [1, hiddenSize])
    }

    /// Back to the zero state (an episode starts).
    public func reset() {
        hidden.fill(0)
        cell.fill(0)
    }
}

/// A failure while training a ``PPOAgent``.
public enum PPOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A loss came out NaN or infinite.
    case nonFiniteLoss(update: Int, loss: Float)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let update, let loss):
            return "the PPO loss became \(loss) in update \(update); lower learning_rate or max_grad_norm, or normalise observations"
        }
    }
}
