/// The running mean and variance of a stream of vectors, entry by entry, as
/// Gymnasium's (and SB3's) `RunningMeanStd`.
///
/// The statistics start at mean 0, variance 1 and a pseudo-count of
/// ``initialCount`` (1e-4), so the first update all but replaces them. Each
/// update merges a batch's mean and variance with Chan, Golub and LeVeque's
/// parallel formula (Welford's update when the batch holds one vector):
///
/// ```
/// δ = batchMean − mean,  n = count + batchCount
/// mean     += δ · batchCount / n
/// variance  = (variance·count + batchVariance·batchCount + δ²·count·batchCount / n) / n
/// count     = n
/// ```
///
/// Kept in `Double`, as Gymnasium keeps it in float64. `Codable`, so a
/// checkpoint can store it and an evaluation can restore it exactly.
public struct RunningMeanStd: Codable, Equatable, Sendable {
    /// The pseudo-count the statistics start with (Gymnasium's `epsilon=1e-4`).
    public static let initialCount = 1e-4

    /// The running mean of each entry.
    public var mean: [Double]
    /// The running (population) variance of each entry.
    public var variance: [Double]
    /// The number of vectors seen, plus ``initialCount``.
    public var count: Double

    /// Statistics for vectors of `size` entries: mean 0, variance 1, count 1e-4.
    public init(size: Int) {
        mean = [Double](repeating: 0, count: size)
        variance = [Double](repeating: 1, count: size)
        count = Self.initialCount
    }

    /// The number of entries of each vector.
    public var size: Int { mean.count }

    /// Merges one vector (a batch of one).
    @inlinable
    public mutating func update(_ vector: [Float]) {
        precondition(vector.count == mean.count, "RunningMeanStd of size \(mean.count) given \(vector.count) entries")
        let total = count + 1
        let oldCount = count
        mean.withUnsafeMutableBufferPointer { mean in
            variance.withUnsafeMutableBufferPointer { variance in
                vector.withUnsafeBufferPointer { vector in
                    for index in 0..<mean.count {
                        let delta = Double(vector[index]) - mean[index]
                        mean[index] += delta / total
                        let m2 = variance[index] * oldCount + delta * delta * oldCount / total
                        variance[index] = m2 / total
                    }
                }
            }
        }
        count = total
    }

    /// Merges a batch of `batchCount` vectors laid out one after another in `batch`.
    public mutating func update(batch: [Float], batchCount: Int) {
        let size = mean.count
        precondition(batchCount > 0 && batch.count == size * batchCount,
                     "RunningMeanStd of size \(size) given \(batch.count) floats for \(batchCount) vectors")
        var batchMean = [Double](repeating: 0, count: size)
        var batchVariance = [Double](repeating: 0, count: size)
        for row in 0..<batchCount {
            for index in 0..<size { batchMean[index] += Double(batch[row * size + index]) }
        }
        for index in 0..<size { batchMean[index] /= Double(batchCount) }
        for row in 0..<batchCount {
            for index in 0..<size {
                let deviation = Double(batch[row * size + index]) - batchMean[index]
                batchVariance[index] += deviation * deviation
            }
        }
        for index in 0..<size { batchVariance[index] /= Double(batchCount) }
        merge(mean: batchMean, variance: batchVariance, count: Double(batchCount))
    }

    /// Merges statistics computed elsewhere (another worker's, say).
    public mutating func merge(mean batchMean: [Double], variance batchVariance: [Double], count batchCount: Double) {
        precondition(batchMean.count == mean.count && batchVariance.count == mean.count, "RunningMeanStd sizes differ")
        let total = count + batchCount
        for index in 0..<mean.count {
            let delta = batchMean[index] - mean[index]
            mean[index] += delta * batchCount / total
            let m2 = variance[index] * count + batchVariance[index] * batchCount
                + delta * delta * count * batchCount / total
            variance[index] = m2 / total
        }
        count = total
    }
}
