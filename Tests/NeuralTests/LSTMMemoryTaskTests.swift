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
        let optimizer = Adam(parameters: lstm.parameters + head.parameters, learningRate: 0.01)
        let loss = SoftmaxCrossEntropyLoss()
        let batchSize = 32
        let input = Tensor(shape: [batchSize, time, inputSize])
        var labels: [Int] = []
        let outputGradient = Tensor(shape: [batchSize, time, hiddenSize])

        var heldOutGenerator = LSTMTestRandom(seed: 7)
        let heldOut = Tensor(shape: [0])
        var heldOutLabels: [Int] = []
        makeBatch(200, &heldOutGenerator, into: heldOut, labels: &heldOutLabels)

        func heldOutAccuracy() -> Double {
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
            loss.compute(logits: logits, labels: labels)
            let hiddenGradient = head.backward(loss.gradient)
            outputGradient.fill(0)
            optimizer.zeroGradients()
            _ = lstm.backward(outputGradient, finalHiddenGradient: hiddenGradient, finalCellGradient: nil)
            optimizer.step()
            if iteration % 10 == 0 {
                accuracy = heldOutAccuracy()
                if accuracy >= 0.98 { break }
            }
        }
        XCTAssertGreaterThanOrEqual(accuracy, 0.95, "held-out recall accuracy")
    }
}
