import Agents
import ArgumentParser
import Experiments

/// `rlrun drqn ENV`: trains a recurrent DQN agent with the bundled preset for ENV.
struct DRQNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: AgentKind.drqn.name,
        abstract: "Train a recurrent DQN (DRQN) agent, then evaluate it greedily.",
        discussion: """
            DRQN is DQN with an LSTM between the encoder and the Q head, trained on windows of \
            stored episodes with a burn-in prefix (sequence_length, burn_in, lstm_hidden_size); it \
            solves tasks a memoryless agent cannot, such as gridworld-memory.

            Uses the preset Experiments/Presets/drqn/<env>.yaml (or --preset FILE), with --steps, --seed \
            and --set key=value overriding its keys (env.NAME=value sets an environment option). The run \
            folder (runs/drqn-<env>-<UTC timestamp>/ by default) gets config.json, episodes.jsonl, \
            progress.csv, checkpoints/, and after training eval.json and eval_episodes.jsonl.

            Ctrl-C (SIGINT) or SIGTERM finishes the current step, writes a checkpoint and exits with \
            130 or 143; `rlrun drqn --resume RUN` continues exactly where it stopped.

            Examples:
              rlrun drqn gridworld-memory
              rlrun drqn gridworld-memory --seed 2 --set burn_in=8
              rlrun drqn --resume runs/drqn-gridworld-memory-20261129T170000Z
            """
    )

    @OptionGroup var options: OffPolicyTrainingOptions

    func validate() throws { try options.validate(agent: AgentKind.drqn.name) }

    func run() throws { try options.train(.drqn) }
}
