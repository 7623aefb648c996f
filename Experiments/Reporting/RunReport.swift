import Foundation
import Environments

/// Statistics across the seeds of training runs, as rliable recommends for
/// few runs (Agarwal et al. 2021): runs are grouped by their configuration with
/// the seed left out, and each group reports the mean and standard deviation of
/// the final evaluation return, the interquartile mean (IQM) and a 95%
/// stratified bootstrap confidence interval of the IQM.
public struct RunReport: Sendable {
    /// One configuration's runs (its seeds).
    public struct Group: Sendable, Equatable {
        /// The agent kind's name.
        public var agent: String
        /// The environment's registered name.
        public var environment: String
        /// What sets this group apart from the others in the report (`key=value`
        /// of the settings that differ), empty when every run shares one configuration.
        public var differences: String
        /// The run seeds, in the order of ``returns``.
        public var seeds: [UInt64]
        /// Each run's final evaluation mean return.
        public var returns: [Double]
        /// Each run's evaluation success rate, when the environment defines success.
        public var successRates: [Double]
        /// Each run's training wall time in seconds.
        public var wallSeconds: [Double]
        /// The run folders.
        public var folders: [URL]

        /// The mean of ``returns``.
        public var mean: Double { returns.reduce(0, +) / Double(max(returns.count, 1)) }
        /// The sample standard deviation of ``returns`` (0 for one run).
        public var standardDeviation: Double {
            guard returns.count > 1 else { return 0 }
            let mean = self.mean
            return (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)).squareRoot()
        }
        /// The interquartile mean of ``returns``.
        public var interquartileMean: Double { RunStatistics.interquartileMean(returns) }
        /// The 95% bootstrap confidence interval of the IQM (2,000 resamples, seeded).
        public var confidenceInterval: (lower: Double, upper: Double) {
            RunStatistics.bootstrapInterval(returns, statistic: RunStatistics.interquartileMean)
        }
        /// The mean success rate, when every run reports one.
        public var successRate: Double? {
            successRates.count == returns.count && !returns.isEmpty ? successRates.reduce(0, +) / Double(successRates.count) : nil
        }
        /// The mean training wall time in seconds.
        public var meanWallSeconds: Double { wallSeconds.reduce(0, +) / Double(max(wallSeconds.count, 1)) }
    }

    /// The groups, in the order their first run was found.
    public var groups: [Group]
    /// Run folders left out (no eval.json yet: unfinished), with the reason.
    public var skipped: [(folder: URL, reason: String)]

    /// Reads every training run found in `paths`: a run folder (it has a
    /// config.json), or a folder searched for run folders below it (a sweep).
    public init(paths: [URL]) throws {
        var runs: [Run] = []
        var skipped: [(URL, String)] = []
        for path in paths {
            let folders = try RunFolder.findRuns(in: path)
            guard !folders.isEmpty else { throw RunReportError.noRuns(path: path.path) }
            for folder in folders {
                do {
                    if let run = try Run(folder: folder) { runs.append(run) } else { skipped.append((folder, "no eval.json (unfinished)")) }
                } catch {
                    skipped.append((folder, "\(error)"))
                }
            }
        }
        var order: [String] = []
        var byKey: [String: [Run]] = [:]
        for run in runs {
            if byKey[run.groupKey] == nil { order.append(run.groupKey) }
            byKey[run.groupKey, default: []].append(run)
        }
        groups = order.map { key in
            let members = byKey[key]!
            let first = members[0]
            // Only the settings that differ from the other configurations of the same agent and environment.
            let siblings = order.map { byKey[$0]![0] }.filter { $0.agent == first.agent && $0.environment == first.environment }
            let differing = RunIdentity.differingSettings(siblings.map(\.settings))
            return Group(agent: first.agent, environment: first.environment,
                         differences: differing.map { "\($0)=\(first.settings[$0] ?? "-")" }.joined(separator: " "),
                         seeds: members.map(\.seed), returns: members.map(\.meanReturn), successRates: members.compactMap(\.successRate),
                         wallSeconds: members.compactMap(\.wallSeconds), folders: members.map(\.folder))
        }
        self.skipped = skipped
    }

    /// The report as a Markdown table.
    public var markdown: String {
        let header = ["agent", "environment", "configuration", "seeds", "mean ± std", "IQM", "95% CI (IQM)", "success", "wall time"]
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        for group in groups {
            let interval = group.confidenceInterval
            let cells = [group.agent, group.environment, group.differences.isEmpty ? "-" : group.differences, String(group.seeds.count),
                         "\(Self.format(group.mean)) ± \(Self.format(group.standardDeviation))", Self.format(group.interquartileMean),
                         "[\(Self.format(interval.lower)), \(Self.format(interval.upper))]",
                         group.successRate.map { String(format: "%.2f", $0) } ?? "-", Self.duration(group.meanWallSeconds)]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as CSV, one row per group.
    public var csv: String {
        var lines = ["agent,environment,configuration,seeds,mean_return,std_return,iqm,ci_lower,ci_upper,success_rate,wall_seconds"]
        for group in groups {
            let interval = group.confidenceInterval
            let fields = [group.agent, group.environment, "\"\(group.differences)\"", group.seeds.map(String.init).joined(separator: " "),
                          Self.format(group.mean), Self.format(group.standardDeviation), Self.format(group.interquartileMean),
                          Self.format(interval.lower), Self.format(interval.upper),
                          group.successRate.map { String(format: "%.4f", $0) } ?? "", String(format: "%.2f", group.meanWallSeconds)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }

    private static func duration(_ seconds: Double) -> String {
        seconds >= 60 ? String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) : String(format: "%.1fs", seconds)
    }

    /// One finished run: its configuration without the seed, and its results.
    private struct Run {
        var folder: URL
        var agent: String
        var environment: String
        var seed: UInt64
        /// Every setting that determines the run except its seed, flattened to `section.key` → JSON value.
        var settings: [String: String]
        var groupKey: String
        var meanReturn: Double
        var successRate: Double?
        var wallSeconds: Double?

        /// Reads the run in `folder`; `nil` when it has no evaluation yet.
        init?(folder: URL) throws {
            let evaluationURL = folder.appendingPathComponent(TrainingFiles.evaluation)
            guard FileManager.default.fileExists(atPath: evaluationURL.path) else { return nil }
            let identity = try RunIdentity(folder: folder)
            let evaluation = try JSONDecoder().decode(EvaluationResult.self, from: Data(contentsOf: evaluationURL))
            self.folder = folder
            agent = identity.agent
            environment = identity.environment
            seed = identity.seed
            settings = identity.settings
            groupKey = identity.groupKey
            meanReturn = evaluation.meanReturn
            successRate = evaluation.successRate
            wallSeconds = Self.lastWallSeconds(folder.appendingPathComponent(TrainingFiles.progress))
        }

        /// The `wall_seconds` column (the last) of progress.csv's last row.
        private static func lastWallSeconds(_ url: URL) -> Double? {
            guard let text = try? String(contentsOf: url, encoding: .utf8),
                  let last = text.split(separator: "\n").dropFirst().last else { return nil }
            return last.split(separator: ",", omittingEmptySubsequences: false).last.flatMap { Double($0) }
        }
    }
}

/// Statistics of a few runs' scores.
public enum RunStatistics {
    /// The mean of the middle half: the lowest and highest quarter of the sorted
    /// scores cut, `⌊n/4⌋` from each end (SciPy's `trim_mean(x, 0.25)`, as rliable).
    public static func interquartileMean(_ scores: [Double]) -> Double {
        guard !scores.isEmpty else { return .nan }
        let sorted = scores.sorted()
        let cut = sorted.count / 4
        let middle = sorted[cut..<(sorted.count - cut)]
        return middle.reduce(0, +) / Double(middle.count)
    }

    /// A percentile bootstrap confidence interval of `statistic` over `scores`:
    /// `resamples` resamples with replacement (the runs of one task are the one
    /// stratum, so stratified sampling is plain resampling here), seeded so the
    /// report is the same every time.
    public static func bootstrapInterval(
        _ scores: [Double], statistic: ([Double]) -> Double, confidence: Double = 0.95, resamples: Int = 2000, seed: UInt64 = 0
    ) -> (lower: Double, upper: Double) {
        guard scores.count > 1 else { return (scores.first ?? .nan, scores.first ?? .nan) }
        var generator = Xoshiro256(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var sample = scores
        for _ in 0..<resamples {
            for index in sample.indices { sample[index] = scores[generator.nextInt(upperBound: scores.count)] }
            values.append(statistic(sample))
        }
        values.sort()
        let tail = (1 - confidence) / 2
        func quantile(_ q: Double) -> Double {
            let position = q * Double(values.count - 1)
            let low = Int(position.rounded(.down)), high = min(low + 1, values.count - 1)
            return values[low] + (values[high] - values[low]) * (position - Double(low))
        }
        return (quantile(tail), quantile(1 - tail))
    }
}

/// Why a report could not be made.
public enum RunReportError: Error, CustomStringConvertible {
    /// The path is not a folder, or holds no run folder.
    case noRuns(path: String)
    /// A config.json that is not a training run's.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .noRuns(let path): return "\(path): no run folders (folders with a config.json) found"
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}

/// What a run folder's config.json says determines the run, the seed left out:
/// the key by which runs of one configuration are grouped.
struct RunIdentity {
    var agent: String
    var environment: String
    var seed: UInt64
    /// Every setting that determines the run except its seed: `section.key` → value.
    var settings: [String: String]
    /// The settings as one string, equal for runs that differ only by seed.
    var groupKey: String { settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: "\n") }

    init(folder: URL) throws {
        let url = RunFolder(url: folder).configurationURL
        let data = try Data(contentsOf: url)
        guard let configuration = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let agent = configuration["agent"] as? String, let environment = configuration["environment"] as? String,
              let run = configuration["run"] as? [String: Any], let seed = (run["seed"] as? NSNumber)?.uint64Value else {
            throw RunReportError.unreadable(path: url.path, reason: "not a training run's config.json")
        }
        self.agent = agent
        self.environment = environment
        self.seed = seed
        // Seeds, times, paths and versions do not make a configuration.
        var determining = configuration
        for key in ["agent_seed", "started_at", "preset_file", "project_version", "seed_derivation", "episode_scheme", "options"] {
            determining[key] = nil
        }
        var settings: [String: String] = [:]
        for (section, value) in determining {
            guard let entries = value as? [String: Any] else {
                settings[section] = Self.json(value)
                continue
            }
            for (key, entry) in entries { settings[section + "." + key] = Self.json(entry) }
        }
        settings["run.seed"] = nil
        // Environment options are InfoValues: show them as written in presets.
        struct Options: Decodable { var options: [String: InfoValue] }
        let options = try JSONDecoder().decode(Options.self, from: data).options
        for (key, value) in options { settings["env." + key] = value.description }
        self.settings = settings
    }

    /// The setting names whose values differ between `settings`.
    static func differingSettings(_ settings: [[String: String]]) -> [String] {
        let names = Set(settings.flatMap(\.keys)).sorted()
        return names.filter { name in Set(settings.map { $0[name] ?? "" }).count > 1 }
    }

    /// For each run folder, the settings that set its configuration apart from the
    /// other configurations of the same agent and environment among `folders`
    /// (`key=value ...`, empty when there is one configuration); unreadable folders get "".
    static func distinguishingLabels(of folders: [URL]) -> [String] {
        let identities = folders.map { try? RunIdentity(folder: $0) }
        return identities.map { identity in
            guard let identity else { return "" }
            let siblings = identities.compactMap { $0 }.filter { $0.agent == identity.agent && $0.environment == identity.environment }
            return differingSettings(siblings.map(\.settings)).map { "\($0)=\(identity.settings[$0] ?? "-")" }.joined(separator: " ")
        }
    }

    private static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else {
            return "\(value)"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension RunFolder {
    /// `path` itself when it is a run folder (it has a config.json), else every run
    /// folder below it (a sweep folder, a folder of runs), in path order.
    ///
    /// - Throws: ``RunReportError/noRuns(path:)`` when `path` is not a folder.
    public static func findRuns(in path: URL) throws -> [URL] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunReportError.noRuns(path: path.path)
        }
        if manager.fileExists(atPath: RunFolder(url: path).configurationURL.path) { return [path] }
        let children = (try? manager.contentsOfDirectory(at: path, includingPropertiesForKeys: nil))?.sorted { $0.path < $1.path } ?? []
        return try children.flatMap { child -> [URL] in
            var childIsDirectory: ObjCBool = false
            guard manager.fileExists(atPath: child.path, isDirectory: &childIsDirectory), childIsDirectory.boolValue,
                  !child.lastPathComponent.hasPrefix(".") else { return [] }
            return try findRuns(in: child)
        }
    }
}
