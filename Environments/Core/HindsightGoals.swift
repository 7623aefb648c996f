/// How to read and rewrite the goal an environment's observations show, for
/// hindsight experience replay (Andrychowicz et al. 2017, "HER"; SB3's
/// `HerReplayBuffer`).
///
/// Gymnasium-Robotics' goal environments split each observation into
/// `observation`, `achieved_goal` and `desired_goal` and recompute rewards with
/// `compute_reward`. Observations here are flat arrays, so an environment whose
/// observations show their goal describes instead where the goal sits in them:
/// an agent can then replay an episode as if a state it reached had been the
/// goal, and learn from episodes that never reached the real one.
///
/// Goals are identified by an `Int` (a grid world's cell index).
public protocol HindsightGoals: Sendable {
    /// The goal that the state an observation shows achieves (for a grid world,
    /// the agent's cell).
    func achievedGoal(in observation: [Float]) -> Int

    /// Whether the state an observation shows ends the episode whatever the goal
    /// is (a grid world's lava); such a state is never taken as a goal.
    func endsEpisodeWithoutGoal(_ observation: [Float]) -> Bool

    /// Rewrites `observation` so that it shows `goal` as the only goal, in place
    /// of the goals it showed.
    func relabel(_ observation: inout [Float], goal: Int)

    /// The reward of the step that reaches the goal when that step makes the
    /// episode `stepCount` steps long (other steps give 0).
    func rewardForReachingGoal(atStep stepCount: Int) -> Double
}

/// An environment that can describe its goal to hindsight replay.
///
/// A trainer finds it with `environment as? any HindsightGoalProviding`
/// (through ``AnyEnvironment/base`` for a registry-made environment). Wrappers
/// do not forward it: a wrapper that changes observations would make the
/// description wrong, so only the bare environment offers one.
public protocol HindsightGoalProviding {
    /// The description for this configuration's observations, or `nil` when they
    /// do not show the goal in a way that can be rewritten.
    var hindsightGoals: (any HindsightGoals)? { get }
}
