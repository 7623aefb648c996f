/// How to rewrite the goal an environment's observations show, for hindsight
/// experience replay (Andrychowicz et al. 2017, "HER"; SB3's `HerReplayBuffer`).
///
/// Gymnasium-Robotics' goal environments split each observation into
/// `observation`, `achieved_goal` and `desired_goal` and recompute rewards with
/// `compute_reward`. Observations here are flat arrays, so an environment whose
/// observations show their goal says instead which goal each state achieves
/// (``HindsightGoalProviding/achievedGoal``) and how to draw another goal into an
/// observation: an agent can then replay an episode as if a state it reached
/// had been the goal, and learn from episodes that never reached the real one.
///
/// Goals are identified by an `Int` (a grid world's cell index).
public protocol HindsightGoals: Sendable {
    /// Rewrites `observation`, which shows a state that achieves `achieved`, into
    /// the observation of that state had `goal` been the only goal (a view
    /// too small to hold `goal` then shows no goal, as it would have).
    func relabel(_ observation: inout [Float], achieved: Int, goal: Int)

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
    /// cannot show another goal.
    var hindsightGoals: (any HindsightGoals)? { get }

    /// The goal the current state achieves (a grid world's agent cell), or `nil`
    /// when the state ends every episode whatever the goal is (lava), so that it
    /// is never taken as a goal.
    var achievedGoal: Int? { get }
}
