import Foundation
import NeuralKernels

/// A long short-term memory layer run over whole sequences, with full
/// backpropagation through time.
///
/// - Input: `[batch, time, inputSize]` (batch-first). Output: the hidden state of
///   every step, `[batch, time, hiddenSize]`.
/// - Gates, in PyTorch's order i, f, g, o (input, forget, cell candidate,
///   output), from `z = x·W_ih + h·W_hh + b`:
///   `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
/// - Parameters, in this order (named `inputWeight`, `hiddenWeight`, `bias`;
///   ``Sequential`` prefixes them with the layer's index): ``inputWeight`` `W_ih` `[inputSize, 4·hiddenSize]`,
///   ``hiddenWeight`` `W_hh` `[hiddenSize, 4·hiddenSize]` (inputs × outputs, so
///   plain sgemm applies), and one ``bias`` `[4·hiddenSize]` (PyTorch's two biases
///   summed; they are equivalent). Each gate occupies a block of `hiddenSize`
///   columns in the order above.
/// - Initialisation: every weight and bias uniform in `[-1/√H, 1/√H]` as in
///   PyTorch, then the forget-gate bias set to 1 so that memory is kept early in
///   training.
///
/// ``forward(_:initialHidden:initialCell:episodeStarts:)`` takes the state before
/// the first step (zero when nil) and where episodes begin as arguments; the state
/// after the last step is then in ``finalHidden``/``finalCell``.
/// ``backward(_:finalHiddenGradient:finalCellGradient:)`` also takes the gradient
/// arriving at the final state from outside (truncated BPTT across windows) and
/// leaves the gradient with respect to the initial state in
/// ``initialHiddenGradient``/``initialCellGradient``.
///
/// For acting one step at a time, ``step(input:hidden:cell:)`` advances a batch
/// of states in place without allocating.
public final class LSTM: Layer, CustomStringConvertible {
    /// A short name for descriptions.
    public var name: String
    /// Features per step of the input.
    public let inputSize: Int
    /// Features of the hidden and cell state.
    public let hiddenSize: Int

    /// `W_ih`, `[inputSize, 4·hiddenSize]`.
    public let inputWeight: Parameter
    /// `W_hh`, `[hiddenSize, 4·hiddenSize]`.
    public let hiddenWeight: Parameter
    /// `b`, `[4·hiddenSize]`.
    public let bias: Parameter

    public var parameters: [Parameter] { [inputWeight, hiddenWeight, bias] }

    public var description: String { "LSTM(\(inputSize) → \(hiddenSize))" }

    /// The hidden state after the last step of the last ``forward(_:)``, `[batch, hiddenSize]`.
    public let finalHidden = Tensor(shape: [0, 0])
    /// The cell state after the last step of the last ``forward(_:)``, `[batch, hiddenSize]`.
    public let finalCell = Tensor(shape: [0, 0])
    /// The gradient with respect to the initial hidden state, set by the last backward pass.
    public let initialHiddenGradient = Tensor(shape: [0, 0])
    /// The gradient with respect to the initial cell state, set by the last backward pass.
    public let initialCellGradient = Tensor(shape: [0, 0])

    // What the last forward pass was given, kept by reference for the backward pass.
    private var input = Tensor(shape: [0])
    private var initialHidden: Tensor?
    private var initialCell: Tensor?
    private var episodeStarts: Tensor?
    // Buffers kept for the backward pass; they grow with the batch and never shrink.
    private let output = Tensor(shape: [0, 0, 0])
    /// Pre-activations, then activated gates (i, f, g, o), `[batch, time, 4H]`.
    private let gates = Tensor(shape: [0, 0, 0])
    /// The state each step starts from: `h_{t-1}`, `[batch, time, H]`.
    private let previousHidden = Tensor(shape: [0, 0, 0])
    /// `c_t` and `tanh(c_t)`, `[batch, time, H]` each.
    private let cells = Tensor(shape: [0, 0, 0])
    private let cellTanh = Tensor(shape: [0, 0, 0])
    private let zeroState = Tensor(shape: [0, 0])
    /// Gradients with respect to the gate pre-activations, `[batch, time, 4H]`.
    private let gateGradient = Tensor(shape: [0, 0, 0])
    /// W_hhᵀ, `[4·hidden, hidden]`, made once per backward pass for its per-step products.
    private let transposedHiddenWeight = Tensor(shape: [0, 0])
    private let inputGradient = Tensor(shape: [0, 0, 0])
    /// Pre-activations for ``step(input:hidden:cell:)``, `[batch, 4H]`.
    private let stepGates = Tensor(shape: [0, 0])
    private let stepCellTanh = Tensor(shape: [0, 0])
    // Inference's own buffers: the state it carries, one step's input, its output.
    private let inferenceHidden = Tensor(shape: [0, 0])
    private let inferenceCell = Tensor(shape: [0, 0])
    private let inferenceStepInput = Tensor(shape: [0, 0])
    private let inferenceOutput = Tensor(shape: [0, 0, 0])

    /// Creates a layer with PyTorch's initialisation drawn from `generator`.
    public init(
        inputSize: Int, hiddenSize: Int, name: String = "LSTM",
        generator: inout some RandomNumberGenerator
    ) {
        precondition(inputSize > 0 && hiddenSize > 0, "LSTM sizes must be positive")
        self.name = name
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let gateWidth = 4 * hiddenSize
        inputWeight = Parameter(name: "inputWeight", value: Tensor(shape: [inputSize, gateWidth]))
        hiddenWeight = Parameter(name: "hiddenWeight", value: Tensor(shape: [hiddenSize, gateWidth]))
        bias = Parameter(name: "bias", value: Tensor(shape: [gateWidth]))
        let bound = 1 / Float(hiddenSize).squareRoot()
        for parameter in [inputWeight, hiddenWeight, bias] {
            Initializers.uniform(parameter.value, bound: bound, using: &generator)
        }
        for unit in hiddenSize..<(2 * hiddenSize) { bias.value[unit] = 1 }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3, "LSTM takes [batch, time, features], got \(inputShape)")
        return [inputShape[0], inputShape[1], hiddenSize]
    }

    // MARK: - Forward

    /// Runs the whole sequence from a zero state with no episode starts; see
    /// ``forward(_:initialHidden:initialCell:episodeStarts:)``.
    public func forward(_ input: Tensor) -> Tensor {
        forward(input, initialHidden: nil, initialCell: nil, episodeStarts: nil)
    }

    /// Runs the whole sequence and returns every step's hidden state,
    /// `[batch, time, hiddenSize]`.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - initialHidden: the hidden state before the first step, `[batch, hiddenSize]`;
    ///     nil means zeros. Copied before this returns.
    ///   - initialCell: the cell state before the first step, `[batch, hiddenSize]`;
    ///     nil means zeros.
    ///   - episodeStarts: where episodes begin inside the sequence, `[batch, time]`;
    ///     nil means nowhere. A nonzero entry at `(b, t)` resets row `b`'s state to
    ///     zero before step `t` (as recurrent agents do at episode boundaries), so
    ///     neither the state nor its gradient crosses that boundary.
    ///
    /// `input`, `initialCell` and `episodeStarts` are kept by reference for
    /// ``backward(_:finalHiddenGradient:finalCellGradient:)``: leave them unchanged
    /// until it has run.
    public func forward(
        _ input: Tensor, initialHidden: Tensor?, initialCell: Tensor?, episodeStarts: Tensor?
    ) -> Tensor {
        self.initialHidden = initialHidden
        self.initialCell = initialCell
        self.episodeStarts = episodeStarts
        let shape = input.shape
        precondition(shape.count == 3 && shape[2] == inputSize,
                     "LSTM(\(inputSize)→\(hiddenSize)) takes [batch, time, \(inputSize)], got \(shape)")
        let batch = shape[0], time = shape[1], hidden = hiddenSize, width = 4 * hiddenSize
        precondition(time > 0, "LSTM needs at least one time step")
        self.input = input
        output.resize(batch, time, hidden)
        gates.resize(batch, time, width)
        previousHidden.resize(batch, time, hidden)
        cells.resize(batch, time, hidden)
        cellTanh.resize(batch, time, hidden)
        finalHidden.resize(batch, hidden)
        finalCell.resize(batch, hidden)
        let (startHidden, startCell) = startState(batch: batch)
        let starts = episodeStartPointer(batch: batch, time: time)

        // All input projections at once: gates = b + x·W_ih over batch × time rows.
        let rows = batch * time
        let z = gates.pointer
        for row in 0..<rows { (z + row * width).update(from: bias.value.pointer, count: width) }
        BLAS.gemm(m: rows, n: width, k: inputSize,
                  a: input.pointer, b: inputWeight.value.pointer, beta: 1, c: z)

        let h = output.pointer, c = cells.pointer, tc = cellTanh.pointer, hp = previousHidden.pointer
        let sequenceStride = time * hidden, gateStride = time * width
        for t in 0..<time {
            for b in 0..<batch {
                let destination = hp + b * sequenceStride + t * hidden
                if let starts, starts[b * time + t] != 0 {
                    destination.update(repeating: 0, count: hidden)
                } else {
                    let source = t == 0 ? startHidden.pointer + b * hidden : h + b * sequenceStride + (t - 1) * hidden
                    destination.update(from: source, count: hidden)
                }
            }
            // gates[:, t] += h_{t-1}·W_hh, reading and writing strided rows in place. A
            // few-row product: BLAS would repack all of W_hh at every step.
            nk_gemm_accumulate(batch, width, hidden, hp + t * hidden, sequenceStride,
                               hiddenWeight.value.pointer, width, z + t * width, gateStride)
            for b in 0..<batch {
                let offset = b * sequenceStride + t * hidden
                let cellBefore = cellEntering(step: t, row: b, starts: starts, time: time, startCell: startCell)
                applyCell(gates: z + b * gateStride + t * width, cellBefore: cellBefore,
                          cell: c + offset, cellTanh: tc + offset, hidden: h + offset)
            }
        }
        for b in 0..<batch {
            let last = b * sequenceStride + (time - 1) * hidden
            (finalHidden.pointer + b * hidden).update(from: h + last, count: hidden)
            (finalCell.pointer + b * hidden).update(from: c + last, count: hidden)
        }
        return output
    }

    /// Activates one row of gate pre-activations in place and computes the new state.
    @inline(__always)
    private func applyCell(
        gates z: UnsafeMutablePointer<Float>, cellBefore: UnsafePointer<Float>,
        cell: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>,
        hidden h: UnsafeMutablePointer<Float>
    ) {
        nk_lstm_cell_forward(z, cellBefore, cell, cellTanh, h, hiddenSize)
    }

    /// The cell state entering step `t` of row `b`: zero at an episode start, else
    /// the previous step's (or the initial) cell.
    @inline(__always)
    private func cellEntering(
        step t: Int, row b: Int, starts: UnsafePointer<Float>?, time: Int, startCell: Tensor
    ) -> UnsafePointer<Float> {
        if let starts, starts[b * time + t] != 0 { return UnsafePointer(zeroState.pointer) }
        if t == 0 { return UnsafePointer(startCell.pointer + b * hiddenSize) }
        return UnsafePointer(cells.pointer + (b * time + t - 1) * hiddenSize)
    }

    /// The episode-start flags, checked against the batch, or nil.
    private func episodeStartPointer(batch: Int, time: Int) -> UnsafePointer<Float>? {
        guard let episodeStarts else { return nil }
        precondition(episodeStarts.count == batch * time,
                     "episodeStarts must be [\(batch), \(time)], got \(episodeStarts.shape)")
        return UnsafePointer(episodeStarts.pointer)
    }

    private func startState(batch: Int) -> (hidden: Tensor, cell: Tensor) {
        if initialHidden == nil || initialCell == nil || episodeStarts != nil {
            zeroState.resize(batch, hiddenSize)
            zeroState.fill(0)
        }
        let hidden = initialHidden ?? zeroState
        let cell = initialCell ?? zeroState
        precondition(hidden.count == batch * hiddenSize && cell.count == batch * hiddenSize,
                     "initial state must be [\(batch), \(hiddenSize)], got \(hidden.shape) and \(cell.shape)")
        return (hidden, cell)
    }

    // MARK: - Backward

    /// Back-propagates through time with no gradient arriving at the final state.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, finalHiddenGradient: nil, finalCellGradient: nil)
    }

    /// Back-propagates `outputGradient` (`[batch, time, hiddenSize]`) through the
    /// last forward pass, adding the gradients that reach the final hidden and
    /// cell state from outside (nil for none).
    ///
    /// Adds to the parameters' gradients, sets ``initialHiddenGradient``/
    /// ``initialCellGradient``, and returns the gradient with respect to the
    /// input, `[batch, time, inputSize]` (owned by the layer).
    public func backward(
        _ outputGradient: Tensor, finalHiddenGradient: Tensor?, finalCellGradient: Tensor?
    ) -> Tensor {
        let batch = output.shape[0], time = output.shape[1], hidden = hiddenSize, width = 4 * hiddenSize
        precondition(outputGradient.count == output.count,
                     "LSTM output gradient must be \(output.shape), got \(outputGradient.shape)")
        gateGradient.resize(batch, time, width)
        inputGradient.resize(batch, time, inputSize)
        initialHiddenGradient.resize(batch, hidden)
        initialCellGradient.resize(batch, hidden)
        let hiddenCarry = initialHiddenGradient.pointer, cellCarry = initialCellGradient.pointer
        startCarry(hiddenCarry, from: finalHiddenGradient, count: batch * hidden)
        startCarry(cellCarry, from: finalCellGradient, count: batch * hidden)
        let startCell = startState(batch: batch).cell
        let starts = episodeStartPointer(batch: batch, time: time)

        let dOut = outputGradient.pointer, z = gates.pointer, dz = gateGradient.pointer
        let tc = cellTanh.pointer
        let sequenceStride = time * hidden, gateStride = time * width
        transposedHiddenWeight.resize(width, hidden)
        let hiddenWeightT = transposedHiddenWeight.pointer
        nk_transpose_add(hiddenWeight.value.pointer, nil, hiddenWeightT, 1, hidden, width)
        for t in stride(from: time - 1, through: 0, by: -1) {
            for b in 0..<batch {
                let offset = b * sequenceStride + t * hidden
                let gateRow = z + b * gateStride + t * width
                let gradientRow = dz + b * gateStride + t * width
                let cellBefore = cellEntering(step: t, row: b, starts: starts, time: time, startCell: startCell)
                applyCellGradient(
                    gates: gateRow, cellBefore: cellBefore, cellTanh: tc + offset, outputGradient: dOut + offset,
                    hiddenCarry: hiddenCarry + b * hidden, cellCarry: cellCarry + b * hidden, gateGradient: gradientRow)
            }
            // dh_{t-1} = dz_t·W_hhᵀ (a few-row product, as in forward)
            hiddenCarry.update(repeating: 0, count: batch * hidden)
            nk_gemm_accumulate(batch, hidden, width, dz + t * width, gateStride, hiddenWeightT, hidden, hiddenCarry, hidden)
            if let starts {
                // Nothing flows back across an episode start.
                for b in 0..<batch where starts[b * time + t] != 0 {
                    (hiddenCarry + b * hidden).update(repeating: 0, count: hidden)
                    (cellCarry + b * hidden).update(repeating: 0, count: hidden)
                }
            }
        }

        let rows = batch * time
        BLAS.gemm(transposeA: true, m: inputSize, n: width, k: rows,
                  a: input.pointer, b: dz, beta: 1, c: inputWeight.gradient.pointer)
        BLAS.gemm(transposeA: true, m: hidden, n: width, k: rows,
                  a: previousHidden.pointer, b: dz, beta: 1, c: hiddenWeight.gradient.pointer)
        let biasGradient = bias.gradient.pointer
        for row in 0..<rows {
            let gradientRow = dz + row * width
            var k = 0
            while k + FloatVector.scalarCount <= width {
                store(load(biasGradient + k) + load(gradientRow + k), biasGradient + k)
                k += FloatVector.scalarCount
            }
            while k < width {
                biasGradient[k] += gradientRow[k]
                k += 1
            }
        }
        BLAS.gemm(transposeB: true, m: rows, n: inputSize, k: width,
                  a: dz, b: inputWeight.value.pointer, c: inputGradient.pointer)
        return inputGradient
    }

    /// One row of the backward step: from the gradient reaching `h_t` (output plus
    /// carry) and `c_t` (carry), the gate pre-activation gradients, and the cell
    /// carry for `c_{t-1}` (in place). The hidden carry is read here and replaced
    /// by the caller's matrix product.
    @inline(__always)
    private func applyCellGradient(
        gates: UnsafePointer<Float>, cellBefore: UnsafePointer<Float>, cellTanh: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, hiddenCarry: UnsafePointer<Float>,
        cellCarry: UnsafeMutablePointer<Float>, gateGradient dz: UnsafeMutablePointer<Float>
    ) {
        let n = hiddenSize
        var j = 0
        while j + FloatVector.scalarCount <= n {
            let i = load(gates + j), f = load(gates + n + j), g = load(gates + 2 * n + j), o = load(gates + 3 * n + j)
            let squashed = load(cellTanh + j)
            let hiddenGrad = load(outputGradient + j) + load(hiddenCarry + j)
            let cellGrad = load(cellCarry + j) + hiddenGrad * o * (1 - squashed * squashed)
            store(cellGrad * g * i * (1 - i), dz + j)
            store(cellGrad * load(cellBefore + j) * f * (1 - f), dz + n + j)
            store(cellGrad * i * (1 - g * g), dz + 2 * n + j)
            store(hiddenGrad * squashed * o * (1 - o), dz + 3 * n + j)
            store(cellGrad * f, cellCarry + j)
            j += FloatVector.scalarCount
        }
        while j < n {
            let i = gates[j], f = gates[n + j], g = gates[2 * n + j], o = gates[3 * n + j]
            let squashed = cellTanh[j]
            let hiddenGrad = outputGradient[j] + hiddenCarry[j]
            let cellGrad = cellCarry[j] + hiddenGrad * o * (1 - squashed * squashed)
            dz[j] = cellGrad * g * i * (1 - i)
            dz[n + j] = cellGrad * cellBefore[j] * f * (1 - f)
            dz[2 * n + j] = cellGrad * i * (1 - g * g)
            dz[3 * n + j] = hiddenGrad * squashed * o * (1 - o)
            cellCarry[j] = cellGrad * f
            j += 1
        }
    }

    private func startCarry(_ carry: UnsafeMutablePointer<Float>, from gradient: Tensor?, count: Int) {
        if let gradient {
            precondition(gradient.count == count, "final state gradient must have \(count) scalars, got \(gradient.shape)")
            carry.update(from: gradient.pointer, count: count)
        } else {
            carry.update(repeating: 0, count: count)
        }
    }

    // MARK: - Inference

    /// Runs the whole sequence from a zero state with no episode starts, like
    /// ``forward(_:)``, one ``step(input:hidden:cell:)`` at a time on buffers of its
    /// own: equal to the forward pass up to rounding (a batch of one takes a
    /// matrix-vector path), and leaving everything the backward pass needs intact.
    public func inference(_ input: Tensor) -> Tensor {
        let shape = input.shape
        precondition(shape.count == 3 && shape[2] == inputSize,
                     "LSTM(\(inputSize)→\(hiddenSize)) takes [batch, time, \(inputSize)], got \(shape)")
        let batch = shape[0], time = shape[1], hidden = hiddenSize
        inferenceHidden.resize(batch, hidden)
        inferenceHidden.fill(0)
        inferenceCell.resize(batch, hidden)
        inferenceCell.fill(0)
        inferenceStepInput.resize(batch, inputSize)
        inferenceOutput.resize(batch, time, hidden)
        for t in 0..<time {
            for b in 0..<batch {
                (inferenceStepInput.pointer + b * inputSize)
                    .update(from: input.pointer + (b * time + t) * inputSize, count: inputSize)
            }
            step(input: inferenceStepInput, hidden: inferenceHidden, cell: inferenceCell)
            for b in 0..<batch {
                (inferenceOutput.pointer + (b * time + t) * hidden)
                    .update(from: inferenceHidden.pointer + b * hidden, count: hidden)
            }
        }
        return inferenceOutput
    }

    // MARK: - Single step

    /// Advances a batch of states by one step, in place, for acting.
    ///
    /// `input` is `[batch, inputSize]`; `hidden` and `cell` are `[batch, hiddenSize]`
    /// and are overwritten with the new state (the new hidden state is the output).
    /// Allocates nothing once the batch size has been seen; leaves the buffers of
    /// ``forward(_:)`` untouched, so it can run between a forward and a backward pass.
    public func step(input: Tensor, hidden: Tensor, cell: Tensor) {
        let batch = input.batchSize, width = 4 * hiddenSize
        precondition(input.count == batch * inputSize,
                     "LSTM step takes [batch, \(inputSize)], got \(input.shape)")
        precondition(hidden.count == batch * hiddenSize && cell.count == batch * hiddenSize,
                     "LSTM step state must be [\(batch), \(hiddenSize)], got \(hidden.shape) and \(cell.shape)")
        stepGates.resize(batch, width)
        let z = stepGates.pointer
        for b in 0..<batch { (z + b * width).update(from: bias.value.pointer, count: width) }
        if batch == 1 {
            // A matrix-vector product skips sgemm's packing of the weights.
            BLAS.gemv(transpose: true, rows: inputSize, columns: width,
                      a: inputWeight.value.pointer, x: input.pointer, beta: 1, y: z)
            BLAS.gemv(transpose: true, rows: hiddenSize, columns: width,
                      a: hiddenWeight.value.pointer, x: hidden.pointer, beta: 1, y: z)
        } else {
            BLAS.gemm(m: batch, n: width, k: inputSize,
                      a: input.pointer, b: inputWeight.value.pointer, beta: 1, c: z)
            BLAS.gemm(m: batch, n: width, k: hiddenSize,
                      a: hidden.pointer, b: hiddenWeight.value.pointer, beta: 1, c: z)
        }
        stepCellTanh.resize(batch, hiddenSize)
        let n = hiddenSize
        for b in 0..<batch {
            // In place: each lane of the cell is read before it is overwritten.
            applyCell(gates: z + b * width, cellBefore: cell.pointer + b * n, cell: cell.pointer + b * n,
                      cellTanh: stepCellTanh.pointer + b * n, hidden: hidden.pointer + b * n)
        }
    }
}
