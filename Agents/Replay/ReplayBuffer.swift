import Environments
import Neural

/// How a ``ReplayBuffer`` keeps observations in memory.
public enum ObservationStorage: String, Sendable, Codable {
    /// One `Float` per entry: any observation.
    case float32
    /// One bit per entry: observations whose entries are all exactly 0 or 1
    /// (one-hot grids, MinAtar images). 32 times smaller than `float32`.
    case bits
}

/// A buffer observation that cannot be stored as asked.
public enum ReplayBufferError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An observation given to a `bits` buffer has an entry other than 0 or 1.
    case notBinary(index: Int, value: Float)
    /// An observation has the wrong number of entries.
    case wrongSize(expected: Int, actual: Int)
    /// Serialized bytes that do not describe a buffer of this configuration.
    case corrupt(String)

    public var description: String {
        switch self {
        case .notBinary(let index, let value):
            return "observation entry \(index) is \(value), but the replay buffer stores observations as bits (0 or 1); set observation_storage to float32"
        case .wrongSize(let expected, let actual):
            return "observation has \(actual) entries, the replay buffer expects \(expected)"
        case .corrupt(let reason):
            return "replay buffer data is corrupt: \(reason)"
        }
    }
}

/// One sampled minibatch, in tensors reused across calls.
///
/// Targets for a transition `i` are `reward[i] + discount[i] * (1 - terminated[i]) * V(nextObservation[i])`:
/// ``discount`` holds γᵏ for a k-step transition, so n-step returns need no
/// special case downstream.
public final class ReplayBatch {
    /// `[batch, observation shape...]`.
    public let observations: Tensor
    /// `[batch, observation shape...]`: the observation after the (last) action.
    public let nextObservations: Tensor
    /// The actions taken, one per row.
    public var actions: [Int]
    /// `[batch]`: the (possibly n-step, discounted) rewards.
    public let rewards: Tensor
    /// `[batch]`: 1 where the episode terminated (no bootstrap), else 0.
    public let terminated: Tensor
    /// `[batch]`: the bootstrap discount γᵏ.
    public let discounts: Tensor
    /// The buffer rows the batch came from.
    public var indices: [Int]

    /// Creates an empty batch holder; ``ReplayBuffer/sample(batchSize:using:into:)`` sizes it.
    public init() {
        observations = Tensor(shape: [0])
        nextObservations = Tensor(shape: [0])
        actions = []
        rewards = Tensor(shape: [0])
        terminated = Tensor(shape: [0])
        discounts = Tensor(shape: [0])
        indices = []
    }
}

/// A preallocated ring of transitions for off-policy learning (as SB3's `ReplayBuffer`).
///
/// Writes go to ``position`` and wrap around once the buffer ``isFull``; sampling
/// draws uniformly from the filled part. `terminated` and `truncated` are kept
/// apart: only termination stops bootstrapping. Observations are stored as bits
/// when ``storage`` is ``ObservationStorage/bits``, so a million MinAtar
/// transitions (4×10×10 observations, current and next) take about 100 MB.
public final class ReplayBuffer {
    /// The number of transitions held when full.
    public let capacity: Int
    /// The shape of one observation.
    public let observationShape: [Int]
    /// Entries per observation.
    public let observationSize: Int
    /// How observations are kept.
    public let storage: ObservationStorage
    /// Transitions currently held.
    public private(set) var count = 0
    /// The row the next transition is written to.
    public private(set) var position = 0

    /// Bytes (bits storage) or floats (float32 storage) per observation row.
    private let rowLength: Int
    private var packedObservations: [UInt8]
    private var packedNextObservations: [UInt8]
    private var floatObservations: [Float]
    private var floatNextObservations: [Float]
    private var actions: [Int32]
    private var rewards: [Float]
    private var terminatedFlags: [UInt8]
    private var truncatedFlags: [UInt8]
    private var discounts: [Float]

    /// Allocates the whole ring up front.
    public init(capacity: Int, observationShape: [Int], storage: ObservationStorage) {
        precondition(capacity > 0, "replay capacity must be positive, got \(capacity)")
        self.capacity = capacity
        self.observationShape = observationShape
        self.observationSize = observationShape.reduce(1, *)
        self.storage = storage
        switch storage {
        case .bits:
            rowLength = (observationSize + 7) / 8
            packedObservations = [UInt8](repeating: 0, count: capacity * rowLength)
            packedNextObservations = [UInt8](repeating: 0, count: capacity * rowLength)
            floatObservations = []
            floatNextObservations = []
        case .float32:
            rowLength = observationSize
            packedObservations = []
            packedNextObservations = []
            floatObservations = [Float](repeating: 0, count: capacity * rowLength)
            floatNextObservations = [Float](repeating: 0, count: capacity * rowLength)
        }
        actions = [Int32](repeating: 0, count: capacity)
        rewards = [Float](repeating: 0, count: capacity)
        terminatedFlags = [UInt8](repeating: 0, count: capacity)
        truncatedFlags = [UInt8](repeating: 0, count: capacity)
        discounts = [Float](repeating: 0, count: capacity)
    }

    /// Whether the ring has wrapped: every row holds a transition.
    public var isFull: Bool { count == capacity }

    /// Bytes held by the ring's arrays (allocated up front).
    public var memoryBytes: Int {
        let observationBytes = storage == .bits ? 2 * capacity * rowLength : 2 * capacity * rowLength * 4
        return observationBytes + capacity * (4 + 4 + 1 + 1 + 4)
    }

    /// Stores one transition, overwriting the oldest when full.
    ///
    /// - Parameter discount: the bootstrap factor γᵏ for a k-step transition.
    public func add(
        observation: [Float], action: Int, reward: Float, nextObservation: [Float],
        terminated: Bool, truncated: Bool, discount: Float
    ) throws(ReplayBufferError) {
        guard observation.count == observationSize else { throw .wrongSize(expected: observationSize, actual: observation.count) }
        guard nextObservation.count == observationSize else { throw .wrongSize(expected: observationSize, actual: nextObservation.count) }
        let row = position
        switch storage {
        case .bits:
            try Self.pack(observation, into: &packedObservations, row: row, rowLength: rowLength)
            try Self.pack(nextObservation, into: &packedNextObservations, row: row, rowLength: rowLength)
        case .float32:
            let offset = row * rowLength
            floatObservations.withUnsafeMutableBufferPointer { destination in
                for index in 0..<rowLength { destination[offset + index] = observation[index] }
            }
            floatNextObservations.withUnsafeMutableBufferPointer { destination in
                for index in 0..<rowLength { destination[offset + index] = nextObservation[index] }
            }
        }
        actions[row] = Int32(action)
        rewards[row] = reward
        terminatedFlags[row] = terminated ? 1 : 0
        truncatedFlags[row] = truncated ? 1 : 0
        discounts[row] = discount
        position = (position + 1) % capacity
        count = min(count + 1, capacity)
    }

    private static func pack(_ observation: [Float], into bytes: inout [UInt8], row: Int, rowLength: Int) throws(ReplayBufferError) {
        let offset = row * rowLength
        var failure: ReplayBufferError?
        bytes.withUnsafeMutableBufferPointer { destination in
            observation.withUnsafeBufferPointer { source in
                for byteIndex in 0..<rowLength {
                    var byte: UInt8 = 0
                    let start = byteIndex * 8
                    for bit in 0..<min(8, source.count - start) {
                        let value = source[start + bit]
                        if value == 1 {
                            byte |= 1 << UInt8(bit)
                        } else if value != 0 {
                            failure = .notBinary(index: start + bit, value: value)
                        }
                    }
                    destination[offset + byteIndex] = byte
                }
            }
        }
        if let failure { throw failure }
    }

    /// Fills `batch` with `batchSize` transitions drawn uniformly (with replacement)
    /// from the filled part, reusing the batch's tensors.
    public func sample<G: RandomNumberGenerator>(batchSize: Int, using generator: inout G, into batch: ReplayBatch) {
        precondition(count > 0, "cannot sample from an empty replay buffer")
        batch.indices.removeAll(keepingCapacity: true)
        for _ in 0..<batchSize { batch.indices.append(generator.nextInt(upperBound: count)) }
        gather(rows: batch.indices, into: batch)
    }

    /// Fills `batch` with the given rows, in order.
    public func gather(rows: [Int], into batch: ReplayBatch) {
        let batchSize = rows.count
        let shape = [batchSize] + observationShape
        batch.observations.resize(to: shape)
        batch.nextObservations.resize(to: shape)
        batch.rewards.resize(to: [batchSize])
        batch.terminated.resize(to: [batchSize])
        batch.discounts.resize(to: [batchSize])
        batch.actions.removeAll(keepingCapacity: true)
        if batch.indices != rows { batch.indices = rows }
        for (slot, row) in rows.enumerated() {
            precondition(row >= 0 && row < count, "row \(row) outside the \(count) stored transitions")
            copyObservation(row: row, slot: slot, next: false, into: batch.observations)
            copyObservation(row: row, slot: slot, next: true, into: batch.nextObservations)
            batch.actions.append(Int(actions[row]))
            batch.rewards[slot] = rewards[row]
            batch.terminated[slot] = Float(terminatedFlags[row])
            batch.discounts[slot] = discounts[row]
        }
    }

    private func copyObservation(row: Int, slot: Int, next: Bool, into tensor: Tensor) {
        copyObservation(row: row, next: next, to: tensor.pointer + slot * observationSize)
    }

    /// Writes the (next) observation of `row` to `destination` (``observationSize`` floats).
    func copyObservation(row: Int, next: Bool, to destination: UnsafeMutablePointer<Float>) {
        switch storage {
        case .bits:
            let source = next ? packedNextObservations : packedObservations
            source.withUnsafeBufferPointer { bytes in
                unpackBits(bytes.baseAddress! + row * rowLength, count: observationSize, into: destination)
            }
        case .float32:
            let source = next ? floatNextObservations : floatObservations
            source.withUnsafeBufferPointer { floats in
                destination.update(from: floats.baseAddress! + row * rowLength, count: rowLength)
            }
        }
    }

    /// The action stored in `row`.
    func action(row: Int) -> Int { Int(actions[row]) }
    /// The reward stored in `row`.
    func reward(row: Int) -> Float { rewards[row] }
    /// Whether the transition in `row` ended its episode by termination.
    func isTerminated(row: Int) -> Bool { terminatedFlags[row] == 1 }
    /// The bootstrap discount stored in `row`.
    func discount(row: Int) -> Float { discounts[row] }

    /// Whether the transition in `row` was truncated (kept for diagnostics and tests;
    /// bootstrapping reads only termination).
    public func wasTruncated(row: Int) -> Bool { truncatedFlags[row] == 1 }

    // MARK: - Serialization

    /// The whole buffer as bytes, for checkpoints (the Experiments module writes them).
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        writer.append(UInt64(capacity))
        writer.append(UInt64(observationSize))
        writer.append(UInt64(storage == .bits ? 1 : 0))
        writer.append(UInt64(count))
        writer.append(UInt64(position))
        writer.append(array: packedObservations)
        writer.append(array: packedNextObservations)
        writer.append(array: floatObservations)
        writer.append(array: floatNextObservations)
        writer.append(array: actions)
        writer.append(array: rewards)
        writer.append(array: terminatedFlags)
        writer.append(array: truncatedFlags)
        writer.append(array: discounts)
        return writer.bytes
    }

    /// Restores the state written by ``serialized()`` into this buffer, whose
    /// capacity, observation size and storage must match.
    public func restore(from bytes: [UInt8]) throws(ReplayBufferError) {
        var reader = ByteReader(bytes: bytes)
        let header = try (0..<5).map { _ throws(ReplayBufferError) in try reader.readUInt64() }
        let expected: [UInt64] = [UInt64(capacity), UInt64(observationSize), storage == .bits ? 1 : 0]
        guard Array(header[0..<3]) == expected else {
            throw .corrupt("stored capacity/size/storage \(header[0..<3]) differ from this buffer's \(expected)")
        }
        guard header[3] <= UInt64(capacity), header[4] < UInt64(capacity) else {
            throw .corrupt("count \(header[3]) or position \(header[4]) outside capacity \(capacity)")
        }
        packedObservations = try reader.readArray(count: packedObservations.count)
        packedNextObservations = try reader.readArray(count: packedNextObservations.count)
        floatObservations = try reader.readArray(count: floatObservations.count)
        floatNextObservations = try reader.readArray(count: floatNextObservations.count)
        actions = try reader.readArray(count: capacity)
        rewards = try reader.readArray(count: capacity)
        terminatedFlags = try reader.readArray(count: capacity)
        truncatedFlags = try reader.readArray(count: capacity)
        discounts = try reader.readArray(count: capacity)
        guard reader.isAtEnd else { throw .corrupt("\(bytes.count - reader.offset) unexpected trailing bytes") }
        count = Int(header[3])
        position = Int(header[4])
    }
}

/// Appends plain values as little-endian bytes.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append<T: BitwiseCopyable>(array: [T]) {
        append(UInt64(array.count))
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}

extension ByteReader {
    /// The next UInt64 of what ``ByteWriter`` wrote; short input is ``ReplayBufferError/corrupt(_:)``.
    mutating func readUInt64() throws(ReplayBufferError) -> UInt64 {
        guard let value = read(UInt64.self) else { throw .corrupt("truncated at byte \(offset)") }
        return value
    }

    /// The next array ``ByteWriter/append(array:)`` wrote, which must hold `expected` values.
    mutating func readArray<T: BitwiseCopyable>(count expected: Int) throws(ReplayBufferError) -> [T] {
        let stored = Int(try readUInt64())
        guard stored == expected else { throw .corrupt("array of \(stored) values where \(expected) were expected") }
        guard let values = readArray(of: T.self, count: stored) else { throw .corrupt("truncated at byte \(offset)") }
        return values
    }
}
