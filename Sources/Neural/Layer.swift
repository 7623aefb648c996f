/// A trainable value and the gradient of the loss with respect to it.
///
/// Layers own their parameters; optimisers update ``value`` from ``gradient``.
public final class Parameter: @unchecked Sendable {
    /// A name unique within its model, such as `"dense1.weight"`; checkpoints use it.
    public var name: String
    /// The current value.
    public let value: Tensor
    /// The gradient of the loss with respect to ``value``, same shape: every
    /// ``Layer/backward(_:)`` adds its contribution, so zero it (``zeroGradient()``,
    /// ``Layer/zeroGradients()``, ``Optimizer/zeroGradients()``) before each update.
    public let gradient: Tensor

    /// Creates a parameter holding `value` with a zero gradient.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: value.shape)
    }

    /// Sets ``gradient`` to zero, so the next backward passes start a new sum.
    public func zeroGradient() {
        gradient.fill(0)
    }
}

extension Array where Element == Parameter {
    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for parameter in self { parameter.zeroGradient() }
    }
}

/// A differentiable function of a batch, with explicit forward and backward passes.
///
/// - ``forward(_:)`` computes the output for a batch and remembers what the
///   backward pass needs (the input tensor is kept by reference: do not change it
///   before calling ``backward(_:)``). The returned tensor is owned by the layer
///   and overwritten by its next forward pass.
/// - ``backward(_:)`` takes the gradient of the loss with respect to the last
///   output, *adds* that loss's gradient to every parameter's
///   ``Parameter/gradient`` (as PyTorch's `backward` does), and returns the
///   gradient with respect to the last input (also owned by the layer). Several
///   backward passes before one optimiser step therefore sum: a loss made of
///   several terms, or a layer feeding several consumers, needs no hand-summing.
///   Call ``zeroGradients()`` (or ``Optimizer/zeroGradients()``) before each update.
///
/// Buffers are kept between calls and grow only when the batch grows, so a
/// training step with a fixed batch size allocates nothing after its first call.
public protocol Layer: AnyObject {
    /// A short name used in parameter names and descriptions.
    var name: String { get set }
    /// The trainable parameters, in a stable order (checkpoints rely on it).
    var parameters: [Parameter] { get }
    /// The output shape for an input of shape `inputShape` (batch dimension included).
    func outputShape(for inputShape: [Int]) -> [Int]
    /// Computes the output for `input`, remembering what ``backward(_:)`` needs.
    func forward(_ input: Tensor) -> Tensor
    /// Computes the same output as ``forward(_:)`` (bit for bit where the layer's
    /// documentation says so) without touching what ``backward(_:)`` needs, so it
    /// may run between a forward pass and its backward pass: targets, acting and
    /// evaluation need no ordering. The result has storage of its own, owned by the
    /// layer and overwritten by the next inference.
    func inference(_ input: Tensor) -> Tensor
    /// Back-propagates `outputGradient` through the last ``forward(_:)``.
    func backward(_ outputGradient: Tensor) -> Tensor
}

extension Layer {
    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Sets every parameter's gradient to zero, so the next backward passes start a new sum.
    public func zeroGradients() {
        parameters.zeroGradients()
    }
}

/// A layer whose input gradient can be skipped when nothing upstream needs it
/// (the first layer of a network, whose input is data), saving a matrix product
/// and, for convolutions, the col2im scatter.
///
/// With ``computesInputGradient`` `false`, ``Layer/backward(_:)`` still adds to every
/// parameter gradient but returns a tensor whose contents are unspecified.
public protocol InputGradientOptional: Layer {
    /// Whether ``Layer/backward(_:)`` computes the gradient with respect to the input.
    var computesInputGradient: Bool { get set }
}
