import XCTest
@testable import Environments

final class SpaceTests: XCTestCase {
    func testDiscreteContainsAndSamples() {
        let space = Discrete(3, start: -1)
        XCTAssertEqual(space.description, "Discrete(3, start: -1)")
        XCTAssertEqual(Discrete(4).description, "Discrete(4)")
        XCTAssertTrue(space.contains(-1))
        XCTAssertTrue(space.contains(1))
        XCTAssertFalse(space.contains(2))
        XCTAssertFalse(space.contains(-2))
        var generator = Xoshiro256(seed: 0)
        let samples = (0..<300).map { _ in space.sample(using: &generator) }
        XCTAssertEqual(Set(samples), [-1, 0, 1])
        XCTAssertEqual(space.shape, [])
    }

    func testBoxContainsRejectsOutOfBoundsWrongCountAndNaN() {
        let space = Box(low: [-1, 0], high: [1, 2])
        XCTAssertTrue(space.contains([-1, 2]))
        XCTAssertFalse(space.contains([-1.01, 1]))
        XCTAssertFalse(space.contains([0, .nan]))
        XCTAssertFalse(space.contains([0]))
        XCTAssertEqual(space.shape, [2])
    }

    func testBoxSamplesStayInBoundsForEveryKindOfInterval() {
        let space = Box(low: [-2, 0, -.infinity, -.infinity], high: [3, .infinity, 5, .infinity])
        var generator = Xoshiro256(seed: 9)
        for _ in 0..<2000 {
            let sample = space.sample(using: &generator)
            XCTAssertTrue(space.contains(sample), "\(sample)")
        }
    }

    func testSamplingIsReproducibleFromASeed() {
        let spaces: [any Space] = [Discrete(5), Box(low: -1, high: 1, shape: [2, 3]), MultiDiscrete([2, 3, 4]), MultiBinary(6)]
        for space in spaces {
            XCTAssertEqual(drawTwice(space).0, drawTwice(space).1, "\(space)")
        }
    }

    private func drawTwice<S: Space>(_ space: S) -> (String, String) {
        var first = Xoshiro256(seed: 11), second = Xoshiro256(seed: 11)
        let a = (0..<20).map { _ in "\(space.sample(using: &first))" }.joined(separator: ";")
        let b = (0..<20).map { _ in "\(space.sample(using: &second))" }.joined(separator: ";")
        return (a, b)
    }

    func testMultiDiscreteAndMultiBinary() {
        let multi = MultiDiscrete([2, 3])
        XCTAssertTrue(multi.contains([1, 2]))
        XCTAssertFalse(multi.contains([2, 0]))
        XCTAssertFalse(multi.contains([1]))
        let binary = MultiBinary(3)
        XCTAssertTrue(binary.contains([0, 1, 1]))
        XCTAssertFalse(binary.contains([0, 2, 1]))
        var generator = Xoshiro256(seed: 2)
        for _ in 0..<100 {
            XCTAssertTrue(multi.contains(multi.sample(using: &generator)))
            XCTAssertTrue(binary.contains(binary.sample(using: &generator)))
        }
    }

    func testSpacesRoundTripThroughJSONIncludingInfiniteBounds() throws {
        let box = Box(low: [-.infinity, 0], high: [.infinity, 1], shape: [2])
        let data = try JSONEncoder().encode(box)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"inf\""))
        XCTAssertEqual(try JSONDecoder().decode(Box.self, from: data), box)
        XCTAssertEqual(try JSONDecoder().decode(Discrete.self, from: JSONEncoder().encode(Discrete(4, start: 2))), Discrete(4, start: 2))
        XCTAssertEqual(try JSONDecoder().decode(MultiDiscrete.self, from: JSONEncoder().encode(MultiDiscrete([3, 4]))), MultiDiscrete([3, 4]))
        XCTAssertEqual(try JSONDecoder().decode(MultiBinary.self, from: JSONEncoder().encode(MultiBinary(5))), MultiBinary(5))
    }
}
