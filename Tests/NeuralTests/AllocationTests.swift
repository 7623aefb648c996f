import XCTest
@testable import Neural

/// A training step with a fixed batch size allocates nothing after its first call:
/// no Swift heap object (counted through the runtime's allocation hook) and no new
/// tensor storage (every buffer keeps its address and capacity).
final class AllocationTests: XCTestCase {
    func testCounterSeesAllocations() throws {
        var kept: [Tensor] = []
        let count = try XCTUnwrap(countObjectAllocations {
            for _ in 0..<10 { kept.append(Tensor(shape: [3])) }
        })
        XCTAssertGreaterThanOrEqual(count, 10)
        XCTAssertEqual(kept.count, 10)
    }

    /// Every tensor a training step touches: outputs, gradients, parameters, optimiser state.
    private func storage(_ tensors: [Tensor]) -> [String] {
        tensors.map { "\(UInt(bitPattern: $0.pointer)) \($0.capacity) \($0.shape)" }
    }

    /// Runs `step` once to size the buffers, then checks that two more calls allocate
    /// no Swift object and leave every tensor of `tensors()` where it was.
    private func assertStepsAllocateNothing(
        _ step: () -> Void, tensors: () -> [Tensor], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        step()
        let first = storage(tensors())
        let allocations = countObjectAllocations {
            step()
            step()
        }
        let second = storage(tensors())
        XCTAssertEqual(first, second, "tensor storage changed between identical steps", file: file, line: line)
        guard let count = allocations else { throw XCTSkip("the Swift runtime offers no allocation hook here") }
        XCTAssertEqual(count, 0, "Swift heap allocations in two training steps", file: file, line: line)
    }

    func testDQNStepWithCenteredRMSPropAllocatesNothing() throws {
        var generator = SplitMix64(seed: 60)
        let network = Sequential([
            Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: 3, generator: &generator),
            ReLU(),
            Flatten(),
            Dense(inputSize: 1024, outputSize: 128, generator: &generator),
            ReLU(),
            Dense(inputSize: 128, outputSize: 6, generator: &generator),
        ])
        network.computesInputGradient = false
        let target = Sequential([
            Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: 3, generator: &generator),
            ReLU(),
            Flatten(),
            Dense(inputSize: 1024, outputSize: 128, generator: &generator),
            ReLU(),
            Dense(inputSize: 128, outputSize: 6, generator: &generator),
        ])
        let optimizer = RMSProp(parameters: network.parameters, learningRate: 2.5e-4, alpha: 0.95, epsilon: 0.01, centered: true)
        let loss = HuberLoss()
        let observations = randomTensor([32, 4, 10, 10], &generator, low: 0, high: 1)
        let targets = randomTensor([32, 6], &generator)
        let weights = randomTensor([32], &generator, low: 0.5, high: 1)
        var next = Tensor(shape: [0]), q = Tensor(shape: [0]), inputGradient = Tensor(shape: [0])
        try assertStepsAllocateNothing {
            next = target.forward(observations)
            q = network.forward(observations)
            loss.compute(prediction: q, target: targets, weights: weights)
            optimizer.zeroGradients()
            inputGradient = network.backward(loss.gradient)
            clipGradientNorm(network.parameters, maxNorm: 10)
            optimizer.step()
            polyakUpdate(from: network.parameters, to: target.parameters, tau: 0.005)
        } tensors: {
            [next, q, loss.gradient, inputGradient]
                + network.parameters.flatMap { [$0.value, $0.gradient] } + optimizer.stateTensors
        }
    }

    func testClassifierStepWithEveryLayerAllocatesNothing() throws {
        var generator = SplitMix64(seed: 61)
        let network = Sequential([
            Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, stride: 1, padding: 1, generator: &generator),
            Tanh(),
            MaxPool2D(kernelSize: 2),
            Flatten(),
            Dense(inputSize: 4 * 4 * 4, outputSize: 8, generator: &generator),
            Sigmoid(),
            Dense(inputSize: 8, outputSize: 5, generator: &generator),
            Softmax(),
            LogSoftmax(),
        ])
        let adam = Adam(parameters: network.parameters)
        let sgd = SGD(parameters: network.parameters, learningRate: 0.01, momentum: 0.9)
        let crossEntropy = SoftmaxCrossEntropyLoss()
        let mse = MSELoss()
        let images = randomTensor([6, 1, 8, 8], &generator)
        let labels = [0, 1, 2, 3, 4, 0]
        let targets = randomTensor([6, 5], &generator)
        var logits = Tensor(shape: [0]), inputGradient = Tensor(shape: [0])
        try assertStepsAllocateNothing {
            logits = network.forward(images)
            crossEntropy.compute(logits: logits, labels: labels)
            adam.zeroGradients()
            _ = network.backward(crossEntropy.gradient)
            adam.step()
            mse.compute(prediction: network.forward(images), target: targets)
            sgd.zeroGradients()
            inputGradient = network.backward(mse.gradient)
            sgd.step()
        } tensors: {
            [logits, crossEntropy.gradient, mse.gradient, inputGradient] + adam.stateTensors + sgd.stateTensors
        }
    }

    /// DQN acts on one observation and trains on a batch with the same network: the
    /// alternating batch sizes must not allocate either.
    func testAlternatingBatchSizesAllocateNothing() throws {
        var generator = SplitMix64(seed: 62)
        let network = Sequential([
            Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: 3, generator: &generator),
            ReLU(),
            MaxPool2D(kernelSize: 2),
            Flatten(),
            Dense(inputSize: 256, outputSize: 32, generator: &generator),
            Tanh(),
            Dense(inputSize: 32, outputSize: 6, generator: &generator),
            LogSoftmax(),
        ])
        let optimizer = Adam(parameters: network.parameters)
        let loss = MSELoss()
        let observation = randomTensor([1, 4, 10, 10], &generator)
        let batch = randomTensor([32, 4, 10, 10], &generator)
        let targets = randomTensor([32, 6], &generator)
        var action = Tensor(shape: [0]), inputGradient = Tensor(shape: [0])
        try assertStepsAllocateNothing {
            action = network.forward(observation)
            loss.compute(prediction: network.forward(batch), target: targets)
            optimizer.zeroGradients()
            inputGradient = network.backward(loss.gradient)
            optimizer.step()
        } tensors: {
            [loss.gradient, inputGradient] + optimizer.stateTensors
        }
        XCTAssertEqual(action.shape, [32, 6], "the network's output buffer is shared by both batch sizes")
    }
}
