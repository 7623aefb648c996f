import CBLAS
import NeuralKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Updates a fixed list of parameters from their gradients.
///
/// An optimiser is created with the parameters it owns (usually `model.parameters`)
/// and allocates its state then; ``step()`` allocates nothing. Each step reads every
/// ``Parameter/gradient`` (as left by the last backward pass) and updates
/// ``Parameter/value`` in place with one fused loop per parameter.
///
/// Checkpoints save and restore exact optimiser state through ``stateTensors``
/// (a stable order, documented by each optimiser) and ``stepCount``.
public protocol Optimizer: AnyObject {
    /// The parameters updated by ``step()``, in the order given at creation.
    var parameters: [Parameter] { get }
    /// The step size; set it between steps to follow a schedule.
    var learningRate: Float { get set }
    /// The number of steps taken so far (Adam's bias correction and SGD's first
    /// momentum step depend on it; restore it with the state tensors).
    var stepCount: Int { get set }
    /// Every state tensor, in a stable order (see each optimiser); write into them
    /// (never replace them) to restore a checkpoint.
    var stateTensors: [Tensor] { get }
    /// Applies one update to every parameter from its current gradient.
    func step()
}

extension Optimizer {
    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for parameter in parameters { parameter.gradient.fill(0) }
    }
}

private func makeState(like parameters: [Parameter]) -> [Tensor] {
    parameters.map { Tensor(shape: $0.value.shape) }
}

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum
/// and L2 weight decay, with PyTorch's `torch.optim.SGD` semantics:
///
///     g ← ∇ + weightDecay · θ
///     b ← g on the first step, else momentum · b + (1 − dampening) · g
///     g ← g + momentum · b  (Nesterov)  or  b  (classical)
///     θ ← θ − lr · g
///
/// State tensors: one momentum buffer per parameter, in parameter order (none when
/// `momentum == 0`).
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public var stepCount = 0
    /// The momentum factor (0 disables momentum).
    public let momentum: Float
    /// The dampening of the momentum buffer's gradient term.
    public let dampening: Float
    /// The L2 penalty coefficient added to the gradient.
    public let weightDecay: Float
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    private let momentumBuffers: [Tensor]

    /// Creates the optimiser for `parameters`.
    public init(
        parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = momentum == 0 ? [] : makeState(like: parameters)
    }

    public var stateTensors: [Tensor] { momentumBuffers }

    public func step() {
        let lr = learningRate, mu = momentum, decay = weightDecay
        let keep = 1 - dampening, first = stepCount == 0, nesterov = nesterov
        for (index, parameter) in parameters.enumerated() {
            let theta = parameter.value.pointer, gradient = parameter.gradient.pointer
            let count = parameter.value.count
            if mu == 0 {
                for i in 0..<count { theta[i] -= lr * (gradient[i] + decay * theta[i]) }
                continue
            }
            let buffer = momentumBuffers[index].pointer
            for i in 0..<count {
                let g = gradient[i] + decay * theta[i]
                let b = first ? g : mu * buffer[i] + keep * g
                buffer[i] = b
                theta[i] -= lr * (nesterov ? g + mu * b : b)
            }
        }
        stepCount += 1
    }
}

/// Adam (Kingma & Ba 2015) with bias correction and optional L2 weight decay, with
/// PyTorch's `torch.optim.Adam` semantics (not AMSGrad):
///
///     g ← ∇ + weightDecay · θ
///     m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
///     θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State tensors: every parameter's first moment `m` in parameter order, then every
/// second moment `v`.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public var stepCount = 0
    /// The decay rate of the first moment.
    public let beta1: Float
    /// The decay rate of the second moment.
    public let beta2: Float
    /// Added to the denominator for numerical stability.
    public let epsilon: Float
    /// The L2 penalty coefficient added to the gradient.
    public let weightDecay: Float
    private let firstMoments: [Tensor]
    private let secondMoments: [Tensor]

    /// Creates the optimiser for `parameters` (PyTorch's defaults).
    public init(
        parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0
    ) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = makeState(like: parameters)
        secondMoments = makeState(like: parameters)
    }

    public var stateTensors: [Tensor] { firstMoments + secondMoments }

    public func step() {
        stepCount += 1
        let stepNumber = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), stepNumber)
        let correction2Root = (1 - pow(Double(beta2), stepNumber)).squareRoot()
        let stepSize = Float(Double(learningRate) / correction1)
        let inverseCorrection2Root = Float(1 / correction2Root)
        for (index, parameter) in parameters.enumerated() {
            nk_adam_step(
                parameter.value.pointer, parameter.gradient.pointer, firstMoments[index].pointer,
                secondMoments[index].pointer, parameter.value.count, stepSize, inverseCorrection2Root,
                beta1, beta2, epsilon, weightDecay)
        }
    }
}

/// RMSProp (Hinton 2012), optionally centred (Graves 2013), with momentum and L2
/// weight decay, with PyTorch's `torch.optim.RMSprop` semantics:
///
///     g ← ∇ + weightDecay · θ
///     s ← α s + (1 − α) g²
///     centred:  a ← α a + (1 − α) g,  d ← √(s − a²) + ε;   else  d ← √s + ε
///     momentum: b ← μ b + g / d,  θ ← θ − lr · b;          else  θ ← θ − lr · g / d
///
/// MinAtar's DQN uses `RMSProp(parameters:, learningRate: 2.5e-4, alpha: 0.95,
/// epsilon: 0.01, centered: true)`.
///
/// State tensors: every square average `s` in parameter order, then (centred) every
/// gradient average `a`, then (momentum > 0) every momentum buffer `b`.
public final class RMSProp: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public var stepCount = 0
    /// The smoothing constant of the running averages.
    public let alpha: Float
    /// Added to the denominator (outside the square root, as PyTorch).
    public let epsilon: Float
    /// Whether the second moment is centred by the running mean of the gradient.
    public let centered: Bool
    /// The momentum factor (0 disables momentum).
    public let momentum: Float
    /// The L2 penalty coefficient added to the gradient.
    public let weightDecay: Float
    private let squareAverages: [Tensor]
    private let gradientAverages: [Tensor]
    private let momentumBuffers: [Tensor]

    /// Creates the optimiser for `parameters` (PyTorch's defaults).
    public init(
        parameters: [Parameter], learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        centered: Bool = false, momentum: Float = 0, weightDecay: Float = 0
    ) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.centered = centered
        self.momentum = momentum
        self.weightDecay = weightDecay
        squareAverages = makeState(like: parameters)
        gradientAverages = centered ? makeState(like: parameters) : []
        momentumBuffers = momentum > 0 ? makeState(like: parameters) : []
    }

    public var stateTensors: [Tensor] { squareAverages + gradientAverages + momentumBuffers }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            nk_rmsprop_step(
                parameter.value.pointer, parameter.gradient.pointer, squareAverages[index].pointer,
                centered ? gradientAverages[index].pointer : nil, momentum > 0 ? momentumBuffers[index].pointer : nil,
                parameter.value.count, learningRate, alpha, epsilon, momentum, weightDecay)
        }
        stepCount += 1
    }
}
