import XCTest
@testable import Neural

/// End-to-end training: small networks built from the layers learn real tasks.
final class LearningTests: XCTestCase {
    /// The four procedurally drawn glyph classes.
    enum Glyph: Int, CaseIterable {
        case horizontalBar, verticalBar, cross, square
    }

    static let side = 12

    /// Draws `glyph` at a random place and size on a noisy `side × side` background.
    static func draw(_ glyph: Glyph, into image: UnsafeMutablePointer<Float>, _ generator: inout SplitMix64) {
        let side = Self.side
        for i in 0..<(side * side) { image[i] = generator.uniform(0, 0.3) }
        func ink(_ row: Int, _ column: Int) { image[row * side + column] = generator.uniform(0.7, 1) }
        switch glyph {
        case .horizontalBar, .verticalBar:
            let length = 5 + generator.int(below: 5)
            let across = generator.int(below: side)
            let start = generator.int(below: side - length + 1)
            for along in start..<(start + length) {
                if glyph == .horizontalBar { ink(across, along) } else { ink(along, across) }
            }
        case .cross:
            let arm = 2 + generator.int(below: 3)
            let row = arm + generator.int(below: side - 2 * arm)
            let column = arm + generator.int(below: side - 2 * arm)
            for offset in -arm...arm {
                ink(row + offset, column)
                ink(row, column + offset)
            }
        case .square:
            let size = 4 + generator.int(below: 4)
            let top = generator.int(below: side - size + 1), left = generator.int(below: side - size + 1)
            for offset in 0..<size {
                ink(top, left + offset)
                ink(top + size - 1, left + offset)
                ink(top + offset, left)
                ink(top + offset, left + size - 1)
            }
        }
    }

    /// A batch of `count` random glyph images `[count, 1, side, side]` and their labels.
    static func glyphBatch(_ count: Int, _ generator: inout SplitMix64) -> (images: Tensor, labels: [Int]) {
        let images = Tensor(shape: [count, 1, side, side])
        var labels: [Int] = []
        for sample in 0..<count {
            let glyph = Glyph(rawValue: generator.int(below: Glyph.allCases.count))!
            draw(glyph, into: images.pointer + sample * side * side, &generator)
            labels.append(glyph.rawValue)
        }
        return (images, labels)
    }

    func testSmallCNNClassifiesGlyphs() {
        var generator = SplitMix64(seed: 90)
        let model = Sequential([
            Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: 1, generator: &generator),
            ReLU(),
            MaxPool2D(kernelSize: 2),
            Conv2D(inputChannels: 8, outputChannels: 16, kernelSize: 3, padding: 1, generator: &generator),
            ReLU(),
            MaxPool2D(kernelSize: 2),
            Flatten(),
            Dense(inputSize: 16 * 3 * 3, outputSize: 32, generator: &generator),
            ReLU(),
            Dense(inputSize: 32, outputSize: 4, generator: &generator),
        ])
        model.computesInputGradient = false
        let optimizer = Adam(parameters: model.parameters, learningRate: 3e-3)
        let loss = SoftmaxCrossEntropyLoss()
        for _ in 0..<400 {
            let (images, labels) = Self.glyphBatch(32, &generator)
            loss.compute(logits: model.forward(images), labels: labels)
            optimizer.zeroGradients()
            _ = model.backward(loss.gradient)
            optimizer.step()
        }
        var testGenerator = SplitMix64(seed: 12345)
        let (images, labels) = Self.glyphBatch(500, &testGenerator)
        let logits = model.forward(images)
        var correct = 0
        for (sample, label) in labels.enumerated() {
            let row = (0..<4).map { logits[sample * 4 + $0] }
            if row.firstIndex(of: row.max()!) == label { correct += 1 }
        }
        let accuracy = Double(correct) / Double(labels.count)
        XCTAssertGreaterThanOrEqual(accuracy, 0.95, "held-out accuracy \(accuracy)")
    }

    /// The Keras CNN of the original write-up, for 28×28 grey images and 10 classes.
    func testKerasCNNBuildsAndTrains() {
        var generator = SplitMix64(seed: 91)
        let model = Sequential([
            Conv2D(inputChannels: 1, outputChannels: 32, kernelSize: 3, generator: &generator),
            ReLU(),
            MaxPool2D(kernelSize: 2),
            Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 3, generator: &generator),
            ReLU(),
            MaxPool2D(kernelSize: 2),
            Flatten(),
            Dense(inputSize: 64 * 5 * 5, outputSize: 128, generator: &generator),
            ReLU(),
            Dense(inputSize: 128, outputSize: 10, generator: &generator),
            Softmax(),
        ], name: "Keras CNN")
        XCTAssertEqual(
            model.layerOutputShapes(for: [8, 1, 28, 28]),
            [[8, 32, 26, 26], [8, 32, 26, 26], [8, 32, 13, 13], [8, 64, 11, 11], [8, 64, 11, 11], [8, 64, 5, 5],
             [8, 1600], [8, 128], [8, 128], [8, 10], [8, 10]])
        XCTAssertEqual(model.parameterCount, 320 + 18_496 + 204_928 + 1_290)
        XCTAssertTrue(model.summary(inputShape: [8, 1, 28, 28]).contains("Conv2D(32 → 64, 3×3)"))

        // Categorical cross-entropy on the softmax probabilities (Keras's loss), on one
        // fixed batch: a few Adam steps must lower it.
        let images = randomTensor([8, 1, 28, 28], &generator, low: 0, high: 1)
        let labels = (0..<8).map { $0 % 10 }
        let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
        let gradient = Tensor(shape: [8, 10])
        var losses: [Double] = []
        for _ in 0..<6 {
            let probabilities = model.forward(images)
            XCTAssertEqual(probabilities.shape, [8, 10])
            gradient.fill(0)
            var total = 0.0
            for (sample, label) in labels.enumerated() {
                let p = max(probabilities[sample * 10 + label], 1e-7)
                total -= log(Double(p))
                gradient[sample * 10 + label] = -1 / (8 * p)
            }
            losses.append(total / 8)
            optimizer.zeroGradients()
            _ = model.backward(gradient)
            optimizer.step()
        }
        for (previous, next) in zip(losses, losses.dropFirst()) {
            XCTAssertLessThan(next, previous, "losses \(losses)")
        }
        XCTAssertLessThan(losses.last!, 0.95 * losses.first!, "losses \(losses)")
    }
}
