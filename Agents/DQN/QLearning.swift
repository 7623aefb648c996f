import Environments
import Neural

// The pieces DQNAgent and DRQNAgent share: both read them from a DQNConfig, so
// the two agents explore, schedule, clip and update targets identically.

/// Whether an exploring agent acts at random at this step: always before
/// `learningStarts`, then with probability ε (one draw from `generator`).
func shouldActRandomly(config: DQNConfig, environmentSteps: Int, generator: inout Xoshiro256) -> Bool {
    environmentSteps < config.learningStarts || generator.nextUnitDouble() < config.epsilon(atStep: environmentSteps)
}

/// Whether training is due after `environmentSteps` steps: every `trainFrequency`
/// steps once more than `learningStarts` steps were taken.
func isTrainingDue(config: DQNConfig, environmentSteps: Int) -> Bool {
    environmentSteps % config.trainFrequency == 0 && environmentSteps > config.learningStarts
}

/// Whether the target network is due for an update after `environmentSteps` steps.
func isTargetUpdateDue(config: DQNConfig, environmentSteps: Int) -> Bool {
    environmentSteps % config.targetUpdateInterval == 0
}

/// Copies (τ = 1) or averages (τ < 1) the online parameters into the target's.
func updateTargetParameters(from online: [Parameter], to target: [Parameter], tau: Double) {
    if tau >= 1 {
        copyParameters(from: online, to: target)
    } else {
        polyakUpdate(from: online, to: target, tau: Float(tau))
    }
}

/// The TD loss named in `config`: Huber (δ = 1) or MSE.
func makeTDLoss(_ config: DQNConfig) -> any RegressionLoss {
    config.loss == "mse" ? MSELoss() : HuberLoss(delta: 1)
}

/// How the replay keeps observations: `config`'s choice, or with `auto` bits
/// when the observation space is the unit box.
func replayStorage(_ config: DQNConfig, observationSpace: Box) -> ObservationStorage {
    switch config.observationStorage {
    case "bits": return .bits
    case "float32": return .float32
    default: return observationSpace.low.allSatisfy { $0 == 0 } && observationSpace.high.allSatisfy { $0 == 1 } ? .bits : .float32
    }
}

/// The index of the largest of `count` values (the first on ties).
@inlinable
func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for index in 1..<count where values[index] > values[best] { best = index }
    return best
}

/// The optimiser named in `config`.
func makeOptimizer(config: DQNConfig, parameters: [Parameter]) -> any Optimizer {
    switch config.optimizer {
    case "rmsprop", "rmsprop_centered":
        return RMSProp(parameters: parameters, learningRate: Float(config.learningRate), alpha: Float(config.rmspropDecay),
                       epsilon: Float(config.optimizerEpsilon), centered: config.optimizer == "rmsprop_centered")
    default:
        return Adam(parameters: parameters, learningRate: Float(config.learningRate), epsilon: Float(config.optimizerEpsilon))
    }
}
