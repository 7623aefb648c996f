import Foundation
import Agents
import Environments

/// A sweep expanded into its runs, each with its own run folder under the sweep
/// folder (`sweeps/<name>/runs/<id>/`), and `index.json` listing every run's
/// command and state.
///
/// A run's state is read from its folder, so it is right whoever ran it (the
/// local pool, a Slurm task, a person): `finished` (eval.json written),
/// `interrupted` (a checkpoint, no eval.json: the next launch resumes it) or
/// `pending` (nothing yet; a folder without a checkpoint is started over).
public struct Sweep: Sendable {
    /// One run of the sweep.
    public struct Run: Sendable, Equatable {
        /// The run's name in the sweep (`<env>-v<variant>-s<seed>`), also its folder's.
        public var id: String
        /// The environment.
        public var environment: String
        /// The run seed.
        public var seed: UInt64
        /// Every `--set` setting (fixed ones, then the variant's).
        public var settings: [String]
        /// The run folder.
        public var folder: URL
    }

    /// Where a run stands, as its folder shows.
    public enum State: String, Sendable, Codable {
        case pending, interrupted, finished
    }

    /// The spec the sweep was expanded from.
    public let spec: SweepSpec
    /// The sweep folder.
    public let directory: URL
    /// The runs: environments × variants × seeds, in that nesting.
    public let runs: [Run]

    /// Expands `spec` under `root` (`sweeps/` by default), checking every run's
    /// preset and settings before anything runs.
    public init(spec: SweepSpec, root: URL = URL(fileURLWithPath: "sweeps"), registry: EnvironmentRegistry = .standard) throws {
        self.spec = spec
        directory = root.appendingPathComponent(spec.name)
        let kind = try AgentRegistry.standard.kind(named: spec.agent)
        var runs: [Run] = []
        for environment in spec.environments {
            for (variantIndex, variant) in spec.variants.enumerated() {
                for seed in spec.seeds {
                    let id = spec.variants.count > 1 ? "\(environment)-v\(variantIndex)-s\(seed)" : "\(environment)-s\(seed)"
                    let run = Run(id: id, environment: environment, seed: seed, settings: spec.fixedSettings + variant,
                                  folder: directory.appendingPathComponent("runs").appendingPathComponent(id))
                    do {
                        try Training.checkPreset(kind, PresetRequest(environment: environment, settings: run.settings + ["seed=\(seed)"]),
                                                 registry: registry)
                    } catch {
                        throw SweepError.badRun(id: id, reason: "\(error)")
                    }
                    runs.append(run)
                }
            }
        }
        self.runs = runs
    }

    /// The run's state, from its folder.
    public func state(of run: Run) -> State {
        let manager = FileManager.default
        if manager.fileExists(atPath: run.folder.appendingPathComponent(TrainingFiles.evaluation).path) { return .finished }
        if CheckpointStore(runFolder: run.folder).latest() != nil { return .interrupted }
        return .pending
    }

    /// The `rlrun` arguments that continue `run` from where its folder stands:
    /// a new run, or `--resume` of an interrupted one.
    public func arguments(for run: Run) -> [String] {
        if state(of: run) == .interrupted { return [spec.agent, "--resume", run.folder.path] }
        return [spec.agent, run.environment, "--seed", String(run.seed)] + run.settings.flatMap { ["--set", $0] } + ["--out", run.folder.path]
    }

    /// Prepares `run` to be launched: a folder left without a checkpoint (the run
    /// stopped before its first one) is removed, so the run starts over cleanly.
    func prepare(_ run: Run) throws {
        if state(of: run) == .pending, FileManager.default.fileExists(atPath: run.folder.path) {
            try FileManager.default.removeItem(at: run.folder)
        }
        try FileManager.default.createDirectory(at: run.folder.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    /// The log file of `run`'s processes (standard output and error).
    public func logURL(of run: Run) -> URL {
        directory.appendingPathComponent("logs").appendingPathComponent(run.id + ".log")
    }

    /// Writes `index.json`: every run's id, settings, command and state (`running`
    /// for those in `running`), atomically.
    public func writeIndex(executable: String, running: Set<String> = [], note: [String: String] = [:]) throws {
        struct Entry: Encodable {
            var id, environment, command, state, folder: String
            var seed: UInt64
            var settings: [String]
            var note: String?
        }
        struct Index: Encodable {
            var name, agent, spec: String
            var runs: [Entry]
        }
        let entries = runs.map { run in
            Entry(id: run.id, environment: run.environment,
                  command: ([executable] + arguments(for: run)).map(Self.shellQuoted).joined(separator: " "),
                  state: running.contains(run.id) ? "running" : state(of: run).rawValue, folder: run.folder.path,
                  seed: run.seed, settings: run.settings, note: note[run.id])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (encoder.encode(Index(name: spec.name, agent: spec.agent, spec: spec.file, runs: entries)) + Data("\n".utf8))
            .write(to: directory.appendingPathComponent("index.json"), options: .atomic)
    }

    /// `text` quoted for a POSIX shell when it needs it.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Training {
    /// Checks that `request` resolves to a valid preset for `kind` (the file, the
    /// keys, the values, the environment and its options), without starting a run.
    public static func checkPreset(_ kind: AgentKind, _ request: PresetRequest, registry: EnvironmentRegistry = .standard) throws {
        func check<Agent: OffPolicyAgent>(_: Agent.Type) throws {
            let preset: Preset<Agent.Config> = try request.resolve(agent: kind.name, registry: registry)
            let configuration = try TrainingConfiguration(kind: kind, preset: preset, registry: registry, startedAt: "")
            _ = try configuration.agentSpaces(of: configuration.makeEnvironment(registry: registry))
        }
        switch kind.family {
        case .offPolicy(let agentType): try check(agentType)
        case .onPolicy:
            let preset: PPOPreset = try request.resolve(agent: kind.name, registry: registry)
            let configuration = try PPORunConfiguration(preset: preset, agent: kind.name, registry: registry, startedAt: "")
            _ = try configuration.agentSpaces(of: configuration.makeEnvironment(registry: registry))
        }
    }
}
