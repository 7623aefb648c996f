import XCTest
@testable import Neural

final class InitializersTests: XCTestCase {
    func testUnitFloatUsesTheTop24Bits() {
        struct Constant: RandomNumberGenerator {
            var value: UInt64
            mutating func next() -> UInt64 { value }
        }
        var zero = Constant(value: 0), top = Constant(value: .max), half = Constant(value: 1 << 63)
        XCTAssertEqual(Initializers.unitFloat(&zero), 0)
        XCTAssertEqual(Initializers.unitFloat(&top), 1 - 0x1p-24)
        XCTAssertEqual(Initializers.unitFloat(&half), 0.5)
    }

    func testSeedFixesTheStream() {
        var generator = SplitMix64(seed: 42)
        let tensor = Tensor(shape: [3])
        Initializers.uniform(tensor, bound: 1, using: &generator)
        // Fixed by SplitMix64(42) and the bits-to-float conversion alone.
        var check = SplitMix64(seed: 42)
        let expected = (0..<3).map { _ in 2 * (Float(check.next() >> 40) * 0x1p-24) - 1 }
        XCTAssertEqual(tensor.scalars, expected)
    }

    func testGlorotAndKaimingBounds() {
        var generator = SplitMix64(seed: 80)
        let tensor = Tensor(shape: [2000])
        Initializers.glorotUniform(tensor, fanIn: 10, fanOut: 20, using: &generator)
        let glorot = Float(6.0 / 30).squareRoot()
        XCTAssertLessThanOrEqual(tensor.scalars.map(abs).max()!, glorot)
        XCTAssertGreaterThan(tensor.scalars.map(abs).max()!, 0.95 * glorot)
        Initializers.kaimingUniform(tensor, fanIn: 50, using: &generator)
        let kaiming = Float(2).squareRoot() * Float(3.0 / 50).squareRoot()
        XCTAssertLessThanOrEqual(tensor.scalars.map(abs).max()!, kaiming)
        XCTAssertGreaterThan(tensor.scalars.map(abs).max()!, 0.95 * kaiming)
    }

    func testNormalHasTheRequestedMoments() {
        var generator = SplitMix64(seed: 81)
        let tensor = Tensor(shape: [20000])
        Initializers.kaimingNormal(tensor, fanIn: 8, using: &generator)
        let values = tensor.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance.squareRoot(), 0.5, accuracy: 0.02)
    }

    private func assertOrthonormal(_ tensor: Tensor, rows: Int, columns: Int, gain: Float, file: StaticString = #filePath, line: UInt = #line) {
        // The smaller dimension's vectors are orthonormal (times gain).
        let byRows = rows <= columns
        let count = byRows ? rows : columns, length = byRows ? columns : rows
        func element(_ vector: Int, _ i: Int) -> Double {
            Double(byRows ? tensor[vector * columns + i] : tensor[i * columns + vector])
        }
        for a in 0..<count {
            for b in 0..<count {
                var dot = 0.0
                for i in 0..<length { dot += element(a, i) * element(b, i) }
                XCTAssertEqual(dot, a == b ? Double(gain * gain) : 0, accuracy: 1e-5, file: file, line: line)
            }
        }
    }

    func testOrthogonalWideAndTall() {
        var generator = SplitMix64(seed: 82)
        for (rows, columns) in [(3, 7), (7, 3), (5, 5)] {
            let tensor = Tensor(shape: [rows, columns])
            Initializers.orthogonal(tensor, rows: rows, columns: columns, gain: Float(2).squareRoot(), using: &generator)
            assertOrthonormal(tensor, rows: rows, columns: columns, gain: Float(2).squareRoot())
        }
    }

    func testLayerInitialisers() {
        var generator = SplitMix64(seed: 83)
        let dense = Dense(inputSize: 8, outputSize: 4, weightInitializer: .orthogonal(gain: 1), generator: &generator)
        assertOrthonormal(dense.weight.value, rows: 8, columns: 4, gain: 1)
        XCTAssertEqual(dense.bias.value.scalars, [0, 0, 0, 0])
        let conv = Conv2D(
            inputChannels: 2, outputChannels: 3, kernelSize: 2, weightInitializer: .orthogonal(gain: 1), generator: &generator)
        assertOrthonormal(conv.weight.value, rows: 3, columns: 8, gain: 1)
        let glorot = Dense(inputSize: 8, outputSize: 4, weightInitializer: .glorotUniform(gain: 1), generator: &generator)
        XCTAssertLessThanOrEqual(glorot.weight.value.scalars.map(abs).max()!, Float(0.5).squareRoot())
        XCTAssertEqual(glorot.bias.value.scalars, [0, 0, 0, 0])
    }
}
