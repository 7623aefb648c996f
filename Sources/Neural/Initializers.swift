#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded weight initialisers.
///
/// Every function draws from the caller's generator and converts its raw 64-bit
/// words to floating point itself (never through the standard library's
/// `random(in:using:)`, whose algorithm is not promised), so the same seed gives
/// the same weights on every machine. Scalars are drawn in storage order.
///
/// Fans follow PyTorch: for a `Dense` weight, `fanIn` is the input size and
/// `fanOut` the output size; for a `Conv2D` weight, `fanIn = C_in · kh · kw` and
/// `fanOut = C_out · kh · kw`.
public enum Initializers {
    /// A uniform sample in `[0, 1)` with 24 random bits.
    @inlinable
    public static func unitFloat(_ generator: inout some RandomNumberGenerator) -> Float {
        Float(generator.next() >> 40) * 0x1p-24
    }

    /// A standard normal sample (Box–Muller in `Double`).
    public static func gaussian(_ generator: inout some RandomNumberGenerator) -> Double {
        // u1 in (0, 1] so the logarithm is finite.
        let u1 = (Double(generator.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(generator.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Fills `tensor` with samples of `U(-bound, bound)`.
    public static func uniform(_ tensor: Tensor, bound: Float, using generator: inout some RandomNumberGenerator) {
        let p = tensor.pointer
        for i in 0..<tensor.count {
            p[i] = (2 * unitFloat(&generator) - 1) * bound
        }
    }

    /// Fills `tensor` with samples of `N(mean, std²)`.
    public static func normal(
        _ tensor: Tensor, mean: Float = 0, std: Float, using generator: inout some RandomNumberGenerator
    ) {
        let p = tensor.pointer
        for i in 0..<tensor.count {
            p[i] = mean + std * Float(gaussian(&generator))
        }
    }

    /// PyTorch's default for `nn.Linear` and `nn.Conv2d`: Kaiming-uniform with
    /// `a = √5`, which is `U(-1/√fanIn, 1/√fanIn)`, for the weight, and the same
    /// bound for the bias.
    public static func pytorchDefault(
        weight: Tensor, bias: Tensor?, fanIn: Int, using generator: inout some RandomNumberGenerator
    ) {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        uniform(weight, bound: bound, using: &generator)
        if let bias { uniform(bias, bound: bound, using: &generator) }
    }

    /// He/Kaiming uniform: `U(-b, b)` with `b = gain · √(3 / fanIn)`; the default
    /// gain `√2` suits ReLU.
    public static func kaimingUniform(
        _ tensor: Tensor, fanIn: Int, gain: Float = Float(2).squareRoot(),
        using generator: inout some RandomNumberGenerator
    ) {
        uniform(tensor, bound: gain * (3 / Float(max(fanIn, 1))).squareRoot(), using: &generator)
    }

    /// He/Kaiming normal: `N(0, σ²)` with `σ = gain / √fanIn`.
    public static func kaimingNormal(
        _ tensor: Tensor, fanIn: Int, gain: Float = Float(2).squareRoot(),
        using generator: inout some RandomNumberGenerator
    ) {
        normal(tensor, std: gain / Float(max(fanIn, 1)).squareRoot(), using: &generator)
    }

    /// Glorot/Xavier uniform: `U(-b, b)` with `b = gain · √(6 / (fanIn + fanOut))`.
    public static func glorotUniform(
        _ tensor: Tensor, fanIn: Int, fanOut: Int, gain: Float = 1,
        using generator: inout some RandomNumberGenerator
    ) {
        uniform(tensor, bound: gain * (6 / Float(max(fanIn + fanOut, 1))).squareRoot(), using: &generator)
    }

    /// Fills `tensor`, read as a row-major `rows × columns` matrix, with a
    /// (semi-)orthogonal matrix times `gain`, as PyTorch's `orthogonal_`: the Q
    /// factor of a Gaussian matrix's QR decomposition, with signs fixed by R's
    /// diagonal so the result is uniformly (Haar) distributed. When
    /// `rows ≤ columns` the rows are orthonormal, otherwise the columns are.
    public static func orthogonal(
        _ tensor: Tensor, rows: Int, columns: Int, gain: Float = 1,
        using generator: inout some RandomNumberGenerator
    ) {
        precondition(rows * columns == tensor.count, "orthogonal: \(rows)×\(columns) does not match \(tensor.shape)")
        if rows == 0 || columns == 0 { return }
        // Work on a tall matrix (m ≥ n), stored column by column for Gram–Schmidt.
        let transposed = rows < columns
        let m = transposed ? columns : rows
        let n = transposed ? rows : columns
        var q = [Double](repeating: 0, count: m * n)
        for i in 0..<(m * n) { q[i] = gaussian(&generator) }
        q.withUnsafeMutableBufferPointer { q in
            // Modified Gram–Schmidt, column j at q[j*m ..< (j+1)*m]; twice for stability.
            for j in 0..<n {
                let column = q.baseAddress! + j * m
                for _ in 0..<2 {
                    for previous in 0..<j {
                        let other = q.baseAddress! + previous * m
                        var dot = 0.0
                        for i in 0..<m { dot += other[i] * column[i] }
                        for i in 0..<m { column[i] -= dot * other[i] }
                    }
                }
                var norm = 0.0
                for i in 0..<m { norm += column[i] * column[i] }
                norm = norm.squareRoot()
                // The diagonal of R is this norm, always positive here, so no sign flip is
                // needed; a degenerate column (probability zero) is left as a unit vector.
                if norm > 0 {
                    for i in 0..<m { column[i] /= norm }
                } else {
                    column[j % m] = 1
                }
            }
        }
        let p = tensor.pointer
        for r in 0..<rows {
            for c in 0..<columns {
                // Element (r, c) of the result; the tall matrix is (r, c) or its transpose.
                let value = transposed ? q[r * m + c] : q[c * m + r]
                p[r * columns + c] = gain * Float(value)
            }
        }
    }
}

/// How a layer initialises its weight.
///
/// ``pytorchDefault`` also draws the bias from `U(-1/√fanIn, 1/√fanIn)`, as PyTorch
/// does; every other choice sets the bias to zero (as CleanRL's `layer_init` does).
public enum WeightInitializer: Sendable, Equatable {
    /// Kaiming-uniform with `a = √5`: `U(-1/√fanIn, 1/√fanIn)`, bias likewise.
    case pytorchDefault
    /// `U(-b, b)` with `b = gain · √(3 / fanIn)`; bias zero.
    case kaimingUniform(gain: Float)
    /// `N(0, (gain / √fanIn)²)`; bias zero.
    case kaimingNormal(gain: Float)
    /// `U(-b, b)` with `b = gain · √(6 / (fanIn + fanOut))`; bias zero.
    case glorotUniform(gain: Float)
    /// A (semi-)orthogonal matrix times `gain` over the `[fanOut, fanIn]` view of the
    /// weight (PyTorch's view); bias zero.
    case orthogonal(gain: Float)

    /// Initialises `weight` and `bias` of a layer with `outputCount` outputs (units or
    /// channels). `weightIsOutputMajor` says whether the weight is stored with the
    /// outputs first (Conv2D: `[C_out, C_in·kh·kw]`) rather than last (Dense:
    /// `[in, out]`), which matters only for ``orthogonal(gain:)``.
    func initialize(
        weight: Tensor, bias: Tensor?, fanIn: Int, fanOut: Int, outputCount: Int, weightIsOutputMajor: Bool,
        using generator: inout some RandomNumberGenerator
    ) {
        switch self {
        case .pytorchDefault:
            Initializers.pytorchDefault(weight: weight, bias: bias, fanIn: fanIn, using: &generator)
            return
        case .kaimingUniform(let gain):
            Initializers.kaimingUniform(weight, fanIn: fanIn, gain: gain, using: &generator)
        case .kaimingNormal(let gain):
            Initializers.kaimingNormal(weight, fanIn: fanIn, gain: gain, using: &generator)
        case .glorotUniform(let gain):
            Initializers.glorotUniform(weight, fanIn: fanIn, fanOut: fanOut, gain: gain, using: &generator)
        case .orthogonal(let gain):
            // A [fanIn, fanOut] matrix with orthonormal columns is the transpose of a
            // [fanOut, fanIn] one with orthonormal rows, and Haar-distributed likewise.
            let inputs = weight.count / max(outputCount, 1)
            if weightIsOutputMajor {
                Initializers.orthogonal(weight, rows: outputCount, columns: inputs, gain: gain, using: &generator)
            } else {
                Initializers.orthogonal(weight, rows: inputs, columns: outputCount, gain: gain, using: &generator)
            }
        }
        bias?.fill(0)
    }
}
