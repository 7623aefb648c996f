import Foundation

/// The declaration of one typed environment option: its name, type, default and meaning.
public struct OptionSpec: Sendable, Equatable {
    /// The type of an option's value.
    public enum Kind: String, Sendable, Equatable {
        case int, double, bool, string
    }

    /// The key used in `--set key=value` and in configuration files.
    public let name: String
    /// The value type; text values are parsed to it.
    public let kind: Kind
    /// The value used when the option is not set.
    public let defaultValue: InfoValue
    /// One line on what the option does.
    public let summary: String

    /// Declares an integer option.
    public static func int(_ name: String, default value: Int, _ summary: String) -> OptionSpec {
        OptionSpec(name: name, kind: .int, defaultValue: .int(value), summary: summary)
    }

    /// Declares a floating-point option.
    public static func double(_ name: String, default value: Double, _ summary: String) -> OptionSpec {
        OptionSpec(name: name, kind: .double, defaultValue: .double(value), summary: summary)
    }

    /// Declares a Boolean option.
    public static func bool(_ name: String, default value: Bool, _ summary: String) -> OptionSpec {
        OptionSpec(name: name, kind: .bool, defaultValue: .bool(value), summary: summary)
    }

    /// Declares a text option.
    public static func string(_ name: String, default value: String, _ summary: String) -> OptionSpec {
        OptionSpec(name: name, kind: .string, defaultValue: .string(value), summary: summary)
    }

    /// Converts `text` (as typed after `key=`) to this option's type.
    public func parse(_ text: String) throws(OptionError) -> InfoValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .int:
            if let value = Int(trimmed) { return .int(value) }
        case .double:
            if let value = Double(trimmed), value.isFinite { return .double(value) }
        case .bool:
            switch trimmed.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: break
            }
        case .string:
            return .string(text)
        }
        throw .badValue(option: name, value: text, expected: kind.rawValue)
    }

    /// Checks that `value` has this option's type; an `int` is accepted for a `double`.
    public func coerce(_ value: InfoValue) throws(OptionError) -> InfoValue {
        switch (kind, value) {
        case (.int, .int), (.bool, .bool), (.string, .string): return value
        // Text never parses to a non-finite number; a value given in code must not either,
        // since sizes and probabilities derived from it would be meaningless.
        case (.double, .double(let number)) where number.isFinite: return value
        case (.double, .int(let integer)): return .double(Double(integer))
        case (_, .string(let text)): return try parse(text)
        default: throw .badValue(option: name, value: value.description, expected: kind.rawValue)
        }
    }
}

/// A wrong option key or value, with the message a user needs to fix it.
public enum OptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key is not one of the declared options.
    case unknownOption(option: String, owner: String, known: [String])
    /// The value could not be read as the option's type, or is out of range.
    case badValue(option: String, value: String, expected: String)
    /// A `key=value` setting without `=`.
    case malformedSetting(String)
    /// Two settings (each as `key=value`) that must not be on together.
    case conflictingOptions(String, String, reason: String)

    public var description: String {
        switch self {
        case .unknownOption(let option, let owner, let known):
            var message = "unknown option '\(option)' for \(owner)"
            if let suggestion = closestMatch(to: option, in: known) {
                message += "; did you mean '\(suggestion)'?"
            }
            message += known.isEmpty ? " (it takes no options)" : " (known options: \(known.joined(separator: ", ")))"
            return message
        case .badValue(let option, let value, let expected):
            return "option '\(option)': '\(value)' is not a valid \(expected)"
        case .malformedSetting(let text):
            return "setting '\(text)' must have the form key=value"
        case .conflictingOptions(let first, let second, let reason):
            return "options '\(first)' and '\(second)' cannot be on together: \(reason)"
        }
    }
}

/// Upper bounds of size-like environment options, checked before anything is
/// allocated from them. Each is far above any use the project has seen, yet low
/// enough that the memory it implies fits a workstation and every product of
/// sizes fits an `Int`.
public enum OptionLimits {
    /// Cells per side of any grid: grid worlds and their map files, Catch, Snake,
    /// robot-grid and the A* oracle's grid of robot-nav. A million cells per map
    /// keeps one observation of a few planes near 40 MB.
    public static let gridSide = 1_000
    /// Observations stacked by the `frame_stack` wrapper (Atari uses 4).
    public static let frameStack = 1_024
    /// Inner steps per action of the `action_repeat` wrapper (Atari uses 4).
    public static let actionRepeat = 1_000
    /// Floats in one observation after wrappers (`frame_stack` multiplies the
    /// size): 2²⁶ floats is 256 MB per observation, more than any agent here can learn from.
    public static let observationEntries = 1 << 26
    /// Lidar beams of robot-nav (16 by default); each costs a ray cast per step.
    public static let lidarBeams = 4_096
    /// Obstacles drawn per world of `worldSize` metres a side (robot-nav, robot-grid):
    /// one per 2 m² (50 in the default 10 m world), at least 16 in any world (small
    /// worlds retry fast), at most 10,000. Denser worlds rarely leave a path, and
    /// the generator's retries (an A* search each) then run for minutes.
    public static func obstacles(worldSize: Double) -> Int {
        guard worldSize.isFinite, worldSize > 0 else { return 16 }
        return Int(max(16, min(10_000, (worldSize * worldSize / 2).rounded(.down))))
    }
}

/// Resolved option values: every declared option has a value, defaults filled in.
///
/// Environments read their options through the typed accessors; asking for an
/// undeclared key is a programming error and traps.
public struct EnvironmentOptions: Sendable, Equatable, CustomStringConvertible {
    /// The declarations, in order.
    public let specs: [OptionSpec]
    /// The value of every declared option.
    public private(set) var values: [String: InfoValue]

    /// Resolves `overrides` against `specs`: unknown keys and wrong types are errors
    /// naming `owner` (the environment or file the options belong to).
    public init(specs: [OptionSpec], overrides: [String: InfoValue] = [:], owner: String) throws(OptionError) {
        self.specs = specs
        var values: [String: InfoValue] = [:]
        for spec in specs { values[spec.name] = spec.defaultValue }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let spec = specs.first(where: { $0.name == key }) else {
                throw .unknownOption(option: key, owner: owner, known: specs.map(\.name))
            }
            values[key] = try spec.coerce(value)
        }
        self.values = values
    }

    /// Parses `key=value` settings (as given to `--set`).
    public static func parseSettings(_ settings: [String]) throws(OptionError) -> [String: InfoValue] {
        var result: [String: InfoValue] = [:]
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw .malformedSetting(setting)
            }
            let key = String(setting[..<equals]).trimmingCharacters(in: .whitespaces)
            result[key] = .string(String(setting[setting.index(after: equals)...]))
        }
        return result
    }

    private func value(_ name: String) -> InfoValue {
        guard let value = values[name] else {
            preconditionFailure("option '\(name)' was never declared (declared: \(specs.map(\.name)))")
        }
        return value
    }

    /// The integer option `name`.
    public func int(_ name: String) -> Int {
        guard case .int(let value) = value(name) else { preconditionFailure("option '\(name)' is not an int") }
        return value
    }

    /// The integer option `name`, refused unless it lies in `range` (and is odd when
    /// `odd` is set), with a message that states the allowed range.
    ///
    /// Size-like options read through this, so that a value is checked before
    /// anything is allocated from it and arithmetic on it cannot overflow.
    public func int(_ name: String, in range: ClosedRange<Int>, odd: Bool = false) throws(OptionError) -> Int {
        let number = int(name)
        guard range.contains(number), !odd || number % 2 != 0 else {
            throw .badValue(option: name, value: String(number),
                            expected: "\(odd ? "odd " : "")integer in [\(range.lowerBound), \(range.upperBound)]")
        }
        return number
    }

    /// The floating-point option `name`.
    public func double(_ name: String) -> Double {
        guard let number = value(name).doubleValue else { preconditionFailure("option '\(name)' is not a number") }
        return number
    }

    /// The Boolean option `name`.
    public func bool(_ name: String) -> Bool {
        guard case .bool(let value) = value(name) else { preconditionFailure("option '\(name)' is not a bool") }
        return value
    }

    /// The text option `name`.
    public func string(_ name: String) -> String {
        guard case .string(let value) = value(name) else { preconditionFailure("option '\(name)' is not a string") }
        return value
    }

    /// The options that differ from their defaults, for logs and headers.
    public var nonDefaultValues: [String: InfoValue] {
        values.filter { key, value in specs.first { $0.name == key }?.defaultValue != value }
    }

    public var description: String {
        specs.map { "\($0.name)=\(values[$0.name]!.description)" }.joined(separator: " ")
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let containsEither = best.0.lowercased().contains(word.lowercased()) || word.lowercased().contains(best.0.lowercased())
    return best.1 <= max(2, word.count / 3) || containsEither ? best.0 : nil
}

/// Levenshtein distance between two strings, counted in characters.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
