import Foundation
import Neural
#if canImport(Glibc)
import Glibc
#endif

// The cases of `rlrun bench nn` (issue 3, item 10). Each case is timed as the
// median of several repetitions after a warm-up, at each requested OpenBLAS
// thread count, and compared with PyTorch measured on the same machine.
//
// FLOP counts are analytic: matrix products only, 2 FLOPs per multiply-add;
// elementwise work (activations, losses, optimiser updates) is not counted, so
// "achieved GFLOPS" is a lower bound on the work done.
//
// - sgemm n×n×n: 2n³.
// - MinAtar Q-network, per sample: conv 4→16 3×3 on 10×10 (8×8 outputs, no
//   padding) 2·(16·64)·(4·9) = 73,728; Dense 1024→128 262,144; Dense 128→6
//   1,536; forward 337,408. Backward without the input gradient of the first
//   layer (data needs none): conv 73,728 + 2·262,144 + 2·1,536 = 601,088.
//   DQN update, batch 32: online forward + target forward + backward =
//   32·(2·337,408 + 601,088) = 40,828,928.
// - CartPole MLP 4→64→64→2, per sample: forward 2·(256 + 4,096 + 128) = 8,960;
//   backward 512 + 2·(4,096 + 128) = 8,960; update at batch 128 with the target
//   forward: 128·(2·8,960 + 8,960) = 3,440,640.
// - LSTM(64→128), sequence 16, batch 16 (256 rows): forward x·W_ih
//   2·256·64·512 = 16,777,216 plus h·W_hh 2·256·128·512 = 33,554,432
//   (50,331,648); backward twice that (weight and input/state gradients),
//   100,663,296; update 150,994,944.

/// One measured case of the neural benchmark at one thread count.
public struct NeuralBenchmarkRow: Sendable {
    /// What was timed, e.g. `"LSTM(64→128) seq 16 b16 fwd+bwd+Adam"`.
    public var name: String
    /// What one operation is: `"updates"`, `"actions"`, `"calls"`, ...
    public var unit: String
    /// OpenBLAS threads used.
    public var threads: Int
    /// Median seconds per operation.
    public var secondsPerOperation: Double
    /// Process CPU seconds per operation in the same repetitions (median). Compared
    /// with ``secondsPerOperation`` × ``threads`` it shows how much of the machine
    /// the case really got: other processes on a shared machine lower the share.
    public var cpuSecondsPerOperation: Double
    /// Matrix-product FLOPs in one operation (see the counts at the top of this file).
    public var flopsPerOperation: Double
    /// Achieved GFLOPS divided by the 256×256×256 sgemm GFLOPS at the same thread count
    /// (the size of the products these networks do, and the roofline issue 13 sets).
    public var fractionOfSGEMM: Double?
    /// PyTorch 2.13's rate for the same case and thread count, measured on this
    /// machine (see shared/peers), when there is one.
    public var pytorchRate: Double?

    /// Operations per second.
    public var rate: Double { 1 / secondsPerOperation }
    /// Microseconds per operation.
    public var microsecondsPerOperation: Double { secondsPerOperation * 1e6 }
    /// Achieved GFLOPS.
    public var gigaflops: Double { flopsPerOperation / secondsPerOperation / 1e9 }
    /// The process's CPU time as a fraction of wall time × threads (1 when the case had its cores to itself).
    public var cpuShare: Double { cpuSecondsPerOperation / (secondsPerOperation * Double(threads)) }
    /// This rate divided by PyTorch's.
    public var ratioToPyTorch: Double? { pytorchRate.map { rate / $0 } }
}

/// The result of ``runNeuralBenchmark(threadCounts:repetitions:secondsPerRepetition:matching:)``.
public struct NeuralBenchmarkReport: Sendable {
    /// The OpenBLAS kernel in use during the run.
    public var kernel: String
    /// The CPU's model name (from `/proc/cpuinfo`; "unknown" elsewhere).
    public var cpuModel: String
    /// The CPU's vector features.
    public var cpuFeatures: String
    /// Every case at every thread count.
    public var rows: [NeuralBenchmarkRow]

    /// The rows as an aligned text table with a header line naming the kernel.
    public var table: String {
        var lines = [
            "OpenBLAS kernel: \(kernel); CPU: \(cpuModel) (\(cpuFeatures)).",
            "Reference columns: PyTorch 2.13 as shared/peers measured it on the project's reference machine "
                + "(an Intel Xeon, family 6 model 207; compare CPUs before reading ratios).",
        ]
        let header = ["case", "thr", "rate/s", "µs/op", "CPU", "GFLOPS", "of sgemm", "PyTorch/s", "ratio"]
        var cells: [[String]] = [header]
        for row in rows {
            cells.append([
                row.name, String(row.threads), formatted(row.rate), formatted(row.microsecondsPerOperation),
                String(format: "%.0f%%", 100 * row.cpuShare),
                row.flopsPerOperation > 0 ? String(format: "%.1f", row.gigaflops) : "-",
                row.fractionOfSGEMM.map { String(format: "%.0f%%", 100 * $0) } ?? "-",
                row.pytorchRate.map(formatted) ?? "-",
                row.ratioToPyTorch.map { String(format: "%.2fx", $0) } ?? "-",
            ])
        }
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        for row in cells {
            let padded = row.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + padding : padding + text
            }
            lines.append(padded.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs every case of `rlrun bench nn` at each thread count and returns the rows.
///
/// Each case is warmed up, calibrated so one repetition lasts about
/// `secondsPerRepetition`, then timed `repetitions` times; the median is kept.
/// The OpenBLAS thread count is restored afterwards. Run it from a release build
/// on an otherwise idle machine; the kernel is whatever OpenBLAS uses now (call
/// ``configureOpenBLASKernel(allowSwitch:)`` first to pick the fast one).
///
/// With `filter`, only the cases whose names contain it (case-insensitively) are
/// timed after the two sgemm rows, which are always kept as the reference.
public func runNeuralBenchmark(
    threadCounts: [Int] = [1, 2], repetitions: Int = 7, secondsPerRepetition: Double = 0.1,
    matching filter: String? = nil
) -> NeuralBenchmarkReport {
    let originalThreads = OpenBLAS.threadCount
    defer { setBLASThreads(originalThreads) }
    let timer = BenchmarkTimer(repetitions: max(1, repetitions), secondsPerRepetition: secondsPerRepetition)
    let kernel = OpenBLAS.coreName
    var rows: [NeuralBenchmarkRow] = []
    for threads in threadCounts {
        setBLASThreads(threads)
        var caseRows: [NeuralBenchmarkRow] = []
        for size in [256, 1024] {
            let gemm = SGEMMCase(size: size)
            caseRows.append(timer.row("sgemm \(size)×\(size)×\(size) (\(kernel))", unit: "calls", threads: threads,
                                      flops: 2 * pow(Double(size), 3), pytorch: nil) { gemm.run() })
        }
        let reference = caseRows[0].gigaflops
        for make in neuralBenchmarkCases() {
            let benchmark = make()
            if let filter, !filter.isEmpty, benchmark.name.range(of: filter, options: .caseInsensitive) == nil { continue }
            caseRows.append(timer.row(benchmark.name, unit: benchmark.unit, threads: threads,
                                      flops: benchmark.flops, pytorch: benchmark.pytorch[threads]) { benchmark.run() })
        }
        for index in caseRows.indices where caseRows[index].flopsPerOperation > 0 {
            caseRows[index].fractionOfSGEMM = caseRows[index].gigaflops / reference
        }
        rows += caseRows
    }
    return NeuralBenchmarkReport(kernel: kernel, cpuModel: cpuModelName(), cpuFeatures: CPUVectorFeatures.current.description,
                                 rows: rows)
}

/// The first `model name` line of `/proc/cpuinfo`.
private func cpuModelName() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
        if let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return "unknown"
}

// MARK: - Cases

/// A timed operation with its FLOP count and PyTorch reference rates by thread count.
private struct BenchmarkCase {
    var name: String
    var unit: String
    var flops: Double
    var pytorch: [Int: Double]
    var run: () -> Void
}

/// PyTorch 2.13 (CPU) rates measured on the project's reference machine, by thread count (shared/peers/results.md).
private enum PyTorchReference {
    static let minatarUpdate: [Int: Double] = [1: 414, 2: 459]
    static let minatarAct: [Int: Double] = [1: 17_841, 2: 16_612]
    static let minatarForward32: [Int: Double] = [1: 3_508, 2: 4_593]
    static let cartPoleUpdate: [Int: Double] = [1: 1_382, 2: 1_099]
    static let cartPoleAct: [Int: Double] = [1: 31_210, 2: 29_639]
    static let lstmUpdate: [Int: Double] = [1: 398, 2: 309]
    static let lstmForward: [Int: Double] = [1: 1_797, 2: 1_751]
    static let lstmStep: [Int: Double] = [1: 8_518, 2: 7_420]
}

/// The cases after sgemm, in table order; each is built fresh for every thread count.
private func neuralBenchmarkCases() -> [() -> BenchmarkCase] {
    [minatarUpdateCase, minatarActCase, minatarForwardCase,
     cartPoleUpdateCase, cartPoleActCase, lstmUpdateCase, lstmForwardCase, lstmStepCase]
}

private final class SGEMMCase {
    let size: Int
    let a: Tensor, b: Tensor, c: Tensor

    init(size: Int) {
        self.size = size
        var generator = BenchmarkRandom(seed: UInt64(size))
        a = benchmarkTensor([size, size], &generator)
        b = benchmarkTensor([size, size], &generator)
        c = Tensor(shape: [size, size])
    }

    func run() {
        BLAS.gemm(m: size, n: size, k: size, a: a.pointer, b: b.pointer, c: c.pointer)
    }
}

/// A network whose input is data, so its first layer skips the input gradient (as PyTorch does).
private func network(_ layers: [any Layer]) -> Sequential {
    let model = Sequential(layers)
    model.computesInputGradient = false
    return model
}

/// One DQN update on a fixed batch: online forward on s, target forward on s′,
/// TD target r + γ(1 − terminated)·max Q′, loss on Q(s, a), backward, optimiser step.
private final class DQNUpdate {
    let online: Sequential, target: Sequential
    let optimizer: any Optimizer
    let loss: any RegressionLoss
    let states: Tensor, nextStates: Tensor
    let actions: [Int], rewards: [Float], terminated: [Float]
    let chosen: Tensor, targets: Tensor, qGradient: Tensor
    let actionCount: Int

    init(online: Sequential, target: Sequential, optimizer: any Optimizer, loss: any RegressionLoss,
         observationShape: [Int], actionCount: Int, batch: Int, binaryObservations: Bool) {
        self.online = online
        self.target = target
        self.optimizer = optimizer
        self.loss = loss
        self.actionCount = actionCount
        copyParameters(from: online.parameters, to: target.parameters)
        var generator = BenchmarkRandom(seed: 99)
        func observations() -> Tensor {
            let tensor = benchmarkTensor([batch] + observationShape, &generator)
            if binaryObservations {
                for index in 0..<tensor.count { tensor[index] = tensor[index] > 0.8 ? 1 : 0 }
            }
            return tensor
        }
        states = observations()
        nextStates = observations()
        actions = (0..<batch).map { _ in Int(generator.next() % UInt64(actionCount)) }
        rewards = (0..<batch).map { _ in Float(generator.next() % 2) }
        terminated = (0..<batch).map { _ in generator.next() % 20 == 0 ? 1 : 0 }
        chosen = Tensor(shape: [batch])
        targets = Tensor(shape: [batch])
        qGradient = Tensor(shape: [batch, actionCount])
    }

    func run() {
        let batch = actions.count, width = actionCount
        let q = online.forward(states)
        let nextQ = target.forward(nextStates)
        for i in 0..<batch {
            var best = nextQ[i * width]
            for a in 1..<width { best = max(best, nextQ[i * width + a]) }
            targets[i] = rewards[i] + 0.99 * (1 - terminated[i]) * best
            chosen[i] = q[i * width + actions[i]]
        }
        loss.compute(prediction: chosen, target: targets)
        qGradient.fill(0)
        for i in 0..<batch { qGradient[i * width + actions[i]] = loss.gradient[i] }
        optimizer.zeroGradients()
        _ = online.backward(qGradient)
        optimizer.step()
    }
}

/// Greedy action selection for one observation: forward at batch 1, then argmax.
private func greedyActionCase(name: String, network: Sequential, observationShape: [Int],
                              flops: Double, pytorch: [Int: Double]) -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 5)
    let observation = benchmarkTensor([1] + observationShape, &generator)
    var sink = 0
    return BenchmarkCase(name: name, unit: "actions", flops: flops, pytorch: pytorch) {
        let q = network.forward(observation)
        var best = 0
        for a in 1..<q.count where q[a] > q[best] { best = a }
        sink &+= best
        blackHole(sink)
    }
}

/// The MinAtar DQN network (Young & Tian 2019) with the full action set of 6.
private func minatarNetwork(_ generator: inout BenchmarkRandom) -> Sequential {
    network([
        Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: 3, stride: 1, generator: &generator), ReLU(),
        Flatten(),
        Dense(inputSize: 16 * 8 * 8, outputSize: 128, generator: &generator), ReLU(),
        Dense(inputSize: 128, outputSize: 6, generator: &generator),
    ])
}

private func minatarUpdateCase() -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 6)
    let online = minatarNetwork(&generator), target = minatarNetwork(&generator)
    let optimizer = RMSProp(parameters: online.parameters, learningRate: 2.5e-4, alpha: 0.95, epsilon: 0.01, centered: true)
    let update = DQNUpdate(
        online: online, target: target, optimizer: optimizer, loss: HuberLoss(),
        observationShape: [4, 10, 10], actionCount: 6, batch: 32, binaryObservations: true)
    return BenchmarkCase(name: "MinAtar DQN update b32 Huber+RMSProp(centred)", unit: "updates",
                         flops: 40_828_928, pytorch: PyTorchReference.minatarUpdate, run: update.run)
}

private func minatarActCase() -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 7)
    return greedyActionCase(name: "MinAtar act: forward b1 + argmax", network: minatarNetwork(&generator),
                            observationShape: [4, 10, 10], flops: 337_408, pytorch: PyTorchReference.minatarAct)
}

private func minatarForwardCase() -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 8)
    let model = minatarNetwork(&generator)
    let states = benchmarkTensor([32, 4, 10, 10], &generator)
    for index in 0..<states.count { states[index] = states[index] > 0.8 ? 1 : 0 }
    return BenchmarkCase(name: "MinAtar forward only b32", unit: "forwards",
                         flops: 32 * 337_408, pytorch: PyTorchReference.minatarForward32) {
        _ = model.forward(states)
    }
}

private func cartPoleNetwork(_ generator: inout BenchmarkRandom) -> Sequential {
    network([
        Dense(inputSize: 4, outputSize: 64, generator: &generator), ReLU(),
        Dense(inputSize: 64, outputSize: 64, generator: &generator), ReLU(),
        Dense(inputSize: 64, outputSize: 2, generator: &generator),
    ])
}

private func cartPoleUpdateCase() -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 1)
    let online = cartPoleNetwork(&generator), target = cartPoleNetwork(&generator)
    let update = DQNUpdate(
        online: online, target: target, optimizer: Adam(parameters: online.parameters, learningRate: 2.5e-4),
        loss: MSELoss(), observationShape: [4], actionCount: 2, batch: 128, binaryObservations: false)
    return BenchmarkCase(name: "CartPole MLP 4-64-64-2 DQN update b128 MSE+Adam", unit: "updates",
                         flops: 3_440_640, pytorch: PyTorchReference.cartPoleUpdate, run: update.run)
}

private func cartPoleActCase() -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 2)
    return greedyActionCase(name: "CartPole MLP act: forward b1 + argmax", network: cartPoleNetwork(&generator),
                            observationShape: [4], flops: 8_960, pytorch: PyTorchReference.cartPoleAct)
}

/// LSTM(64→128) over 16 steps at batch 16, as PyTorch's case: MSE of the outputs
/// against a fixed target, backward through time, Adam step.
private final class LSTMUpdate {
    let lstm: LSTM
    let adam: Adam
    let loss = MSELoss()
    let input: Tensor, target: Tensor

    init() {
        var generator = BenchmarkRandom(seed: 3)
        lstm = LSTM(inputSize: 64, hiddenSize: 128, generator: &generator)
        adam = Adam(parameters: lstm.parameters, learningRate: 1e-3)
        input = benchmarkTensor([16, 16, 64], &generator)
        target = benchmarkTensor([16, 16, 128], &generator)
    }

    func update() {
        loss.compute(prediction: lstm.forward(input), target: target)
        adam.zeroGradients()
        _ = lstm.backward(loss.gradient)
        adam.step()
    }
}

private func lstmUpdateCase() -> BenchmarkCase {
    let update = LSTMUpdate()
    return BenchmarkCase(name: "LSTM(64→128) seq16 b16 fwd+bwd+Adam", unit: "updates",
                         flops: 150_994_944, pytorch: PyTorchReference.lstmUpdate, run: update.update)
}

private func lstmForwardCase() -> BenchmarkCase {
    let update = LSTMUpdate()
    return BenchmarkCase(name: "LSTM(64→128) seq16 b16 forward only", unit: "forwards",
                         flops: 50_331_648, pytorch: PyTorchReference.lstmForward) {
        _ = update.lstm.forward(update.input)
    }
}

private func lstmStepCase() -> BenchmarkCase {
    var generator = BenchmarkRandom(seed: 4)
    let lstm = LSTM(inputSize: 64, hiddenSize: 128, generator: &generator)
    let input = benchmarkTensor([1, 64], &generator)
    let hidden = Tensor(shape: [1, 128]), cell = Tensor(shape: [1, 128])
    return BenchmarkCase(name: "LSTM(64→128) single step b1 (acting)", unit: "steps",
                         flops: 2 * (64 + 128) * 512, pytorch: PyTorchReference.lstmStep) {
        lstm.step(input: input, hidden: hidden, cell: cell)
        // Keep the state bounded and the work identical from step to step.
        hidden.fill(0)
        cell.fill(0)
    }
}

// MARK: - Timing

private struct BenchmarkTimer {
    let repetitions: Int
    let secondsPerRepetition: Double

    func row(_ name: String, unit: String, threads: Int, flops: Double, pytorch: Double?,
             _ operation: () -> Void) -> NeuralBenchmarkRow {
        let (wall, cpu) = medianSeconds(operation)
        return NeuralBenchmarkRow(name: name, unit: unit, threads: threads,
                                  secondsPerOperation: wall, cpuSecondsPerOperation: cpu,
                                  flopsPerOperation: flops, fractionOfSGEMM: nil, pytorchRate: pytorch)
    }

    /// Median wall and process-CPU seconds per call of `operation` over the repetitions.
    func medianSeconds(_ operation: () -> Void) -> (wall: Double, cpu: Double) {
        // Warm-up: first-call allocations, caches, BLAS thread start-up.
        var calls = 1
        var elapsed = time(calls, operation).wall
        while elapsed < secondsPerRepetition / 4 {
            calls *= 2
            elapsed = time(calls, operation).wall
        }
        let perRepetition = max(1, Int(Double(calls) * secondsPerRepetition / elapsed))
        let samples = (0..<repetitions).map { _ in time(perRepetition, operation) }
        let walls = samples.map { $0.wall / Double(perRepetition) }.sorted()
        let cpus = samples.map { $0.cpu / Double(perRepetition) }.sorted()
        return (walls[walls.count / 2], cpus[cpus.count / 2])
    }

    private func time(_ calls: Int, _ operation: () -> Void) -> (wall: Double, cpu: Double) {
        let startCPU = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { operation() }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (wall, processCPUSeconds() - startCPU)
    }
}

/// CPU time used by this process (all threads), in seconds.
private func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// SplitMix64, for benchmark data only.
private struct BenchmarkRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func benchmarkTensor(_ shape: [Int], _ generator: inout BenchmarkRandom) -> Tensor {
    let tensor = Tensor(shape: shape)
    Initializers.uniform(tensor, bound: 1, using: &generator)
    return tensor
}

/// Keeps a result alive so the optimiser cannot drop the work that produced it.
@inline(never)
private func blackHole(_ value: Int) {
    if value == Int.min { print("") }
}

private func formatted(_ value: Double) -> String {
    if value >= 100 {
        let whole = Int(value.rounded())
        var digits = String(whole), grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped
    }
    return String(format: value >= 10 ? "%.1f" : "%.2f", value)
}
