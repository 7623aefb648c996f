/// A rectangular 2D world of ``Obstacle``s with a start pose and a goal: the
/// ground truth that the path-planning environments simulate, sense and plan in.
///
/// The world is `[0, width] × [0, height]` metres, x east and y north. Its four
/// edges are walls: a point's clearance is its distance to the nearest obstacle
/// or wall. Obstacles may overlap each other and the walls.
///
/// ## Random worlds
/// ``random(_:using:)`` draws one candidate from a ``Generation`` recipe and the
/// caller's generator: ``Generation/obstacleCount`` obstacles, each a disc
/// (probability ½, radius uniform in ``Generation/circleRadius``) or a
/// rectangle (half-sides uniform in ``Generation/rectangleHalfSide``, turned by
/// an angle uniform in `[0, π)`: rotated rectangles, not only axis-aligned
/// ones), centred uniformly in the world; then a start with at least
/// ``Generation/startClearance`` of clearance and a uniform heading, and a goal
/// with at least ``Generation/goalClearance`` of clearance and at least
/// ``Generation/minimumStartGoalDistance`` from the start, both by rejection
/// sampling. If no start or goal fits, the last obstacle is dropped and the
/// placement tried again, so a candidate always exists.
///
/// A candidate need not have a path from start to goal: the environments check
/// each candidate with the ``AStarPlanner`` and draw again until one has (see
/// ``RobotNavigation`` and ``RobotGrid``).
public struct World: Equatable, Sendable {
    /// The extent along x, in metres.
    public let width: Double
    /// The extent along y, in metres.
    public let height: Double
    /// The obstacles, in the order they were drawn.
    public var obstacles: [Obstacle]
    /// Where the robot starts, in metres.
    public var start: Vector2
    /// The robot's heading at the start, radians counter-clockwise from east.
    public var startHeading: Double
    /// The centre of the goal region, in metres.
    public var goal: Vector2

    /// Creates a world.
    public init(width: Double, height: Double, obstacles: [Obstacle], start: Vector2, startHeading: Double = 0, goal: Vector2) {
        precondition(width > 0 && height > 0, "World needs a positive size, got \(width) x \(height)")
        self.width = width
        self.height = height
        self.obstacles = obstacles
        self.start = start
        self.startHeading = startHeading
        self.goal = goal
    }

    // MARK: - Queries

    /// The distance from `point` to the nearest wall, or 0 when it lies outside the world.
    @inlinable public func wallClearance(at point: Vector2) -> Double {
        max(0, min(point.x, width - point.x, point.y, height - point.y))
    }

    /// The distance from `point` to the nearest obstacle or wall (0 inside an
    /// obstacle or outside the world).
    public func clearance(at point: Vector2) -> Double {
        var best = wallClearance(at: point)
        for obstacle in obstacles {
            best = min(best, obstacle.distance(to: point))
        }
        return best
    }

    /// Whether the closed disc of `radius` around `center` touches or crosses an
    /// obstacle or a wall.
    @inlinable public func collides(discAt center: Vector2, radius: Double) -> Bool {
        if center.x <= radius || center.y <= radius || width - center.x <= radius || height - center.y <= radius {
            return true
        }
        for obstacle in obstacles {
            let offset = center - obstacle.center
            let reach = radius + obstacle.boundingRadius
            if offset.lengthSquared > reach * reach { continue }
            if obstacle.collides(discAt: center, radius: radius) { return true }
        }
        return false
    }

    /// The distance along the ray from `origin` (inside the world) in the unit
    /// `direction` to the first obstacle or wall, capped at `maxRange`.
    public func rayDistance(origin: Vector2, direction: Vector2, maxRange: Double) -> Double {
        var best = min(maxRange, wallDistance(origin: origin, direction: direction))
        for obstacle in obstacles {
            best = min(best, obstacle.rayDistance(origin: origin, direction: direction))
        }
        return best
    }

    /// The distance along a ray from a point inside the world to the wall it leaves through.
    @inlinable public func wallDistance(origin: Vector2, direction: Vector2) -> Double {
        var best = Double.infinity
        if direction.x > 0 { best = min(best, (width - origin.x) / direction.x) }
        if direction.x < 0 { best = min(best, -origin.x / direction.x) }
        if direction.y > 0 { best = min(best, (height - origin.y) / direction.y) }
        if direction.y < 0 { best = min(best, -origin.y / direction.y) }
        return max(0, best)
    }

    /// Whether a disc of radius `clearance` can slide along the segment from `a`
    /// to `b` without overlapping an obstacle or a wall: every point of the
    /// segment lies at least `clearance` from all of them (exactly `clearance`,
    /// grazing, is allowed).
    public func isSegmentClear(from a: Vector2, to b: Vector2, clearance: Double) -> Bool {
        // Walls: the segment is clear iff both endpoints are (the inset box is convex).
        guard wallClearance(at: a) >= clearance, wallClearance(at: b) >= clearance else { return false }
        for obstacle in obstacles {
            // Cheap rejection: the shape lies within its bounding disc.
            if obstacle.center.distance(toSegmentFrom: a, to: b) >= clearance + obstacle.boundingRadius { continue }
            if obstacle.distance(toSegmentFrom: a, to: b) < clearance { return false }
        }
        return true
    }

    // MARK: - Random worlds

    /// The recipe of ``World/random(_:using:)``; lengths in metres.
    public struct Generation: Equatable, Sendable {
        /// The world's extent along x.
        public var width: Double
        /// The world's extent along y.
        public var height: Double
        /// How many obstacles to draw.
        public var obstacleCount: Int
        /// The range of disc radii.
        public var circleRadius: ClosedRange<Double>
        /// The range of a rectangle's half-sides (each drawn separately).
        public var rectangleHalfSide: ClosedRange<Double>
        /// The least clearance of the start position.
        public var startClearance: Double
        /// The least clearance of the goal position.
        public var goalClearance: Double
        /// The least straight-line distance from start to goal.
        public var minimumStartGoalDistance: Double

        /// Creates a recipe; by default discs of radius 0.25–0.75 m, rectangles of
        /// half-sides 0.15–0.9 m, and start and goal at least half the shorter
        /// side apart.
        public init(width: Double = 10, height: Double = 10, obstacleCount: Int = 10,
                    circleRadius: ClosedRange<Double> = 0.25...0.75, rectangleHalfSide: ClosedRange<Double> = 0.15...0.9,
                    startClearance: Double = 0.5, goalClearance: Double = 0.6, minimumStartGoalDistance: Double? = nil) {
            self.width = width
            self.height = height
            self.obstacleCount = obstacleCount
            self.circleRadius = circleRadius
            self.rectangleHalfSide = rectangleHalfSide
            self.startClearance = startClearance
            self.goalClearance = goalClearance
            self.minimumStartGoalDistance = minimumStartGoalDistance ?? 0.5 * min(width, height)
        }
    }

    /// Draws one candidate world from `parameters` (see the type's documentation).
    /// The candidate may have no path from start to goal.
    public static func random<G: RandomNumberGenerator>(_ parameters: Generation, using generator: inout G) -> World {
        var obstacles: [Obstacle] = []
        obstacles.reserveCapacity(parameters.obstacleCount)
        for _ in 0..<parameters.obstacleCount {
            let center = Vector2(x: generator.nextDouble(in: 0, parameters.width),
                                 y: generator.nextDouble(in: 0, parameters.height))
            if generator.nextBool(probability: 0.5) {
                let radius = generator.nextDouble(in: parameters.circleRadius.lowerBound, parameters.circleRadius.upperBound)
                obstacles.append(.circle(Circle(center: center, radius: radius)))
            } else {
                let side = parameters.rectangleHalfSide
                let halfWidth = generator.nextDouble(in: side.lowerBound, side.upperBound)
                let halfHeight = generator.nextDouble(in: side.lowerBound, side.upperBound)
                let angle = generator.nextDouble(in: 0, Double.pi)
                obstacles.append(.rectangle(OrientedRectangle(center: center, halfWidth: halfWidth, halfHeight: halfHeight, angle: angle)))
            }
        }
        var emptyWorldAttempts = 0
        while true {
            var world = World(width: parameters.width, height: parameters.height, obstacles: obstacles, start: .zero, goal: .zero)
            if let start = world.samplePoint(clearance: parameters.startClearance, using: &generator, accepting: { _ in true }) {
                world.start = start
                world.startHeading = generator.nextDouble(in: -Double.pi, Double.pi)
                let minimumDistance = parameters.minimumStartGoalDistance
                if let goal = world.samplePoint(clearance: parameters.goalClearance, using: &generator,
                                                accepting: { $0.distance(to: start) >= minimumDistance }) {
                    world.goal = goal
                    return world
                }
            }
            // Too cluttered to place both: drop an obstacle and try again. An empty
            // world fits them when the recipe is sane, but in the smallest worlds the
            // places left are small enough for 200 draws to miss them: draw again.
            if obstacles.isEmpty {
                emptyWorldAttempts += 1
                if emptyWorldAttempts == 1000 {
                    preconditionFailure("World.Generation cannot place a start and goal in an empty \(parameters.width) x \(parameters.height) world")
                }
            } else {
                obstacles.removeLast()
            }
        }
    }

    /// A uniform point with at least `clearance` that `accepting` approves, by up
    /// to 200 rejection draws, or `nil`.
    private func samplePoint<G: RandomNumberGenerator>(clearance: Double, using generator: inout G,
                                                       accepting: (Vector2) -> Bool) -> Vector2? {
        guard width > 2 * clearance, height > 2 * clearance else { return nil }
        for _ in 0..<200 {
            let point = Vector2(x: generator.nextDouble(in: clearance, width - clearance),
                                y: generator.nextDouble(in: clearance, height - clearance))
            if self.clearance(at: point) >= clearance, accepting(point) { return point }
        }
        return nil
    }
}
