import Foundation
import Environments
import Neural

/// Proximal policy optimisation (Schulman et al. 2017) with a categorical
/// policy, recurrent (an LSTM between encoder and heads, as sb3-contrib's
/// RecurrentPPO) or memoryless (`lstm_hidden_size: 0`, as SB3's PPO).
///
/// Network: an encoder chosen by the observation's shape (convolutions and a
/// dense layer for `[C, H, W]`, nothing for vectors, which go to the next part
/// as they are) → optional LSTM, one shared by both heads or one for each
/// (`shared_lstm`) → a policy head (hidden layers, then one logit per action)
/// and a value head (hidden layers, then one value).
///
/// The runner drives it with environment copies of its own:
///
/// 1. ``setObservations(_:episodeStarts:)`` with the batch the copies show now
///    (`episodeStarts[n]`: copy `n`'s observation is the first of an episode);
/// 2. ``act()`` samples one action per copy and stores the step in ``buffer``;
/// 3. ``recordRewards(_:bootstrapObservations:)`` after stepping the copies;
/// 4. when ``buffer`` is full, ``update()`` computes GAE(λ) advantages and takes
///    `n_epochs` passes of clipped-surrogate minibatch steps.
///
/// Recurrent state: acting carries each copy's LSTM state from step to step and
/// zeroes it before an episode's first observation. Training replays whole
/// environment sequences from the state each copy had when the rollout began,
/// with the LSTM's ``LSTM/episodeStarts`` flags zeroing the state where the
/// rollout did, so the training forward pass sees exactly the states acting saw.
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
    /// The number of discrete actions.
    public let actionCount: Int
    /// Environment copies acting together (`n_envs`).
    public let environmentCount: Int
    /// The encoder of `[C, H, W]` observations; nil for vectors.
    public let encoder: Sequential?
    /// The LSTM of the policy (and of the value when shared); nil when memoryless.
    public let actorLSTM: LSTM?
    /// The value's own LSTM; nil when shared or memoryless.
    public let criticLSTM: LSTM?
    /// Hidden layers and logits.
    public let policyHead: Sequential
    /// Hidden layers and the value.
    public let valueHead: Sequential
    /// Every trainable parameter, in checkpoint order.
    public let parameters: [Parameter]
    /// Each parameter's checkpoint name (`encoder.0.weight`, `actor_lstm.bias`, ...).
    public let parameterNames: [String]
    /// The optimiser.
    public let optimizer: Adam
    /// The rollout being collected.
    public let buffer: RolloutBuffer
    /// Sampling and minibatch shuffling draw from this; its state is part of a checkpoint.
    public var generator: Xoshiro256
    /// Running observation statistics when `normalize_observations` is on.
    public var observationStatistics: RunningMeanStd?
    /// Running statistics of the copies' discounted returns when `normalize_rewards` is on.
    public var returnStatistics: RunningMeanStd?
    /// Each copy's discounted sum of raw rewards since its episode began (what
    /// ``returnStatistics`` measures).
    public private(set) var discountedReturns: [Double]
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

    private let actingInput: Tensor
    private let singleInput: Tensor
    private let singleHidden: Tensor, singleCell: Tensor
    private let scratchHidden: Tensor, scratchCell: Tensor
    // Minibatch buffers.
    private let batchObservations = Tensor(shape: [0])
    private let sequenceInput = Tensor(shape: [0, 0, 0])
    private let batchActorHidden = Tensor(shape: [0, 0]), batchActorCell = Tensor(shape: [0, 0])
    private let batchCriticHidden = Tensor(shape: [0, 0]), batchCriticCell = Tensor(shape: [0, 0])
    private let logitGradient = Tensor(shape: [0])
    private let valueGradient = Tensor(shape: [0])
    private let summedGradient = Tensor(shape: [0])
    private let featureGradient = Tensor(shape: [0])
    private var minibatchRows: [Int] = []
    private let minibatchStarts = Tensor(shape: [0, 0])
    private var normalized: [Float]

    /// Builds the networks from `seed`.
    ///
    /// - Throws: ``AgentConfigError`` for an invalid configuration.
    public init(observationShape: [Int], actionCount: Int, config: PPOConfig, seed: UInt64) throws {
        try config.validate()
        precondition(actionCount > 0, "PPO needs at least one action")
        self.config = config
        self.observationShape = observationShape
        observationSize = observationShape.reduce(1, *)
        self.actionCount = actionCount
        environmentCount = config.environmentCount
        generator = Xoshiro256(seed: seed)
        var initGenerator = Xoshiro256(seed: seed ^ 0x5EED_0F_99_0)
        let relu = config.activation == "relu"
        let hiddenInit: WeightInitializer = config.orthogonalInit ? .orthogonal(gain: Float(2).squareRoot()) : .pytorchDefault

        var names: [String] = [], parameters: [Parameter] = []
        func collect(_ prefix: String, _ list: [Parameter]) {
            for parameter in list {
                names.append(prefix + "." + parameter.name)
                parameters.append(parameter)
            }
        }
        var features = observationSize
        if observationShape.count == 3 && config.useCNN {
            var layers: [any Layer] = []
            var channels = observationShape[0], height = observationShape[1], width = observationShape[2]
            for outputChannels in config.convolutionChannels {
                layers.append(Conv2D(inputChannels: channels, outputChannels: outputChannels, kernelSize: config.convolutionKernel,
                                     stride: config.convolutionStride, padding: config.convolutionPadding,
                                     weightInitializer: hiddenInit, generator: &initGenerator))
                layers.append(ReLU())
                channels = outputChannels
                height = (height + 2 * config.convolutionPadding - config.convolutionKernel) / config.convolutionStride + 1
                width = (width + 2 * config.convolutionPadding - config.convolutionKernel) / config.convolutionStride + 1
            }
            layers.append(Flatten())
            features = channels * height * width
            if config.encoderFeatures > 0 {
                layers.append(Dense(inputSize: features, outputSize: config.encoderFeatures, weightInitializer: hiddenInit,
                                    generator: &initGenerator))
                layers.append(ReLU())
                features = config.encoderFeatures
            }
            let network = Sequential(layers)
            network.computesInputGradient = false
            encoder = network
            collect("encoder", network.parameters)
        } else {
            encoder = nil
        }
        var headInput = features
        if config.isRecurrent {
            let actor = LSTM(inputSize: features, hiddenSize: config.lstmHiddenSize, generator: &initGenerator)
            actorLSTM = actor
            collect("actor_lstm", actor.parameters)
            if config.sharedLSTM {
                criticLSTM = nil
            } else {
                let critic = LSTM(inputSize: features, hiddenSize: config.lstmHiddenSize, generator: &initGenerator)
                criticLSTM = critic
                collect("critic_lstm", critic.parameters)
            }
            headInput = config.lstmHiddenSize
        } else {
            actorLSTM = nil
            criticLSTM = nil
        }
        func head(_ hidden: [Int], outputs: Int, outputGain: Float) -> Sequential {
            var layers: [any Layer] = []
            var width = headInput
            for size in hidden {
                layers.append(Dense(inputSize: width, outputSize: size, weightInitializer: hiddenInit, generator: &initGenerator))
                layers.append(relu ? ReLU() as any Layer : Tanh())
                width = size
            }
            layers.append(Dense(inputSize: width, outputSize: outputs,
                                weightInitializer: config.orthogonalInit ? .orthogonal(gain: outputGain) : .pytorchDefault,
                                generator: &initGenerator))
            return Sequential(layers)
        }
        policyHead = head(config.policyLayers, outputs: actionCount, outputGain: 0.01)
        valueHead = head(config.valueLayers, outputs: 1, outputGain: 1)
        // The heads' input gradient feeds an LSTM or an encoder; raw observations need none.
        let headsNeedInputGradient = config.isRecurrent || encoder != nil
        policyHead.computesInputGradient = headsNeedInputGradient
        valueHead.computesInputGradient = headsNeedInputGradient
        collect("policy", policyHead.parameters)
        collect("value", valueHead.parameters)
        self.parameters = parameters
        parameterNames = names
        optimizer = Adam(parameters: parameters, learningRate: Float(config.learningRate), epsilon: Float(config.optimizerEpsilon))

        buffer = RolloutBuffer(environmentCount: environmentCount, steps: config.rolloutSteps, observationSize: observationSize)
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
        let inputShape = encoder != nil ? observationShape : [observationSize]
        actingInput = Tensor(shape: [environmentCount] + inputShape)
        singleInput = Tensor(shape: [1] + inputShape)
        observationStatistics = config.normalizeObservations ? RunningMeanStd(size: observationSize) : nil
        returnStatistics = config.normalizeRewards ? RunningMeanStd(size: 1) : nil
        discountedReturns = [Double](repeating: 0, count: environmentCount)
        currentObservations = [Float](repeating: 0, count: environmentCount * observationSize)
        currentEpisodeStarts = [Bool](repeating: true, count: environmentCount)
        normalized = [Float](repeating: 0, count: observationSize)
    }

    /// The shape of one network input: `[C, H, W]` for the CNN, else one flat vector.
    private var inputShape: [Int] {
        encoder != nil ? observationShape : [observationSize]
    }

    /// Whether the policy has an LSTM.
    public var isRecurrent: Bool { actorLSTM != nil }

    // MARK: - Observations

    /// The clip of normalised observations (SB3's VecNormalize `clip_obs`).
    public static let observationClip: Float = 10
    /// Added to the variance before the square root (VecNormalize's ε).
    public static let varianceEpsilon = 1e-8
    /// The clip of normalised rewards (SB3's VecNormalize `clip_reward`).
    public static let rewardClip = 10.0

    /// Takes the observations the copies show now (`n_envs · observationSize`
    /// floats, copy by copy) and whether each starts an episode. With
    /// normalisation on, the whole batch first updates the running statistics
    /// (as VecNormalize does), then each observation is normalised.
    public func setObservations(_ observations: [Float], episodeStarts: [Bool]) {
        precondition(observations.count == environmentCount * observationSize && episodeStarts.count == environmentCount,
                     "PPO expects \(environmentCount) observations of \(observationSize) floats")
        currentEpisodeStarts = episodeStarts
        guard observationStatistics != nil else {
            currentObservations = observations
            return
        }
        observationStatistics!.update(batch: observations, batchCount: environmentCount)
        for environment in 0..<environmentCount {
            let range = environment * observationSize..<(environment + 1) * observationSize
            normalize(Array(observations[range]))
            currentObservations.replaceSubrange(range, with: normalized)
        }
    }

    /// `observation` as the policy sees it, leaving the statistics unchanged.
    public func normalizedObservation(_ observation: [Float]) -> [Float] {
        guard observationStatistics != nil else { return observation }
        normalize(observation)
        return normalized
    }

    private func normalize(_ observation: [Float]) {
        guard let statistics = observationStatistics else { return }
        let clip = Self.observationClip
        for index in 0..<observationSize {
            let scaled = (Double(observation[index]) - statistics.mean[index])
                / (statistics.variance[index] + Self.varianceEpsilon).squareRoot()
            normalized[index] = min(max(Float(scaled), -clip), clip)
        }
    }

    // MARK: - Acting

    /// Samples one action per copy from the policy and stores the step (observation,
    /// action, value, log-probability, episode start) in ``buffer``.
    ///
    /// - Precondition: the buffer is not full (call ``update()`` first).
    public func act() -> [Int] {
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
        let (logits, values) = evaluateActing(actingInput, actorHidden: actorHidden, actorCell: actorCell,
                                              criticHidden: criticHidden, criticCell: criticCell)
        var actions = [Int](repeating: 0, count: environmentCount)
        for environment in 0..<environmentCount {
            let row = buffer.row(environment: environment, step: step)
            let (action, logProbability) = sample(logits.pointer + environment * actionCount)
            actions[environment] = action
            buffer.actions[row] = action
            buffer.logProbabilities[row] = logProbability
            buffer.values[row] = values[environment]
            buffer.episodeStarts[row] = currentEpisodeStarts[environment]
            let offset = environment * observationSize
            for index in 0..<observationSize {
                buffer.observations[row * observationSize + index] = currentObservations[offset + index]
            }
        }
        return actions
    }

    /// Runs the networks one step on `input` (`[batch, ...]`), advancing the given
    /// LSTM states in place; returns the logits `[batch, actions]` and the values.
    private func evaluateActing(_ input: Tensor, actorHidden: Tensor, actorCell: Tensor,
                                criticHidden: Tensor, criticCell: Tensor) -> (logits: Tensor, values: [Float]) {
        let features = encoder?.forward(input) ?? input
        var policyInput = features, valueInput = features
        if let actorLSTM {
            actorLSTM.step(input: features, hidden: actorHidden, cell: actorCell)
            policyInput = actorHidden
            valueInput = actorHidden
            if let criticLSTM {
                criticLSTM.step(input: features, hidden: criticHidden, cell: criticCell)
                valueInput = criticHidden
            }
        }
        // The value first: the policy's logits must survive until the caller reads them.
        let values = valueHead.forward(valueInput).scalars
        let logits = policyHead.forward(policyInput)
        return (logits, values)
    }

    private func zeroRow(_ row: Int, of tensors: Tensor...) {
        for tensor in tensors {
            let width = tensor.count / max(tensor.batchSize, 1)
            (tensor.pointer + row * width).update(repeating: 0, count: width)
        }
    }

    /// Draws an action from the softmax of `logits`; returns it with its log-probability.
    private func sample(_ logits: UnsafeMutablePointer<Float>) -> (Int, Float) {
        var largest = logits[0]
        for index in 1..<actionCount { largest = max(largest, logits[index]) }
        var total = 0.0
        for index in 0..<actionCount { total += exp(Double(logits[index] - largest)) }
        let logTotal = log(total)
        var draw = generator.nextUnitDouble() * total
        var chosen = actionCount - 1
        for index in 0..<actionCount {
            draw -= exp(Double(logits[index] - largest))
            if draw < 0 { chosen = index; break }
        }
        return (chosen, Float(Double(logits[chosen] - largest) - logTotal))
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
        let scaled = normalizedRewards(rewards)
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

    /// `rewards` scaled as VecNormalize does: each copy's discounted return (restarted
    /// where its current episode began) takes the reward in, the statistics take
    /// every copy's return in, then each reward is divided by the returns' standard
    /// deviation and clipped. Unchanged when `normalize_rewards` is off.
    private func normalizedRewards(_ rewards: [Double]) -> [Double] {
        guard returnStatistics != nil else { return rewards }
        for environment in 0..<environmentCount {
            if currentEpisodeStarts[environment] { discountedReturns[environment] = 0 }
            discountedReturns[environment] = discountedReturns[environment] * config.gamma + rewards[environment]
        }
        returnStatistics!.update(batch: discountedReturns.map(Float.init), batchCount: environmentCount)
        let deviation = (returnStatistics!.variance[0] + Self.varianceEpsilon).squareRoot()
        return rewards.map { min(max($0 / deviation, -Self.rewardClip), Self.rewardClip) }
    }

    /// The value of a final observation of copy `environment`, continuing from that
    /// copy's state after the step (the acting state is left unchanged).
    private func finalValue(_ observation: [Float], environment: Int) -> Float {
        singleInput.assign(normalizedObservation(observation))
        let features = encoder?.forward(singleInput) ?? singleInput
        guard let actorLSTM else { return valueHead.forward(features)[0] }
        let lstm = criticLSTM ?? actorLSTM
        let (hidden, cell) = criticLSTM != nil ? (criticHidden, criticCell) : (actorHidden, actorCell)
        let width = config.lstmHiddenSize
        singleHidden.pointer.update(from: hidden.pointer + environment * width, count: width)
        singleCell.pointer.update(from: cell.pointer + environment * width, count: width)
        lstm.step(input: features, hidden: singleHidden, cell: singleCell)
        return valueHead.forward(singleHidden)[0]
    }

    /// The values of the current observations, continuing every copy's state
    /// (zeroed where an episode starts) without changing it.
    private func currentValues() -> [Float] {
        actingInput.assign(currentObservations)
        if isRecurrent {
            let useCritic = criticLSTM != nil
            scratchHidden.assign(useCritic ? criticHidden : actorHidden)
            scratchCell.assign(useCritic ? criticCell : actorCell)
            for environment in 0..<environmentCount where currentEpisodeStarts[environment] {
                zeroRow(environment, of: scratchHidden, scratchCell)
            }
            let features = encoder?.forward(actingInput) ?? actingInput
            (criticLSTM ?? actorLSTM!).step(input: features, hidden: scratchHidden, cell: scratchCell)
            return valueHead.forward(scratchHidden).scalars
        }
        let features = encoder?.forward(actingInput) ?? actingInput
        return valueHead.forward(features).scalars
    }

    // MARK: - Learning

    /// Trains on the full rollout: GAE(λ) advantages bootstrapped from the current
    /// observations, then `n_epochs` passes over shuffled minibatches (whole
    /// environment sequences when recurrent), then empties the buffer.
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
    /// leaving every parameter's gradient set (not yet clipped or applied).
    func computeGradients(minibatch: PPOMinibatch, clip: Float) -> PPOUpdateStatistics {
        let statistics = forwardLoss(minibatch: minibatch, clip: clip, computeGradient: true)
        optimizer.zeroGradients()
        backward()
        return statistics
    }

    /// The PPO loss of a minibatch with the current parameters (no gradients).
    func loss(minibatch: PPOMinibatch, clip: Float) -> Double {
        Double(forwardLoss(minibatch: minibatch, clip: clip, computeGradient: false).loss)
    }

    private func gatherRows(_ minibatch: PPOMinibatch) {
        minibatchRows.removeAll(keepingCapacity: true)
        switch minibatch {
        case .rows(let rows):
            minibatchRows.append(contentsOf: rows)
        case .sequences(let environments):
            for environment in environments {
                for step in 0..<config.rolloutSteps { minibatchRows.append(buffer.row(environment: environment, step: step)) }
            }
        }
    }

    private func forwardLoss(minibatch: PPOMinibatch, clip: Float, computeGradient: Bool) -> PPOUpdateStatistics {
        gatherRows(minibatch)
        let rows = minibatchRows.count
        batchObservations.resize(to: [rows] + inputShape)
        buffer.observations.withUnsafeBufferPointer { source in
            for (index, row) in minibatchRows.enumerated() {
                (batchObservations.pointer + index * observationSize)
                    .update(from: source.baseAddress! + row * observationSize, count: observationSize)
            }
        }
        let features = encoder?.forward(batchObservations) ?? batchObservations
        var policyInput = features, valueInput = features
        if let actorLSTM, case .sequences(let environments) = minibatch {
            let sequences = environments.count, time = config.rolloutSteps, width = features.itemCount
            sequenceInput.resize(sequences, time, width)
            sequenceInput.pointer.update(from: features.pointer, count: rows * width)
            minibatchStarts.resize(sequences, time)
            for (index, row) in minibatchRows.enumerated() { minibatchStarts[index] = buffer.episodeStarts[row] ? 1 : 0 }
            gatherStates(environments, from: rolloutActorHidden, into: batchActorHidden)
            gatherStates(environments, from: rolloutActorCell, into: batchActorCell)
            policyInput = actorLSTM.forward(sequenceInput, initialHidden: batchActorHidden, initialCell: batchActorCell,
                                            episodeStarts: minibatchStarts)
            valueInput = policyInput
            if let criticLSTM {
                gatherStates(environments, from: rolloutCriticHidden, into: batchCriticHidden)
                gatherStates(environments, from: rolloutCriticCell, into: batchCriticCell)
                valueInput = criticLSTM.forward(sequenceInput, initialHidden: batchCriticHidden, initialCell: batchCriticCell,
                                                episodeStarts: minibatchStarts)
            }
        }
        let logits = policyHead.forward(policyInput)
        let values = valueHead.forward(valueInput)
        return lossAndGradients(logits: logits, values: values, clip: clip, computeGradient: computeGradient)
    }

    private func gatherStates(_ environments: [Int], from source: Tensor, into target: Tensor) {
        let width = config.lstmHiddenSize
        target.resize(environments.count, width)
        for (index, environment) in environments.enumerated() {
            (target.pointer + index * width).update(from: source.pointer + environment * width, count: width)
        }
    }

    /// The clipped-surrogate, value and entropy losses of the minibatch in
    /// ``minibatchRows``, and (when asked) their gradients with respect to the
    /// logits and values in ``logitGradient`` and ``valueGradient``:
    ///
    ///     L = −mean(min(ρ·Â, clip(ρ, 1−ε, 1+ε)·Â)) + c_v · mean((R − V′)²) − c_e · mean(H)
    ///
    /// with ρ the probability ratio, Â the advantages (normalised in the minibatch
    /// when asked), and V′ the value, clipped to `clip_range_vf` around the
    /// rollout's value when set (SB3's rule).
    private func lossAndGradients(logits: Tensor, values: Tensor, clip: Float, computeGradient: Bool) -> PPOUpdateStatistics {
        let rows = minibatchRows.count, actions = actionCount
        var advantageMean = 0.0, advantageStd = 1.0
        if config.normalizeAdvantage && rows > 1 {
            var sum = 0.0
            for row in minibatchRows { sum += Double(buffer.advantages[row]) }
            advantageMean = sum / Double(rows)
            var squares = 0.0
            for row in minibatchRows {
                let deviation = Double(buffer.advantages[row]) - advantageMean
                squares += deviation * deviation
            }
            // torch.std is the unbiased estimate; SB3 adds 1e-8.
            advantageStd = (squares / Double(rows - 1)).squareRoot() + 1e-8
        }
        if computeGradient {
            logitGradient.resize(like: logits)
            valueGradient.resize(like: values)
        }
        let scale = 1 / Double(rows)
        let entropyCoefficient = config.entropyCoefficient, valueCoefficient = config.valueCoefficient
        var policyLoss = 0.0, valueLoss = 0.0, entropySum = 0.0, approximateKL = 0.0, clipped = 0
        var probabilities = [Double](repeating: 0, count: actions), logProbabilities = [Double](repeating: 0, count: actions)
        for (index, row) in minibatchRows.enumerated() {
            let logitRow = logits.pointer + index * actions
            var largest = logitRow[0]
            for action in 1..<actions { largest = max(largest, logitRow[action]) }
            var total = 0.0
            for action in 0..<actions { total += exp(Double(logitRow[action] - largest)) }
            let logTotal = log(total)
            var entropy = 0.0
            for action in 0..<actions {
                logProbabilities[action] = Double(logitRow[action] - largest) - logTotal
                probabilities[action] = exp(logProbabilities[action])
                entropy -= probabilities[action] * logProbabilities[action]
            }
            let taken = buffer.actions[row]
            let logRatio = logProbabilities[taken] - Double(buffer.logProbabilities[row])
            let ratio = exp(logRatio)
            let advantage = (Double(buffer.advantages[row]) - advantageMean) / advantageStd
            let unclipped = ratio * advantage
            let clippedRatio = min(max(ratio, 1 - Double(clip)), 1 + Double(clip))
            let surrogate = min(unclipped, clippedRatio * advantage)
            policyLoss -= surrogate
            entropySum += entropy
            approximateKL += (ratio - 1) - logRatio
            if abs(ratio - 1) > Double(clip) { clipped += 1 }

            let value = Double(values[index]), oldValue = Double(buffer.values[row])
            var predicted = value, valueSlope = 1.0
            if let range = config.valueClipRange {
                let change = value - oldValue
                if change > range { predicted = oldValue + range; valueSlope = 0 }
                if change < -range { predicted = oldValue - range; valueSlope = 0 }
            }
            let error = predicted - Double(buffer.returns[row])
            valueLoss += error * error

            guard computeGradient else { continue }
            // d(−surrogate)/d log π(a): −ρ·Â where the unclipped term is the minimum, else 0.
            let surrogateSlope = unclipped <= clippedRatio * advantage ? -ratio * advantage : 0
            let gradientRow = logitGradient.pointer + index * actions
            for action in 0..<actions {
                let p = probabilities[action]
                let indicator = action == taken ? 1.0 : 0.0
                // d(−c_e·H)/dz_j = c_e · p_j · (log p_j + H)
                let gradient = surrogateSlope * (indicator - p) + entropyCoefficient * p * (logProbabilities[action] + entropy)
                gradientRow[action] = Float(gradient * scale)
            }
            valueGradient[index] = Float(valueCoefficient * 2 * error * valueSlope * scale)
        }
        var statistics = PPOUpdateStatistics()
        statistics.policyLoss = policyLoss * scale
        statistics.valueLoss = valueLoss * scale
        statistics.entropy = entropySum * scale
        statistics.approximateKL = approximateKL * scale
        statistics.clipFraction = Double(clipped) * scale
        statistics.loss = Float(statistics.policyLoss + valueCoefficient * statistics.valueLoss - entropyCoefficient * statistics.entropy)
        return statistics
    }

    /// Back-propagates ``logitGradient`` and ``valueGradient`` through the last forward pass.
    private func backward() {
        let policyInputGradient = policyHead.backward(logitGradient)
        let valueInputGradient = valueHead.backward(valueGradient)
        guard isRecurrent || encoder != nil else { return }
        var featureGradients: [Tensor] = []
        if let actorLSTM {
            if let criticLSTM {
                featureGradients.append(actorLSTM.backward(policyInputGradient))
                featureGradients.append(criticLSTM.backward(valueInputGradient))
            } else {
                summedGradient.resize(like: policyInputGradient)
                add(policyInputGradient, valueInputGradient, into: summedGradient)
                featureGradients.append(actorLSTM.backward(summedGradient))
            }
        } else {
            featureGradients = [policyInputGradient, valueInputGradient]
        }
        guard let encoder else { return }
        let first = featureGradients[0]
        featureGradient.resize(to: [minibatchRows.count, first.count / minibatchRows.count])
        if featureGradients.count == 2 {
            add(featureGradients[0], featureGradients[1], into: featureGradient)
        } else {
            featureGradient.pointer.update(from: first.pointer, count: first.count)
        }
        _ = encoder.backward(featureGradient)
    }

    private func add(_ a: Tensor, _ b: Tensor, into result: Tensor) {
        precondition(a.count == b.count && a.count == result.count, "gradient sizes differ")
        for index in 0..<a.count { result[index] = a[index] + b[index] }
    }

    // MARK: - Greedy play

    /// A fresh recurrent memory for one episode of greedy play (zero state).
    public func makeMemory() -> PPOMemory {
        PPOMemory(hiddenSize: max(config.lstmHiddenSize, 1))
    }

    /// The most probable action for `observation` (raw, as the environment returns
    /// it; normalised with frozen statistics), advancing `memory` by one step.
    public func greedyAction(_ observation: [Float], memory: PPOMemory) -> Int {
        singleInput.assign(normalizedObservation(observation))
        let features = encoder?.forward(singleInput) ?? singleInput
        var policyInput = features
        if let actorLSTM {
            actorLSTM.step(input: features, hidden: memory.hidden, cell: memory.cell)
            policyInput = memory.hidden
        }
        let logits = policyHead.forward(policyInput)
        return argmax(logits.pointer, count: actionCount)
    }

    /// The policy's action probabilities for `observation` with `memory` (advanced one step).
    public func actionProbabilities(_ observation: [Float], memory: PPOMemory) -> [Double] {
        singleInput.assign(normalizedObservation(observation))
        let features = encoder?.forward(singleInput) ?? singleInput
        var policyInput = features
        if let actorLSTM {
            actorLSTM.step(input: features, hidden: memory.hidden, cell: memory.cell)
            policyInput = memory.hidden
        }
        let logits = policyHead.forward(policyInput).scalars.map(Double.init)
        let largest = logits.max() ?? 0
        let weights = logits.map { exp($0 - largest) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
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
        observationStatistics = state.observationStatistics
        returnStatistics = state.returnStatistics
        discountedReturns = state.discountedReturns ?? [Double](repeating: 0, count: environmentCount)
        currentObservations = state.currentObservations
        currentEpisodeStarts = state.currentEpisodeStarts
        lastStatistics = state.lastStatistics
        buffer.clear()
    }

    /// The agent's tensors: parameters by ``parameterNames``, the acting LSTM
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

/// Means over the minibatches of one update.
public struct PPOUpdateStatistics: Codable, Sendable, Equatable {
    /// The total loss.
    public var loss: Float = 0
    /// The clipped-surrogate loss.
    public var policyLoss = 0.0
    /// The value loss (before `vf_coef`).
    public var valueLoss = 0.0
    /// The policy's mean entropy.
    public var entropy = 0.0
    /// `mean((ρ − 1) − log ρ)`, an estimate of KL(old ‖ new).
    public var approximateKL = 0.0
    /// The fraction of samples whose ratio left the clip range.
    public var clipFraction = 0.0
    /// The global gradient norm before clipping.
    public var gradientNorm = 0.0
    /// The learning rate of the update.
    public var learningRate = 0.0
    /// The clip range of the update.
    public var clipRange = 0.0

    /// Zero.
    public init() {}

    mutating func add(_ other: PPOUpdateStatistics) {
        loss += other.loss
        policyLoss += other.policyLoss
        valueLoss += other.valueLoss
        entropy += other.entropy
        approximateKL += other.approximateKL
        clipFraction += other.clipFraction
    }

    mutating func divide(by count: Int) {
        let n = Double(max(count, 1))
        loss /= Float(n)
        policyLoss /= n
        valueLoss /= n
        entropy /= n
        approximateKL /= n
        clipFraction /= n
        gradientNorm /= n
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
