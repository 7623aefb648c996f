import NeuralKernels
import XCTest
@testable import Neural

/// The C kernels against plain references, at sizes that hit their tiles and their edges.
final class NeuralKernelsTests: XCTestCase {
    func testFewRowProductAddsToCAcrossTilesAndEdges() {
        var generator = SplitMix64(seed: 40)
        for (m, n, k) in [(16, 512, 128), (5, 70, 9), (1, 32, 3), (4, 31, 1), (7, 96, 64)] {
            let a = randomTensor([m, k], &generator), b = randomTensor([k, n], &generator)
            let c = randomTensor([m, n], &generator), expected = c.copy()
            BLAS.gemm(m: m, n: n, k: k, a: a.pointer, b: b.pointer, beta: 1, c: expected.pointer)
            nk_gemm_accumulate(m, n, k, a.pointer, k, b.pointer, n, c.pointer, n)
            for (x, y) in zip(c.scalars, expected.scalars) { XCTAssertEqual(x, y, accuracy: 1e-4, "\(m)×\(n)×\(k)") }
        }
    }

    func testTransposeAddsColumnOffsetsInTilesAndElementwise() {
        var generator = SplitMix64(seed: 41)
        for (rows, columns) in [(64, 16), (8, 8), (5, 3), (16, 12)] {
            let source = randomTensor([2, rows, columns], &generator), offsets = randomTensor([columns], &generator)
            let destination = Tensor(shape: [2, columns, rows])
            nk_transpose_add(source.pointer, offsets.pointer, destination.pointer, 2, rows, columns)
            for batch in 0..<2 {
                for i in 0..<rows {
                    for j in 0..<columns {
                        XCTAssertEqual(destination[(batch * columns + j) * rows + i],
                                       source[(batch * rows + i) * columns + j] + offsets[j], "\(rows)×\(columns)")
                    }
                }
            }
        }
    }

    func testBitsUnpackLeastSignificantFirst() {
        let bytes: [UInt8] = [0b1000_0101, 0b0000_0011]
        var floats = [Float](repeating: 7, count: 11)
        bytes.withUnsafeBufferPointer { source in
            floats.withUnsafeMutableBufferPointer { unpackBits(source.baseAddress!, count: 11, into: $0.baseAddress!) }
        }
        XCTAssertEqual(floats, [1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0])
    }
}
