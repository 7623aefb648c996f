import XCTest
@testable import Neural

/// An LSTM must carry information across many steps: it sees a symbol, then ten
/// distractors, and must name the first symbol at the end.
final class LSTMMemoryTaskTests: XCTestCase {
    private let symbols = 4, distractors = 4, distractorSteps = 10, hiddenSize = 24

    private var inputSize: Int { symbols + distractors }
    private var time: Int { 1 + distractorSteps }

    /// One-hot sequences and their labels (the first symbol).
    private func makeBatch(_ size: Int, _ generator: inout LSTMTestRandom, into input: Tensor, labels: inout [Int]) {
        input.resize(size, time, inputSize)
        input.fill(0)
        labels.removeAll(keepingCapacity: true)
        for b in 0..<size {
            let label = Int(generator.next() % UInt64(symbols))
            labels.append(label)
            input[(b * time) * inputSize + label] = 1
            for t in 1..<time {
                let distractor = symbols + Int(generator.next() % UInt64(distractors))
                input[(b * time + t) * inputSize + distractor] = 1
            }
        }
    }

    func testRecallsFirstSymbolAfterTenDistractors() {
        var generator = LSTMTestRandom(seed: 42)
        let lstm = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
        let head = Dense(inputSize: hiddenSize, outputSize: symbols, generator: &generator, name: "head")
        let optimizer = MinimalAdam(parameters: lstm.parameters + head.parameters, learningRate: 0.01)
        let batchSize = 32
        let input = Tensor(shape: [batchSize, time, inputSize])
        var labels: [Int] = []
        let logitGradient = Tensor(shape: [batchSize, symbols])
        let outputGradient = Tensor(shape: [batchSize, time, hiddenSize])

        var heldOutGenerator = LSTMTestRandom(seed: 7)
        let heldOut = Tensor(shape: [0])
        var heldOutLabels: [Int] = []
        makeBatch(512, &heldOutGenerator, into: heldOut, labels: &heldOutLabels)

        func heldOutAccuracy() -> Double {
            lstm.initialHidden = nil
            lstm.initialCell = nil
            _ = lstm.forward(heldOut)
            let logits = head.forward(lstm.finalHidden)
            var correct = 0
            for (b, label) in heldOutLabels.enumerated() {
                let row = (0..<symbols).map { logits[b * symbols + $0] }
                if row.firstIndex(of: row.max()!) == label { correct += 1 }
            }
            return Double(correct) / Double(heldOutLabels.count)
        }

        var accuracy = heldOutAccuracy()
        XCTAssertLessThan(accuracy, 0.5, "an untrained network should be near chance (0.25)")
        for iteration in 1...1500 {
            makeBatch(batchSize, &generator, into: input, labels: &labels)
            _ = lstm.forward(input)
            let logits = head.forward(lstm.finalHidden)
            softmaxCrossEntropyGradient(logits: logits, labels: labels, into: logitGradient)
            let hiddenGradient = head.backward(logitGradient)
            outputGradient.fill(0)
            _ = lstm.backward(outputGradient, finalHiddenGradient: hiddenGradient, finalCellGradient: nil)
            optimizer.step()
            if iteration % 50 == 0 {
                accuracy = heldOutAccuracy()
                if accuracy >= 0.99 { break }
            }
        }
        XCTAssertGreaterThanOrEqual(accuracy, 0.95, "held-out recall accuracy")
    }
}

/// Mean softmax cross-entropy's gradient with respect to the logits.
private func softmaxCrossEntropyGradient(logits: Tensor, labels: [Int], into gradient: Tensor) {
    let classes = logits.count / labels.count
    for (b, label) in labels.enumerated() {
        let row = logits.pointer + b * classes, out = gradient.pointer + b * classes
        var largest = row[0]
        for k in 1..<classes { largest = max(largest, row[k]) }
        var total: Float = 0
        for k in 0..<classes { out[k] = expf(row[k] - largest); total += out[k] }
        for k in 0..<classes { out[k] = (out[k] / total - (k == label ? 1 : 0)) / Float(labels.count) }
    }
}

/// Adam (Kingma & Ba) with PyTorch's defaults, enough for a test.
private final class MinimalAdam {
    let parameters: [Parameter]
    let learningRate: Float
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]
    private var stepCount = 0

    init(parameters: [Parameter], learningRate: Float) {
        self.parameters = parameters
        self.learningRate = learningRate
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        secondMoments = firstMoments
    }

    func step() {
        stepCount += 1
        let correction1 = 1 - powf(0.9, Float(stepCount)), correction2 = 1 - powf(0.999, Float(stepCount))
        for (index, parameter) in parameters.enumerated() {
            for k in 0..<parameter.value.count {
                let g = parameter.gradient[k]
                firstMoments[index][k] = 0.9 * firstMoments[index][k] + 0.1 * g
                secondMoments[index][k] = 0.999 * secondMoments[index][k] + 0.001 * g * g
                let m = firstMoments[index][k] / correction1, v = secondMoments[index][k] / correction2
                parameter.value[k] -= learningRate * m / (v.squareRoot() + 1e-8)
            }
        }
    }
}
