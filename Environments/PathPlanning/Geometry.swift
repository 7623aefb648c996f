#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Exact plane geometry for the path-planning worlds: points, the two obstacle
// shapes (discs and rotated rectangles) and the queries the simulator, the lidar
// and the planner need. Coordinates are metres, x to the right (east), y up
// (north); angles are radians, counter-clockwise from +x.
//
// Every query is closed-form (no sampling, no iteration), so tests can compare
// it with analytic values to the last few ulps.

/// A point or displacement in the plane, in metres (x east, y north).
public struct Vector2: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    /// Creates a vector from its components.
    @inlinable public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// The unit vector at `angle` radians counter-clockwise from +x.
    @inlinable public init(angle: Double) {
        self.init(x: cos(angle), y: sin(angle))
    }

    /// The zero vector.
    public static let zero = Vector2(x: 0, y: 0)

    @inlinable public static func + (a: Vector2, b: Vector2) -> Vector2 { Vector2(x: a.x + b.x, y: a.y + b.y) }
    @inlinable public static func - (a: Vector2, b: Vector2) -> Vector2 { Vector2(x: a.x - b.x, y: a.y - b.y) }
    @inlinable public static func * (a: Vector2, s: Double) -> Vector2 { Vector2(x: a.x * s, y: a.y * s) }

    /// The dot product.
    @inlinable public func dot(_ other: Vector2) -> Double { x * other.x + y * other.y }
    /// The z component of the cross product (positive when `other` lies counter-clockwise).
    @inlinable public func cross(_ other: Vector2) -> Double { x * other.y - y * other.x }
    /// The squared Euclidean length.
    @inlinable public var lengthSquared: Double { x * x + y * y }
    /// The Euclidean length.
    @inlinable public var length: Double { lengthSquared.squareRoot() }
    /// The Euclidean distance to `other`.
    @inlinable public func distance(to other: Vector2) -> Double { (self - other).length }
    /// The vector rotated counter-clockwise by the angle whose cosine and sine are given.
    @inlinable public func rotated(cosine: Double, sine: Double) -> Vector2 {
        Vector2(x: x * cosine - y * sine, y: x * sine + y * cosine)
    }
    /// The angle of the vector, counter-clockwise from +x, in `(-π, π]`.
    @inlinable public var angle: Double { atan2(y, x) }

    /// The distance from this point to the segment from `a` to `b` (a point when `a == b`).
    @inlinable public func distance(toSegmentFrom a: Vector2, to b: Vector2) -> Double {
        let along = b - a
        let lengthSquared = along.lengthSquared
        guard lengthSquared > 0 else { return distance(to: a) }
        let t = min(1, max(0, (self - a).dot(along) / lengthSquared))
        return distance(to: a + along * t)
    }

    public var description: String { "(\(x), \(y))" }
}

/// `angle` wrapped into `(-π, π]`.
@inlinable
public func wrapAngle(_ angle: Double) -> Double {
    var wrapped = angle.truncatingRemainder(dividingBy: 2 * Double.pi)
    if wrapped > Double.pi { wrapped -= 2 * Double.pi }
    if wrapped <= -Double.pi { wrapped += 2 * Double.pi }
    return wrapped
}

/// A closed disc: every point within ``radius`` metres of ``center``.
public struct Circle: Equatable, Hashable, Sendable, Codable {
    /// The centre, in metres.
    public var center: Vector2
    /// The radius, in metres (positive).
    public var radius: Double

    /// Creates a disc.
    @inlinable public init(center: Vector2, radius: Double) {
        self.center = center
        self.radius = radius
    }

    /// The distance from `point` to the disc: 0 inside or on the edge.
    @inlinable public func distance(to point: Vector2) -> Double {
        max(0, point.distance(to: center) - radius)
    }

    /// The distance along the ray `origin + t · direction` (`direction` a unit
    /// vector, `t >= 0`) to the first point of the disc: 0 when the origin lies
    /// in the disc, `.infinity` when the ray misses it.
    ///
    /// Solves `|origin + t·d − c|² = r²`: with `m = origin − c`, `b = m·d` and
    /// `k = |m|² − r²`, the nearer root is `t = −b − √(b² − k)`.
    @inlinable public func rayDistance(origin: Vector2, direction: Vector2) -> Double {
        let m = origin - center
        let k = m.lengthSquared - radius * radius
        guard k > 0 else { return 0 }
        let b = m.dot(direction)
        // Outside and pointing away: no hit.
        guard b < 0 else { return .infinity }
        let discriminant = b * b - k
        guard discriminant >= 0 else { return .infinity }
        return -b - discriminant.squareRoot()
    }

    /// The distance from the segment `a`–`b` to the disc: 0 when they meet.
    @inlinable public func distance(toSegmentFrom a: Vector2, to b: Vector2) -> Double {
        max(0, center.distance(toSegmentFrom: a, to: b) - radius)
    }
}

/// A closed rectangle of half-extents ``halfWidth`` × ``halfHeight`` around
/// ``center``, turned ``angle`` radians counter-clockwise (0: axis-aligned, the
/// width along x).
///
/// Queries move the point or ray into the rectangle's own frame (rotate by
/// `-angle` about the centre), where the rectangle is the axis-aligned box
/// `[-halfWidth, halfWidth] × [-halfHeight, halfHeight]`, and answer there.
public struct OrientedRectangle: Equatable, Hashable, Sendable, Codable {
    /// The centre, in metres.
    public var center: Vector2
    /// Half the side along the rectangle's own x axis, in metres.
    public let halfWidth: Double
    /// Half the side along the rectangle's own y axis, in metres.
    public let halfHeight: Double
    /// The rotation, radians counter-clockwise.
    public let angle: Double
    /// `cos(angle)` and `sin(angle)`, computed once.
    public let cosine: Double, sine: Double
    /// Half the diagonal: the radius of the smallest disc around ``center`` that holds the rectangle.
    public let circumradius: Double

    /// Creates a rectangle.
    public init(center: Vector2, halfWidth: Double, halfHeight: Double, angle: Double = 0) {
        self.center = center
        self.halfWidth = halfWidth
        self.halfHeight = halfHeight
        self.angle = angle
        self.cosine = cos(angle)
        self.sine = sin(angle)
        self.circumradius = (halfWidth * halfWidth + halfHeight * halfHeight).squareRoot()
    }

    /// `point` in the rectangle's frame.
    @inlinable public func local(_ point: Vector2) -> Vector2 {
        let d = point - center
        return Vector2(x: d.x * cosine + d.y * sine, y: -d.x * sine + d.y * cosine)
    }

    /// A direction in the rectangle's frame.
    @inlinable public func localDirection(_ direction: Vector2) -> Vector2 {
        Vector2(x: direction.x * cosine + direction.y * sine, y: -direction.x * sine + direction.y * cosine)
    }

    /// The four corners in world coordinates, counter-clockwise.
    public var corners: [Vector2] {
        [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)].map { sx, sy in
            let x = sx * halfWidth, y = sy * halfHeight
            return center + Vector2(x: x * cosine - y * sine, y: x * sine + y * cosine)
        }
    }

    /// The distance from `point` to the rectangle: 0 inside or on the edge.
    @inlinable public func distance(to point: Vector2) -> Double {
        let p = local(point)
        let outsideX = max(0, abs(p.x) - halfWidth), outsideY = max(0, abs(p.y) - halfHeight)
        return (outsideX * outsideX + outsideY * outsideY).squareRoot()
    }

    /// The distance along the ray `origin + t · direction` (`direction` a unit
    /// vector, `t >= 0`) to the first point of the rectangle: 0 when the origin
    /// lies in it, `.infinity` when the ray misses it (slab method in the
    /// rectangle's frame).
    @inlinable public func rayDistance(origin: Vector2, direction: Vector2) -> Double {
        let o = local(origin), d = localDirection(direction)
        guard let (entry, _) = Self.slabInterval(origin: o, direction: d, halfWidth: halfWidth, halfHeight: halfHeight,
                                                 upTo: .infinity) else { return .infinity }
        return entry
    }

    /// The distance from the segment `a`–`b` to the rectangle: 0 when they meet.
    ///
    /// Two disjoint convex polygons (the segment is one) are closest at a vertex
    /// of one of them, so the distance is the least of the endpoints' distances
    /// to the rectangle and the corners' distances to the segment.
    @inlinable public func distance(toSegmentFrom a: Vector2, to b: Vector2) -> Double {
        let localA = local(a), localB = local(b)
        let along = localB - localA
        let length = along.length
        if length > 0 {
            if Self.slabInterval(origin: localA, direction: along * (1 / length), halfWidth: halfWidth,
                                 halfHeight: halfHeight, upTo: length) != nil { return 0 }
        }
        func boxDistance(_ p: Vector2) -> Double {
            let outsideX = max(0, abs(p.x) - halfWidth), outsideY = max(0, abs(p.y) - halfHeight)
            return (outsideX * outsideX + outsideY * outsideY).squareRoot()
        }
        let best = min(boxDistance(localA), boxDistance(localB))
        let cornerBest = min(Vector2(x: -halfWidth, y: -halfHeight).distance(toSegmentFrom: localA, to: localB),
                             Vector2(x: halfWidth, y: -halfHeight).distance(toSegmentFrom: localA, to: localB),
                             Vector2(x: halfWidth, y: halfHeight).distance(toSegmentFrom: localA, to: localB),
                             Vector2(x: -halfWidth, y: halfHeight).distance(toSegmentFrom: localA, to: localB))
        return min(best, cornerBest)
    }

    /// The parameter interval `[entry, exit]` (clipped to `[start, limit]`) over which
    /// `origin + t · direction` lies in the box `[-hw, hw] × [-hh, hh]`, or `nil`.
    @inlinable static func slabInterval(origin o: Vector2, direction d: Vector2, halfWidth: Double, halfHeight: Double,
                                        from start: Double = 0, upTo limit: Double) -> (Double, Double)? {
        var entry = start, exit = limit
        // A component of zero would give 0 · ∞ = NaN at a slab's edge; test it directly.
        if d.x == 0 {
            if abs(o.x) > halfWidth { return nil }
        } else {
            let inverse = 1 / d.x
            var near = (-halfWidth - o.x) * inverse, far = (halfWidth - o.x) * inverse
            if near > far { swap(&near, &far) }
            entry = max(entry, near)
            exit = min(exit, far)
            if entry > exit { return nil }
        }
        if d.y == 0 {
            if abs(o.y) > halfHeight { return nil }
        } else {
            let inverse = 1 / d.y
            var near = (-halfHeight - o.y) * inverse, far = (halfHeight - o.y) * inverse
            if near > far { swap(&near, &far) }
            entry = max(entry, near)
            exit = min(exit, far)
            if entry > exit { return nil }
        }
        return (entry, exit)
    }
}

/// One obstacle of a path-planning ``World``: a disc or a rotated rectangle.
///
/// Obstacles are closed sets: a robot disc that touches one (distance equal to
/// its radius) collides with it.
public enum Obstacle: Equatable, Hashable, Sendable, Codable {
    case circle(Circle)
    case rectangle(OrientedRectangle)

    /// The centre of the shape.
    @inlinable public var center: Vector2 {
        switch self {
        case .circle(let circle): return circle.center
        case .rectangle(let rectangle): return rectangle.center
        }
    }

    /// The radius of the smallest disc around ``center`` that holds the shape,
    /// used to reject far obstacles cheaply before the exact test.
    @inlinable public var boundingRadius: Double {
        switch self {
        case .circle(let circle): return circle.radius
        case .rectangle(let rectangle): return rectangle.circumradius
        }
    }

    /// The distance from `point` to the shape (0 inside).
    @inlinable public func distance(to point: Vector2) -> Double {
        switch self {
        case .circle(let circle): return circle.distance(to: point)
        case .rectangle(let rectangle): return rectangle.distance(to: point)
        }
    }

    /// The distance along a ray to the shape (0 from inside, `.infinity` on a miss).
    @inlinable public func rayDistance(origin: Vector2, direction: Vector2) -> Double {
        switch self {
        case .circle(let circle): return circle.rayDistance(origin: origin, direction: direction)
        case .rectangle(let rectangle): return rectangle.rayDistance(origin: origin, direction: direction)
        }
    }

    /// The distance from the segment `a`–`b` to the shape (0 when they meet).
    public func distance(toSegmentFrom a: Vector2, to b: Vector2) -> Double {
        switch self {
        case .circle(let circle): return circle.distance(toSegmentFrom: a, to: b)
        case .rectangle(let rectangle): return rectangle.distance(toSegmentFrom: a, to: b)
        }
    }

    /// Whether the closed disc of `radius` around `center` meets the shape
    /// (touching counts).
    @inlinable public func collides(discAt center: Vector2, radius: Double) -> Bool {
        distance(to: center) <= radius
    }
}
