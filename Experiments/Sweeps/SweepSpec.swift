import Foundation
import Agents
import Yams

/// A sweep file: one agent, its environments, seeds, fixed settings and a grid
/// (or list) of varied settings, expanded into one training run per combination.
///
/// ```yaml
/// name: cartpole-lr            # the folder sweeps/<name>/
/// agent: dqn
/// environments: [cartpole]     # or environment: cartpole
/// seeds: [1, 2, 3]
/// set: {total_steps: 20000}    # --set for every run (env.NAME for options)
/// grid:                        # every combination of these values
///   learning_rate: [0.001, 0.0023]
/// # or variants: [{learning_rate: 0.001}, {learning_rate: 0.0023, batch_size: 128}]
/// ```
public struct SweepSpec: Sendable, Equatable {
    /// The sweep's name: its folder is `sweeps/<name>/`.
    public var name: String
    /// The agent kind's name.
    public var agent: String
    /// The environments, each trained with every variant and seed.
    public var environments: [String]
    /// The run seeds.
    public var seeds: [UInt64]
    /// `key=value` settings every run gets.
    public var fixedSettings: [String]
    /// The varied settings: each variant is a list of `key=value` settings.
    public var variants: [[String]]
    /// The file the spec was read from, for messages.
    public var file: String

    /// The top-level keys a sweep file may have.
    public static let keys = ["name", "agent", "environment", "environments", "seeds", "set", "grid", "variants"]

    /// Reads a sweep file.
    public static func load(from url: URL) throws(SweepError) -> SweepSpec {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .invalid(file: url.path, key: nil, reason: "cannot read it (\(error.localizedDescription))")
        }
        return try parse(text, file: url.path)
    }

    /// Parses sweep text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(SweepError) -> SweepSpec {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw .invalid(file: file, key: nil, reason: "not YAML: \(error)")
        }
        guard let mapping = loaded as? [String: Any] else {
            throw .invalid(file: file, key: nil, reason: "the top level must be a mapping of keys to values")
        }
        if let unknown = mapping.keys.sorted().first(where: { !keys.contains($0) }) {
            throw .invalid(file: file, key: unknown, reason: "unknown key; the keys are \(keys.joined(separator: ", "))")
        }
        func string(_ key: String) throws(SweepError) -> String {
            guard let value = mapping[key] as? String, !value.isEmpty else {
                throw .invalid(file: file, key: key, reason: "missing or not a text value")
            }
            return value
        }
        let name = try string("name")
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".") else {
            throw .invalid(file: file, key: "name", reason: "'\(name)' must be letters, digits, '-', '_' or '.' (it names a folder)")
        }
        let agent = try string("agent")
        do { _ = try AgentRegistry.standard.kind(named: agent) } catch {
            throw .invalid(file: file, key: "agent", reason: error.description)
        }
        var environments: [String]
        switch (mapping["environment"], mapping["environments"]) {
        case (let single as String, nil): environments = [single]
        case (nil, let list as [Any]):
            environments = list.compactMap { $0 as? String }
            guard environments.count == list.count, !environments.isEmpty else {
                throw .invalid(file: file, key: "environments", reason: "must be a non-empty list of environment names")
            }
        default: throw .invalid(file: file, key: "environments", reason: "give either environment: NAME or environments: [NAMES]")
        }
        guard let seedList = mapping["seeds"] as? [Any], !seedList.isEmpty,
              case let seeds = seedList.compactMap({ ($0 as? Int).flatMap { $0 >= 0 ? UInt64($0) : nil } }), seeds.count == seedList.count else {
            throw .invalid(file: file, key: "seeds", reason: "must be a non-empty list of non-negative integers")
        }
        guard Set(seeds).count == seeds.count else { throw .invalid(file: file, key: "seeds", reason: "a seed is listed twice") }
        let fixed = try settings(mapping["set"] ?? [String: Any](), key: "set", file: file)
        var variants: [[String]] = [[]]
        switch (mapping["grid"], mapping["variants"]) {
        case (nil, nil): break
        case (let grid as [String: Any], nil):
            for key in grid.keys.sorted() {
                guard let values = grid[key] as? [Any], !values.isEmpty else {
                    throw .invalid(file: file, key: "grid.\(key)", reason: "must be a non-empty list of values")
                }
                variants = variants.flatMap { variant in values.map { variant + ["\(key)=\(render($0))"] } }
            }
        case (nil, let list as [Any]):
            variants = try list.enumerated().map { (index, entry) throws(SweepError) -> [String] in
                try settings(entry, key: "variants[\(index)]", file: file)
            }
            guard !variants.isEmpty else { throw .invalid(file: file, key: "variants", reason: "must not be empty") }
        default: throw .invalid(file: file, key: "grid", reason: "give either grid: {KEY: [VALUES]} or variants: [{KEY: VALUE}], not both")
        }
        return SweepSpec(name: name, agent: agent, environments: environments, seeds: seeds, fixedSettings: fixed,
                         variants: variants, file: file)
    }

    private static func settings(_ value: Any, key: String, file: String) throws(SweepError) -> [String] {
        guard let mapping = value as? [String: Any] else {
            throw .invalid(file: file, key: key, reason: "must be a mapping of preset keys to values")
        }
        return mapping.keys.sorted().map { "\($0)=\(render(mapping[$0]!))" }
    }

    /// A YAML value as `--set` reads it back.
    private static func render(_ value: Any) -> String {
        switch value {
        case let list as [Any]: return "[" + list.map(render).joined(separator: ", ") + "]"
        case let flag as Bool: return flag ? "true" : "false"
        default: return "\(value)"
        }
    }
}

/// A sweep file or sweep folder that cannot be used; the message names the file, key and reason.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    /// The sweep file is wrong at `key` (or as a whole).
    case invalid(file: String, key: String?, reason: String)
    /// A run of the sweep is refused before anything starts (its preset or settings).
    case badRun(id: String, reason: String)
    /// The scheduler could not be reached or refused the job.
    case scheduler(String)

    public var description: String {
        switch self {
        case .invalid(let file, let key, let reason): return "\(file): \(key.map { "\($0): " } ?? "")\(reason)"
        case .badRun(let id, let reason): return "sweep run \(id): \(reason)"
        case .scheduler(let message): return message
        }
    }
}
