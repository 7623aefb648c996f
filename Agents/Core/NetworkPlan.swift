import Environments

/// A network that does not fit the observation it would be built for: which
/// layer, and why. Thrown when a run is configured, before any layer exists, so
/// that a layer's own precondition can never fire later in training.
public struct NetworkShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The whole message, such as `conv layer 2 (kernel 3, stride 1, padding 0)
    /// needs an input of at least 3×3, gets 2×2 from observation [3, 4, 4]`.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The layers a configuration would build, with the sizes that memory depends on,
/// computed from shapes alone: nothing here allocates a tensor.
///
/// Sizes are `Double`s: an estimate of an absurd configuration must come out as a
/// large number to refuse, never as an overflow.
struct NetworkPlan {
    /// Trainable scalars.
    var parameters: Double = 0
    /// Floats a layer keeps per sample for a training pass (outputs, gradients,
    /// unfolded inputs).
    var trainingFloatsPerSample: Double = 0
    /// Floats a layer keeps per sample for an inference pass (its own buffers).
    var inferenceFloatsPerSample: Double = 0
    /// Features per sample at the current end of the network.
    var features: Int

    /// A plan that starts from `features` inputs per sample.
    init(features: Int) { self.features = features }

    /// Checks that `observationShape` has entries and returns their count.
    static func observationSize(_ observationShape: [Int]) throws(NetworkShapeError) -> Int {
        guard !observationShape.isEmpty, observationShape.allSatisfy({ $0 > 0 }) else {
            throw NetworkShapeError("observation \(observationShape) has no entries; the network needs at least one input")
        }
        // Environments bound their observations far below this; a product that
        // overflowed would mean a shape no network can take.
        var size = 1
        for extent in observationShape {
            let (product, overflow) = size.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw NetworkShapeError("observation \(observationShape) has more entries than an Int holds") }
            size = product
        }
        return size
    }

    /// The convolutions (each followed by ReLU) and the flatten of a `[C, H, W]`
    /// encoder, walked over `observationShape`.
    ///
    /// - Throws: ``NetworkShapeError`` naming the first convolution whose input is
    ///   smaller than its kernel.
    static func convolutions(observationShape: [Int], channels: [Int], kernel: Int, stride: Int,
                             padding: Int) throws(NetworkShapeError) -> NetworkPlan {
        _ = try observationSize(observationShape)
        precondition(observationShape.count == 3 && kernel > 0 && stride > 0 && padding >= 0,
                     "validate() refuses these before a plan is made")
        var plan = NetworkPlan(features: 0)
        var (depth, height, width) = (observationShape[0], observationShape[1], observationShape[2])
        for (index, outputChannels) in channels.enumerated() {
            // The smallest input that leaves one output position once padded.
            let least = max(1, kernel - 2 * padding)
            guard height >= least, width >= least else {
                throw NetworkShapeError(
                    "conv layer \(index + 1) (kernel \(kernel), stride \(stride), padding \(padding)) needs an input of at least "
                        + "\(least)×\(least), gets \(height)×\(width) from observation \(observationShape)")
            }
            let outputHeight = (height + 2 * padding - kernel) / stride + 1
            let outputWidth = (width + 2 * padding - kernel) / stride + 1
            let rows = Double(depth) * Double(kernel * kernel)
            let positions = Double(outputHeight) * Double(outputWidth)
            let outputs = Double(outputChannels) * positions
            plan.parameters += Double(outputChannels) * rows + Double(outputChannels)
            // Unfolded input and its gradient, product, output, position-major copy,
            // input gradient; then ReLU's output and gradient.
            plan.trainingFloatsPerSample += 2 * rows * positions + 3 * outputs + Double(depth * height * width) + 2 * outputs
            plan.inferenceFloatsPerSample += rows * positions + 2 * outputs + outputs
            (depth, height, width) = (outputChannels, outputHeight, outputWidth)
        }
        plan.features = depth * height * width
        // Flatten's output and gradient.
        plan.trainingFloatsPerSample += 2 * Double(plan.features)
        plan.inferenceFloatsPerSample += Double(plan.features)
        return plan
    }

    /// Appends dense layers of `sizes` (each with its activation).
    mutating func dense(_ sizes: [Int]) {
        for size in sizes {
            parameters += Double(features) * Double(size) + Double(size)
            // Output, inference output, input gradient; activation output and gradient.
            trainingFloatsPerSample += 2 * Double(size) + Double(features) + 2 * Double(size)
            inferenceFloatsPerSample += 2 * Double(size)
            features = size
        }
    }

    /// Appends an LSTM of `hiddenSize` (gates, states and their gradients per step).
    mutating func lstm(hiddenSize: Int) {
        let hidden = Double(hiddenSize)
        parameters += 4 * hidden * (Double(features) + hidden) + 4 * hidden
        trainingFloatsPerSample += 16 * hidden + Double(features)
        inferenceFloatsPerSample += 8 * hidden
        features = hiddenSize
    }

    /// Adds another plan's layers (a second head reading the same features).
    mutating func add(_ other: NetworkPlan) {
        parameters += other.parameters
        trainingFloatsPerSample += other.trainingFloatsPerSample
        inferenceFloatsPerSample += other.inferenceFloatsPerSample
    }
}

/// What a configuration is estimated to allocate, by part, before any of it is.
///
/// The estimate counts the large buffers (replay or rollout storage, parameters
/// with their gradients, optimiser state and target copies, activations of a
/// training batch, environment copies); it leaves out small bookkeeping, so the
/// real peak lies somewhat above it.
public struct MemoryEstimate: Sendable, Equatable, CustomStringConvertible {
    /// One part of the estimate.
    public struct Part: Sendable, Equatable {
        /// What the bytes hold, such as `"replay buffer"`.
        public var name: String
        /// Bytes, as a `Double` so that an absurd configuration cannot overflow.
        public var bytes: Double
    }

    /// The parts, largest first.
    public let parts: [Part]

    /// Creates an estimate from named parts.
    public init(_ parts: [(String, Double)]) {
        self.parts = parts.map { Part(name: $0.0, bytes: $0.1) }.sorted { $0.bytes > $1.bytes }
    }

    /// Bytes in all.
    public var totalBytes: Double { parts.reduce(0) { $0 + $1.bytes } }

    /// `about 2.1 GB (replay buffer 1.9 GB, networks 180 MB, ...)`.
    public var description: String {
        "about \(Self.format(bytes: totalBytes)) ("
            + parts.filter { $0.bytes > 0 }.map { "\($0.name) \(Self.format(bytes: $0.bytes))" }.joined(separator: ", ") + ")"
    }

    /// Bytes in decimal units with three significant digits (`1.23 GB`).
    public static func format(bytes: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(Int(value)) bytes" }
        let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
        let scale = [1.0, 10, 100][digits]
        let rounded = (value * scale).rounded() / scale
        return (digits == 0 ? String(Int(rounded)) : String(rounded)) + " " + units[unit]
    }
}

/// Bytes of a replay ring of `capacity` rows for observations of `observationSize`
/// entries, as ``ReplayBuffer/memoryBytes`` counts them once allocated.
func replayBytes(capacity: Int, observationSize: Int, storage: ObservationStorage) -> Double {
    let rowBytes = storage == .bits ? Double((observationSize + 7) / 8) : 4 * Double(observationSize)
    return Double(capacity) * (2 * rowBytes + 14)
}

/// Floats an optimiser keeps per parameter (Adam: two moments; RMSProp: one, two centred).
func optimizerFloatsPerParameter(_ optimizer: String) -> Double {
    switch optimizer {
    case "rmsprop": return 1
    case "rmsprop_centered": return 2
    default: return 2
    }
}
