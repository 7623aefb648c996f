import ArgumentParser
import Environments

/// The environment a command works on: its registered name and option overrides.
struct CommonOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The registered environment name (see `rlrun list`).", valueName: "env"))
    var environment: String

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override an environment option; repeat for several (see `rlrun list` for each environment's options).",
                               valueName: "key=value"))
    var settings: [String] = []

    /// The spec of ``environment`` in the standard registry.
    func spec() throws -> EnvironmentSpec {
        try EnvironmentRegistry.standard.spec(named: environment)
    }

    /// The `--set` overrides, checked against the environment's declared options.
    func overrides(for spec: EnvironmentSpec) throws -> [String: InfoValue] {
        let overrides = try EnvironmentOptions.parseSettings(settings)
        _ = try spec.resolveOptions(overrides)
        return overrides
    }
}
