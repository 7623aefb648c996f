import CBLAS
import XCTest
@testable import Neural

final class LSTMTests: XCTestCase {
    private let batch = 2, time = 6, inputSize = 3, hiddenSize = 4

    private func makeLayer(seed: UInt64 = 1) -> LSTM {
        var generator = LSTMTestRandom(seed: seed)
        return LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
    }

    private func randomTensor(_ shape: [Int], _ generator: inout LSTMTestRandom, scale: Float = 1) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in scale * generator.nextSigned() })
    }

    func testInitialisationFollowsPyTorchWithForgetBiasOne() {
        let layer = makeLayer()
        let bound = 1 / Float(hiddenSize).squareRoot()
        XCTAssertEqual(layer.inputWeight.value.shape, [inputSize, 4 * hiddenSize])
        XCTAssertEqual(layer.hiddenWeight.value.shape, [hiddenSize, 4 * hiddenSize])
        XCTAssertEqual(layer.bias.value.shape, [4 * hiddenSize])
        for parameter in [layer.inputWeight, layer.hiddenWeight] {
            XCTAssertTrue(parameter.value.scalars.allSatisfy { abs($0) <= bound })
        }
        let biases = layer.bias.value.scalars
        XCTAssertEqual(Array(biases[hiddenSize..<(2 * hiddenSize)]), [Float](repeating: 1, count: hiddenSize))
        XCTAssertTrue(biases.allSatisfy { abs($0) <= bound || $0 == 1 })
        XCTAssertEqual(layer.parameters.map(\.name), ["inputWeight", "hiddenWeight", "bias"])
        // The same seed gives the same weights.
        XCTAssertEqual(makeLayer().inputWeight.value.scalars, layer.inputWeight.value.scalars)
    }

    func testForwardMatchesHandComputedSingleUnit() {
        var generator = LSTMTestRandom(seed: 3)
        let layer = LSTM(inputSize: 1, hiddenSize: 1, generator: &generator)
        layer.inputWeight.value.assign([0.5, -0.25, 0.75, 1.0])  // i, f, g, o
        layer.hiddenWeight.value.assign([0.1, 0.2, -0.3, 0.4])
        layer.bias.value.assign([0, 1, 0, -0.5])
        let xs: [Float] = [1.0, -2.0]
        let output = layer.forward(
            Tensor(shape: [1, 2, 1], scalars: xs), initialHidden: Tensor(shape: [1, 1], scalars: [0.2]),
            initialCell: Tensor(shape: [1, 1], scalars: [-0.4]), episodeStarts: nil)
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var h = 0.2, c = -0.4
        var expected: [Double] = []
        for x in xs.map(Double.init) {
            let i = sigmoid(0.5 * x + 0.1 * h), f = sigmoid(-0.25 * x + 0.2 * h + 1)
            let g = tanh(0.75 * x - 0.3 * h), o = sigmoid(x + 0.4 * h - 0.5)
            c = f * c + i * g
            h = o * tanh(c)
            expected.append(h)
        }
        XCTAssertEqual(Double(output[0]), expected[0], accuracy: 1e-6)
        XCTAssertEqual(Double(output[1]), expected[1], accuracy: 1e-6)
        XCTAssertEqual(Double(layer.finalHidden[0]), h, accuracy: 1e-6)
        XCTAssertEqual(Double(layer.finalCell[0]), c, accuracy: 1e-6)
    }

    /// Central differences of a Double-accumulated loss that reads the outputs and
    /// the final state, against backpropagation through 6 steps with state
    /// carried in (h0, c0) and out (gradients arriving at h_T and c_T).
    func testGradientsMatchFiniteDifferences() {
        checkGradients(episodeStarts: nil)
    }

    /// The same check with an episode starting mid-sequence in row 0 (step 3) and
    /// at the first step of row 1, which cuts the initial state off that row.
    func testGradientsMatchFiniteDifferencesAcrossEpisodeStarts() {
        var starts = [Float](repeating: 0, count: batch * time)
        starts[0 * time + 3] = 1
        starts[1 * time + 0] = 1
        let layer = checkGradients(episodeStarts: Tensor(shape: [batch, time], scalars: starts))
        for j in 0..<hiddenSize {
            XCTAssertEqual(layer.initialHiddenGradient[hiddenSize + j], 0, "row 1 starts a new episode")
            XCTAssertEqual(layer.initialCellGradient[hiddenSize + j], 0)
        }
        XCTAssertNotEqual((0..<hiddenSize).map { layer.initialHiddenGradient[$0] }, [Float](repeating: 0, count: hiddenSize))
    }

    func testEpisodeStartMatchesAFreshSequence() {
        let layer = makeLayer(), fresh = makeLayer()
        var generator = LSTMTestRandom(seed: 13)
        let input = randomTensor([1, time, inputSize], &generator)
        let hidden = randomTensor([1, hiddenSize], &generator)
        let cell = randomTensor([1, hiddenSize], &generator)
        var starts = [Float](repeating: 0, count: time)
        starts[2] = 1
        let output = layer.forward(
            input, initialHidden: hidden, initialCell: cell, episodeStarts: Tensor(shape: [1, time], scalars: starts)
        ).copy()
        let tail = Tensor(shape: [1, time - 2, inputSize], scalars: Array(input.scalars[(2 * inputSize)...]))
        let expected = fresh.forward(tail)
        for k in 0..<expected.count { XCTAssertEqual(output[2 * hiddenSize + k], expected[k], accuracy: 1e-6) }
    }

    @discardableResult
    private func checkGradients(episodeStarts: Tensor?, file: StaticString = #filePath, line: UInt = #line) -> LSTM {
        let layer = makeLayer()
        var generator = LSTMTestRandom(seed: 11)
        let input = randomTensor([batch, time, inputSize], &generator)
        let hidden0 = randomTensor([batch, hiddenSize], &generator, scale: 0.5)
        let cell0 = randomTensor([batch, hiddenSize], &generator, scale: 0.5)
        let outputWeights = randomTensor([batch, time, hiddenSize], &generator)
        let finalHiddenWeights = randomTensor([batch, hiddenSize], &generator)
        let finalCellWeights = randomTensor([batch, hiddenSize], &generator)

        func loss() -> Double {
            let output = layer.forward(input, initialHidden: hidden0, initialCell: cell0, episodeStarts: episodeStarts)
            var total = 0.0
            for k in 0..<output.count { total += Double(output[k]) * Double(outputWeights[k]) }
            for k in 0..<layer.finalHidden.count {
                total += Double(layer.finalHidden[k]) * Double(finalHiddenWeights[k])
                total += Double(layer.finalCell[k]) * Double(finalCellWeights[k])
            }
            return total
        }

        _ = loss()
        layer.zeroGradients()
        let inputGradient = layer.backward(
            outputWeights, finalHiddenGradient: finalHiddenWeights, finalCellGradient: finalCellWeights
        ).copy()
        let analytic: [(String, Tensor, Tensor)] = [
            ("input", input, inputGradient),
            ("h0", hidden0, layer.initialHiddenGradient.copy()),
            ("c0", cell0, layer.initialCellGradient.copy()),
        ] + layer.parameters.map { ($0.name, $0.value, $0.gradient.copy()) }

        let epsilon: Float = 1e-2
        for (name, value, gradient) in analytic {
            XCTAssertEqual(value.count, gradient.count, name)
            for index in 0..<value.count {
                let original = value[index]
                value[index] = original + epsilon
                let plus = loss()
                value[index] = original - epsilon
                let minus = loss()
                value[index] = original
                let numeric = (plus - minus) / (2 * Double(epsilon))
                let exact = Double(gradient[index])
                XCTAssertEqual(exact, numeric, accuracy: 2e-3 + 1e-2 * abs(numeric), "\(name)[\(index)]", file: file, line: line)
            }
        }
        _ = loss()
        layer.zeroGradients()
        _ = layer.backward(outputWeights, finalHiddenGradient: finalHiddenWeights, finalCellGradient: finalCellWeights)
        return layer
    }

    func testStepMatchesSequenceForward() {
        let layer = makeLayer()
        var generator = LSTMTestRandom(seed: 5)
        let input = randomTensor([batch, time, inputSize], &generator)
        let hidden = randomTensor([batch, hiddenSize], &generator)
        let cell = randomTensor([batch, hiddenSize], &generator)
        let output = layer.forward(input, initialHidden: hidden.copy(), initialCell: cell.copy(), episodeStarts: nil)
        let stepInput = Tensor(shape: [batch, inputSize])
        for t in 0..<time {
            for b in 0..<batch {
                for k in 0..<inputSize { stepInput[b * inputSize + k] = input[(b * time + t) * inputSize + k] }
            }
            layer.step(input: stepInput, hidden: hidden, cell: cell)
            for b in 0..<batch {
                for j in 0..<hiddenSize {
                    XCTAssertEqual(hidden[b * hiddenSize + j], output[(b * time + t) * hiddenSize + j], accuracy: 1e-5)
                }
            }
        }
        for k in 0..<cell.count {
            XCTAssertEqual(cell[k], layer.finalCell[k], accuracy: 1e-5)
            XCTAssertEqual(hidden[k], layer.finalHidden[k], accuracy: 1e-5)
        }
    }

    func testSingleStepAtBatchOneMatchesForward() {
        let layer = makeLayer()
        var generator = LSTMTestRandom(seed: 12)
        let input = randomTensor([1, 1, inputSize], &generator)
        let hidden = randomTensor([1, hiddenSize], &generator), cell = randomTensor([1, hiddenSize], &generator)
        _ = layer.forward(input, initialHidden: hidden.copy(), initialCell: cell.copy(), episodeStarts: nil)
        layer.step(input: Tensor(shape: [1, inputSize], scalars: input.scalars), hidden: hidden, cell: cell)
        for k in 0..<hiddenSize {
            XCTAssertEqual(hidden[k], layer.finalHidden[k], accuracy: 1e-6)
            XCTAssertEqual(cell[k], layer.finalCell[k], accuracy: 1e-6)
        }
    }

    /// Splitting a sequence into two windows, carrying the state forward and the
    /// final-state gradient backward, gives the same gradients as one long window.
    func testTruncatedWindowsChainLikeOneSequence() {
        let whole = makeLayer(), first = makeLayer(), second = makeLayer()
        var generator = LSTMTestRandom(seed: 9)
        let input = randomTensor([batch, time, inputSize], &generator)
        let outputGradient = randomTensor([batch, time, hiddenSize], &generator)
        _ = whole.forward(input)
        let wholeInputGradient = whole.backward(outputGradient).copy()

        let half = time / 2
        func window(_ source: Tensor, _ features: Int, _ range: Range<Int>) -> Tensor {
            let result = Tensor(shape: [batch, range.count, features])
            for b in 0..<batch {
                for (slot, t) in range.enumerated() {
                    for k in 0..<features {
                        result[(b * range.count + slot) * features + k] = source[(b * time + t) * features + k]
                    }
                }
            }
            return result
        }
        _ = first.forward(window(input, inputSize, 0..<half))
        _ = second.forward(window(input, inputSize, half..<time), initialHidden: first.finalHidden.copy(),
                           initialCell: first.finalCell.copy(), episodeStarts: nil)
        let secondInputGradient = second.backward(window(outputGradient, hiddenSize, half..<time))
        let firstInputGradient = first.backward(
            window(outputGradient, hiddenSize, 0..<half),
            finalHiddenGradient: second.initialHiddenGradient, finalCellGradient: second.initialCellGradient)
        let joined = window(wholeInputGradient, inputSize, 0..<half).scalars
            + window(wholeInputGradient, inputSize, half..<time).scalars
        let split = firstInputGradient.scalars + secondInputGradient.scalars
        for (a, b) in zip(joined, split) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (index, parameter) in whole.parameters.enumerated() {
            for k in 0..<parameter.gradient.count {
                let sum = first.parameters[index].gradient[k] + second.parameters[index].gradient[k]
                XCTAssertEqual(parameter.gradient[k], sum, accuracy: 1e-5, parameter.name)
            }
        }
    }

    func testExponentialIsAccurateOverTheFloatRange() {
        func scalarExp(_ x: Float) -> Float { exponential(FloatVector(repeating: x))[0] }
        var x: Float = -87
        var worst: Double = 0
        while x <= 88 {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(scalarExp(x)) - exact) / exact)
            x += 0.0137
        }
        XCTAssertLessThan(worst, 3e-7, "relative error")
        XCTAssertEqual(scalarExp(0), 1)
        XCTAssertEqual(scalarExp(-1000), scalarExp(-87), "clamped below")
        XCTAssertTrue(scalarExp(1000).isFinite, "clamped above")
        let lanes = exponential(FloatVector(0, 1, -1, 2, -2, 10, -10, 0.5))
        for (lane, value) in [Float(0), 1, -1, 2, -2, 10, -10, 0.5].enumerated() {
            XCTAssertEqual(Double(lanes[lane]), Foundation.exp(Double(value)), accuracy: 3e-7 * Foundation.exp(Double(value)))
        }
    }

    /// A truncated-BPTT training step (state in, episode starts, final-state
    /// gradient, Adam) and a single acting step allocate no Swift object once sized.
    func testTrainingAndActingStepsAllocateNothing() throws {
        let layer = makeLayer()
        let adam = Adam(parameters: layer.parameters)
        var generator = LSTMTestRandom(seed: 14)
        let input = randomTensor([batch, time, inputSize], &generator)
        let outputGradient = randomTensor([batch, time, hiddenSize], &generator)
        let finalGradient = randomTensor([batch, hiddenSize], &generator)
        let initialHidden = randomTensor([batch, hiddenSize], &generator)
        let initialCell = randomTensor([batch, hiddenSize], &generator)
        var starts = [Float](repeating: 0, count: batch * time)
        starts[4] = 1
        let episodeStarts = Tensor(shape: [batch, time], scalars: starts)
        let stepInput = randomTensor([1, inputSize], &generator)
        let hidden = Tensor(shape: [1, hiddenSize]), cell = Tensor(shape: [1, hiddenSize])
        func train() {
            _ = layer.forward(input, initialHidden: initialHidden, initialCell: initialCell, episodeStarts: episodeStarts)
            adam.zeroGradients()
            _ = layer.backward(outputGradient, finalHiddenGradient: finalGradient, finalCellGradient: nil)
            adam.step()
            layer.step(input: stepInput, hidden: hidden, cell: cell)
        }
        train()
        let storage = { [layer.finalHidden, layer.initialHiddenGradient, layer.forward(input)].map(\.pointer) }
        let before = storage()
        let allocations = countObjectAllocations {
            train()
            train()
        }
        XCTAssertEqual(storage(), before)
        guard let allocations else { throw XCTSkip("the Swift runtime offers no allocation hook here") }
        XCTAssertEqual(allocations, 0, "Swift heap allocations in two LSTM training steps")
    }

    func testSteadyStateReusesBuffers() {
        let layer = makeLayer()
        var generator = LSTMTestRandom(seed: 2)
        let input = randomTensor([batch, time, inputSize], &generator)
        let output = layer.forward(input)
        let outputStorage = output.pointer
        let inputGradient = layer.backward(output).pointer
        _ = layer.forward(input)
        XCTAssertEqual(layer.forward(input).pointer, outputStorage)
        XCTAssertEqual(layer.backward(output).pointer, inputGradient)
    }
}
