import NeuralKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The elementwise functions every layer shares: one exponential, one logistic
// function and one hyperbolic tangent, each as a scalar and as an eight-lane form.
//
// Why not glibc: `tanhf` costs 11–17 ns an element, one `expf` about 3 ns; and
// plain loops calling `expf` do not vectorise, so hot loops (the LSTM's gates)
// use the eight-lane forms through the standard library's SIMD types. The scalar
// and the eight-lane form of a function round differently (the lanes use a
// polynomial exponential), so a layer keeps to the form it has always used:
// changing one changes trained results bit for bit.

typealias FloatVector = SIMD8<Float>

/// Writes bit `i` of `bytes` (least significant bit first) to `destination[i]` as
/// 0 or 1, for `count` bits: how a replay buffer that stores binary observations as
/// bits turns them back into network inputs.
public func unpackBits(_ bytes: UnsafePointer<UInt8>, count: Int, into destination: UnsafeMutablePointer<Float>) {
    nk_unpack_bits(bytes, count, destination)
}

@inline(__always)
func load(_ pointer: UnsafePointer<Float>) -> FloatVector {
    UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
}

@inline(__always)
func load(_ pointer: UnsafeMutablePointer<Float>) -> FloatVector {
    UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
}

@inline(__always)
func store(_ value: FloatVector, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: FloatVector.self)
}

/// The logistic function `1 / (1 + e^{−x})`.
@inline(__always)
func sigmoid(_ x: Float) -> Float {
    1 / (1 + expf(-x))
}

/// The logistic function, lane by lane, through ``exponential(_:)``.
@inline(__always)
func sigmoid(_ x: FloatVector) -> FloatVector {
    1 / (1 + exponential(-x))
}

/// `tanh` as `1 − 2 / (e^{2x} + 1)` through one `expf`: several times faster than
/// glibc's `tanhf`, within a few ulps of it, and saturating cleanly to ±1 (the
/// exponential overflows to infinity or underflows to zero, never to NaN).
@inline(__always)
func hyperbolicTangent(_ x: Float) -> Float {
    1 - 2 / (expf(2 * x) + 1)
}

/// `tanh` lane by lane through ``exponential(_:)`` of `−2|x|` (never overflows),
/// with the sign restored exactly.
@inline(__always)
func hyperbolicTangent(_ x: FloatVector) -> FloatVector {
    let negative = x .< 0
    let e = exponential(-2 * x.replacing(with: -x, where: negative))
    let magnitude = (1 - e) / (1 + e)
    return magnitude.replacing(with: -magnitude, where: negative)
}

/// `e^x` lane by lane: range reduction `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`,
/// Cephes's degree-6 polynomial for `e^r` (about 1 ulp), and `2^n` assembled in
/// the exponent bits. Inputs are clamped to [-87, 88], where `2^n` stays normal.
@inline(__always)
func exponential(_ x: FloatVector) -> FloatVector {
    let low = FloatVector(repeating: -87), high = FloatVector(repeating: 88)
    let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    // Adding 1.5·2²³ rounds to an integer held in the low mantissa bits.
    let shifted = clamped * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = FloatVector(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_1e-1
    let expR = p * r * r + r + 1
    let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self)
    let scale = unsafeBitCast((bits &- 0x4B40_0000 &+ 127) &<< 23, to: FloatVector.self)
    return expR * scale
}
