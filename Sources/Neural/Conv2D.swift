import NeuralKernels

/// A 2-D convolution (cross-correlation, as every deep-learning library computes it)
/// over channels-first images.
///
/// - Input: `[N, C_in, H, W]`.
/// - Output: `[N, C_out, H_out, W_out]` with
///   `H_out = (H + 2·padding − kernelSize) / stride + 1` (rounded down), likewise `W_out`.
/// - Parameters, in order: `weight` of shape `[C_out, C_in, kernelSize, kernelSize]`
///   (PyTorch's layout), then `bias` of shape `[C_out]`.
/// - Initialisation: PyTorch's default for `nn.Conv2d` (``WeightInitializer/pytorchDefault``:
///   weight and bias from `U(-1/√fanIn, 1/√fanIn)` with `fanIn = C_in · kernelSize²`),
///   or another ``WeightInitializer``.
/// - Padding is with zeros, on all four sides.
///
/// The whole batch is unfolded once (im2col) into a `[C_in·k², N·H_out·W_out]`
/// matrix so that the forward pass and both weight and input gradients are each a
/// single `sgemm`.
///
/// Inputs that are mostly zeros (at most a fifth of them nonzero, as MinAtar's
/// binary observations are) take a sparse path instead when no input gradient is
/// asked for (inference, or a first layer with ``computesInputGradient`` off): each
/// nonzero scalar adds its value times the filter taps it meets, so the work
/// shrinks with the input's density. It sums in another order than the matrix
/// product, so its results differ from the dense path's in the last bits.
public final class Conv2D: InputGradientOptional, CustomStringConvertible {
    public var name: String
    /// Channels of the input image.
    public let inputChannels: Int
    /// Channels of the output image (the number of filters).
    public let outputChannels: Int
    /// The height and width of each filter.
    public let kernelSize: Int
    /// The step between filter positions, in both directions.
    public let stride: Int
    /// Zeros added on each side of the input, in both directions.
    public let padding: Int
    /// `[C_out, C_in, kernelSize, kernelSize]`.
    public let weight: Parameter
    /// `[C_out]`.
    public let bias: Parameter
    public var computesInputGradient = true

    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    /// The unfolded input, `[C_in·k², N·P]` with `P = H_out·W_out`.
    private let columns = Tensor(shape: [0])
    /// `[C_out, N·P]`: the product in forward, the permuted output gradient in backward.
    private let product = Tensor(shape: [0])
    /// The gradient of the unfolded input, `[C_in·k², N·P]`.
    private let columnsGradient = Tensor(shape: [0])
    // Inference's own buffers, so that it leaves `columns` (which the weight
    // gradient reads) and `output` as the last forward pass left them.
    private let inferenceColumns = Tensor(shape: [0])
    private let inferenceProduct = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    // The sparse path's buffers: the weight as [C_in·k², C_out],
    // and outputs or output gradients as [N, P, C_out].
    private let tapMajorWeight = Tensor(shape: [0])
    private let positionMajor = Tensor(shape: [0])
    private let nonzeros = NonzeroInputs()
    private let inferenceNonzeros = NonzeroInputs()
    private let inferencePositionMajor = Tensor(shape: [0])
    private let tapMajorGradient = Tensor(shape: [0])
    /// Whether the last ``forward(_:)`` took the sparse path (so backward does too).
    private var forwardWasSparse = false

    /// Creates a layer with weights drawn from `generator`.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        weightInitializer: WeightInitializer = .pytorchDefault,
        generator: inout some RandomNumberGenerator,
        name: String = "Conv2D"
    ) {
        precondition(inputChannels > 0 && outputChannels > 0, "Conv2D needs positive channel counts")
        precondition(kernelSize > 0 && stride > 0 && padding >= 0, "Conv2D needs kernelSize > 0, stride > 0, padding ≥ 0")
        self.name = name
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        weight = Parameter(name: "weight", value: Tensor(shape: [outputChannels, inputChannels, kernelSize, kernelSize]))
        bias = Parameter(name: "bias", value: Tensor(shape: [outputChannels]))
        let area = kernelSize * kernelSize
        weightInitializer.initialize(
            weight: weight.value, bias: bias.value, fanIn: inputChannels * area, fanOut: outputChannels * area,
            outputCount: outputChannels, weightIsOutputMajor: true, using: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public var description: String {
        var text = "Conv2D(\(inputChannels) → \(outputChannels), \(kernelSize)×\(kernelSize)"
        if stride != 1 { text += ", stride \(stride)" }
        if padding != 0 { text += ", padding \(padding)" }
        return text + ")"
    }

    private func outputSize(_ extent: Int) -> Int {
        (extent + 2 * padding - kernelSize) / stride + 1
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        checkInputShape(inputShape)
        return [inputShape[0], outputChannels, outputSize(inputShape[2]), outputSize(inputShape[3])]
    }

    private func checkInputShape(_ shape: [Int]) {
        precondition(
            shape.count == 4 && shape[1] == inputChannels,
            "\(description) needs input [N, \(inputChannels), H, W], got \(shape)")
        precondition(
            shape[2] + 2 * padding >= kernelSize && shape[3] + 2 * padding >= kernelSize,
            "\(description): input \(shape) is smaller than the kernel")
    }

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input
        checkInputShape(input.shape)
        forwardWasSparse = !computesInputGradient && nonzeros.collect(input, shape: shape(of: input))
        if forwardWasSparse { return applySparse(input, nonzeros: nonzeros, positionMajor: positionMajor, output: output) }
        return apply(input, columns: columns, product: product, output: output)
    }

    /// Bit for bit the output of ``forward(_:)`` (on the same path: sparse inputs
    /// take the sparse path only where ``computesInputGradient`` is off).
    public func inference(_ input: Tensor) -> Tensor {
        checkInputShape(input.shape)
        if !computesInputGradient && inferenceNonzeros.collect(input, shape: shape(of: input)) {
            return applySparse(input, nonzeros: inferenceNonzeros, positionMajor: inferencePositionMajor, output: inferenceOutput)
        }
        return apply(input, columns: inferenceColumns, product: inferenceProduct, output: inferenceOutput)
    }

    private func shape(of input: Tensor) -> nk_conv_shape {
        let height = input.shape[2], width = input.shape[3]
        return nk_conv_shape(
            batch: Int32(input.shape[0]), inputChannels: Int32(inputChannels), height: Int32(height), width: Int32(width),
            outputChannels: Int32(outputChannels), kernelSize: Int32(kernelSize), stride: Int32(stride),
            padding: Int32(padding), outHeight: Int32(outputSize(height)), outWidth: Int32(outputSize(width)))
    }

    private func applySparse(_ input: Tensor, nonzeros: NonzeroInputs, positionMajor: Tensor, output: Tensor) -> Tensor {
        var geometry = shape(of: input)
        let n = input.shape[0], outHeight = Int(geometry.outHeight), outWidth = Int(geometry.outWidth)
        let positions = outHeight * outWidth, rows = inputChannels * kernelSize * kernelSize
        // [C_out, C_in·k²] → [C_in·k², C_out] with each kernel row reversed (the kernel's layout).
        tapMajorWeight.resize(rows, outputChannels)
        let w = weight.value.pointer, wt = tapMajorWeight.pointer
        for channel in 0..<outputChannels {
            for row in 0..<rows {
                wt[reversedTapRow(row) * outputChannels + channel] = w[channel * rows + row]
            }
        }
        positionMajor.resize(n, positions, outputChannels)
        nk_sparse_conv_forward(&geometry, nonzeros.entries, nonzeros.values, nonzeros.count, wt, positionMajor.pointer)
        // [N, P, C_out] → [N, C_out, P], adding the bias.
        output.resize(n, outputChannels, outHeight, outWidth)
        nk_transpose_add(positionMajor.pointer, bias.value.pointer, output.pointer, n, positions, outputChannels)
        return output
    }

    /// The row of tap `(c·k + ki)·k + kj` in the sparse kernels' weight layout, `(c·k + ki)·k + (k − 1 − kj)`.
    private func reversedTapRow(_ row: Int) -> Int {
        let kj = row % kernelSize
        return row - kj + kernelSize - 1 - kj
    }

    private func apply(_ input: Tensor, columns: Tensor, product: Tensor, output: Tensor) -> Tensor {
        let n = input.shape[0], height = input.shape[2], width = input.shape[3]
        let outHeight = outputSize(height), outWidth = outputSize(width)
        let positions = outHeight * outWidth
        let rows = inputChannels * kernelSize * kernelSize
        columns.resize(rows, n * positions)
        product.resize(outputChannels, n * positions)
        output.resize(n, outputChannels, outHeight, outWidth)
        unfold(input.pointer, into: columns.pointer, n: n, height: height, width: width, outHeight: outHeight, outWidth: outWidth)
        BLAS.gemm(
            m: outputChannels, n: n * positions, k: rows,
            a: weight.value.pointer, b: columns.pointer, c: product.pointer)
        // [C_out, N, P] → [N, C_out, P], adding the bias.
        let y = output.pointer, z = product.pointer, b = bias.value.pointer
        for sample in 0..<n {
            for channel in 0..<outputChannels {
                let source = z + (channel * n + sample) * positions
                let destination = y + (sample * outputChannels + channel) * positions
                let offset = b[channel]
                for p in 0..<positions { destination[p] = source[p] + offset }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Conv2D.backward called before forward") }
        precondition(outputGradient.count == output.count, "Conv2D.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        let n = input.shape[0], height = input.shape[2], width = input.shape[3]
        let outHeight = output.shape[2], outWidth = output.shape[3]
        let positions = outHeight * outWidth
        let rows = inputChannels * kernelSize * kernelSize
        if forwardWasSparse {
            backwardSparse(outputGradient, input: input, rows: rows)
            inputGradient.resize(like: input)
            return inputGradient
        }
        // [N, C_out, P] → [C_out, N, P]
        let dy = outputGradient.pointer, permuted = product.pointer
        for sample in 0..<n {
            for channel in 0..<outputChannels {
                (permuted + (channel * n + sample) * positions)
                    .update(from: dy + (sample * outputChannels + channel) * positions, count: positions)
            }
        }
        let db = bias.gradient.pointer
        for channel in 0..<outputChannels {
            db[channel] += vectorSum(permuted + channel * n * positions, count: n * positions)
        }
        // dW += dY · columnsᵀ
        BLAS.gemm(
            transposeB: true, m: outputChannels, n: rows, k: n * positions,
            a: permuted, b: columns.pointer, beta: 1, c: weight.gradient.pointer)
        inputGradient.resize(like: input)
        if computesInputGradient {
            columnsGradient.resize(rows, n * positions)
            // dColumns = Wᵀ · dY
            BLAS.gemm(
                transposeA: true, m: rows, n: n * positions, k: outputChannels,
                a: weight.value.pointer, b: permuted, c: columnsGradient.pointer)
            fold(n: n, height: height, width: width, outHeight: outHeight, outWidth: outWidth)
        }
        return inputGradient
    }

    /// The weight and bias gradients of a sparse forward pass (no input gradient:
    /// the sparse path is only taken when none is asked for).
    private func backwardSparse(_ outputGradient: Tensor, input: Tensor, rows: Int) {
        var geometry = shape(of: input)
        let n = input.shape[0], positions = Int(geometry.outHeight * geometry.outWidth)
        let dy = outputGradient.pointer, db = bias.gradient.pointer
        for sample in 0..<n {
            for channel in 0..<outputChannels {
                db[channel] += vectorSum(dy + (sample * outputChannels + channel) * positions, count: positions)
            }
        }
        // [N, C_out, P] → [N, P, C_out]
        positionMajor.resize(n, positions, outputChannels)
        nk_transpose_add(dy, nil, positionMajor.pointer, n, outputChannels, positions)
        tapMajorGradient.resize(rows, outputChannels)
        nk_sparse_conv_weight_gradient(
            &geometry, nonzeros.entries, nonzeros.values, nonzeros.count, positionMajor.pointer, tapMajorGradient.pointer)
        let dw = weight.gradient.pointer, dwt = tapMajorGradient.pointer
        for channel in 0..<outputChannels {
            for row in 0..<rows { dw[channel * rows + row] += dwt[reversedTapRow(row) * outputChannels + channel] }
        }
    }

    /// The output columns `ow` whose input column `ow·stride − padding + kj` lies
    /// inside an image of `width` columns, so the inner loops need no bounds tests.
    private func validColumns(kj: Int, width: Int, outWidth: Int) -> Range<Int> {
        let s = stride, shift = padding - kj
        let first = shift <= 0 ? 0 : (shift + s - 1) / s
        let lastInput = width - 1 + shift
        let end = lastInput < 0 ? 0 : min(outWidth, lastInput / s + 1)
        return first..<max(first, end)
    }

    /// im2col: row `(c·k + ki)·k + kj` of ``columns`` holds, for every sample and
    /// output position, the input pixel under filter tap `(c, ki, kj)` (zero in the padding).
    private func unfold(
        _ x: UnsafeMutablePointer<Float>, into cols: UnsafeMutablePointer<Float>,
        n: Int, height: Int, width: Int, outHeight: Int, outWidth: Int
    ) {
        let positions = outHeight * outWidth
        let k = kernelSize, s = stride, pad = padding
        let rowLength = n * positions
        for channel in 0..<inputChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let row = cols + ((channel * k + ki) * k + kj) * rowLength
                    let valid = validColumns(kj: kj, width: width, outWidth: outWidth)
                    let offset = kj - pad
                    for sample in 0..<n {
                        let image = x + (sample * inputChannels + channel) * height * width
                        for oh in 0..<outHeight {
                            let destination = row + sample * positions + oh * outWidth
                            let ih = oh * s - pad + ki
                            if ih < 0 || ih >= height || valid.isEmpty {
                                destination.update(repeating: 0, count: outWidth)
                                continue
                            }
                            let line = image + ih * width + offset
                            destination.update(repeating: 0, count: valid.lowerBound)
                            if s == 1 {
                                (destination + valid.lowerBound).update(from: line + valid.lowerBound, count: valid.count)
                            } else {
                                for ow in valid { destination[ow] = line[ow * s] }
                            }
                            (destination + valid.upperBound).update(repeating: 0, count: outWidth - valid.upperBound)
                        }
                    }
                }
            }
        }
    }

    /// col2im: accumulates ``columnsGradient`` back onto the input pixels it came from.
    private func fold(n: Int, height: Int, width: Int, outHeight: Int, outWidth: Int) {
        let positions = outHeight * outWidth
        let k = kernelSize, s = stride, pad = padding
        let rowLength = n * positions
        let dx = inputGradient.pointer, dCols = columnsGradient.pointer
        dx.update(repeating: 0, count: inputGradient.count)
        for channel in 0..<inputChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let row = dCols + ((channel * k + ki) * k + kj) * rowLength
                    let valid = validColumns(kj: kj, width: width, outWidth: outWidth)
                    let offset = kj - pad
                    for sample in 0..<n {
                        let image = dx + (sample * inputChannels + channel) * height * width
                        for oh in 0..<outHeight {
                            let ih = oh * s - pad + ki
                            if ih < 0 || ih >= height { continue }
                            let source = row + sample * positions + oh * outWidth
                            let line = image + ih * width + offset
                            if s == 1 {
                                for ow in valid { line[ow] += source[ow] }
                            } else {
                                for ow in valid { line[ow * s] += source[ow] }
                            }
                        }
                    }
                }
            }
        }
    }
}


/// The nonzero scalars of a convolution's input, where it is sparse enough.
private final class NonzeroInputs {
    private(set) var entries = UnsafeMutablePointer<nk_conv_entry>.allocate(capacity: 1)
    private(set) var values = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var count = 0
    private var capacity = 1

    deinit {
        entries.deallocate()
        values.deallocate()
    }

    /// Collects the nonzero scalars of `input` and says whether at most a fifth of
    /// them are nonzero, where the sparse path pays. Inputs whose rows, columns, taps
    /// or output positions outgrow the entries' 16- and 32-bit fields always take
    /// the dense path.
    func collect(_ input: Tensor, shape: nk_conv_shape) -> Bool {
        let taps = Int(shape.inputChannels) * Int(shape.kernelSize) * Int(shape.kernelSize)
        let positions = Int(shape.batch) * Int(shape.outHeight) * Int(shape.outWidth)
        guard input.shape[2] <= Int(UInt16.max), input.shape[3] <= Int(UInt16.max),
              taps <= Int(UInt32.max), positions <= Int(UInt32.max) else { return false }
        if input.count + 1 > capacity {
            entries.deallocate()
            values.deallocate()
            capacity = input.count + 1
            entries = .allocate(capacity: capacity)
            values = .allocate(capacity: capacity)
        }
        var geometry = shape
        count = nk_conv_nonzeros(&geometry, input.pointer, entries, values)
        return count <= input.count / 5
    }
}
