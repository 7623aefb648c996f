import Foundation
import Environments
import Agents
import Yams

/// A tuned configuration for one agent on one environment, read from
/// `Presets/<agent>/<environment>.yaml` (bundled with the Experiments module).
///
/// A preset file holds the runner's keys (`environment`, `env` options, `seed`,
/// `eval_episodes`, ...) and the agent's hyperparameters (the keys of `Config`,
/// such as ``DQNConfig`` or ``PPOConfig``) in one flat mapping, so every tuned
/// number is visible in one place; a user can copy a file, edit it, and pass it
/// with `--preset FILE`.
public struct Preset<Config: AgentConfiguration>: Sendable {
    /// The file the preset came from (for messages).
    public let file: String
    /// The agent the preset is for, such as `"dqn"`.
    public let agent: String
    /// The registered environment name.
    public var environment: String
    /// Environment option overrides (the `env` mapping).
    public var environmentOptions: [String: InfoValue]
    /// The runner's settings.
    public var run: RunSettings
    /// The agent's hyperparameters.
    public var agentConfig: Config
    /// The keys given by ``apply(settings:)``, so that errors blame `--set`, not the file.
    private var keysFromSettings: Set<String> = []

    /// The keys the runner reads, besides the agent's hyperparameters.
    public static var runKeys: [String] { ["environment", "env", "seed", "eval_episodes", "eval_seed", "log_interval", "checkpoint_interval", "keep_checkpoints"] }

    /// Every key a preset may hold.
    public static var validKeys: [String] { runKeys + Config.keys }

    /// The bundled preset for `agent` and `environment`.
    ///
    /// - Throws: ``PresetError/noPreset(agent:environment:available:)`` listing what exists.
    public static func bundled(agent: String, environment: String) throws(PresetError) -> Preset {
        guard let url = bundledURL(agent: agent, environment: environment) else {
            throw .noPreset(agent: agent, environment: environment, available: bundledEnvironments(agent: agent))
        }
        return try load(from: url, agent: agent)
    }

    /// The environments that have a bundled preset for `agent`.
    public static func bundledEnvironments(agent: String) -> [String] {
        guard let folder = Bundle.module.url(forResource: "Presets", withExtension: nil)?.appendingPathComponent(agent),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func bundledURL(agent: String, environment: String) -> URL? {
        guard let url = Bundle.module.url(forResource: "Presets", withExtension: nil)?
            .appendingPathComponent(agent).appendingPathComponent(environment + ".yaml"),
            FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// Reads a preset file.
    public static func load(from url: URL, agent: String) throws(PresetError) -> Preset {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try parse(text, file: url.path, agent: agent)
    }

    /// Parses preset text; `file` names it in errors.
    public static func parse(_ text: String, file: String, agent: String) throws(PresetError) -> Preset {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw .malformed(file: file, reason: "\(error)")
        }
        guard let mapping = loaded as? [String: Any] else {
            throw .malformed(file: file, reason: "the top level must be a mapping of keys to values")
        }
        var preset = Preset(file: file, agent: agent, environment: "", environmentOptions: [:], run: RunSettings(), agentConfig: Config())
        var agentValues: [String: Any] = [:]
        for (key, value) in mapping {
            try preset.set(key, to: value, agentValues: &agentValues, source: file)
        }
        guard !preset.environment.isEmpty else { throw .missingKey(file: file, key: "environment") }
        try preset.decodeAgent(agentValues)
        return preset
    }

    /// Applies `key=value` overrides (as given to `--set`); the value is read as YAML,
    /// so `0.001`, `true`, `[256, 256]` and `text` all work. `env.NAME=value` sets an
    /// environment option. Errors name the setting (`--set KEY=VALUE`), not the
    /// preset file; `null` is refused (it is no value), and so is `environment`,
    /// which the command's argument or the preset file chooses.
    public mutating func apply(settings: [String]) throws(PresetError) {
        var agentValues = currentAgentValues()
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw .malformedSetting(setting)
            }
            let key = String(setting[..<equals]).trimmingCharacters(in: .whitespaces)
            let text = String(setting[setting.index(after: equals)...])
            guard key != "environment" else {
                throw .notSettable(key: key, value: text,
                                   reason: "the environment is the command's argument (rlrun AGENT ENVIRONMENT) "
                                       + "or the environment key of a --preset file")
            }
            let value: Any = (try? Yams.load(yaml: text)).flatMap { $0 } ?? text
            keysFromSettings.insert(key)
            if key.hasPrefix("env.") {
                environmentOptions[String(key.dropFirst(4))] = try infoValue(value, key: key, source: PresetError.settingsSource)
            } else {
                try set(key, to: value, agentValues: &agentValues, source: PresetError.settingsSource)
            }
        }
        try decodeAgent(agentValues)
    }

    /// Sets one key read from `source` (the preset file, or ``PresetError/settingsSource``).
    private mutating func set(
        _ key: String, to value: Any, agentValues: inout [String: Any], source: String
    ) throws(PresetError) {
        if value is NSNull { throw .badValue(file: source, key: key, value: "null", expected: Self.notNull) }
        switch key {
        case "environment":
            guard let name = value as? String else { throw .badValue(file: source, key: key, value: "\(value)", expected: "an environment name") }
            environment = name
        case "env":
            guard let options = value as? [String: Any] else { throw .badValue(file: source, key: key, value: "\(value)", expected: "a mapping of environment options") }
            for (name, option) in options { environmentOptions[name] = try infoValue(option, key: "env.\(name)", source: source) }
        case "seed": run.seed = UInt64(try integer(value, key: key, minimum: 0, source: source))
        case "eval_episodes": run.evaluationEpisodes = try integer(value, key: key, minimum: 0, source: source)
        case "eval_seed": run.evaluationSeed = UInt64(try integer(value, key: key, minimum: 0, source: source))
        case "log_interval": run.logInterval = try integer(value, key: key, minimum: 1, source: source)
        case "checkpoint_interval": run.checkpointInterval = try integer(value, key: key, minimum: 1, source: source)
        case "keep_checkpoints": run.keepCheckpoints = try integer(value, key: key, minimum: 1, source: source)
        default:
            guard Config.keys.contains(key) else {
                throw .unknownKey(file: source, key: key, suggestion: closestMatch(to: key, in: Self.validKeys))
            }
            agentValues[key] = value
        }
    }

    /// What a `null` (`~`, or an empty value in a preset file) is told to be instead.
    private static var notNull: String { "a value (null is none: leave the key out for its default)" }

    private func integer(_ value: Any, key: String, minimum: Int, source: String) throws(PresetError) -> Int {
        guard let number = value as? Int, number >= minimum else {
            throw .badValue(file: source, key: key, value: "\(value)", expected: "an integer ≥ \(minimum)")
        }
        return number
    }

    private func infoValue(_ value: Any, key: String, source: String) throws(PresetError) -> InfoValue {
        switch value {
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .int(number)
        case let number as Double: return .double(number)
        case let text as String: return .string(text)
        case is NSNull: throw .badValue(file: source, key: key, value: "null", expected: Self.notNull)
        default: throw .badValue(file: source, key: key, value: "\(value)", expected: "a number, true/false or text")
        }
    }

    /// Where `key`'s value came from, for errors found after every key is read.
    private func source(of key: String) -> String {
        keysFromSettings.contains(key) ? PresetError.settingsSource : file
    }

    private func currentAgentValues() -> [String: Any] {
        guard let data = try? JSONEncoder().encode(agentConfig),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    private mutating func decodeAgent(_ values: [String: Any]) throws(PresetError) {
        do {
            let data = try JSONSerialization.data(withJSONObject: values)
            agentConfig = try JSONDecoder().decode(Config.self, from: data)
        } catch {
            // The decoder's coding path does not always name the key (a number that
            // does not fit an integer names none), so find the key that fails alone.
            guard let key = Self.keyThatFailsToDecode(in: values) else {
                throw .malformed(file: file, reason: "\(error)")
            }
            throw .badValue(file: source(of: key), key: key, value: Self.shown(values[key]),
                            expected: Self.expectedType(of: key))
        }
        do { try agentConfig.validate() } catch {
            throw .badValue(file: source(of: error.key), key: error.key, value: error.value, expected: error.expectation)
        }
    }

    /// The first key (in sorted order) whose value alone does not decode as `Config`.
    private static func keyThatFailsToDecode(in values: [String: Any]) -> String? {
        for key in values.keys.sorted() {
            guard let value = values[key],
                  let data = try? JSONSerialization.data(withJSONObject: [key: value]),
                  (try? JSONDecoder().decode(Config.self, from: data)) != nil else { return key }
        }
        return nil
    }

    /// A value as the user wrote it (YAML's reading of it).
    private static func shown(_ value: Any?) -> String {
        guard let value else { return "(none)" }
        if let list = value as? [Any] { return "[" + list.map { shown($0) }.joined(separator: ", ") + "]" }
        return "\(value)"
    }

    /// The type `key` takes, in words, from the default configuration's property
    /// (keys are the properties' names in snake case).
    private static func expectedType(of key: String) -> String {
        let parts = key.split(separator: "_")
        let property = (parts.first.map(String.init) ?? "") + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        guard let child = Mirror(reflecting: Config()).children.first(where: { $0.label == property }) else {
            return "a value of the key's type (see \(Config.self))"
        }
        switch child.value {
        case is Bool: return "true or false"
        case is Int: return "an integer"
        case is Double, is Float: return "a number"
        case is String: return "text"
        case is [Int]: return "a list of integers, such as [64, 64]"
        case is [Double]: return "a list of numbers"
        default: return "a value of the key's type (see \(Config.self))"
        }
    }
}

extension Preset where Config == DQNConfig {
    /// The DQN hyperparameters.
    public var dqn: DQNConfig {
        get { agentConfig }
        set { agentConfig = newValue }
    }
}

/// The runner's settings that are not hyperparameters of the agent.
public struct RunSettings: Codable, Sendable, Equatable {
    /// Seeds the agent and every training episode.
    public var seed: UInt64 = 1
    /// Greedy evaluation episodes after training.
    public var evaluationEpisodes = 100
    /// Seeds the evaluation episodes (kept apart from training seeds).
    public var evaluationSeed: UInt64 = 1_000_000
    /// Environment steps between rows of progress.csv.
    public var logInterval = 1000
    /// Environment steps between checkpoints (one is always written at the end).
    public var checkpointInterval = 10_000
    /// How many checkpoints to keep (oldest are deleted).
    public var keepCheckpoints = 2

    /// The defaults.
    public init() {}
}

/// A preset that cannot be found or read.
public enum PresetError: Error, Equatable, Sendable, CustomStringConvertible {
    case noPreset(agent: String, environment: String, available: [String])
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    case missingKey(file: String, key: String)
    case unknownKey(file: String, key: String, suggestion: String?)
    case badValue(file: String, key: String, value: String, expected: String)
    case malformedSetting(String)
    case notSettable(key: String, value: String, reason: String)

    /// The `file` of errors in values given with `--set` rather than read from a file.
    public static let settingsSource = "--set"

    public var description: String {
        switch self {
        case .noPreset(let agent, let environment, let available):
            let suggestion = closestMatch(to: environment, in: available).map { "; did you mean '\($0)'?" } ?? ""
            return "no \(agent) preset for environment '\(environment)'\(suggestion) (presets exist for: \(available.joined(separator: ", ")); pass --preset FILE for your own)"
        case .unreadable(let file, let reason):
            return "cannot read preset \(file): \(reason)"
        case .malformed(let file, let reason):
            return "preset \(file) is not valid YAML: \(reason)"
        case .missingKey(let file, let key):
            return "preset \(file) has no '\(key)' key"
        case .unknownKey(let file, let key, let suggestion) where file == Self.settingsSource:
            return "--set: unknown key '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .unknownKey(let file, let key, let suggestion):
            return "unknown key '\(key)' in preset \(file)" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .badValue(let file, let key, let value, let expected) where file == Self.settingsSource:
            return "--set \(key)=\(value) is invalid: expected \(expected)"
        case .badValue(let file, let key, let value, let expected):
            return "preset \(file): \(key) = \(value) is invalid: expected \(expected)"
        case .malformedSetting(let text):
            return "setting '\(text)' must have the form key=value"
        case .notSettable(let key, let value, let reason):
            return "--set \(key)=\(value) is not allowed: \(reason)"
        }
    }
}

/// A preset of ``DQNConfig`` hyperparameters (`Presets/dqn/*.yaml`).
public typealias DQNPreset = Preset<DQNConfig>

extension Preset {
    /// The environment options of a training run, resolved against `spec`.
    ///
    /// - Throws: what ``EnvironmentSpec/resolveOptions(_:)`` throws, and
    ///   ``PresetError/badValue(file:key:value:expected:)`` for
    ///   `env.normalize_observation`: each copy's wrapper would keep running
    ///   statistics of its own that checkpoints do not hold and evaluation does not
    ///   freeze, so a resumed run or an evaluation would see other observations.
    func resolvedTrainingOptions(_ spec: EnvironmentSpec) throws -> [String: InfoValue] {
        let options = try spec.resolveOptions(environmentOptions).values
        let key = WrapperSettings.Key.normalizeObservation
        if options[key]?.boolValue == true {
            throw PresetError.badValue(
                file: file, key: "env." + key, value: "true",
                expected: "false in a training run (the wrapper's running statistics are neither checkpointed nor frozen for "
                    + "evaluation; ppo and ppo-lstm normalise observations themselves with normalize_observations: true)")
        }
        return options
    }
}
