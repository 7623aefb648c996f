import XCTest
@testable import Neural

final class SequentialTests: XCTestCase {
    private func smallCNN(_ generator: inout SplitMix64) -> Sequential {
        Sequential([
            Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, generator: &generator),
            Tanh(),
            Flatten(),
            Dense(inputSize: 3 * 4 * 4, outputSize: 5, generator: &generator),
            Sigmoid(),
            Dense(inputSize: 5, outputSize: 3, generator: &generator),
        ])
    }

    func testParameterNamesAreUniqueAndOrdered() {
        var generator = SplitMix64(seed: 70)
        let model = smallCNN(&generator)
        XCTAssertEqual(model.parameters.map(\.name), ["0.weight", "0.bias", "3.weight", "3.bias", "5.weight", "5.bias"])
        XCTAssertEqual(model.parameterCount, (3 * 2 * 9 + 3) + (48 * 5 + 5) + (5 * 3 + 3))
        let outer = Sequential([model, ReLU()])
        XCTAssertEqual(outer.parameters.first?.name, "0.0.weight")
    }

    func testShapes() {
        var generator = SplitMix64(seed: 71)
        let model = smallCNN(&generator)
        XCTAssertEqual(model.outputShape(for: [7, 2, 4, 4]), [7, 3])
        XCTAssertEqual(model.layerOutputShapes(for: [7, 2, 4, 4]), [[7, 3, 4, 4], [7, 3, 4, 4], [7, 48], [7, 5], [7, 5], [7, 3]])
    }

    func testGradientsThroughTheWholeStack() {
        var generator = SplitMix64(seed: 72)
        let model = smallCNN(&generator)
        assertLayerGradients(model, input: randomTensor([2, 2, 4, 4], &generator), step: 1e-3)
    }

    func testForwardEqualsLayerByLayer() {
        var generator = SplitMix64(seed: 73)
        let model = smallCNN(&generator)
        let input = randomTensor([3, 2, 4, 4], &generator)
        let expected = model.layers.reduce(input) { $1.forward($0) }.scalars
        XCTAssertEqual(model.forward(input).scalars, expected)
    }

    func testSkippingTheInputGradientReachesTheFirstLayer() {
        var generator = SplitMix64(seed: 74)
        let model = smallCNN(&generator)
        model.computesInputGradient = false
        XCTAssertEqual((model.layers[0] as? Conv2D)?.computesInputGradient, false)
        let input = randomTensor([2, 2, 4, 4], &generator)
        _ = model.forward(input)
        model.zeroGradients()
        _ = model.backward(randomTensor([2, 3], &generator))
        let withoutInputGradient = model.parameters.map { $0.gradient.scalars }
        model.computesInputGradient = true
        _ = model.forward(input)
        var generatorAgain = SplitMix64(seed: 74)
        _ = smallCNN(&generatorAgain)
        _ = randomTensor([2, 2, 4, 4], &generatorAgain)
        model.zeroGradients()
        _ = model.backward(randomTensor([2, 3], &generatorAgain))
        XCTAssertEqual(model.parameters.map { $0.gradient.scalars }, withoutInputGradient)
    }

    func testSummaryListsLayersShapesAndCounts() {
        var generator = SplitMix64(seed: 75)
        let model = Sequential([
            Dense(inputSize: 4, outputSize: 64, generator: &generator),
            ReLU(),
            Dense(inputSize: 64, outputSize: 2, generator: &generator),
        ], name: "CartPole MLP")
        let expected = """
            CartPole MLP: 3 layers, 450 parameters
              #  Layer          Output shape  Parameters
                 Input          [128, 4]
              0  Dense(4 → 64)  [128, 64]            320
              1  ReLU           [128, 64]              0
              2  Dense(64 → 2)  [128, 2]             130
            """
        XCTAssertEqual(model.summary(inputShape: [128, 4]), expected)
        XCTAssertFalse(model.description.contains("[128"))
        _ = model.forward(Tensor(shape: [128, 4]))
        XCTAssertEqual(model.description, expected)
    }
}

final class GradientAccumulationTests: XCTestCase {
    /// Two backward passes before a step add up: the gradients after backward(a)
    /// then backward(b) equal those of one backward(a + b), and zeroGradients()
    /// starts a new sum.
    func testTwoBackwardPassesSum() {
        var generator = SplitMix64(seed: 75)
        let model = Sequential([
            Dense(inputSize: 3, outputSize: 4, generator: &generator), Tanh(),
            Dense(inputSize: 4, outputSize: 2, generator: &generator),
        ])
        let input = randomTensor([5, 3], &generator)
        let first = randomTensor([5, 2], &generator), second = randomTensor([5, 2], &generator)
        let both = first.copy()
        both.add(second)
        _ = model.forward(input)
        model.zeroGradients()
        _ = model.backward(both)
        let expected = model.parameters.map { $0.gradient.scalars }
        model.zeroGradients()
        XCTAssertTrue(model.parameters.allSatisfy { $0.gradient.scalars.allSatisfy { $0 == 0 } })
        _ = model.backward(first)
        _ = model.backward(second)
        for (parameter, sum) in zip(model.parameters, expected) {
            for (actual, wanted) in zip(parameter.gradient.scalars, sum) {
                XCTAssertEqual(actual, wanted, accuracy: 1e-5, parameter.name)
            }
        }
    }

    func testLSTMAndConvolutionGradientsAccumulate() {
        var generator = SplitMix64(seed: 76)
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, generator: &generator)
        let convolution = Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 2, generator: &generator)
        for (layer, input) in [(lstm as Layer, randomTensor([2, 3, 2], &generator)),
                               (convolution, randomTensor([1, 1, 3, 3], &generator))] {
            let output = layer.forward(input)
            let outputGradient = randomTensor(output.shape, &generator)
            layer.zeroGradients()
            _ = layer.backward(outputGradient)
            let once = layer.parameters.map { $0.gradient.scalars }
            _ = layer.backward(outputGradient)
            for (parameter, single) in zip(layer.parameters, once) {
                for (actual, wanted) in zip(parameter.gradient.scalars, single) {
                    XCTAssertEqual(actual, 2 * wanted, accuracy: 1e-5, "\(layer.name) \(parameter.name)")
                }
            }
        }
    }
}

final class InferenceTests: XCTestCase {
    /// Every layer's inference gives its forward output (bit for bit, the LSTM to
    /// rounding) and, run between a forward pass and its backward pass on another
    /// input, changes nothing the backward pass computes.
    func testInferenceMatchesForwardAndLeavesBackwardIntact() {
        var generator = SplitMix64(seed: 77)
        let cases: [(Layer, [Int])] = [
            (Dense(inputSize: 3, outputSize: 4, generator: &generator), [5, 3]),
            (Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 2, padding: 1, generator: &generator), [2, 2, 4, 4]),
            (MaxPool2D(kernelSize: 2), [2, 2, 4, 4]),
            (Flatten(), [2, 2, 3]),
            (ReLU(), [4, 3]), (Tanh(), [4, 3]), (Sigmoid(), [4, 3]), (Softmax(), [4, 3]), (LogSoftmax(), [4, 3]),
            (LSTM(inputSize: 3, hiddenSize: 4, generator: &generator), [2, 5, 3]),
            (Sequential([
                Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, generator: &generator), ReLU(),
                MaxPool2D(kernelSize: 2), Flatten(), Dense(inputSize: 2, outputSize: 3, generator: &generator),
            ]), [3, 1, 4, 4]),
        ]
        for (layer, shape) in cases {
            let input = randomTensor(shape, &generator), other = randomTensor(shape, &generator)
            let output = layer.forward(input).copy()
            let outputGradient = randomTensor(output.shape, &generator)
            layer.zeroGradients()
            let inputGradient = layer.backward(outputGradient).copy()
            let parameterGradients = layer.parameters.map(\.gradient.scalars)

            _ = layer.forward(input)
            let inferred = layer.inference(input).scalars
            if layer is LSTM {
                for (a, b) in zip(inferred, output.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6, layer.name) }
            } else {
                XCTAssertEqual(inferred, output.scalars, layer.name)
            }
            _ = layer.inference(other)
            layer.zeroGradients()
            XCTAssertEqual(layer.backward(outputGradient).scalars, inputGradient.scalars, layer.name)
            XCTAssertEqual(layer.parameters.map(\.gradient.scalars), parameterGradients, layer.name)
        }
    }
}
