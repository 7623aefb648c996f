import ArgumentParser
import Environments

/// `rlrun check-env ENV`: the environment checker's verdicts.
struct CheckEnvironmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-env",
        abstract: "Check an environment against the environment protocol's contract.",
        discussion: """
            Runs every check of the environment checker (spaces contain observations, seeding is \
            deterministic, stepping after the end is refused, reset after the end works, rendering \
            is consistent) and prints PASS or FAIL with the reason for each. Exits with status 1 \
            if any check failed.

            Examples:
              rlrun check-env gridworld
              rlrun check-env cartpole --set max_steps=50
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Seed for the checker's resets and random actions.")
    var seed: UInt64 = 0

    func run() throws {
        let (spec, results) = try reportingUserErrors {
            let spec = try common.spec()
            return (spec, try spec.check(options: try common.overrides(for: spec), seed: seed))
        }
        for result in results {
            print("\(result.passed ? "PASS" : "FAIL") \(result.name): \(result.detail)")
        }
        let failed = results.filter { !$0.passed }.count
        print("\(spec.name): \(results.count - failed) of \(results.count) checks passed")
        if failed > 0 { throw ExitCode.failure }
    }
}
