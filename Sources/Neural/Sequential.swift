/// A stack of layers applied in order, like Keras's `Sequential`.
///
///     var generator = Xoshiro256(seed: 0)   // any seeded RandomNumberGenerator
///     let model = Sequential([
///         Conv2D(inputChannels: 1, outputChannels: 32, kernelSize: 3, generator: &generator),
///         ReLU(),
///         MaxPool2D(kernelSize: 2),
///         Flatten(),
///         Dense(inputSize: 32 * 13 * 13, outputSize: 10, generator: &generator),
///     ])
///     print(model.summary(inputShape: [1, 1, 28, 28]))
///
/// - Input and output: those of the first and the last layer.
/// - Parameters: every layer's parameters in layer order, renamed on insertion to
///   `"<index>.<name>"` (for example `"0.weight"`, `"4.bias"`), so names are unique
///   and stable for checkpoints; nested containers nest the prefixes (`"2.0.weight"`).
/// - ``backward(_:)`` runs the layers in reverse and returns the first layer's input
///   gradient. Set ``computesInputGradient`` to `false` when the input is data (the
///   usual case for a whole network) to skip the first layer's input gradient where
///   that layer supports it (``Dense``, ``Conv2D``, nested ``Sequential``).
public final class Sequential: InputGradientOptional, CustomStringConvertible {
    public var name: String
    /// The layers, in application order.
    public private(set) var layers: [Layer]
    /// Every layer's parameters, in layer order.
    public private(set) var parameters: [Parameter] = []
    private var lastInputShape: [Int] = []

    /// Creates a container applying `layers` in order.
    public init(_ layers: [Layer], name: String = "Sequential") {
        self.name = name
        self.layers = []
        for layer in layers { append(layer) }
    }

    /// Adds `layer` at the end, prefixing its parameter names with its index.
    public func append(_ layer: Layer) {
        let index = layers.count
        for parameter in layer.parameters {
            parameter.name = "\(index).\(parameter.name)"
            parameters.append(parameter)
        }
        layers.append(layer)
        if let first = layers.first as? InputGradientOptional, index == 0 {
            first.computesInputGradient = computesInputGradient
        }
    }

    public var computesInputGradient = true {
        didSet {
            if let first = layers.first as? InputGradientOptional {
                first.computesInputGradient = computesInputGradient
            }
        }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        layers.reduce(inputShape) { shape, layer in layer.outputShape(for: shape) }
    }

    /// The output shape of each layer for an input of `inputShape`, in layer order.
    public func layerOutputShapes(for inputShape: [Int]) -> [[Int]] {
        var shape = inputShape
        return layers.map { layer in
            shape = layer.outputShape(for: shape)
            return shape
        }
    }

    public func forward(_ input: Tensor) -> Tensor {
        Tensor.copyElements(of: input.shape, into: &lastInputShape)
        var activation = input
        for layer in layers { activation = layer.forward(activation) }
        return activation
    }

    /// Each layer's inference in turn; bit for bit the output of ``forward(_:)``
    /// where every layer's inference is.
    public func inference(_ input: Tensor) -> Tensor {
        var activation = input
        for layer in layers { activation = layer.inference(activation) }
        return activation
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var gradient = outputGradient
        for layer in layers.reversed() { gradient = layer.backward(gradient) }
        return gradient
    }

    /// A table of the layers with their output shapes for `inputShape` and their
    /// parameter counts, ending with the total.
    public func summary(inputShape: [Int]) -> String {
        table(shapes: layerOutputShapes(for: inputShape), inputShape: inputShape)
    }

    /// The layer table, with output shapes for the last input seen by ``forward(_:)``
    /// (if any).
    public var description: String {
        if !lastInputShape.isEmpty { return summary(inputShape: lastInputShape) }
        return table(shapes: nil, inputShape: nil)
    }

    private func table(shapes: [[Int]]?, inputShape: [Int]?) -> String {
        let descriptions = layers.map { layer in
            (layer as? CustomStringConvertible)?.description ?? layer.name
        }
        var rows: [[String]] = [["#", "Layer", "Output shape", "Parameters"]]
        if let inputShape { rows.append(["", "Input", "\(inputShape)", ""]) }
        for (index, layer) in layers.enumerated() {
            let text = descriptions[index].replacingNewlines()
            rows.append([
                "\(index)", text, shapes.map { "\($0[index])" } ?? "", grouped(layer.parameterCount),
            ])
        }
        var widths = [Int](repeating: 0, count: 4)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var lines = ["\(name): \(layers.count) layers, \(grouped(parameterCount)) parameters"]
        for row in rows {
            var cells: [String] = []
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                // Numbers align right, text left.
                cells.append(column == 0 || column == 3 ? padding + cell : cell + padding)
            }
            lines.append("  " + cells.joined(separator: "  "))
        }
        return lines.map { line in
            var trimmed = line
            while trimmed.last == " " { trimmed.removeLast() }
            return trimmed
        }.joined(separator: "\n")
    }
}

private func grouped(_ value: Int) -> String {
    let digits = Array(String(value))
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}

extension String {
    fileprivate func replacingNewlines() -> String {
        split(separator: "\n").joined(separator: " ")
    }
}
