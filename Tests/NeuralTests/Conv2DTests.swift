import XCTest
@testable import Neural

final class Conv2DTests: XCTestCase {
    /// A direct (six nested loops) convolution to compare against.
    private func reference(_ conv: Conv2D, _ input: Tensor) -> [Float] {
        let n = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3]
        let k = conv.kernelSize, s = conv.stride, p = conv.padding
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        var result: [Float] = []
        for sample in 0..<n {
            for o in 0..<conv.outputChannels {
                for y in 0..<oh {
                    for x in 0..<ow {
                        var total = Double(conv.bias.value[o])
                        for channel in 0..<c {
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let iy = y * s - p + ki, ix = x * s - p + kj
                                    if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                                    let weight = conv.weight.value[((o * c + channel) * k + ki) * k + kj]
                                    total += Double(weight) * Double(input[((sample * c + channel) * h + iy) * w + ix])
                                }
                            }
                        }
                        result.append(Float(total))
                    }
                }
            }
        }
        return result
    }

    func testForwardMatchesDirectConvolution() {
        var generator = SplitMix64(seed: 30)
        for (stride, padding) in [(1, 0), (2, 1), (1, 2), (3, 0), (2, 3), (4, 2)] {
            let conv = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: stride, padding: padding, generator: &generator)
            let input = randomTensor([2, 3, 7, 6], &generator)
            let output = conv.forward(input)
            XCTAssertEqual(output.shape, conv.outputShape(for: input.shape))
            for (a, b) in zip(output.scalars, reference(conv, input)) {
                XCTAssertEqual(a, b, accuracy: 1e-5, "stride \(stride) padding \(padding)")
            }
        }
    }

    func testOutputShapes() {
        var generator = SplitMix64(seed: 31)
        let conv = Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: 3, generator: &generator)
        XCTAssertEqual(conv.outputShape(for: [32, 4, 10, 10]), [32, 16, 8, 8])
        let strided = Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 4, stride: 2, padding: 1, generator: &generator)
        XCTAssertEqual(strided.outputShape(for: [1, 1, 9, 8]), [1, 2, 4, 4])
        XCTAssertEqual(conv.weight.value.shape, [16, 4, 3, 3])
        XCTAssertEqual(conv.parameterCount, 16 * 4 * 9 + 16)
    }

    func testGradientsAcrossStridesAndPadding() {
        var generator = SplitMix64(seed: 32)
        for (kernel, stride, padding) in [(3, 1, 0), (3, 2, 1), (2, 2, 0), (3, 1, 1), (1, 1, 0), (3, 3, 2), (1, 2, 2), (4, 3, 3)] {
            let conv = Conv2D(
                inputChannels: 2, outputChannels: 3, kernelSize: kernel, stride: stride, padding: padding, generator: &generator,
                name: "Conv2D k\(kernel) s\(stride) p\(padding)")
            assertLayerGradients(conv, input: randomTensor([2, 2, 6, 5], &generator))
        }
    }

    func testPyTorchDefaultInitialisationUsesChannelsTimesKernelArea() {
        var generator = SplitMix64(seed: 33)
        let conv = Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: 2, generator: &generator)
        let bound: Float = 1 / 4  // 1/√(4·2·2)
        XCTAssertTrue(conv.weight.value.scalars.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(conv.weight.value.scalars.map(abs).max()!, 0.9 * bound)
        XCTAssertTrue(conv.bias.value.scalars.allSatisfy { abs($0) <= bound })
    }

    func testLargerBatchGrowsBuffersAndSmallerBatchReusesThem() {
        var generator = SplitMix64(seed: 34)
        let conv = Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: 1, generator: &generator)
        let big = randomTensor([4, 1, 5, 5], &generator)
        let small = randomTensor([1, 1, 5, 5], &generator)
        _ = conv.forward(big)
        let expected = reference(conv, small)
        let output = conv.forward(small)
        XCTAssertEqual(output.shape, [1, 2, 5, 5])
        for (a, b) in zip(output.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        assertLayerGradients(conv, input: small)
    }

    /// A mostly-zero input, as MinAtar's binary observations are: about one scalar in ten set.
    private func sparseTensor(_ shape: [Int], _ generator: inout SplitMix64) -> Tensor {
        let tensor = Tensor(shape: shape)
        for index in 0..<tensor.count where generator.int(below: 10) == 0 {
            tensor[index] = generator.uniform(0.5, 2)
        }
        return tensor
    }

    /// Layers with the input gradient off take the sparse path on mostly-zero inputs;
    /// it must agree with the direct convolution, and its weight and bias gradients
    /// with the dense path's, across kernels, strides and padding.
    func testSparseInputsMatchTheDensePath() {
        var generator = SplitMix64(seed: 35)
        // (kernel, stride, padding, output channels, input width): the last is MinAtar's
        // shape, whose 16 channels × 8×8 positions the kernels transpose in 8×8 tiles.
        let cases = [(3, 1, 0, 5, 8), (3, 2, 1, 5, 8), (2, 2, 0, 5, 8), (3, 1, 1, 5, 8), (1, 1, 0, 5, 8), (3, 3, 2, 5, 8),
                     (5, 1, 2, 5, 8), (4, 3, 3, 5, 8), (3, 1, 0, 16, 10)]
        for (kernel, stride, padding, outputChannels, width) in cases {
            let sparse = Conv2D(inputChannels: 3, outputChannels: outputChannels, kernelSize: kernel, stride: stride,
                                padding: padding, generator: &generator)
            let dense = Conv2D(inputChannels: 3, outputChannels: outputChannels, kernelSize: kernel, stride: stride,
                               padding: padding, generator: &generator)
            dense.weight.value.pointer.update(from: sparse.weight.value.pointer, count: sparse.weight.value.count)
            dense.bias.value.pointer.update(from: sparse.bias.value.pointer, count: sparse.bias.value.count)
            sparse.computesInputGradient = false
            let input = sparseTensor([3, 3, width == 10 ? 10 : 9, width], &generator)
            let label = "k\(kernel) s\(stride) p\(padding) c\(outputChannels)"

            let output = sparse.forward(input).scalars
            for (a, b) in zip(output, reference(sparse, input)) { XCTAssertEqual(a, b, accuracy: 1e-5, label) }
            XCTAssertEqual(sparse.inference(input).scalars, output, "inference is bit for bit forward, \(label)")
            _ = dense.forward(input)

            let outputGradient = randomTensor(sparse.outputShape(for: input.shape), &generator)
            for layer in [sparse, dense] {
                layer.weight.gradient.fill(0.5)  // gradients accumulate
                layer.bias.gradient.fill(0.5)
                _ = layer.backward(outputGradient)
            }
            for (a, b) in zip(sparse.weight.gradient.scalars, dense.weight.gradient.scalars) {
                XCTAssertEqual(a, b, accuracy: 1e-4, "weight gradient, \(label)")
            }
            for (a, b) in zip(sparse.bias.gradient.scalars, dense.bias.gradient.scalars) {
                XCTAssertEqual(a, b, accuracy: 1e-4, "bias gradient, \(label)")
            }
        }
    }

    /// A dense input keeps the im2col path even with the input gradient off: its
    /// output is exactly that of a layer computing input gradients.
    func testDenseInputsKeepTheMatrixProduct() {
        var generator = SplitMix64(seed: 36)
        let first = Conv2D(inputChannels: 2, outputChannels: 4, kernelSize: 3, generator: &generator)
        let second = Conv2D(inputChannels: 2, outputChannels: 4, kernelSize: 3, generator: &generator)
        second.weight.value.pointer.update(from: first.weight.value.pointer, count: first.weight.value.count)
        second.bias.value.pointer.update(from: first.bias.value.pointer, count: first.bias.value.count)
        first.computesInputGradient = false
        let input = randomTensor([2, 2, 6, 6], &generator)
        XCTAssertEqual(first.forward(input).scalars, second.forward(input).scalars)
    }
}
