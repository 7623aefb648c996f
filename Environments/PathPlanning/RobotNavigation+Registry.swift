extension RobotNavigation {
    /// The registered path-planning environments: `robot-nav` (discrete
    /// actions), `robot-nav-continuous` (velocities in a `Box`),
    /// `robot-nav-pomdp` (the goal shown only in the first `goal_steps` of
    /// every `goal_period` observations) and `robot-grid` (the task on a grid, image observation).
    ///
    /// Invalid option values throw ``OptionError/badValue(option:value:expected:)``.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "robot-nav",
                summary: "Differential-drive robot with a 16-beam lidar drives to a goal among discs and boxes (A* oracle in info)",
                options: continuousWorldOptions
            ) { options in
                RobotNavigation(configuration: try configuration(options))
            },
            EnvironmentSpec(
                name: "robot-nav-continuous",
                summary: "robot-nav with continuous actions [linear m/s, angular rad/s] in a Box",
                options: continuousWorldOptions
            ) { options in
                ContinuousRobotNavigation(configuration: try configuration(options))
            },
            EnvironmentSpec(
                name: "robot-nav-pomdp",
                summary: "robot-nav where the goal is shown in the first K of every P observations, with the last step's motion (odometry) always",
                options: continuousWorldOptions + [
                    .int("goal_steps", default: 1, "observations that show the goal (K, at least 1); later ones show zeros"),
                    .int("goal_period", default: 40, "the goal is shown in the first K of every P observations (P > K); 0: only once"),
                ]
            ) { options in
                var configuration = try configuration(options)
                let steps = options.int("goal_steps")
                guard steps >= 1 else { throw OptionError.badValue(option: "goal_steps", value: String(steps), expected: "integer of at least 1") }
                configuration.goalVisibleSteps = steps
                let period = options.int("goal_period")
                guard period == 0 || period > steps else {
                    throw OptionError.badValue(option: "goal_period", value: String(period), expected: "0 or an integer above goal_steps (\(steps))")
                }
                configuration.goalPeriod = period == 0 ? nil : period
                return RobotNavigation(configuration: configuration)
            },
            EnvironmentSpec(
                name: "robot-grid",
                summary: "robot-nav's task on a grid: four moves, [3, H, W] image of obstacles, robot and goal (A* oracle in info)",
                options: [
                    .int("size", default: 16, "cells per side (4 to 1000)"),
                    .int("obstacles", default: 10, "obstacles drawn per world (discs and rotated rectangles, at most one per 2 square metres)"),
                    .int("max_steps", default: 200, "truncation step count"),
                    .double("step_cost", default: 0.01, "subtracted from every step's reward"),
                ]
            ) { options in
                var configuration = RobotGrid.Configuration()
                configuration.size = try options.int("size", in: 4...OptionLimits.gridSide)
                configuration.obstacleCount = options.int("obstacles")
                configuration.maxSteps = options.int("max_steps")
                configuration.stepCost = options.double("step_cost")
                if let problem = configuration.validationProblem, problem.hasPrefix("obstacleCount") {
                    throw OptionError.badValue(option: "obstacles", value: String(configuration.obstacleCount), expected: "value (\(problem))")
                }
                guard configuration.maxSteps >= 1 else {
                    throw OptionError.badValue(option: "max_steps", value: String(configuration.maxSteps), expected: "positive integer")
                }
                return RobotGrid(configuration: configuration)
            },
        ]
    }

    /// The options of the continuous-world registrations.
    static let continuousWorldOptions: [OptionSpec] = [
        .double("world_size", default: 10, "side of the square world in metres (3 to 1000)"),
        .int("obstacles", default: 10, "obstacles drawn per world (discs and rotated rectangles, at most one per 2 square metres)"),
        .int("beams", default: 16, "lidar beams, spread over 360 degrees (at most 4096)"),
        .double("lidar_range", default: 3.5, "lidar range in metres"),
        .int("max_steps", default: 500, "truncation step count"),
        .double("step_cost", default: 0.01, "subtracted from every step's reward"),
        .double("robot_radius", default: 0.2, "radius of the robot's disc in metres"),
        .double("goal_radius", default: 0.3, "the robot's centre must come this close to the goal, in metres"),
        .double("planner_cell", default: 0.1, "the A* oracle's grid resolution in metres (at most 1000 cells per side)"),
    ]

    private static func configuration(_ options: EnvironmentOptions) throws(OptionError) -> Configuration {
        var configuration = Configuration()
        configuration.worldSize = options.double("world_size")
        configuration.obstacleCount = options.int("obstacles")
        configuration.beamCount = options.int("beams")
        configuration.lidarRange = options.double("lidar_range")
        configuration.maxSteps = options.int("max_steps")
        configuration.stepCost = options.double("step_cost")
        configuration.robotRadius = options.double("robot_radius")
        configuration.goalRadius = options.double("goal_radius")
        configuration.plannerCellSize = options.double("planner_cell")
        if let problem = configuration.validationProblem {
            let names = [("worldSize", "world_size"), ("obstacleCount", "obstacles"), ("beamCount", "beams"),
                         ("lidarRange", "lidar_range"), ("maxSteps", "max_steps"), ("robotRadius", "robot_radius"),
                         ("goalRadius", "goal_radius"), ("plannerCellSize", "planner_cell"), ("forward step", "robot_radius")]
            // The subject of the message names the option; later mentions (a bound stated via
            // another field) do not.
            let option = (names.first { problem.hasPrefix($0.0) } ?? names.first { problem.contains($0.0) })?.1 ?? "options"
            throw .badValue(option: option, value: options.values[option]?.description ?? "", expected: "value (\(problem))")
        }
        return configuration
    }
}
