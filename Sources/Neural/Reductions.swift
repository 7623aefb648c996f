// Reductions with eight independent accumulators: a plain `for` loop summing into
// one scalar cannot be vectorised (floating-point addition is not associative and
// the compiler keeps the order), so these run about eight times faster.

/// The sum of `count` scalars.
@inlinable
func vectorSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var accumulator = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        accumulator += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = accumulator.sum()
    while i < count {
        total += x[i]
        i += 1
    }
    return total
}

/// The dot product of two runs of `count` scalars.
@inlinable
func vectorDot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    var accumulator = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        accumulator += a * b
        i += 8
    }
    var total = accumulator.sum()
    while i < count {
        total += x[i] * y[i]
        i += 1
    }
    return total
}

/// The largest of `count ≥ 1` scalars.
@inlinable
func vectorMax(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var i = 0
    var total = -Float.infinity
    if count >= 8 {
        var accumulator = SIMD8<Float>(repeating: -.infinity)
        while i + 8 <= count {
            accumulator = pointwiseMax(accumulator, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        total = accumulator.max()
    }
    while i < count {
        total = max(total, x[i])
        i += 1
    }
    return total
}

