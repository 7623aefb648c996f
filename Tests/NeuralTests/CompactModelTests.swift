import Foundation
import Neural
import NeuralKernels
import XCTest

/// Pruning, quantisation, the int8 kernels, the compact file format and the
/// compact runtime against the float layers.
final class CompactModelTests: XCTestCase {
    private func randomFloats(_ count: Int, _ generator: inout SplitMix64, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float.random(in: -scale...scale, using: &generator) }
    }

    // MARK: - Pruning and quantisation

    func testPruningZeroesExactlyTheFractionPerMatrixAndKeepsTheRest() {
        var generator = SplitMix64(seed: 1)
        let dense = CompactMatrix(outputs: 7, inputs: 13, weights: randomFloats(91, &generator))
        let lstmInput = CompactMatrix(outputs: 16, inputs: 5, weights: randomFloats(80, &generator))
        let lstmHidden = CompactMatrix(outputs: 16, inputs: 4, weights: randomFloats(64, &generator))
        let model = CompactModel(inputSize: 13, layers: [
            .dense(weight: dense, bias: randomFloats(7, &generator)), .relu,
            .dense(weight: CompactMatrix(outputs: 5, inputs: 7, weights: randomFloats(35, &generator)), bias: [Float](repeating: 0.5, count: 5)),
            .lstm(inputWeight: lstmInput, hiddenWeight: lstmHidden, bias: randomFloats(16, &generator)),
        ])
        for fraction in [0.0, 0.25, 0.5, 0.7, 0.9] {
            let pruned = model.pruned(fraction: fraction)
            let beforeMatrices: [CompactMatrix] = model.layers.flatMap { $0.matrices }
            let afterMatrices: [CompactMatrix] = pruned.layers.flatMap { $0.matrices }
            for (before, after) in zip(beforeMatrices, afterMatrices) {
                let expectedZeros = Int((fraction * Double(before.count)).rounded())
                let old = before.floatWeights, new = after.floatWeights
                XCTAssertEqual(new.filter { $0 == 0 }.count, expectedZeros, "fraction \(fraction) of \(before.count)")
                var largestRemoved: Float = 0
                for (o, n) in zip(old, new) where n == 0 { largestRemoved = max(largestRemoved, abs(o)) }
                for (o, n) in zip(old, new) where n != 0 {
                    XCTAssertEqual(o, n, "a kept weight must be unchanged")
                    XCTAssertGreaterThanOrEqual(abs(o), largestRemoved, "pruning removes the smallest magnitudes")
                }
            }
            var removed = 0
            for matrix in beforeMatrices { removed += Int((fraction * Double(matrix.count)).rounded()) }
            XCTAssertEqual(pruned.nonzeroParameterCount, model.parameterCount - removed)
        }
    }

    func testQuantiseThenDequantiseIsWithinHalfAStepPerOutputChannel() {
        var generator = SplitMix64(seed: 2)
        var weights = randomFloats(12 * 37, &generator)
        for column in 0..<37 { weights[5 * 37 + column] = 0 }  // a pruned-away row
        for column in 0..<37 { weights[7 * 37 + column] *= 100 }  // a row of another scale
        let matrix = CompactMatrix(outputs: 12, inputs: 37, weights: weights).quantized()
        guard case .int8(let values, let scales) = matrix.storage else { return XCTFail("not quantised") }
        let restored = matrix.floatWeights
        for row in 0..<12 {
            var largest: Float = 0
            for column in 0..<37 { largest = max(largest, abs(weights[row * 37 + column])) }
            XCTAssertEqual(scales[row], largest / 127)
            for column in 0..<37 {
                let index = row * 37 + column
                XCTAssertLessThanOrEqual(abs(values[index]), 127)
                XCTAssertLessThanOrEqual(abs(restored[index] - weights[index]), scales[row] / 2 * (1 + 1e-5), "row \(row) column \(column)")
                if weights[index] == 0 { XCTAssertEqual(values[index], 0, "zero stays zero") }
            }
        }
    }

    func testActivationQuantisationIsWithinHalfAStep() {
        var generator = SplitMix64(seed: 3)
        let x = randomFloats(300, &generator, scale: 4)
        var q = [Int8](repeating: 0, count: 300)
        let scale = nk_quantize_int8(x, 300, &q)
        var largest: Float = 0
        for value in x { largest = max(largest, abs(value)) }
        XCTAssertEqual(scale, largest / 127)
        for (value, quantized) in zip(x, q) {
            XCTAssertLessThanOrEqual(abs(Float(quantized) * scale - value), scale / 2 * (1 + 1e-5))
        }
        var zeros = [Int8](repeating: 7, count: 4)
        XCTAssertEqual(nk_quantize_int8([0, 0, -0, 0], 4, &zeros), 0)
        XCTAssertEqual(zeros, [0, 0, 0, 0])
    }

    // MARK: - int8 kernel

    func testInt8KernelEqualsTheIntegerReferenceExactlyOnEverySupportedVariant() {
        var generator = SplitMix64(seed: 4)
        let variants: [nk_int8_variant] = [NK_INT8_PORTABLE, NK_INT8_AVX2, NK_INT8_AVX512BW, NK_INT8_AVX512VNNI]
        XCTAssertEqual(nk_int8_supported(NK_INT8_PORTABLE), 1)
        for (m, n, k) in [(1, 1, 64), (1, 7, 128), (3, 13, 192), (64, 16, 64), (1, 131, 1024)] {
            // Extremes included: −128 and 127 on both sides.
            var a = [Int8](repeating: 0, count: m * k), b = [Int8](repeating: 0, count: n * k)
            for index in 0..<(m * k) { a[index] = index % 17 == 0 ? Int8.min : Int8(truncatingIfNeeded: generator.next()) }
            for index in 0..<(n * k) { b[index] = index % 19 == 0 ? Int8.max : Int8(truncatingIfNeeded: generator.next()) }
            var reference = [Int32](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Int32 = 0
                    for l in 0..<k { sum += Int32(a[i * k + l]) * Int32(b[j * k + l]) }
                    reference[i * n + j] = sum
                }
            }
            var sums = [Int32](repeating: 0, count: n)
            nk_int8_row_sums(n, k, b, &sums)
            for variant in variants where nk_int8_supported(variant) != 0 {
                var c = [Int32](repeating: -1, count: m * n)
                nk_int8_gemm_variant(variant, m, n, k, a, b, sums, &c)
                XCTAssertEqual(c, reference, "variant \(variant.rawValue), m \(m) n \(n) k \(k)")
            }
            if nk_int8_supported(NK_INT8_AVX512VNNI) != 0 {
                var packed = [Int8](repeating: 0, count: (n + 15) / 16 * 16 * k)
                nk_int8_pack_vnni(n, k, b, &packed)
                var c = [Int32](repeating: -1, count: m * n)
                nk_int8_gemm_vnni_packed(m, n, k, a, packed, sums, &c)
                XCTAssertEqual(c, reference, "packed VNNI, m \(m) n \(n) k \(k)")
            }
            var best = [Int32](repeating: -1, count: m * n)
            nk_int8_gemm(m, n, k, a, b, sums, &best)
            XCTAssertEqual(best, reference)
        }
    }

    // MARK: - Runtime against the float layers

    func testFloatCompactNetworkMatchesTheLayersAndInt8StaysWithinQuantisationError() {
        var generator = SplitMix64(seed: 5)
        let convolution = Conv2D(inputChannels: 2, outputChannels: 5, kernelSize: 3, stride: 1, padding: 1, generator: &generator)
        let dense = Dense(inputSize: 5 * 6 * 6, outputSize: 9, generator: &generator)
        let head = Dense(inputSize: 9, outputSize: 4, generator: &generator)
        let network = Sequential([convolution, ReLU(), Flatten(), dense, ReLU(), head])
        func outputMajor(_ layer: Dense) -> CompactMatrix {
            let w = layer.weight.value.scalars
            var t = [Float](repeating: 0, count: w.count)
            for i in 0..<layer.inputSize { for o in 0..<layer.outputSize { t[o * layer.inputSize + i] = w[i * layer.outputSize + o] } }
            return CompactMatrix(outputs: layer.outputSize, inputs: layer.inputSize, weights: t)
        }
        let geometry = ConvolutionGeometry(inputChannels: 2, height: 6, width: 6, outputChannels: 5, kernelSize: 3, stride: 1, padding: 1)
        let model = CompactModel(inputSize: 72, layers: [
            .convolution(weight: CompactMatrix(outputs: 5, inputs: 18, weights: convolution.weight.value.scalars),
                         bias: convolution.bias.value.scalars, geometry: geometry),
            .relu, .dense(weight: outputMajor(dense), bias: dense.bias.value.scalars), .relu,
            .dense(weight: outputMajor(head), bias: head.bias.value.scalars),
        ])
        XCTAssertNoThrow(try model.validate())
        let floatNetwork = CompactNetwork(model), int8Network = CompactNetwork(model.quantized())
        for _ in 0..<5 {
            let observation = randomFloats(72, &generator)
            let reference = network.inference(Tensor(shape: [1, 2, 6, 6], scalars: observation)).scalars
            let compact = Array(floatNetwork.forward(observation))
            for (r, c) in zip(reference, compact) { XCTAssertEqual(r, c, accuracy: 1e-4) }
            let quantized = Array(int8Network.forward(observation))
            var spread: Float = 0
            for value in reference { spread = max(spread, abs(value)) }
            for (r, q) in zip(reference, quantized) { XCTAssertEqual(r, q, accuracy: 0.05 * spread + 0.02) }
        }
    }

    func testInt8DenseLayerIsWithinItsQuantisationBound() {
        var generator = SplitMix64(seed: 6)
        let inputs = 200, outputs = 33
        let weights = randomFloats(inputs * outputs, &generator), bias = randomFloats(outputs, &generator)
        let matrix = CompactMatrix(outputs: outputs, inputs: inputs, weights: weights)
        let network = CompactNetwork(CompactModel(inputSize: inputs, layers: [.dense(weight: matrix.quantized(), bias: bias)]))
        guard case .int8(_, let scales) = matrix.quantized().storage else { return XCTFail() }
        let x = randomFloats(inputs, &generator, scale: 3)
        var largest: Float = 0
        for value in x { largest = max(largest, abs(value)) }
        let inputScale = largest / 127
        let y = Array(network.forward(x))
        for o in 0..<outputs {
            var exact: Float = bias[o], bound: Float = 0
            for i in 0..<inputs {
                let w = weights[o * inputs + i]
                exact += w * x[i]
                // |w·x − ŵ·x̂| ≤ |w|·δx + |x|·δw + δw·δx with δ = half a step.
                bound += abs(w) * inputScale / 2 + abs(x[i]) * scales[o] / 2 + scales[o] * inputScale / 4
            }
            XCTAssertLessThanOrEqual(abs(y[o] - exact), bound * 1.001 + 1e-4, "output \(o)")
        }
    }

    func testCompactLSTMMatchesTheLayerStepAndResets() {
        var generator = SplitMix64(seed: 7)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, generator: &generator)
        func outputMajor(_ tensor: Tensor, rows: Int, columns: Int) -> CompactMatrix {
            let w = tensor.scalars
            var t = [Float](repeating: 0, count: w.count)
            for r in 0..<rows { for c in 0..<columns { t[c * rows + r] = w[r * columns + c] } }
            return CompactMatrix(outputs: columns, inputs: rows, weights: t)
        }
        let model = CompactModel(inputSize: 3, layers: [.lstm(inputWeight: outputMajor(lstm.inputWeight.value, rows: 3, columns: 16),
                                                              hiddenWeight: outputMajor(lstm.hiddenWeight.value, rows: 4, columns: 16),
                                                              bias: lstm.bias.value.scalars)])
        let network = CompactNetwork(model)
        let hidden = Tensor(shape: [1, 4]), cell = Tensor(shape: [1, 4])
        let observations = (0..<4).map { _ in randomFloats(3, &generator) }
        for observation in observations {
            lstm.step(input: Tensor(shape: [1, 3], scalars: observation), hidden: hidden, cell: cell)
            let compact = Array(network.forward(observation))
            for (r, c) in zip(hidden.scalars, compact) { XCTAssertEqual(r, c, accuracy: 1e-5) }
        }
        network.resetState()
        let first = Array(network.forward(observations[0]))
        let fresh = CompactNetwork(model)
        XCTAssertEqual(first, Array(fresh.forward(observations[0])))
    }

    // MARK: - File format

    private func sampleModel() -> CompactModel {
        var generator = SplitMix64(seed: 8)
        return CompactModel(inputSize: 8, layers: [
            .normalize(mean: (0..<8).map { Double($0) / 3 }, deviation: [Double](repeating: 1.5, count: 8), clip: 10),
            .dense(weight: CompactMatrix(outputs: 6, inputs: 8, weights: randomFloats(48, &generator)), bias: randomFloats(6, &generator)),
            .tanh,
            .lstm(inputWeight: CompactMatrix(outputs: 12, inputs: 6, weights: randomFloats(72, &generator)),
                  hiddenWeight: CompactMatrix(outputs: 12, inputs: 3, weights: randomFloats(36, &generator)), bias: randomFloats(12, &generator)),
            .dueling(valueWeight: CompactMatrix(outputs: 1, inputs: 3, weights: randomFloats(3, &generator)), valueBias: [0.25],
                     advantageWeight: CompactMatrix(outputs: 2, inputs: 3, weights: randomFloats(6, &generator)), advantageBias: [0, 1]),
        ]).pruned(fraction: 0.5)
    }

    func testCompactFileRoundTripsFloatAndInt8() throws {
        for model in [sampleModel(), sampleModel().quantized()] {
            let metadata = Data("{\"agent\":\"dqn\"}".utf8)
            let (decoded, decodedMetadata) = try CompactModel.decode(model.encoded(metadata: metadata), path: "policy.bin")
            XCTAssertEqual(decoded, model)
            XCTAssertEqual(decodedMetadata, metadata)
        }
        let floatBytes = sampleModel().encoded().count, int8Bytes = sampleModel().quantized().encoded().count
        XCTAssertLessThan(int8Bytes, floatBytes)
    }

    func testCorruptedOrTruncatedCompactFileIsRejected() {
        let bytes = sampleModel().quantized().encoded()
        var corrupted = bytes
        corrupted[bytes.count / 2] ^= 0x10
        XCTAssertThrowsError(try CompactModel.decode(corrupted, path: "p.bin")) { error in
            guard case .checksumMismatch(let path, _, _) = error as? CompactModelError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "p.bin")
        }
        XCTAssertThrowsError(try CompactModel.decode(bytes.prefix(bytes.count - 3), path: "p.bin")) { error in
            guard case .truncated = error as? CompactModelError else { return XCTFail("\(error)") }
        }
        var wrongMagic = bytes
        wrongMagic[1] = 0
        XCTAssertThrowsError(try CompactModel.decode(wrongMagic, path: "p.bin")) { error in
            XCTAssertEqual(error as? CompactModelError, .notACompactModel(path: "p.bin"))
        }
    }
}
