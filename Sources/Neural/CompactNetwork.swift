import Foundation
import NeuralKernels

/// Runs a ``CompactModel`` one observation at a time (batch 1), for acting.
///
/// Float32 matrices go through BLAS. Int8 matrices run on integers: each
/// layer's input is quantised on the fly to int8 with one scale (its largest
/// magnitude over 127: *dynamic* quantisation, so no calibration set is needed
/// and the scale always fits the observation at hand), the product is summed in
/// int32 by `nk_int8_gemm` (AVX-512 VNNI, AVX-512BW, AVX2 or a portable loop,
/// picked from the CPU at run time), and the result is scaled back to float by
/// the weight row's scale times the input's scale. Activations between layers,
/// biases and the LSTM cell stay float32.
///
/// An LSTM's state is kept between calls of ``forward(_:)`` and cleared by
/// ``resetState()``. Allocates nothing per call.
public final class CompactNetwork {
    /// The model being run.
    public let model: CompactModel
    private let stages: [Stage]
    private let output: UnsafeMutablePointer<Float>
    private let input: UnsafeMutablePointer<Float>
    private let largestWidth: Int

    /// Prepares `model` for acting (int8 rows padded to the kernel's width, row sums taken).
    ///
    /// - Precondition: the model is valid (``CompactModel/validate()``).
    public init(_ model: CompactModel) {
        self.model = model
        var width = model.inputSize
        var stages: [Stage] = []
        var largest = width
        for layer in model.layers {
            let stage = Stage(layer, inputWidth: width)
            stages.append(stage)
            width = stage.outputWidth
            largest = max(largest, width)
        }
        self.stages = stages
        largestWidth = largest
        input = .allocate(capacity: model.inputSize)
        output = .allocate(capacity: width)
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    /// Scores (Q-values or logits) put out per observation.
    public var outputSize: Int { stages.last?.outputWidth ?? model.inputSize }

    /// Which int8 kernel runs on this CPU (`avx512-vnni`, `avx512bw`, `avx2`, `portable`).
    public static var int8KernelName: String {
        switch nk_int8_best_variant() {
        case NK_INT8_AVX512VNNI: return "avx512-vnni"
        case NK_INT8_AVX512BW: return "avx512bw"
        case NK_INT8_AVX2: return "avx2"
        default: return "portable"
        }
    }

    /// Clears every LSTM state: the next observation is an episode's first.
    public func resetState() {
        for stage in stages { stage.resetState() }
    }

    /// Runs one observation through the model (advancing any LSTM state) and
    /// returns the scores, valid until the next call.
    public func forward(_ observation: [Float]) -> UnsafeBufferPointer<Float> {
        precondition(observation.count == model.inputSize, "expected \(model.inputSize) floats, got \(observation.count)")
        observation.withUnsafeBufferPointer { input.update(from: $0.baseAddress!, count: model.inputSize) }
        var current = UnsafePointer(input)
        for stage in stages {
            current = UnsafePointer(stage.run(current))
        }
        output.update(from: current, count: outputSize)
        return UnsafeBufferPointer(start: output, count: outputSize)
    }

    /// The index of the first largest score for `observation` (the greedy action).
    public func greedyIndex(for observation: [Float]) -> Int {
        let scores = forward(observation)
        var best = 0
        for index in 1..<scores.count where scores[index] > scores[best] { best = index }
        return best
    }
}

/// A weight matrix ready for the kernels: float32 row-major for BLAS, or int8
/// rows padded with zeros to a multiple of 64 with their sums and scales.
final class PackedMatrix {
    let outputs: Int, inputs: Int
    /// Padded row length of the int8 rows (a multiple of 64).
    let stride: Int
    let floats: UnsafeMutablePointer<Float>?
    let values: UnsafeMutablePointer<Int8>?
    let rowSums: UnsafeMutablePointer<Int32>?
    let scales: UnsafeMutablePointer<Float>?
    /// The int8 rows in the VNNI kernel's layout, when this CPU has VNNI.
    let vnniPacked: UnsafeMutablePointer<Int8>?

    init(_ matrix: CompactMatrix) {
        outputs = matrix.outputs
        inputs = matrix.inputs
        stride = (inputs + 63) / 64 * 64
        switch matrix.storage {
        case .float32(let weights):
            let floats = UnsafeMutablePointer<Float>.allocate(capacity: weights.count)
            floats.initialize(from: weights, count: weights.count)
            self.floats = floats
            values = nil
            rowSums = nil
            scales = nil
            vnniPacked = nil
        case .int8(let weights, let rowScales):
            floats = nil
            let values = UnsafeMutablePointer<Int8>.allocate(capacity: outputs * stride)
            values.initialize(repeating: 0, count: outputs * stride)
            for row in 0..<outputs {
                for column in 0..<inputs { values[row * stride + column] = weights[row * inputs + column] }
            }
            let rowSums = UnsafeMutablePointer<Int32>.allocate(capacity: outputs)
            nk_int8_row_sums(outputs, stride, values, rowSums)
            let scales = UnsafeMutablePointer<Float>.allocate(capacity: outputs)
            scales.initialize(from: rowScales, count: outputs)
            self.values = values
            self.rowSums = rowSums
            self.scales = scales
            if nk_int8_best_variant() == NK_INT8_AVX512VNNI {
                let packed = UnsafeMutablePointer<Int8>.allocate(capacity: (outputs + 15) / 16 * 16 * stride)
                nk_int8_pack_vnni(outputs, stride, values, packed)
                vnniPacked = packed
            } else {
                vnniPacked = nil
            }
        }
    }

    /// c[i · outputs + o] = Σ a[i · stride + l] · row o, for `rows` rows of a.
    @inline(__always)
    func integerProduct(rows: Int, _ a: UnsafePointer<Int8>, into c: UnsafeMutablePointer<Int32>) {
        if let vnniPacked {
            nk_int8_gemm_vnni_packed(rows, outputs, stride, a, vnniPacked, rowSums!, c)
        } else {
            nk_int8_gemm(rows, outputs, stride, a, values!, rowSums!, c)
        }
    }

    deinit {
        floats?.deallocate()
        values?.deallocate()
        rowSums?.deallocate()
        scales?.deallocate()
        vnniPacked?.deallocate()
    }

    var isQuantized: Bool { values != nil }
}

/// Scratch space of an int8 product: the quantised input rows and the int32 result.
final class Int8Scratch {
    let rows: Int, stride: Int, outputs: Int
    let quantized: UnsafeMutablePointer<Int8>
    let accumulators: UnsafeMutablePointer<Int32>

    init(rows: Int, stride: Int, outputs: Int) {
        self.rows = rows
        self.stride = stride
        self.outputs = outputs
        quantized = .allocate(capacity: rows * stride)
        quantized.initialize(repeating: 0, count: rows * stride)
        accumulators = .allocate(capacity: rows * outputs)
    }

    deinit {
        quantized.deallocate()
        accumulators.deallocate()
    }
}

/// y += W·x for one input vector, float or int8 as the matrix is stored.
/// `scratch` must fit one row of the matrix's stride.
@inline(__always)
func multiplyAccumulate(_ matrix: PackedMatrix, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, scratch: Int8Scratch) {
    if let floats = matrix.floats {
        BLAS.gemv(rows: matrix.outputs, columns: matrix.inputs, a: floats, x: x, beta: 1, y: y)
        return
    }
    let inputScale = nk_quantize_int8(x, matrix.inputs, scratch.quantized)
    guard inputScale > 0 else { return }
    matrix.integerProduct(rows: 1, scratch.quantized, into: scratch.accumulators)
    let scales = matrix.scales!
    for row in 0..<matrix.outputs {
        y[row] += Float(scratch.accumulators[row]) * (scales[row] * inputScale)
    }
}

/// One prepared layer with its output buffer (and state, for an LSTM).
final class Stage {
    enum Kind {
        case normalize(mean: [Double], deviation: [Double], clip: Float)
        case dense(PackedMatrix, bias: [Float])
        case convolution(PackedMatrix, bias: [Float], geometry: ConvolutionGeometry)
        case relu
        case tanh
        case lstm(input: PackedMatrix, hidden: PackedMatrix, bias: [Float])
        case dueling(value: PackedMatrix, valueBias: Float, advantage: PackedMatrix, advantageBias: [Float])
    }

    let kind: Kind
    let inputWidth: Int
    let outputWidth: Int
    let output: UnsafeMutablePointer<Float>
    private let scratch: Int8Scratch
    // Convolution: the im2col matrix (float [taps, positions]; int8 [positions, stride]).
    private let columns: UnsafeMutablePointer<Float>?
    private let inputQuantized: UnsafeMutablePointer<Int8>?
    // LSTM: gates, cell, the cell's tanh; the hidden state is `output`. Dueling:
    // `gates` holds the state value.
    private let gates: UnsafeMutablePointer<Float>?
    private let cell: UnsafeMutablePointer<Float>?
    private let cellTanh: UnsafeMutablePointer<Float>?

    init(_ layer: CompactLayer, inputWidth: Int) {
        self.inputWidth = inputWidth
        var columns: UnsafeMutablePointer<Float>?, inputQuantized: UnsafeMutablePointer<Int8>?
        var gates: UnsafeMutablePointer<Float>?, cell: UnsafeMutablePointer<Float>?, cellTanh: UnsafeMutablePointer<Float>?
        var scratchRows = 1, scratchStride = 64, scratchOutputs = 1
        switch layer {
        case .normalize(let mean, let deviation, let clip):
            kind = .normalize(mean: mean, deviation: deviation, clip: clip)
            outputWidth = inputWidth
        case .relu:
            kind = .relu
            outputWidth = inputWidth
        case .tanh:
            kind = .tanh
            outputWidth = inputWidth
        case .dense(let weight, let bias):
            let packed = PackedMatrix(weight)
            kind = .dense(packed, bias: bias)
            outputWidth = weight.outputs
            scratchStride = packed.stride
            scratchOutputs = weight.outputs
        case .convolution(let weight, let bias, let geometry):
            let packed = PackedMatrix(weight)
            kind = .convolution(packed, bias: bias, geometry: geometry)
            let positions = geometry.outputHeight * geometry.outputWidth
            outputWidth = geometry.outputChannels * positions
            scratchRows = positions
            scratchStride = packed.stride
            scratchOutputs = weight.outputs
            if packed.isQuantized {
                inputQuantized = .allocate(capacity: inputWidth)
            } else {
                columns = .allocate(capacity: geometry.taps * positions)
            }
        case .lstm(let inputWeight, let hiddenWeight, let bias):
            let packedInput = PackedMatrix(inputWeight), packedHidden = PackedMatrix(hiddenWeight)
            kind = .lstm(input: packedInput, hidden: packedHidden, bias: bias)
            let hidden = hiddenWeight.inputs
            outputWidth = hidden
            scratchStride = max(packedInput.stride, packedHidden.stride)
            scratchOutputs = 4 * hidden
            gates = .allocate(capacity: 4 * hidden)
            cell = .allocate(capacity: hidden)
            cell!.initialize(repeating: 0, count: hidden)
            cellTanh = .allocate(capacity: hidden)
        case .dueling(let valueWeight, let valueBias, let advantageWeight, let advantageBias):
            let value = PackedMatrix(valueWeight), advantage = PackedMatrix(advantageWeight)
            kind = .dueling(value: value, valueBias: valueBias[0], advantage: advantage, advantageBias: advantageBias)
            outputWidth = advantageWeight.outputs
            gates = .allocate(capacity: 1)  // the state value
            scratchStride = advantage.stride
            scratchOutputs = advantageWeight.outputs
        }
        output = .allocate(capacity: outputWidth)
        output.initialize(repeating: 0, count: outputWidth)
        scratch = Int8Scratch(rows: scratchRows, stride: scratchStride, outputs: scratchOutputs)
        self.columns = columns
        self.inputQuantized = inputQuantized
        self.gates = gates
        self.cell = cell
        self.cellTanh = cellTanh
    }

    deinit {
        output.deallocate()
        columns?.deallocate()
        inputQuantized?.deallocate()
        gates?.deallocate()
        cell?.deallocate()
        cellTanh?.deallocate()
    }

    func resetState() {
        guard case .lstm(_, let hidden, _) = kind else { return }
        output.update(repeating: 0, count: hidden.inputs)
        cell!.update(repeating: 0, count: hidden.inputs)
    }

    /// Runs the stage on `x` (``inputWidth`` floats) and returns its output.
    func run(_ x: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        switch kind {
        case .normalize(let mean, let deviation, let clip):
            for index in 0..<inputWidth {
                let scaled = (Double(x[index]) - mean[index]) / deviation[index]
                output[index] = min(max(Float(scaled), -clip), clip)
            }
        case .relu:
            for index in 0..<inputWidth { output[index] = max(x[index], 0) }
        case .tanh:
            for index in 0..<inputWidth { output[index] = Foundation.tanh(x[index]) }
        case .dense(let matrix, let bias):
            bias.withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: outputWidth) }
            multiplyAccumulate(matrix, x, into: output, scratch: scratch)
        case .convolution(let matrix, let bias, let geometry):
            convolve(matrix, bias: bias, geometry: geometry, x)
        case .lstm(let inputMatrix, let hiddenMatrix, let bias):
            let hidden = hiddenMatrix.inputs, gates = gates!
            bias.withUnsafeBufferPointer { gates.update(from: $0.baseAddress!, count: 4 * hidden) }
            multiplyAccumulate(inputMatrix, x, into: gates, scratch: scratch)
            multiplyAccumulate(hiddenMatrix, output, into: gates, scratch: scratch)
            // In place: the kernel reads each lane of the cell before overwriting it.
            nk_lstm_cell_forward(gates, cell!, cell!, cellTanh!, output, hidden)
        case .dueling(let value, let valueBias, let advantage, let advantageBias):
            let actions = advantage.outputs, stateValue = gates!
            advantageBias.withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: actions) }
            multiplyAccumulate(advantage, x, into: output, scratch: scratch)
            stateValue[0] = valueBias
            multiplyAccumulate(value, x, into: stateValue, scratch: scratch)
            var mean: Float = 0
            for action in 0..<actions { mean += output[action] }
            mean /= Float(actions)
            for action in 0..<actions { output[action] = stateValue[0] + output[action] - mean }
        }
        return output
    }

    private func convolve(_ matrix: PackedMatrix, bias: [Float], geometry g: ConvolutionGeometry, _ x: UnsafePointer<Float>) {
        let outHeight = g.outputHeight, outWidth = g.outputWidth, positions = outHeight * outWidth
        let k = g.kernelSize, taps = g.taps
        if let floats = matrix.floats {
            // im2col as [taps, positions], then output [C_out, positions] = W · columns.
            let columns = columns!
            for channel in 0..<g.inputChannels {
                for ki in 0..<k {
                    for kj in 0..<k {
                        let tap = (channel * k + ki) * k + kj
                        for oy in 0..<outHeight {
                            let iy = oy * g.stride - g.padding + ki
                            for ox in 0..<outWidth {
                                let ix = ox * g.stride - g.padding + kj
                                let inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                                columns[tap * positions + oy * outWidth + ox] = inside ? x[(channel * g.height + iy) * g.width + ix] : 0
                            }
                        }
                    }
                }
            }
            for channel in 0..<g.outputChannels {
                (output + channel * positions).update(repeating: bias[channel], count: positions)
            }
            BLAS.gemm(m: g.outputChannels, n: positions, k: taps, a: floats, b: columns, beta: 1, c: output)
            return
        }
        // int8: quantise the whole input once, im2col into [positions, stride] rows
        // (the padding past `taps` stays zero), one integer product for all positions.
        let quantized = inputQuantized!
        let inputScale = nk_quantize_int8(x, inputWidth, quantized)
        let rows = scratch.quantized, stride = matrix.stride
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                let row = rows + (oy * outWidth + ox) * stride
                for channel in 0..<g.inputChannels {
                    for ki in 0..<k {
                        let iy = oy * g.stride - g.padding + ki
                        for kj in 0..<k {
                            let ix = ox * g.stride - g.padding + kj
                            let inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                            row[(channel * k + ki) * k + kj] = inside ? quantized[(channel * g.height + iy) * g.width + ix] : 0
                        }
                    }
                }
            }
        }
        matrix.integerProduct(rows: positions, rows, into: scratch.accumulators)
        let scales = matrix.scales!, accumulators = scratch.accumulators
        for channel in 0..<g.outputChannels {
            let factor = scales[channel] * inputScale, offset = bias[channel]
            for position in 0..<positions {
                output[channel * positions + position] = offset + Float(accumulators[position * g.outputChannels + channel]) * factor
            }
        }
    }
}
