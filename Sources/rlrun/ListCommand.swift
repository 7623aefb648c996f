import Agents
import ArgumentParser
import Environments
import Experiments

/// `rlrun list`: every registered environment and every agent.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the registered environments, with their spaces and options, and the agents.",
        discussion: """
            Each environment is made once with its default options to show its observation \
            and action spaces. Options are set with `--set key=value` on the commands that take \
            an environment.

            Example:
              rlrun list
            """
    )

    func run() throws {
        let registry = EnvironmentRegistry.standard
        print("Environments")
        if registry.specs.isEmpty { print("  (none registered)") }
        for spec in registry.specs {
            print("  \(spec.name) - \(spec.summary)")
            do {
                let spaces = describeSpaces(try spec.make())
                print("    observation  \(spaces.observation)")
                print("    action       \(spaces.action)")
            } catch {
                print("    (cannot be made with its default options: \(error))")
            }
            let ownOptions = spec.options.filter { spec.environmentOptionNames.contains($0.name) }
            if ownOptions.isEmpty {
                print("    options      none")
            } else {
                print("    options")
                printOptions(ownOptions)
            }
        }
        print("")
        print("Wrapper options (every environment with [Float] observations and Int actions)")
        printOptions(WrapperSettings.optionSpecs)
        print("")
        print("Agents")
        print("  \(RandomRun.agentName) - uniformly random actions from the action space (rlrun random ENV)")
        for kind in AgentRegistry.standard.kinds {
            print("  \(kind.name) - \(kind.summary) (rlrun \(kind.name) ENV)")
        }
    }
}

/// One indented line per option: `name=default  (kind) summary`.
private func printOptions(_ options: [OptionSpec]) {
    let width = options.map { $0.name.count + $0.defaultValue.description.count + 1 }.max() ?? 0
    for option in options {
        let setting = "\(option.name)=\(option.defaultValue)"
        let padding = String(repeating: " ", count: width - setting.count)
        print("      \(setting)\(padding)  (\(option.kind.rawValue)) \(option.summary)")
    }
}

/// The descriptions of an environment's spaces, read through its concrete type.
private func describeSpaces<E: Environment>(_ environment: E) -> (observation: String, action: String) {
    (environment.observationSpace.description, environment.actionSpace.description)
}
