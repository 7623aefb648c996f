import CBLAS
import Foundation
import XCTest
@testable import Neural

final class OpenBLASKernelTests: XCTestCase {
    func testParsesCPUInfoFlags() {
        let text = """
            processor\t: 0
            flags\t\t: fpu vme sse sse2 avx fma avx2 avx512f avx512dq
            bugs\t\t: spectre_v1
            """
        let features = CPUVectorFeatures(cpuinfo: text)
        XCTAssertEqual(features, CPUVectorFeatures(avx512f: true, avx2: true, fma: true))
        XCTAssertEqual(features.preferredOpenBLASCore, "SkylakeX")
        let haswell = CPUVectorFeatures(cpuinfo: "flags : sse2 avx fma avx2")
        XCTAssertEqual(haswell.preferredOpenBLASCore, "Haswell")
        XCTAssertNil(CPUVectorFeatures(cpuinfo: "flags : sse2 avx avx2").preferredOpenBLASCore, "AVX2 without FMA")
        XCTAssertNil(CPUVectorFeatures(cpuinfo: "").preferredOpenBLASCore)
    }

    func testClassifiesCoreNames() {
        XCTAssertTrue(OpenBLAS.isVectorCore("SkylakeX"))
        XCTAssertTrue(OpenBLAS.isVectorCore("haswell"))
        XCTAssertFalse(OpenBLAS.isVectorCore("Prescott"))
        XCTAssertFalse(OpenBLAS.isVectorCore("Sandybridge"))
    }

    func testExplicitCoreTypeWinsAndNothingChanges() {
        let before = OpenBLAS.coreName
        let outcome = configureOpenBLASKernel(
            allowSwitch: true, requestedCore: "Haswell", features: CPUVectorFeatures(avx512f: true, avx2: true, fma: true))
        XCTAssertEqual(outcome, .explicitCoreType(requested: "Haswell", core: before))
        XCTAssertNil(outcome.message)
        XCTAssertEqual(OpenBLAS.coreName, before)
    }

    func testGenericKernelOnOldCPUIsLeftAlone() throws {
        try withCore("Prescott") {
            let outcome = configureOpenBLASKernel(
                allowSwitch: true, requestedCore: nil, features: CPUVectorFeatures(avx512f: false, avx2: false, fma: false))
            XCTAssertEqual(outcome, .noFasterKernel(core: "Prescott"))
            let disabled = configureOpenBLASKernel(
                allowSwitch: false, requestedCore: nil, features: CPUVectorFeatures(avx512f: false, avx2: true, fma: true))
            XCTAssertEqual(disabled, .disabled(core: "Prescott", suggested: "Haswell"))
            XCTAssertEqual(disabled.message?.contains("OPENBLAS_CORETYPE=Haswell"), true)
            XCTAssertEqual(OpenBLAS.coreName, "Prescott")
        }
    }

    /// Re-initialising an already initialised OpenBLAS must really switch kernels
    /// and keep sgemm correct: results agree with the generic kernel's and with a
    /// Double reference.
    func testSwitchingFromGenericKernelKeepsSGEMMCorrect() throws {
        let features = CPUVectorFeatures.current
        guard let target = features.preferredOpenBLASCore else {
            throw XCTSkip("this CPU has no AVX2+FMA or AVX-512; nothing to switch to")
        }
        let size = 192
        var generator = LSTMTestRandom(seed: 7)
        let a = (0..<size * size).map { _ in generator.nextSigned() }
        let b = (0..<size * size).map { _ in generator.nextSigned() }
        try withCore("Prescott") {
            XCTAssertEqual(OpenBLAS.coreName, "Prescott")
            let generic = multiply(a, b, size: size)
            let genericRate = gigaflops(size: 1024)
            let outcome = configureOpenBLASKernel(allowSwitch: true, requestedCore: nil, features: features)
            XCTAssertEqual(outcome, .switched(from: "Prescott", to: target))
            XCTAssertEqual(OpenBLAS.coreName.lowercased(), target.lowercased())
            XCTAssertNotNil(outcome.message)
            let vector = multiply(a, b, size: size)
            let vectorRate = gigaflops(size: 1024)
            print("sgemm 1024, \(OpenBLAS.threadCount) thread(s): Prescott \(genericRate) GFLOPS, \(target) \(vectorRate) GFLOPS")
            for row in 0..<size {
                for column in 0..<size {
                    var exact = 0.0
                    for k in 0..<size { exact += Double(a[row * size + k]) * Double(b[k * size + column]) }
                    let index = row * size + column
                    XCTAssertEqual(Double(generic[index]), exact, accuracy: 1e-3)
                    XCTAssertEqual(Double(vector[index]), exact, accuracy: 1e-3)
                    XCTAssertEqual(generic[index], vector[index], accuracy: 1e-3)
                }
            }
        }
    }

    func testThreadCountCanBeSet() {
        let original = OpenBLAS.threadCount
        setBLASThreads(1)
        XCTAssertEqual(OpenBLAS.threadCount, 1)
        setBLASThreads(original)
        XCTAssertEqual(OpenBLAS.threadCount, original)
    }

    // MARK: - Helpers

    /// Runs `body` with OpenBLAS forced to `core`, then restores the library and the variable.
    private func withCore(_ core: String, _ body: () throws -> Void) throws {
        let saved = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        guard OpenBLAS.reinitialise(coreType: core) else { throw XCTSkip("this OpenBLAS cannot switch kernels") }
        defer { _ = OpenBLAS.reinitialise(coreType: saved) }
        // The forced core must be reported, or the tests below test nothing.
        XCTAssertEqual(OpenBLAS.coreName.lowercased(), core.lowercased())
        // The helpers read the variable as if the user had not set it.
        unsetenv("OPENBLAS_CORETYPE")
        try body()
    }

    private func multiply(_ a: [Float], _ b: [Float], size: Int) -> [Float] {
        var c = [Float](repeating: 0, count: size * size)
        let n = Int32(size)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, &c, n)
        return c
    }

    /// Best-of-three GFLOPS of a square sgemm, for the printed comparison only.
    private func gigaflops(size: Int) -> Int {
        let a = [Float](repeating: 0.5, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        let n = Int32(size)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, a, n, 0, &c, n)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        return Int(2 * Double(size * size * size) / best)
    }
}

/// A tiny seeded generator for test data (values in [-1, 1)).
struct LSTMTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Float { Float(next() >> 40) / Float(1 << 24) }
    mutating func nextSigned() -> Float { 2 * nextUnit() - 1 }
}
