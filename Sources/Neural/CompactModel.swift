import Foundation

/// A weight matrix stored output-major, `[outputs, inputs]`, as float32 or as
/// int8 with one scale per output (symmetric per-output-channel quantisation):
/// the weights of a compressed policy.
///
/// Row `o` holds the weights that produce output `o` (a dense unit, a
/// convolution's output channel, one LSTM gate unit), so one scale per row is one
/// scale per output channel.
public struct CompactMatrix: Equatable, Sendable {
    /// How the weights are stored.
    public enum Storage: Equatable, Sendable {
        /// Float32 weights, row-major.
        case float32([Float])
        /// Int8 weights, row-major, each in `[-127, 127]`; weight `(o, i)` is
        /// `scales[o] · values[o · inputs + i]`.
        case int8(values: [Int8], scales: [Float])
    }

    /// Rows: one per output.
    public let outputs: Int
    /// Columns: one per input.
    public let inputs: Int
    /// The weights.
    public var storage: Storage

    /// A float32 matrix of `outputs × inputs` weights, row-major.
    public init(outputs: Int, inputs: Int, weights: [Float]) {
        precondition(weights.count == outputs * inputs, "expected \(outputs * inputs) weights, got \(weights.count)")
        self.outputs = outputs
        self.inputs = inputs
        storage = .float32(weights)
    }

    /// A matrix with the given storage (checked for size).
    public init(outputs: Int, inputs: Int, storage: Storage) {
        switch storage {
        case .float32(let weights):
            precondition(weights.count == outputs * inputs, "expected \(outputs * inputs) weights, got \(weights.count)")
        case .int8(let values, let scales):
            precondition(values.count == outputs * inputs && scales.count == outputs,
                         "expected \(outputs * inputs) values and \(outputs) scales, got \(values.count) and \(scales.count)")
        }
        self.outputs = outputs
        self.inputs = inputs
        self.storage = storage
    }

    /// Number of weights.
    public var count: Int { outputs * inputs }

    /// Whether the weights are int8.
    public var isQuantized: Bool {
        if case .int8 = storage { return true }
        return false
    }

    /// Number of weights that are not zero.
    public var nonzeroCount: Int {
        switch storage {
        case .float32(let weights): return weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        case .int8(let values, _): return values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        }
    }

    /// The weights as float32 (int8 values times their row's scale).
    public var floatWeights: [Float] {
        switch storage {
        case .float32(let weights):
            return weights
        case .int8(let values, let scales):
            var weights = [Float](repeating: 0, count: count)
            for row in 0..<outputs {
                for column in 0..<inputs {
                    weights[row * inputs + column] = scales[row] * Float(values[row * inputs + column])
                }
            }
            return weights
        }
    }

    /// The number of weights magnitude pruning of `fraction` zeroes in a matrix of
    /// `count` weights: `fraction · count` rounded to the nearest integer.
    public static func prunedCount(fraction: Double, count: Int) -> Int {
        Int((fraction * Double(count)).rounded())
    }

    /// The matrix with the ``prunedCount(fraction:count:)`` weights of smallest
    /// magnitude set to zero (ties broken by position, first first) and every
    /// other weight unchanged. Pruning works on float32 weights: prune, then quantise.
    ///
    /// - Precondition: `fraction` is in `[0, 1]` and the matrix is not quantised.
    public func pruned(fraction: Double) -> CompactMatrix {
        precondition((0...1).contains(fraction), "the pruning fraction must be in [0, 1], got \(fraction)")
        guard case .float32(var weights) = storage else { preconditionFailure("prune before quantising") }
        let removed = Self.prunedCount(fraction: fraction, count: count)
        guard removed > 0 else { return self }
        let order = weights.indices.sorted { left, right in
            let a = abs(weights[left]), b = abs(weights[right])
            return a < b || (a == b && left < right)
        }
        for index in order.prefix(removed) { weights[index] = 0 }
        return CompactMatrix(outputs: outputs, inputs: inputs, weights: weights)
    }

    /// The matrix quantised to int8 per output row: scale `s = max|w| / 127` (0 for
    /// a row of zeros) and value `round(w / s)`, so each weight is within `s / 2`
    /// of `s · value` and zero stays zero (pruned weights stay pruned). An already
    /// quantised matrix is returned as it is.
    public func quantized() -> CompactMatrix {
        guard case .float32(let weights) = storage else { return self }
        var values = [Int8](repeating: 0, count: count)
        var scales = [Float](repeating: 0, count: outputs)
        for row in 0..<outputs {
            let slice = weights[(row * inputs)..<((row + 1) * inputs)]
            let largest = slice.reduce(Float(0)) { max($0, abs($1)) }
            guard largest > 0 else { continue }
            let scale = largest / 127
            scales[row] = scale
            for column in 0..<inputs {
                let value = (weights[row * inputs + column] / scale).rounded()
                values[row * inputs + column] = Int8(min(max(value, -127), 127))
            }
        }
        return CompactMatrix(outputs: outputs, inputs: inputs, storage: .int8(values: values, scales: scales))
    }

    /// Bytes the weights take in a policy file (int8: one per weight plus a float32 scale per row).
    public var storedBytes: Int {
        isQuantized ? count + 4 * outputs : 4 * count
    }
}

/// The geometry of a convolution in a compact model: square kernel, input
/// `[inputChannels, height, width]` (one observation), output
/// `[outputChannels, outputHeight, outputWidth]`.
public struct ConvolutionGeometry: Equatable, Sendable, Codable {
    /// Input channels.
    public var inputChannels: Int
    /// Input height in cells.
    public var height: Int
    /// Input width in cells.
    public var width: Int
    /// Output channels.
    public var outputChannels: Int
    /// Kernel height and width.
    public var kernelSize: Int
    /// Step between kernel positions.
    public var stride: Int
    /// Zero cells added on each side.
    public var padding: Int

    /// Creates a geometry.
    public init(inputChannels: Int, height: Int, width: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int) {
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    /// Output rows.
    public var outputHeight: Int { (height + 2 * padding - kernelSize) / stride + 1 }
    /// Output columns.
    public var outputWidth: Int { (width + 2 * padding - kernelSize) / stride + 1 }
    /// Taps of one output channel: `inputChannels · kernelSize²`.
    public var taps: Int { inputChannels * kernelSize * kernelSize }
}

/// One stage of a ``CompactModel``, acting on one observation's flat feature vector.
public enum CompactLayer: Equatable, Sendable {
    /// PPO's observation normalisation: `clamp(Float((x − mean) / deviation), ±clip)`,
    /// in double precision as training computed it.
    case normalize(mean: [Double], deviation: [Double], clip: Float)
    /// `y = W·x + b`.
    case dense(weight: CompactMatrix, bias: [Float])
    /// A convolution over a `[C, H, W]` input flattened channel-major (as
    /// ``Flatten`` lays it out); `weight` is `[outputChannels, taps]` in
    /// ``Conv2D``'s `[C_out, C_in, k, k]` order.
    case convolution(weight: CompactMatrix, bias: [Float], geometry: ConvolutionGeometry)
    /// `max(x, 0)`.
    case relu
    /// `tanh(x)`.
    case tanh
    /// One step of an ``LSTM`` (gates i, f, g, o): `z = W_ih·x + W_hh·h + b`, with
    /// `inputWeight` `[4H, inputs]` and `hiddenWeight` `[4H, H]`; the state is
    /// carried between calls and cleared at an episode's start.
    case lstm(inputWeight: CompactMatrix, hiddenWeight: CompactMatrix, bias: [Float])
    /// ``DuelingHead``: `Q = V + A − mean(A)` from a value row `[1, inputs]` and an
    /// advantage matrix `[actions, inputs]`.
    case dueling(valueWeight: CompactMatrix, valueBias: [Float], advantageWeight: CompactMatrix, advantageBias: [Float])

    /// The weight matrices of the stage, in file order.
    public var matrices: [CompactMatrix] {
        switch self {
        case .normalize, .relu, .tanh: return []
        case .dense(let weight, _), .convolution(let weight, _, _): return [weight]
        case .lstm(let inputWeight, let hiddenWeight, _): return [inputWeight, hiddenWeight]
        case .dueling(let valueWeight, _, let advantageWeight, _): return [valueWeight, advantageWeight]
        }
    }

    /// The stage with each matrix replaced by `transform` of it.
    public func mapMatrices(_ transform: (CompactMatrix) -> CompactMatrix) -> CompactLayer {
        switch self {
        case .normalize, .relu, .tanh: return self
        case .dense(let weight, let bias): return .dense(weight: transform(weight), bias: bias)
        case .convolution(let weight, let bias, let geometry):
            return .convolution(weight: transform(weight), bias: bias, geometry: geometry)
        case .lstm(let inputWeight, let hiddenWeight, let bias):
            return .lstm(inputWeight: transform(inputWeight), hiddenWeight: transform(hiddenWeight), bias: bias)
        case .dueling(let valueWeight, let valueBias, let advantageWeight, let advantageBias):
            return .dueling(valueWeight: transform(valueWeight), valueBias: valueBias,
                            advantageWeight: transform(advantageWeight), advantageBias: advantageBias)
        }
    }

    /// Scalars besides the weight matrices (biases, normalisation statistics).
    var otherParameterCount: Int {
        switch self {
        case .normalize(let mean, let deviation, _): return mean.count + deviation.count
        case .relu, .tanh: return 0
        case .dense(_, let bias), .convolution(_, let bias, _), .lstm(_, _, let bias): return bias.count
        case .dueling(_, let valueBias, _, let advantageBias): return valueBias.count + advantageBias.count
        }
    }
}

/// A policy network reduced to what acting needs: a chain of ``CompactLayer``s
/// from one observation (``inputSize`` floats) to one score per action (Q-values
/// or logits; the action is the first largest). What `rlrun compress` prunes,
/// quantises and writes; ``CompactNetwork`` runs it.
///
/// ## File format, version 1 (all integers little-endian)
///
/// | bytes | content |
/// | --- | --- |
/// | 8 | magic `89 53 52 4C 50 4F 4C 0A` (`\x89SRLPOL\n`) |
/// | 4 | format version (UInt32, 1) |
/// | 4 | reserved, 0 |
/// | 8 | total file length in bytes, checksum included (UInt64) |
/// | 8 + n | metadata length n (UInt64), then n bytes (the caller's, e.g. JSON) |
/// | 8 + a | architecture length a (UInt64), then a bytes of JSON: `input_size` and one object per layer (`kind`; sizes; `weight_type`: `float32` or `int8` per matrix) |
/// | per layer, in order | its tensors (see below), back to back |
/// | 8 | FNV-1a 64 checksum of every byte before it |
///
/// A weight matrix is stored output-major (row = output channel): int8, its
/// `outputs` float32 scales then `outputs · inputs` int8 values; float32, its
/// `outputs · inputs` values. Biases are float32; normalisation statistics
/// float64. Dense and convolution layers write weight then bias; an LSTM `W_ih`,
/// `W_hh`, then its bias `[4H]`; a dueling head the value weight, value bias,
/// advantage weight, advantage bias; normalisation the means then the deviations.
/// Pruned weights are stored as zeros (dense storage, no sparse format): pruning
/// alone does not shrink the file, int8 does (about 4×).
public struct CompactModel: Equatable, Sendable {
    /// Floats in one observation.
    public var inputSize: Int
    /// The stages, first to last.
    public var layers: [CompactLayer]

    /// A model of `layers` taking observations of `inputSize` floats.
    public init(inputSize: Int, layers: [CompactLayer]) {
        self.inputSize = inputSize
        self.layers = layers
    }

    /// The format version this code writes; it reads exactly this version.
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = [0x89, 0x53, 0x52, 0x4C, 0x50, 0x4F, 0x4C, 0x0A]

    /// Every scalar parameter: weights, biases, normalisation statistics.
    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.matrices.reduce(0) { $0 + $1.count } + $1.otherParameterCount }
    }

    /// Parameters that are not zero (pruned weights are zero).
    public var nonzeroParameterCount: Int {
        layers.reduce(0) { total, layer in
            total + layer.matrices.reduce(0) { $0 + $1.nonzeroCount } + layer.otherParameterCount
        }
    }

    /// Weights in the matrices (what pruning and quantisation act on).
    public var weightCount: Int { layers.reduce(0) { $0 + $1.matrices.reduce(0) { $0 + $1.count } } }

    /// Every weight matrix magnitude-pruned by `fraction` on its own (see
    /// ``CompactMatrix/pruned(fraction:)``); an LSTM's `W_ih` and `W_hh` count as
    /// separate layers. Biases are kept.
    public func pruned(fraction: Double) -> CompactModel {
        CompactModel(inputSize: inputSize, layers: layers.map { $0.mapMatrices { $0.pruned(fraction: fraction) } })
    }

    /// Every weight matrix quantised to int8 per output channel (``CompactMatrix/quantized()``).
    public func quantized() -> CompactModel {
        CompactModel(inputSize: inputSize, layers: layers.map { $0.mapMatrices { $0.quantized() } })
    }

    /// The scores the model puts out per observation.
    public var outputSize: Int {
        var size = inputSize
        for layer in layers {
            switch layer {
            case .normalize, .relu, .tanh: break
            case .dense(let weight, _): size = weight.outputs
            case .convolution(_, _, let geometry): size = geometry.outputChannels * geometry.outputHeight * geometry.outputWidth
            case .lstm(_, let hiddenWeight, _): size = hiddenWeight.inputs
            case .dueling(_, _, let advantageWeight, _): size = advantageWeight.outputs
            }
        }
        return size
    }

    /// Checks that every stage takes what the one before puts out.
    ///
    /// - Throws: ``CompactModelError/inconsistent(_:)`` naming the first stage that does not fit.
    public func validate() throws(CompactModelError) {
        var size = inputSize
        func expect(_ inputs: Int, _ index: Int, _ what: String) throws(CompactModelError) {
            guard inputs == size else {
                throw .inconsistent("layer \(index) (\(what)) takes \(inputs) inputs but receives \(size)")
            }
        }
        guard inputSize > 0 else { throw .inconsistent("input size \(inputSize)") }
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .normalize(let mean, let deviation, _):
                try expect(mean.count, index, "normalize")
                guard deviation.count == mean.count else { throw .inconsistent("layer \(index): \(mean.count) means, \(deviation.count) deviations") }
            case .relu, .tanh:
                break
            case .dense(let weight, let bias):
                try expect(weight.inputs, index, "dense")
                guard bias.count == weight.outputs else { throw .inconsistent("layer \(index): bias of \(bias.count) for \(weight.outputs) outputs") }
                size = weight.outputs
            case .convolution(let weight, let bias, let geometry):
                try expect(geometry.inputChannels * geometry.height * geometry.width, index, "convolution")
                guard geometry.kernelSize > 0, geometry.stride > 0, geometry.padding >= 0, geometry.outputHeight > 0,
                      geometry.outputWidth > 0, weight.outputs == geometry.outputChannels, weight.inputs == geometry.taps,
                      bias.count == geometry.outputChannels
                else { throw .inconsistent("layer \(index): convolution weight \(weight.outputs)×\(weight.inputs) does not fit its geometry") }
                size = geometry.outputChannels * geometry.outputHeight * geometry.outputWidth
            case .lstm(let inputWeight, let hiddenWeight, let bias):
                try expect(inputWeight.inputs, index, "lstm")
                let hidden = hiddenWeight.inputs
                guard hidden > 0, inputWeight.outputs == 4 * hidden, hiddenWeight.outputs == 4 * hidden, bias.count == 4 * hidden
                else { throw .inconsistent("layer \(index): LSTM weights do not fit a hidden size of \(hidden)") }
                size = hidden
            case .dueling(let valueWeight, let valueBias, let advantageWeight, let advantageBias):
                try expect(valueWeight.inputs, index, "dueling")
                guard valueWeight.outputs == 1, valueBias.count == 1, advantageWeight.inputs == size,
                      advantageBias.count == advantageWeight.outputs
                else { throw .inconsistent("layer \(index): dueling streams do not fit") }
                size = advantageWeight.outputs
            }
        }
        guard size > 0 else { throw .inconsistent("the model puts out nothing") }
    }
}

/// Why compact-model bytes could not be read.
public enum CompactModelError: Error, Equatable, CustomStringConvertible {
    /// The bytes are shorter (or longer) than their header says.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The bytes do not start with the compact-model magic.
    case notACompactModel(path: String)
    /// A format version this code cannot read.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The contents do not match their checksum: the file is corrupt.
    case checksumMismatch(path: String, stored: UInt64, computed: UInt64)
    /// The structure is inconsistent in a way the checks above do not name.
    case malformed(path: String, reason: String)
    /// Layers that do not fit together.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .truncated(let path, let expected, let actual):
            return "compressed policy \(path) is truncated: expected \(expected) bytes, got \(actual)"
        case .notACompactModel(let path):
            return "\(path) is not a compressed policy (wrong magic bytes)"
        case .unsupportedVersion(let path, let found, let supported):
            return "compressed policy \(path) has format version \(found); this build reads version \(supported)"
        case .checksumMismatch(let path, let stored, let computed):
            return "compressed policy \(path) is corrupt: checksum \(String(computed, radix: 16)) does not match the stored \(String(stored, radix: 16))"
        case .malformed(let path, let reason):
            return "compressed policy \(path) is malformed: \(reason)"
        case .inconsistent(let reason):
            return "compressed policy layers do not fit together: \(reason)"
        }
    }
}
