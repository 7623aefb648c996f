/// 2-D max pooling over channels-first images.
///
/// - Input: `[N, C, H, W]`.
/// - Output: `[N, C, H_out, W_out]` with `H_out = (H − kernelSize) / stride + 1`
///   (rounded down, as PyTorch's default `ceil_mode=False`), likewise `W_out`.
/// - No parameters, no padding. Windows may overlap (`stride < kernelSize`); the
///   gradient of each output goes to the first maximal input of its window, and
///   overlapping windows accumulate.
public final class MaxPool2D: Layer, CustomStringConvertible {
    public var name: String
    /// The height and width of each window.
    public let kernelSize: Int
    /// The step between windows, in both directions.
    public let stride: Int

    private var inputShapeCount = 0
    private let output = Tensor(shape: [0])
    private let inferenceOutput = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    /// For each output scalar, the flat index of its maximum in the input.
    private var argmax = IndexBuffer()

    /// Creates the layer; `stride` defaults to `kernelSize` (non-overlapping windows).
    public init(kernelSize: Int, stride: Int? = nil, name: String = "MaxPool2D") {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "MaxPool2D needs kernelSize > 0 and stride > 0")
        self.name = name
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    public var parameters: [Parameter] { [] }

    public var description: String {
        "MaxPool2D(\(kernelSize)×\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : ""))"
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        checkInputShape(inputShape)
        return [inputShape[0], inputShape[1], (inputShape[2] - kernelSize) / stride + 1, (inputShape[3] - kernelSize) / stride + 1]
    }

    private func checkInputShape(_ shape: [Int]) {
        precondition(
            shape.count == 4 && shape[2] >= kernelSize && shape[3] >= kernelSize,
            "\(description) needs input [N, C, H, W] with H, W ≥ \(kernelSize), got \(shape)")
    }

    public func forward(_ input: Tensor) -> Tensor {
        checkInputShape(input.shape)
        inputGradient.resize(like: input)
        return apply(input, into: output, recordingIndices: true)
    }

    public func inference(_ input: Tensor) -> Tensor {
        checkInputShape(input.shape)
        return apply(input, into: inferenceOutput, recordingIndices: false)
    }

    /// Pools `input` into `output`; the backward pass's argmax indices are kept
    /// only when `recordingIndices`.
    private func apply(_ input: Tensor, into output: Tensor, recordingIndices: Bool) -> Tensor {
        let n = input.shape[0], channels = input.shape[1], height = input.shape[2], width = input.shape[3]
        let outHeight = (height - kernelSize) / stride + 1, outWidth = (width - kernelSize) / stride + 1
        output.resize(n, channels, outHeight, outWidth)
        if recordingIndices { argmax.reserve(output.count) }
        let x = input.pointer, y = output.pointer, indices = argmax.pointer
        let k = kernelSize, s = stride
        var o = 0
        for plane in 0..<(n * channels) {
            let base = plane * height * width
            for oh in 0..<outHeight {
                for ow in 0..<outWidth {
                    var best = base + oh * s * width + ow * s
                    var bestValue = x[best]
                    for ki in 0..<k {
                        let row = base + (oh * s + ki) * width + ow * s
                        for kj in 0..<k where x[row + kj] > bestValue {
                            bestValue = x[row + kj]
                            best = row + kj
                        }
                    }
                    y[o] = bestValue
                    if recordingIndices { indices[o] = Int32(truncatingIfNeeded: best) }
                    o += 1
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.count == output.count, "MaxPool2D.backward: gradient shape \(outputGradient.shape), output \(output.shape)")
        let dx = inputGradient.pointer, dy = outputGradient.pointer, indices = argmax.pointer
        dx.update(repeating: 0, count: inputGradient.count)
        for o in 0..<output.count { dx[Int(indices[o])] += dy[o] }
        return inputGradient
    }
}

/// A growable buffer of 32-bit indices that reallocates only when asked for more.
struct IndexBuffer: ~Copyable {
    private(set) var pointer: UnsafeMutablePointer<Int32>
    private var capacity: Int

    init() {
        capacity = 1
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    mutating func reserve(_ count: Int) {
        if count <= capacity { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit {
        pointer.deallocate()
    }
}
