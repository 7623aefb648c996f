import XCTest
@testable import Neural

final class ParameterOperationsTests: XCTestCase {
    private func parameter(_ values: [Float], gradient: [Float] = []) -> Parameter {
        let result = Parameter(name: "p", value: Tensor(shape: [values.count], scalars: values))
        if !gradient.isEmpty { result.gradient.assign(gradient) }
        return result
    }

    func testClippingScalesToTheMaximumNormAndReturnsTheOriginalNorm() {
        let a = parameter([0, 0], gradient: [3, 4]), b = parameter([0], gradient: [12])
        let norm = clipGradientNorm([a, b], maxNorm: 5)
        XCTAssertEqual(norm, 13, accuracy: 1e-5)
        XCTAssertEqual(a.gradient[0], 1.1538460650887643, accuracy: 1e-6)
        XCTAssertEqual(a.gradient[1], 1.5384614201183524, accuracy: 1e-6)
        XCTAssertEqual(b.gradient[0], 4.615384260355057, accuracy: 1e-6)
    }

    func testClippingLeavesSmallGradientsAlone() {
        let a = parameter([0, 0], gradient: [0.3, 0.4])
        XCTAssertEqual(clipGradientNorm([a], maxNorm: 1), 0.5, accuracy: 1e-6)
        XCTAssertEqual(a.gradient.scalars, [0.3, 0.4])
    }

    func testClippingNormOfManyScalars() {
        // 20 scalars of 0.5 (past the SIMD width and with a tail): norm √5.
        let a = parameter([Float](repeating: 0, count: 20), gradient: [Float](repeating: 0.5, count: 20))
        XCTAssertEqual(clipGradientNorm([a], maxNorm: 100), Float(5).squareRoot(), accuracy: 1e-6)
    }

    func testHardCopyAndPolyak() {
        let source = [parameter([1, 2]), parameter([10])]
        let target = [parameter([0, 0]), parameter([0])]
        polyakUpdate(from: source, to: target, tau: 0.25)
        XCTAssertEqual(target[0].value.scalars, [0.25, 0.5])
        XCTAssertEqual(target[1].value.scalars, [2.5])
        polyakUpdate(from: source, to: target, tau: 0.5)
        XCTAssertEqual(target[0].value.scalars, [0.625, 1.25])
        copyParameters(from: source, to: target)
        XCTAssertEqual(target[0].value.scalars, [1, 2])
        XCTAssertEqual(target[1].value.scalars, [10])
    }

    func testLinearSchedule() {
        let schedule = LinearSchedule(start: 1, end: 0.1, duration: 10)
        XCTAssertEqual(schedule.value(at: -5), 1)
        XCTAssertEqual(schedule.value(at: 0), 1)
        XCTAssertEqual(schedule.value(at: 5), 0.55, accuracy: 1e-12)
        XCTAssertEqual(schedule.value(at: 10), 0.1, accuracy: 1e-12)
        XCTAssertEqual(schedule.value(at: 1000), 0.1, accuracy: 1e-12)
    }
}
