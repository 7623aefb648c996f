/// A product of closed intervals `[low[i], high[i]]` over `Float`, with a shape.
///
/// Elements are `[Float]` laid out row-major in ``shape`` (images channels-first).
/// Bounds may be infinite. ``sample(using:)`` draws each entry independently:
/// uniform on a bounded interval, `low + Exp(1)` or `high - Exp(1)` on a
/// half-bounded one, and standard normal on an unbounded one (as Gymnasium).
/// NaN is never contained.
public struct Box: Space {
    /// Lower bound of each entry.
    public let low: [Float]
    /// Upper bound of each entry.
    public let high: [Float]
    /// The shape of one element.
    public let shape: [Int]

    /// Creates a box with the same bounds for every entry.
    public init(low: Float, high: Float, shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(low: [Float](repeating: low, count: count), high: [Float](repeating: high, count: count), shape: shape)
    }

    /// Creates a box with per-entry bounds; `shape` defaults to `[low.count]`.
    public init(low: [Float], high: [Float], shape: [Int]? = nil) {
        let shape = shape ?? [low.count]
        precondition(shape.allSatisfy { $0 > 0 }, "Box shape must be positive, got \(shape)")
        precondition(low.count == shape.reduce(1, *) && high.count == low.count,
                     "Box bounds have \(low.count) and \(high.count) entries, shape \(shape) needs \(shape.reduce(1, *))")
        precondition(zip(low, high).allSatisfy { $0 <= $1 }, "Box needs low <= high in every entry")
        self.low = low
        self.high = high
        self.shape = shape
    }

    public func contains(_ element: [Float]) -> Bool {
        guard element.count == low.count else { return false }
        for index in element.indices {
            let value = element[index]
            // Written so that NaN fails both comparisons and is rejected.
            if !(value >= low[index] && value <= high[index]) { return false }
        }
        return true
    }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Float] {
        var result = [Float](repeating: 0, count: low.count)
        for index in result.indices {
            let lower = low[index], upper = high[index]
            switch (lower.isFinite, upper.isFinite) {
            case (true, true):
                let value = Double(lower) + Double(upper - lower) * generator.nextUnitDouble()
                result[index] = min(Float(value), upper)
            case (true, false):
                result[index] = lower + Float(exponential(&generator))
            case (false, true):
                result[index] = upper - Float(exponential(&generator))
            case (false, false):
                result[index] = Float(generator.nextGaussian())
            }
        }
        return result
    }

    private func exponential<G: RandomNumberGenerator>(_ generator: inout G) -> Double {
        -_logarithm(1 - generator.nextUnitDouble())
    }

    public var description: String {
        if let first = low.first, let top = high.first,
           low.allSatisfy({ $0 == first }), high.allSatisfy({ $0 == top }) {
            return "Box(\(first), \(top), \(shape))"
        }
        return "Box(\(shape))"
    }
}

// JSON has no infinity, so unbounded entries are written as the strings
// "inf" and "-inf"; finite bounds stay numbers.
extension Box: Codable {
    private enum CodingKeys: String, CodingKey { case low, high, shape }

    private struct Bound: Codable {
        var value: Float

        init(_ value: Float) { self.value = value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Float.self) {
                value = number
            } else {
                switch try container.decode(String.self) {
                case "inf": value = .infinity
                case "-inf": value = -.infinity
                case let other:
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number, \"inf\" or \"-inf\", got \"\(other)\"")
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if value.isFinite {
                try container.encode(value)
            } else {
                try container.encode(value > 0 ? "inf" : "-inf")
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let low = try container.decode([Bound].self, forKey: .low).map(\.value)
        let high = try container.decode([Bound].self, forKey: .high).map(\.value)
        let shape = try container.decode([Int].self, forKey: .shape)
        guard low.count == shape.reduce(1, *), high.count == low.count, zip(low, high).allSatisfy({ $0 <= $1 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "Box bounds do not match shape \(shape) or low > high"))
        }
        self.init(low: low, high: high, shape: shape)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(low.map(Bound.init), forKey: .low)
        try container.encode(high.map(Bound.init), forKey: .high)
        try container.encode(shape, forKey: .shape)
    }
}
