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
            if spec.options.isEmpty {
                print("    options      none")
            } else {
                print("    options")
                let width = spec.options.map { $0.name.count + $0.defaultValue.description.count + 1 }.max() ?? 0
                for option in spec.options {
                    let setting = "\(option.name)=\(option.defaultValue)"
                    let padding = String(repeating: " ", count: width - setting.count)
                    print("      \(setting)\(padding)  (\(option.kind.rawValue)) \(option.summary)")
                }
            }
        }
        print("")
        print("Agents")
        print("  \(RandomRun.agentName) - uniformly random actions from the action space (rlrun random ENV)")
    }
}

/// The descriptions of an environment's spaces, read through its concrete type.
private func describeSpaces<E: Environment>(_ environment: E) -> (observation: String, action: String) {
    (environment.observationSpace.description, environment.actionSpace.description)
}
