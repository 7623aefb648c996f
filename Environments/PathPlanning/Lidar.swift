#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A planar lidar: ``beamCount`` beams spread evenly over the full circle from
/// the robot's centre, each reading the exact distance to the first obstacle or
/// wall it meets, capped at ``maxRange``.
///
/// Beam `i` points `2π·i / beamCount` radians counter-clockwise from the robot's
/// heading: beam 0 looks straight ahead, beam `beamCount / 4` to the left.
/// Readings are exact ray–disc and ray–rectangle intersections (see
/// ``Circle/rayDistance(origin:direction:)`` and
/// ``OrientedRectangle/rayDistance(origin:direction:)``); there is no noise.
///
/// A scan costs one bounding test per beam and nearby obstacle: obstacles whose
/// bounding disc lies beyond ``maxRange`` are skipped whole, and a beam that
/// misses an obstacle's bounding disc skips the exact test. Nothing is allocated.
public struct Lidar: Equatable, Sendable {
    /// The number of beams.
    public let beamCount: Int
    /// The longest distance a beam reports, in metres.
    public let maxRange: Double
    @usableFromInline let offsetCosines: [Double]
    @usableFromInline let offsetSines: [Double]

    /// Creates a lidar.
    ///
    /// - Precondition: `beamCount >= 1`, `maxRange > 0`.
    public init(beamCount: Int, maxRange: Double) {
        precondition(beamCount >= 1 && maxRange > 0, "Lidar needs at least one beam and a positive range, got \(beamCount), \(maxRange)")
        self.beamCount = beamCount
        self.maxRange = maxRange
        let offsets = (0..<beamCount).map { 2 * Double.pi * Double($0) / Double(beamCount) }
        offsetCosines = offsets.map { cos($0) }
        offsetSines = offsets.map { sin($0) }
    }

    /// Beam `index`'s angle from the heading, radians counter-clockwise.
    public func beamOffset(_ index: Int) -> Double { 2 * Double.pi * Double(index) / Double(beamCount) }

    /// The readings of every beam, in metres, from a robot at `position` facing `heading`.
    public func readings(in world: World, from position: Vector2, heading: Double) -> [Double] {
        var result = [Double](repeating: 0, count: beamCount)
        scan(world, from: position, heading: heading) { beam, distance in result[beam] = distance }
        return result
    }

    /// Calls `body(beam, distance)` once per beam, in beam order, with the reading
    /// in metres from a robot at `position` (inside the world) facing `heading`.
    @inlinable
    public func scan(_ world: World, from position: Vector2, heading: Double, _ body: (Int, Double) -> Void) {
        scan(world, from: position, headingCosine: cos(heading), headingSine: sin(heading), body)
    }

    /// ``scan(_:from:heading:_:)`` with the heading given by its cosine and sine
    /// (for callers that keep them, to save the trigonometry).
    @inlinable
    public func scan(_ world: World, from position: Vector2, headingCosine: Double, headingSine: Double,
                     _ body: (Int, Double) -> Void) {
        let count = beamCount, range = maxRange
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * count) { scratch in
            let directionX = scratch.baseAddress!, directionY = directionX + count, best = directionY + count
            offsetCosines.withUnsafeBufferPointer { offsetCosines in
                offsetSines.withUnsafeBufferPointer { offsetSines in
                    for beam in 0..<count {
                        let x = headingCosine * offsetCosines[beam] - headingSine * offsetSines[beam]
                        let y = headingSine * offsetCosines[beam] + headingCosine * offsetSines[beam]
                        directionX[beam] = x
                        directionY[beam] = y
                        best[beam] = min(range, world.wallDistance(origin: position, direction: Vector2(x: x, y: y)))
                    }
                }
            }
            for obstacle in world.obstacles {
                let bound = obstacle.boundingRadius
                let m = position - obstacle.center
                let reach = range + bound
                let distanceSquared = m.lengthSquared
                if distanceSquared > reach * reach { continue }
                // Bounding-disc test per beam (exact for a disc): with b = m·d and
                // k = |m|² − r², the ray meets the disc iff b < 0 and b² ≥ k.
                let boundK = distanceSquared - bound * bound
                switch obstacle {
                case .circle:
                    if boundK <= 0 {
                        for beam in 0..<count { best[beam] = 0 }
                        continue
                    }
                    // Branch-free, so the loop vectorises: a miss computes a
                    // throwaway root of max(discriminant, 0) and keeps the old best.
                    for beam in 0..<count {
                        let b = m.x * directionX[beam] + m.y * directionY[beam]
                        let discriminant = b * b - boundK
                        let t = -b - max(discriminant, 0).squareRoot()
                        let hit = (b < 0) && (discriminant >= 0) && (t < best[beam])
                        best[beam] = hit ? t : best[beam]
                    }
                case .rectangle(let rectangle):
                    let localOrigin = rectangle.local(position)
                    for beam in 0..<count {
                        if boundK > 0 {
                            let b = m.x * directionX[beam] + m.y * directionY[beam]
                            if b >= 0 || b * b < boundK { continue }
                        }
                        let direction = rectangle.localDirection(Vector2(x: directionX[beam], y: directionY[beam]))
                        if let (entry, _) = OrientedRectangle.slabInterval(
                            origin: localOrigin, direction: direction, halfWidth: rectangle.halfWidth,
                            halfHeight: rectangle.halfHeight, upTo: best[beam]) {
                            best[beam] = entry
                        }
                    }
                }
            }
            for beam in 0..<count { body(beam, best[beam]) }
        }
    }
}
