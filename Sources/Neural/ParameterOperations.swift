/// Scales all gradients of `parameters` together so that their global L2 norm
/// (the norm of all gradient scalars as one vector) is at most `maxNorm`, as
/// PyTorch's `clip_grad_norm_`: when the norm exceeds `maxNorm`, every gradient is
/// multiplied by `maxNorm / (norm + 1e-6)`.
///
/// - Returns: the global norm *before* clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var sumOfSquares = 0.0
    for parameter in parameters {
        let g = parameter.gradient.pointer
        sumOfSquares += Double(vectorDot(g, g, count: parameter.gradient.count))
    }
    let norm = Float(sumOfSquares.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 {
        for parameter in parameters {
            BLAS.scale(count: parameter.gradient.count, by: coefficient, parameter.gradient.pointer)
        }
    }
    return norm
}

/// Copies every value of `source` into the matching parameter of `target` (a hard
/// target-network update). The lists must match one to one in shape.
public func copyParameters(from source: [Parameter], to target: [Parameter]) {
    checkMatching(source, target)
    for (from, to) in zip(source, target) {
        to.value.pointer.update(from: from.value.pointer, count: from.value.count)
    }
}

/// Polyak averaging (a soft target-network update): for matching parameters,
/// `target ← τ · source + (1 − τ) · target`. With `tau == 1` this is a hard copy.
public func polyakUpdate(from source: [Parameter], to target: [Parameter], tau: Float) {
    checkMatching(source, target)
    let keep = 1 - tau
    for (from, to) in zip(source, target) {
        let s = from.value.pointer, t = to.value.pointer
        for i in 0..<from.value.count { t[i] = tau * s[i] + keep * t[i] }
    }
}

private func checkMatching(_ source: [Parameter], _ target: [Parameter]) {
    precondition(source.count == target.count, "parameter lists differ in length: \(source.count) and \(target.count)")
    for (from, to) in zip(source, target) where from.value.shape != to.value.shape {
        preconditionFailure("parameter \(from.name) has shape \(from.value.shape) but its target \(to.name) has \(to.value.shape)")
    }
}

/// A value that moves linearly from `start` to `end` over `duration` steps and then
/// stays at `end` (learning-rate decay, exploration rates).
public struct LinearSchedule: Sendable, Equatable, Codable {
    /// The value at step 0.
    public var start: Double
    /// The value from step `duration` on.
    public var end: Double
    /// The number of steps the change takes.
    public var duration: Int

    /// Creates a schedule from `start` to `end` over `duration ≥ 0` steps.
    public init(start: Double, end: Double, duration: Int) {
        precondition(duration >= 0, "LinearSchedule needs duration ≥ 0, got \(duration)")
        self.start = start
        self.end = end
        self.duration = duration
    }

    /// The value at `step` (steps before 0 give `start`).
    public func value(at step: Int) -> Double {
        if duration == 0 { return step >= 0 ? end : start }
        let fraction = min(max(Double(step) / Double(duration), 0), 1)
        return start + (end - start) * fraction
    }
}
