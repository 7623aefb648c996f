import XCTest
@testable import Environments

final class RandomTests: XCTestCase {
    /// SplitMix64's published reference output for seed 0.
    func testSplitMix64MatchesReferenceStream() {
        var generator = SplitMix64(seed: 0)
        XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(generator.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(generator.next(), 0x06C4_5D18_8009_454F)
    }

    /// Pinned so the project's stream can never change silently: every logged
    /// episode and every checkpoint depends on it. Values computed by an
    /// independent implementation of xoshiro256** seeded through SplitMix64.
    func testXoshiroStreamIsPinned() {
        var generator = Xoshiro256(seed: 42)
        let expected: [UInt64] = [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1,
                                  0xECB8_AD47_03B3_60A1, 0xFDE6_DC7F_E2EC_5E64]
        XCTAssertEqual((0..<5).map { _ in generator.next() }, expected)
        var zeroSeeded = Xoshiro256(seed: 0)
        XCTAssertEqual(zeroSeeded.next(), 0x99EC_5F36_CB75_F2B4)
    }

    func testStateRoundTripsThroughCodable() throws {
        var generator = Xoshiro256(seed: 7)
        _ = generator.next()
        let data = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(Xoshiro256.self, from: data)
        XCTAssertEqual(restored, generator)
        XCTAssertEqual(restored.next(), generator.next())
        XCTAssertThrowsError(try JSONDecoder().decode(Xoshiro256.self, from: Data("[0,0,0,0]".utf8)))
    }

    func testBoundedIntegersAreInRangeAndCoverIt() {
        var generator = Xoshiro256(seed: 1)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7000 {
            let value = generator.nextInt(upperBound: 7)
            XCTAssertTrue((0..<7).contains(value))
            counts[value] += 1
        }
        // Each bucket expects 1000; 5 standard deviations is about 150.
        XCTAssertTrue(counts.allSatisfy { abs($0 - 1000) < 150 }, "\(counts)")
    }

    func testUnitFloatsAreInHalfOpenInterval() {
        var generator = Xoshiro256(seed: 3)
        for _ in 0..<10_000 {
            let float = generator.nextUnitFloat()
            let double = generator.nextUnitDouble()
            XCTAssertTrue(float >= 0 && float < 1)
            XCTAssertTrue(double >= 0 && double < 1)
        }
    }

    func testGaussianHasUnitMoments() {
        var generator = Xoshiro256(seed: 5)
        let samples = (0..<20_000).map { _ in generator.nextGaussian() }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        XCTAssertEqual(mean, 0, accuracy: 0.05)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
