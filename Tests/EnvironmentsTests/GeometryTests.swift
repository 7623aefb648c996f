import XCTest
@testable import Environments

final class GeometryTests: XCTestCase {
    private let east = Vector2(x: 1, y: 0)

    // MARK: - Rays

    func testRayHitsADiscAtTheAnalyticDistance() {
        let circle = Circle(center: Vector2(x: 5, y: 0), radius: 1)
        XCTAssertEqual(circle.rayDistance(origin: .zero, direction: east), 4)
        // Offset by 0.6 from the centre line: t = 5 − √(1 − 0.36) = 4.2.
        let offset = Circle(center: Vector2(x: 5, y: 0.6), radius: 1)
        XCTAssertEqual(offset.rayDistance(origin: .zero, direction: east), 4.2, accuracy: 1e-12)
        // Along a diagonal: the centre (3, 4) is 5 away, so the surface is 4 away.
        let diagonal = Circle(center: Vector2(x: 3, y: 4), radius: 1)
        XCTAssertEqual(diagonal.rayDistance(origin: .zero, direction: Vector2(x: 0.6, y: 0.8)), 4, accuracy: 1e-12)
        // Tangent: the ray grazes the disc at its top point.
        let tangent = Circle(center: Vector2(x: 5, y: 1), radius: 1)
        XCTAssertEqual(tangent.rayDistance(origin: .zero, direction: east), 5, accuracy: 1e-12)
    }

    func testRayMissesDiscsBesideAndBehindAndStartsAtZeroInside() {
        XCTAssertEqual(Circle(center: Vector2(x: 5, y: 1.5), radius: 1).rayDistance(origin: .zero, direction: east), .infinity)
        XCTAssertEqual(Circle(center: Vector2(x: -5, y: 0), radius: 1).rayDistance(origin: .zero, direction: east), .infinity)
        XCTAssertEqual(Circle(center: Vector2(x: 0.5, y: 0), radius: 1).rayDistance(origin: .zero, direction: east), 0)
    }

    func testRayHitsAnAxisAlignedRectangleAtSeveralAngles() {
        let box = OrientedRectangle(center: Vector2(x: 5, y: 0), halfWidth: 1, halfHeight: 3)
        XCTAssertEqual(box.rayDistance(origin: .zero, direction: east), 4, accuracy: 1e-12)
        // 30°: the face x = 4 is met at y = 4·tan 30° ≈ 2.31 < 3, after 4 / cos 30°.
        let thirty = Double.pi / 6
        XCTAssertEqual(box.rayDistance(origin: .zero, direction: Vector2(angle: thirty)), 4 / cos(thirty), accuracy: 1e-12)
        // 45°: y reaches 3 at x = 3 < 4, so the ray passes above the box.
        XCTAssertEqual(box.rayDistance(origin: .zero, direction: Vector2(angle: Double.pi / 4)), .infinity)
        // Straight up from below the box: the bottom face y = -3 is 2 away.
        XCTAssertEqual(box.rayDistance(origin: Vector2(x: 5, y: -5), direction: Vector2(x: 0, y: 1)), 2)
        // Along the top edge (a zero direction component): the closed box is hit.
        XCTAssertEqual(box.rayDistance(origin: Vector2(x: 0, y: 3), direction: east), 4)
        XCTAssertEqual(box.rayDistance(origin: Vector2(x: 0, y: 3.001), direction: east), .infinity)
        // From inside, and pointing away.
        XCTAssertEqual(box.rayDistance(origin: Vector2(x: 5, y: 1), direction: east), 0)
        XCTAssertEqual(box.rayDistance(origin: .zero, direction: Vector2(x: -1, y: 0)), .infinity)
    }

    func testRayHitsARotatedRectangleAtTheAnalyticDistance() {
        // A unit square turned 45° is a diamond with its left vertex at (5 − √2, 0).
        let diamond = OrientedRectangle(center: Vector2(x: 5, y: 0), halfWidth: 1, halfHeight: 1, angle: Double.pi / 4)
        let root2 = 2.0.squareRoot()
        XCTAssertEqual(diamond.rayDistance(origin: .zero, direction: east), 5 - root2, accuracy: 1e-12)
        // A ray slightly upward meets the upper-left edge x − y = 5 − √2 at t = (5 − √2) / (cos θ − sin θ).
        let angle = atan(0.2)
        XCTAssertEqual(diamond.rayDistance(origin: .zero, direction: Vector2(angle: angle)),
                       (5 - root2) / (cos(angle) - sin(angle)), accuracy: 1e-12)
    }

    // MARK: - Distances and collisions

    func testPointDistancesToShapes() {
        XCTAssertEqual(Circle(center: Vector2(x: 3, y: 4), radius: 1).distance(to: .zero), 4, accuracy: 1e-12)
        XCTAssertEqual(Circle(center: Vector2(x: 3, y: 4), radius: 1).distance(to: Vector2(x: 3, y: 4.5)), 0)
        let box = OrientedRectangle(center: Vector2(x: 5, y: 0), halfWidth: 1, halfHeight: 3)
        XCTAssertEqual(box.distance(to: Vector2(x: 8, y: 5)), 8.0.squareRoot(), accuracy: 1e-12)  // outside a corner
        XCTAssertEqual(box.distance(to: Vector2(x: 5, y: 5)), 2, accuracy: 1e-12)                 // above a face
        XCTAssertEqual(box.distance(to: Vector2(x: 5.5, y: 1)), 0)                                  // inside
        let diamond = OrientedRectangle(center: .zero, halfWidth: 1, halfHeight: 1, angle: Double.pi / 4)
        XCTAssertEqual(diamond.distance(to: Vector2(x: 3, y: 0)), 3 - 2.0.squareRoot(), accuracy: 1e-12)  // off the vertex
        XCTAssertEqual(diamond.distance(to: Vector2(x: 2, y: 2)), 2 * 2.0.squareRoot() - 1, accuracy: 1e-12)  // off a face
    }

    func testDiscCollisionCountsContactButNotAGap() {
        let circle = Obstacle.circle(Circle(center: Vector2(x: 5, y: 0), radius: 1))
        XCTAssertTrue(circle.collides(discAt: Vector2(x: 3.5, y: 0), radius: 0.5))   // touching
        XCTAssertFalse(circle.collides(discAt: Vector2(x: 3.4, y: 0), radius: 0.5))  // 0.1 m gap
        XCTAssertTrue(circle.collides(discAt: Vector2(x: 4.2, y: 0.5), radius: 0.1)) // centre inside
        let box = Obstacle.rectangle(OrientedRectangle(center: .zero, halfWidth: 1, halfHeight: 1))
        XCTAssertTrue(box.collides(discAt: Vector2(x: 1.5, y: 0), radius: 0.5))
        XCTAssertFalse(box.collides(discAt: Vector2(x: 1.5.nextUp, y: 0), radius: 0.5))
        // Near a corner the rectangle's distance is round: (1.375, 1.5) is 0.625 from (1, 1).
        XCTAssertTrue(box.collides(discAt: Vector2(x: 1.375, y: 1.5), radius: 0.625))
        XCTAssertFalse(box.collides(discAt: Vector2(x: 1.375, y: 1.5), radius: 0.624))
    }

    func testSegmentDistancesToShapes() {
        let circle = Circle(center: Vector2(x: 5, y: 2), radius: 1)
        XCTAssertEqual(circle.distance(toSegmentFrom: .zero, to: Vector2(x: 10, y: 0)), 1, accuracy: 1e-12)
        XCTAssertEqual(circle.distance(toSegmentFrom: .zero, to: Vector2(x: 2, y: 0)), Vector2(x: 5, y: 2).distance(to: Vector2(x: 2, y: 0)) - 1, accuracy: 1e-12)
        XCTAssertEqual(circle.distance(toSegmentFrom: Vector2(x: 0, y: 2), to: Vector2(x: 10, y: 2)), 0)
        let diamond = OrientedRectangle(center: .zero, halfWidth: 1, halfHeight: 1, angle: Double.pi / 4)
        // A horizontal segment passing above the diamond's top vertex (0, √2).
        XCTAssertEqual(diamond.distance(toSegmentFrom: Vector2(x: -3, y: 2), to: Vector2(x: 3, y: 2)), 2 - 2.0.squareRoot(), accuracy: 1e-12)
        // A segment crossing it, and one ending inside it.
        XCTAssertEqual(diamond.distance(toSegmentFrom: Vector2(x: -3, y: 0), to: Vector2(x: 3, y: 0)), 0)
        XCTAssertEqual(diamond.distance(toSegmentFrom: Vector2(x: -3, y: 0), to: Vector2(x: 0.5, y: 0)), 0)
        // A segment parallel to a face of an axis-aligned box, 0.25 away from it.
        let box = OrientedRectangle(center: .zero, halfWidth: 1, halfHeight: 1)
        XCTAssertEqual(box.distance(toSegmentFrom: Vector2(x: 1.25, y: -3), to: Vector2(x: 1.25, y: 3)), 0.25, accuracy: 1e-12)
    }

    // MARK: - World

    func testWorldWallsBlockDiscsAndEndRays() {
        let world = World(width: 10, height: 5, obstacles: [], start: Vector2(x: 1, y: 1), goal: Vector2(x: 9, y: 4))
        XCTAssertEqual(world.rayDistance(origin: Vector2(x: 2, y: 1), direction: east, maxRange: 100), 8)
        XCTAssertEqual(world.rayDistance(origin: Vector2(x: 2, y: 1), direction: Vector2(x: 0, y: 1), maxRange: 100), 4)
        XCTAssertEqual(world.rayDistance(origin: Vector2(x: 2, y: 1), direction: Vector2(x: 0, y: 1), maxRange: 3), 3)
        XCTAssertEqual(world.rayDistance(origin: Vector2(x: 1, y: 1), direction: Vector2(angle: -3 * Double.pi / 4), maxRange: 100),
                       2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(world.collides(discAt: Vector2(x: 0.2, y: 2), radius: 0.2))
        XCTAssertFalse(world.collides(discAt: Vector2(x: 0.21, y: 2), radius: 0.2))
        XCTAssertTrue(world.collides(discAt: Vector2(x: 5, y: 4.9), radius: 0.2))
    }

    func testSegmentClearanceAgainstObstaclesAndWalls() {
        let world = World(width: 10, height: 10, obstacles: [.circle(Circle(center: Vector2(x: 5, y: 5), radius: 1))],
                          start: Vector2(x: 1, y: 1), goal: Vector2(x: 9, y: 9))
        XCTAssertTrue(world.isSegmentClear(from: Vector2(x: 1, y: 6.5), to: Vector2(x: 9, y: 6.5), clearance: 0.5))
        XCTAssertFalse(world.isSegmentClear(from: Vector2(x: 1, y: 6.4), to: Vector2(x: 9, y: 6.4), clearance: 0.5))
        XCTAssertFalse(world.isSegmentClear(from: Vector2(x: 0.1, y: 1), to: Vector2(x: 2, y: 1), clearance: 0.2))
    }

    func testAnglesWrapIntoTheHalfOpenInterval() {
        XCTAssertEqual(wrapAngle(3 * Double.pi / 2), -Double.pi / 2, accuracy: 1e-12)
        XCTAssertEqual(wrapAngle(-Double.pi), Double.pi)
        XCTAssertEqual(wrapAngle(Double.pi), Double.pi)
        XCTAssertEqual(wrapAngle(0.25), 0.25)
        XCTAssertEqual(wrapAngle(-7 * Double.pi / 2), Double.pi / 2, accuracy: 1e-12)
    }
}
