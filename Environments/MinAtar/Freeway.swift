/// MinAtar Freeway: a chicken crosses eight lanes of traffic, again and again.
///
/// ## Description
///
/// The chicken stays in column 4 and moves only up and down, at most once every
/// ``moveInterval`` frames. Each of rows 1–8 holds one car that moves one cell
/// left or right every 1 to 5 frames (its speed) and wraps around at the edges.
/// A car that shares the chicken's cell, before or after its move, sends the
/// chicken back to the bottom row (row 9). Reaching the top row (row 0) scores,
/// sends the chicken back to the bottom and gives every car a new random speed
/// and direction (positions are kept).
///
/// ## Actions
///
/// Up and down move the chicken when its move timer has run out; the other
/// actions do nothing. Minimal set: no-op, up, down.
///
/// ## Observation
///
/// Seven channels (``Channel``): chicken, car, and five speed-trail channels.
/// Each car marks the cell behind it (wrapping around) in the trail channel of
/// its speed: `speed1` for a car that moves every frame up to `speed5` for one
/// that moves every fifth frame.
///
/// ## Rewards
///
/// +1 for each crossing.
///
/// ## Start
///
/// The chicken is at the bottom. All cars are at column 0; each has a speed
/// drawn uniformly from 1–5 and a direction left or right with probability ½.
/// The chicken's move timer starts full, so it cannot move in the first
/// ``moveInterval`` frames.
///
/// ## Episode End
///
/// - Truncation: after ``frameLimit`` frames the game stops (the frame that ends
///   it is the 2501st, as in the reference, whose timer starts at 2500 and ends
///   the game when it drops below zero). The reference reports this end as
///   terminal. Here it is truncation: nothing in the observation shows the
///   clock, and there is no ramp or other state that depends on time, so the
///   last state is not terminal in the MDP the agent sees; reporting it as
///   truncation lets agents bootstrap, as Gymnasium does for time limits.
///   Returns and episode lengths are the same either way.
public struct Freeway: MinAtarGame {
    /// The observation channels, in MinAtar's order.
    public enum Channel: Int, CaseIterable, Sendable {
        case chicken = 0, car, speed1, speed2, speed3, speed4, speed5
    }

    /// One car: the lane is fixed, the speed changes at every crossing.
    public struct Car: Equatable, Sendable {
        /// Column, 0–9.
        public var x: Int
        /// Row (lane), 1–8.
        public var y: Int
        /// Frames left until the car's next move.
        public var moveTimer: Int
        /// Frames between moves (1–5), with the sign of the direction (+ right, − left).
        public var velocity: Int
    }

    public static let gameName = "Freeway"
    public static let minimalActions: [MinAtarAction] = [.noOp, .up, .down]
    /// The chicken can move at most once in this many frames.
    public static let moveInterval = 3
    /// The reference's time limit: its timer starts here and the game ends when it drops below zero.
    public static let frameLimit = 2500
    /// The chicken's column.
    public static let chickenX = 4

    /// The chicken's row (9 at the bottom, 0 at the top).
    public internal(set) var chickenY = 9
    /// Frames until the chicken may move again.
    public internal(set) var moveTimer = Freeway.moveInterval
    /// The reference's countdown to the end of the game.
    public internal(set) var framesLeft = Freeway.frameLimit
    /// The eight cars, lane 1 first (stored inline, so frames pay no copy-on-write checks).
    var carStorage = InlineArray<8, Car> { Car(x: 0, y: $0 + 1, moveTimer: 1, velocity: 1) }
    /// The eight cars, lane 1 first.
    public internal(set) var cars: [Car] {
        get { (0..<8).map { carStorage[$0] } }
        set {
            for index in 0..<8 { carStorage[index] = newValue[index] }
            updateCarPlanes()
        }
    }
    /// The car channel and the five speed-trail channels, in channel order, as
    /// of the last change to the cars.
    var carPlanes = InlineArray<6, MinAtar.CellMask>(repeating: MinAtar.CellMask(bits: 0))
    public var difficultyLevel: Int? { nil }

    public init(difficultyRamping: Bool) {}

    public mutating func reset(using generator: inout Xoshiro256) {
        for index in carStorage.indices { carStorage[index].x = 0 }
        randomizeCars(using: &generator)
        chickenY = 9
        moveTimer = Self.moveInterval
        framesLeft = Self.frameLimit
        updateCarPlanes()
    }

    public mutating func act(_ action: MinAtarAction, using generator: inout Xoshiro256) -> MinAtar.Outcome {
        var outcome = MinAtar.Outcome()
        if action == .up, moveTimer == 0 {
            moveTimer = Self.moveInterval
            chickenY = max(0, chickenY - 1)
        } else if action == .down, moveTimer == 0 {
            moveTimer = Self.moveInterval
            chickenY = min(9, chickenY + 1)
        }

        if chickenY == 0 {
            outcome.reward += 1
            randomizeCars(using: &generator)
            chickenY = 9
        }

        for index in carStorage.indices {
            var car = carStorage[index]
            if car.x == Self.chickenX, car.y == chickenY { chickenY = 9 }
            if car.moveTimer == 0 {
                car.moveTimer = abs(car.velocity)
                car.x += car.velocity > 0 ? 1 : -1
                if car.x < 0 { car.x = 9 } else if car.x > 9 { car.x = 0 }
                if car.x == Self.chickenX, car.y == chickenY { chickenY = 9 }
            } else {
                car.moveTimer -= 1
            }
            carStorage[index] = car
        }

        if moveTimer > 0 { moveTimer -= 1 }
        framesLeft -= 1
        if framesLeft < 0 { outcome.truncated = true }
        updateCarPlanes()
        return outcome
    }

    /// New speeds (1–5) and directions for every car; the move timer restarts at
    /// the speed. Draws all eight speeds, then all eight directions, in the
    /// reference's order.
    private mutating func randomizeCars(using generator: inout Xoshiro256) {
        for index in carStorage.indices {
            let speed = 1 + generator.nextInt(upperBound: 5)
            carStorage[index].moveTimer = speed
            carStorage[index].velocity = speed
        }
        for index in carStorage.indices where generator.nextUnitDouble() < 0.5 {
            carStorage[index].velocity = -carStorage[index].velocity
        }
    }

    /// Recomputes ``carPlanes`` from the cars (in place, in a mutating context,
    /// so that drawing a frame never walks, or copies, the car storage).
    private mutating func updateCarPlanes() {
        var planes = InlineArray<6, MinAtar.CellMask>(repeating: MinAtar.CellMask(bits: 0))
        for index in 0..<8 {
            let car = carStorage[index]
            planes[0].insert(x: car.x, y: car.y)
            var backX = car.velocity > 0 ? car.x - 1 : car.x + 1
            if backX < 0 { backX = 9 } else if backX > 9 { backX = 0 }
            // Trail planes 1...5 are the speed1 ... speed5 channels.
            planes[abs(car.velocity)].insert(x: backX, y: car.y)
        }
        carPlanes = planes
    }

    @inline(__always)
    public func draw(into planes: inout MinAtar.Planes) {
        planes.insert(Channel.chicken, x: Self.chickenX, y: chickenY)
        for index in 0..<6 { planes[Channel.car.rawValue + index] = carPlanes[index] }
    }
}
