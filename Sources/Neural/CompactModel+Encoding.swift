import Foundation

/// One layer in a compact model file's architecture JSON.
struct CompactLayerRecord: Codable, Equatable {
    var kind: String
    var inputs: Int?
    var outputs: Int?
    var hiddenSize: Int?
    var geometry: ConvolutionGeometry?
    var clip: Float?
    var weightTypes: [String]?

    enum CodingKeys: String, CodingKey {
        case kind, inputs, outputs, geometry, clip
        case hiddenSize = "hidden_size"
        case weightTypes = "weight_type"
    }
}

/// The architecture JSON of a compact model file.
struct CompactArchitecture: Codable, Equatable {
    var inputSize: Int
    var layers: [CompactLayerRecord]

    enum CodingKeys: String, CodingKey {
        case layers
        case inputSize = "input_size"
    }
}

extension CompactModel {
    // MARK: - Writing

    /// The file contents (see the format table in ``CompactModel``), with
    /// `metadata` (the caller's bytes) stored as they are.
    public func encoded(metadata: Data = Data()) -> Data {
        var bytes = Data()
        bytes.append(contentsOf: Self.magic)
        bytes.appendLE(Self.formatVersion)
        bytes.appendLE(UInt32(0))
        let lengthOffset = bytes.count
        bytes.appendLE(UInt64(0))  // patched below
        bytes.appendLE(UInt64(metadata.count))
        bytes.append(metadata)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain structs of numbers and strings cannot fail.
        let architecture = try! encoder.encode(CompactArchitecture(inputSize: inputSize, layers: layers.map(\.record)))
        bytes.appendLE(UInt64(architecture.count))
        bytes.append(architecture)
        for layer in layers {
            switch layer {
            case .normalize(let mean, let deviation, _):
                for value in mean + deviation { bytes.appendLE(value.bitPattern) }
            case .relu, .tanh:
                break
            case .dense(let weight, let bias), .convolution(let weight, let bias, _):
                bytes.append(weight)
                bytes.append(floats: bias)
            case .lstm(let inputWeight, let hiddenWeight, let bias):
                bytes.append(inputWeight)
                bytes.append(hiddenWeight)
                bytes.append(floats: bias)
            case .dueling(let valueWeight, let valueBias, let advantageWeight, let advantageBias):
                bytes.append(valueWeight)
                bytes.append(floats: valueBias)
                bytes.append(advantageWeight)
                bytes.append(floats: advantageBias)
            }
        }
        let total = UInt64(bytes.count + 8)
        withUnsafeBytes(of: total.littleEndian) { bytes.replaceSubrange(lengthOffset..<(lengthOffset + 8), with: $0) }
        bytes.appendLE(fnv1a64(bytes))
        return bytes
    }

    // MARK: - Reading

    /// Decodes and verifies what ``encoded(metadata:)`` produced (magic, version,
    /// length, checksum, layer shapes), returning the model and the metadata bytes;
    /// `path` names the bytes' origin in errors.
    public static func decode(_ data: Data, path: String) throws(CompactModelError) -> (model: CompactModel, metadata: Data) {
        let bytes = [UInt8](data)
        let prefixLength = 8 + 4 + 4 + 8
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else {
            if bytes.count < 8 { throw .truncated(path: path, expectedBytes: prefixLength, actualBytes: bytes.count) }
            throw .notACompactModel(path: path)
        }
        guard bytes.count >= prefixLength + 8 else {
            throw .truncated(path: path, expectedBytes: prefixLength + 8, actualBytes: bytes.count)
        }
        var reader = ByteReader(bytes: bytes, offset: 8)
        let version = reader.read(UInt32.self)!
        guard version == formatVersion else {
            throw .unsupportedVersion(path: path, found: Int(version), supported: Int(formatVersion))
        }
        _ = reader.read(UInt32.self)
        let declared = reader.read(UInt64.self)!
        guard declared == UInt64(bytes.count) else {
            throw .truncated(path: path, expectedBytes: Int(clamping: declared), actualBytes: bytes.count)
        }
        var checksumReader = ByteReader(bytes: bytes, offset: bytes.count - 8)
        let stored = checksumReader.read(UInt64.self)!
        let computed = bytes.withUnsafeBytes { fnv1a64(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 8)])) }
        guard stored == computed else { throw .checksumMismatch(path: path, stored: stored, computed: computed) }
        reader.limit = bytes.count - 8

        func malformed(_ reason: String) -> CompactModelError { .malformed(path: path, reason: reason) }
        guard let metadataLength = reader.read(UInt64.self), let metadata = reader.readBytes(Int(clamping: metadataLength))
        else { throw malformed("metadata runs past the end") }
        guard let architectureLength = reader.read(UInt64.self),
              let architectureBytes = reader.readBytes(Int(clamping: architectureLength))
        else { throw malformed("architecture runs past the end") }
        let architecture: CompactArchitecture
        do {
            architecture = try JSONDecoder().decode(CompactArchitecture.self, from: Data(architectureBytes))
        } catch {
            throw malformed("unreadable architecture JSON")
        }
        func positive(_ value: Int?, _ what: String, _ index: Int) throws(CompactModelError) -> Int {
            guard let value, value > 0, value < 1 << 28 else { throw malformed("layer \(index) has no valid \(what)") }
            return value
        }
        func matrix(_ record: CompactLayerRecord, _ slot: Int, outputs: Int, inputs: Int, _ index: Int) throws(CompactModelError) -> CompactMatrix {
            guard let types = record.weightTypes, slot < types.count else { throw malformed("layer \(index) lacks weight_type") }
            let count = outputs * inputs
            switch types[slot] {
            case "float32":
                guard let values = reader.readArray(of: Float.self, count: count) else { throw malformed("layer \(index) weights run past the end") }
                return CompactMatrix(outputs: outputs, inputs: inputs, weights: values)
            case "int8":
                guard let scales = reader.readArray(of: Float.self, count: outputs),
                      let values = reader.readArray(of: Int8.self, count: count)
                else { throw malformed("layer \(index) weights run past the end") }
                guard scales.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw malformed("layer \(index) has an invalid scale") }
                return CompactMatrix(outputs: outputs, inputs: inputs, storage: .int8(values: values, scales: scales))
            default:
                throw malformed("layer \(index) has weight type '\(types[slot])' (expected float32 or int8)")
            }
        }
        func floats(_ count: Int, _ index: Int) throws(CompactModelError) -> [Float] {
            guard let values = reader.readArray(of: Float.self, count: count) else { throw malformed("layer \(index) biases run past the end") }
            return values
        }
        func doubles(_ count: Int, _ index: Int) throws(CompactModelError) -> [Double] {
            guard let values = reader.readArray(of: UInt64.self, count: count) else { throw malformed("layer \(index) statistics run past the end") }
            return values.map { Double(bitPattern: UInt64(littleEndian: $0)) }
        }

        var layers: [CompactLayer] = []
        for (index, record) in architecture.layers.enumerated() {
            switch record.kind {
            case "normalize":
                let size = try positive(record.inputs, "inputs", index)
                guard let clip = record.clip else { throw malformed("layer \(index) has no clip") }
                let mean = try doubles(size, index)
                layers.append(.normalize(mean: mean, deviation: try doubles(size, index), clip: clip))
            case "relu": layers.append(.relu)
            case "tanh": layers.append(.tanh)
            case "dense":
                let outputs = try positive(record.outputs, "outputs", index), inputs = try positive(record.inputs, "inputs", index)
                let weight = try matrix(record, 0, outputs: outputs, inputs: inputs, index)
                layers.append(.dense(weight: weight, bias: try floats(outputs, index)))
            case "convolution":
                guard let geometry = record.geometry else { throw malformed("layer \(index) has no geometry") }
                let outputs = try positive(geometry.outputChannels, "output channels", index)
                let taps = try positive(geometry.inputChannels * geometry.kernelSize * geometry.kernelSize, "taps", index)
                let weight = try matrix(record, 0, outputs: outputs, inputs: taps, index)
                layers.append(.convolution(weight: weight, bias: try floats(outputs, index), geometry: geometry))
            case "lstm":
                let inputs = try positive(record.inputs, "inputs", index), hidden = try positive(record.hiddenSize, "hidden_size", index)
                let inputWeight = try matrix(record, 0, outputs: 4 * hidden, inputs: inputs, index)
                let hiddenWeight = try matrix(record, 1, outputs: 4 * hidden, inputs: hidden, index)
                layers.append(.lstm(inputWeight: inputWeight, hiddenWeight: hiddenWeight, bias: try floats(4 * hidden, index)))
            case "dueling":
                let inputs = try positive(record.inputs, "inputs", index), actions = try positive(record.outputs, "outputs", index)
                let valueWeight = try matrix(record, 0, outputs: 1, inputs: inputs, index)
                let valueBias = try floats(1, index)
                let advantageWeight = try matrix(record, 1, outputs: actions, inputs: inputs, index)
                layers.append(.dueling(valueWeight: valueWeight, valueBias: valueBias, advantageWeight: advantageWeight,
                                       advantageBias: try floats(actions, index)))
            default:
                throw malformed("layer \(index) has unknown kind '\(record.kind)'")
            }
        }
        guard reader.isAtEnd else { throw malformed("\(reader.remaining) bytes follow the last layer") }
        let model = CompactModel(inputSize: architecture.inputSize, layers: layers)
        do {
            try model.validate()
        } catch {
            throw malformed(error.description)
        }
        return (model, Data(metadata))
    }
}

extension CompactLayer {
    /// How the architecture JSON describes the stage.
    var record: CompactLayerRecord {
        func types(_ matrices: [CompactMatrix]) -> [String] { matrices.map { $0.isQuantized ? "int8" : "float32" } }
        switch self {
        case .normalize(let mean, _, let clip):
            return CompactLayerRecord(kind: "normalize", inputs: mean.count, clip: clip)
        case .relu: return CompactLayerRecord(kind: "relu")
        case .tanh: return CompactLayerRecord(kind: "tanh")
        case .dense(let weight, _):
            return CompactLayerRecord(kind: "dense", inputs: weight.inputs, outputs: weight.outputs, weightTypes: types([weight]))
        case .convolution(let weight, _, let geometry):
            return CompactLayerRecord(kind: "convolution", geometry: geometry, weightTypes: types([weight]))
        case .lstm(let inputWeight, let hiddenWeight, _):
            return CompactLayerRecord(kind: "lstm", inputs: inputWeight.inputs, hiddenSize: hiddenWeight.inputs,
                                      weightTypes: types([inputWeight, hiddenWeight]))
        case .dueling(let valueWeight, _, let advantageWeight, _):
            return CompactLayerRecord(kind: "dueling", inputs: valueWeight.inputs, outputs: advantageWeight.outputs,
                                      weightTypes: types([valueWeight, advantageWeight]))
        }
    }
}

extension Data {
    fileprivate mutating func appendLE<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    fileprivate mutating func append(floats: [Float]) {
        for value in floats { appendLE(value.bitPattern) }
    }

    fileprivate mutating func append(_ matrix: CompactMatrix) {
        switch matrix.storage {
        case .float32(let weights):
            append(floats: weights)
        case .int8(let values, let scales):
            append(floats: scales)
            values.withUnsafeBytes { append(contentsOf: $0) }
        }
    }
}
