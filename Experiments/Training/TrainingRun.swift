import Foundation
import Environments
import Agents

/// A training run of any agent kind, as a command-line tool drives it:
/// ``OffPolicyRun`` and ``PPORun`` conform. ``Training`` makes one for an
/// ``AgentKind``, or reopens one from its folder.
public protocol TrainingRun: AnyObject {
    /// The kind of agent trained.
    var kind: AgentKind { get }
    /// The run folder.
    var folder: RunFolder { get }
    /// The registered name of the environment trained on.
    var environmentName: String { get }
    /// Every environment option, resolved (defaults included).
    var environmentOptions: [String: InfoValue] { get }
    /// The run seed.
    var seed: UInt64 { get }
    /// Environment steps the run takes in all.
    var totalSteps: Int { get }
    /// Environment copies stepped together (1 for off-policy runs).
    var environmentCount: Int { get }
    /// Called at every progress row and a few times a second in between.
    var onProgress: ((TrainingProgress) -> Void)? { get set }
    /// For a resumed run, one line for each thing the resume found worth telling:
    /// a corrupt checkpoint skipped for an older one, a restart from step 0.
    var resumeNotices: [String] { get }
    /// Trains until the step budget is spent or a stop is requested, then (when
    /// completed) evaluates greedily and writes eval.json.
    func train() throws -> TrainingOutcome
}

/// A training run that shows every environment step as it happens (a live view).
public protocol StepObservableRun: TrainingRun {
    /// Called after every environment step with the step and a function that
    /// draws the environment (see ``OffPolicyRun/onStep``).
    var onStep: ((TrainingStep, _ render: () -> Frame?) -> Void)? { get set }
}

/// Where a new run's preset comes from: the bundled preset of the agent for an
/// environment, or a file, with `key=value` overrides.
public struct PresetRequest: Sendable {
    /// A preset file to use instead of the bundled one.
    public var file: URL?
    /// The environment (names the bundled preset; overrides a file's).
    public var environment: String?
    /// `key=value` overrides (`env.NAME=value` for environment options).
    public var settings: [String]

    /// A request for `environment`'s bundled preset or `file`, with `settings` applied.
    public init(file: URL? = nil, environment: String? = nil, settings: [String] = []) {
        self.file = file
        self.environment = environment
        self.settings = settings
    }

    /// The preset for `agent`, overrides applied, naming a registered environment.
    func resolve<Config: AgentConfiguration>(agent: String, registry: EnvironmentRegistry) throws -> Preset<Config> {
        var preset: Preset<Config>
        if let file {
            preset = try Preset<Config>.load(from: file, agent: agent)
        } else if let environment {
            preset = try Preset<Config>.bundled(agent: agent, environment: environment)
        } else {
            throw PresetError.badValue(file: "(none)", key: "environment", value: "", expected: "an environment or a preset file")
        }
        if let environment { preset.environment = environment }
        try preset.apply(settings: settings)
        _ = try registry.spec(named: preset.environment)
        return preset
    }
}

/// Starts, reopens and evaluates training runs by ``AgentKind``: the one place
/// where the kind's family picks the runner.
public enum Training {
    /// Starts a new run of `kind` from `request`, in the folder `createFolder`
    /// makes for the preset's environment. The configuration is resolved and
    /// checked, and `prepare` (given the environment's name and resolved options;
    /// a live view opens its window there) runs, before the folder is made, so a
    /// refused run leaves no folder behind; should the start still fail, what
    /// `createFolder` made is removed again.
    public static func start(
        _ kind: AgentKind, preset request: PresetRequest, registry: EnvironmentRegistry = .standard,
        stopRequest: StopRequest = StopRequest(),
        prepare: (_ environment: String, _ options: [String: InfoValue]) throws -> Void = { _, _ in },
        createFolder: (_ environment: String) throws -> RunFolder
    ) throws -> any TrainingRun {
        func inNewFolder<Config>(_ configuration: TrainingConfiguration<Config>,
                                 _ start: (RunFolder) throws -> any TrainingRun) throws -> any TrainingRun {
            try prepare(configuration.environment, configuration.options)
            let folder = try createFolder(configuration.environment)
            do {
                return try start(folder)
            } catch {
                folder.removeCreated()
                throw error
            }
        }
        func startOffPolicy<Agent: OffPolicyAgent>(_: Agent.Type) throws -> any TrainingRun {
            let preset: Preset<Agent.Config> = try request.resolve(agent: kind.name, registry: registry)
            let configuration = try OffPolicyRun<Agent>.configuration(of: preset, registry: registry, startedAt: Date())
            return try inNewFolder(configuration) {
                try OffPolicyRun<Agent>(configuration: configuration, folder: $0, registry: registry, stopRequest: stopRequest)
            }
        }
        switch kind.family {
        case .offPolicy(let agentType):
            return try startOffPolicy(agentType)
        case .onPolicy:
            let preset: PPOPreset = try request.resolve(agent: kind.name, registry: registry)
            let configuration = try PPORun.configuration(of: preset, agent: kind.name, registry: registry, startedAt: Date())
            return try inNewFolder(configuration) {
                try PPORun(configuration: configuration, folder: $0, registry: registry, stopRequest: stopRequest)
            }
        }
    }

    /// Reopens the run in `url` to continue from its newest checkpoint, with the
    /// runner its config.json's agent needs.
    ///
    /// - Parameters:
    ///   - expected: the kind the caller trains; a run of another kind is refused.
    ///   - totalSteps: a new step budget (the configuration's otherwise).
    public static func resume(
        _ url: URL, expecting expected: AgentKind? = nil, totalSteps: Int? = nil, registry: EnvironmentRegistry = .standard,
        stopRequest: StopRequest = StopRequest()
    ) throws -> any TrainingRun {
        let kind = try self.kind(ofRun: url)
        if let expected, expected.name != kind.name {
            throw TrainingError.nothingToResume(path: url.path, reason: "it is a \(kind.name) run, not a \(expected.name) run")
        }
        func resumeOffPolicy<Agent: OffPolicyAgent>(_: Agent.Type) throws -> any TrainingRun {
            try OffPolicyRun<Agent>(resuming: url, totalSteps: totalSteps, registry: registry, stopRequest: stopRequest)
        }
        switch kind.family {
        case .offPolicy(let agentType): return try resumeOffPolicy(agentType)
        case .onPolicy: return try PPORun(resuming: url, totalSteps: totalSteps, registry: registry, stopRequest: stopRequest)
        }
    }

    /// Evaluates the newest checkpoint of the run in `url` greedily (its agent read
    /// from config.json) and writes the episodes to
    /// `evaluations/eval-seed<S>-<timestamp>.jsonl` with a `.json` summary beside it.
    ///
    /// With `compressedPolicy` (a folder written by `rlrun compress`) that policy
    /// plays instead, and its evaluations go under that folder.
    public static func evaluate(runFolder url: URL, compressedPolicy: URL? = nil, episodes: Int, seed: UInt64?,
                                registry: EnvironmentRegistry = .standard,
                                date: Date = Date()) throws -> (result: EvaluationResult, log: URL) {
        if compressedPolicy == nil, case .onPolicy = try kind(ofRun: url).family {
            let run = try PPORun(resuming: url, registry: registry)
            let (agent, _, _) = try run.restoredAgent()
            if agent.actionSpace.isContinuous {
                let policy = agent.makeContinuousPolicy()
                let evaluationSeed = seed ?? run.configuration.run.evaluationSeed
                return try Evaluation.writeStandalone(runFolder: url, seed: evaluationSeed, date: date) { logURL in
                    try Evaluation.play(beginEpisode: policy.beginEpisode, act: policy.action(for:),
                                        environment: run.makeContinuousEnvironment(), episodes: episodes, seed: evaluationSeed,
                                        logURL: logURL,
                                        logHeader: EpisodeLogHeader(environment: run.configuration.environment,
                                                                    options: run.configuration.options,
                                                                    agent: run.configuration.agent + "-greedy", seed: evaluationSeed))
                }
            }
        }
        let restored = try restoredPolicy(runFolder: url, compressedPolicy: compressedPolicy, registry: registry)
        let evaluationSeed = seed ?? restored.evaluationSeed
        let agentName = restored.kind.name + (compressedPolicy == nil ? "-greedy" : "-compressed")
        return try Evaluation.writeStandalone(runFolder: compressedPolicy ?? url, seed: evaluationSeed, date: date) { logURL in
            try Evaluation.play(restored.policy, actionOffset: restored.actionOffset, environment: restored.makeEnvironment(),
                                episodes: episodes, seed: evaluationSeed, logURL: logURL,
                                logHeader: EpisodeLogHeader(environment: restored.environment, options: restored.options,
                                                            agent: agentName, seed: evaluationSeed))
        }
    }

    /// The registered kind named in the config.json of the run in `url`.
    ///
    /// - Throws: ``TrainingError/nothingToResume(path:reason:)`` when the folder has
    ///   no readable config.json or its agent is not a registered learner (`random`, `astar`).
    public static func kind(ofRun url: URL, agents: AgentRegistry = .standard) throws -> AgentKind {
        struct AgentName: Decodable { var agent: String }
        let name = try RunFolder(url: url).readConfiguration(as: AgentName.self).agent
        do {
            return try agents.kind(named: name)
        } catch {
            throw TrainingError.nothingToResume(
                path: url.path, reason: "its agent '\(name)' is not a learning agent (one of \(agents.names.joined(separator: ", ")) is)")
        }
    }

    /// A run's greedy policy as restored from its newest checkpoint, with what playing it needs.
    struct RestoredPolicy {
        var kind: AgentKind
        var environment: String
        var options: [String: InfoValue]
        var evaluationSeed: UInt64
        var checkpointStep: Int
        var policy: any Policy<Int>
        var actionOffset: Int
        var makeEnvironment: () throws -> AnyEnvironment<[Float], Int>
        /// The agent as a source of a compact model; nil for a compressed policy.
        var exportable: (any CompactExportable)? = nil
        /// The compressed policy's folder when the policy is one.
        var compressedPolicy: URL? = nil
    }

    /// The greedy policy of the newest checkpoint of the run in `url`.
    ///
    /// With `compressedPolicy` (a folder written by `rlrun compress`), the policy is
    /// that compressed one instead, loaded from its own file: the run supplies only
    /// the environment, and its checkpoints are not read.
    static func restoredPolicy(runFolder url: URL, compressedPolicy: URL? = nil, registry: EnvironmentRegistry) throws -> RestoredPolicy {
        let kind = try kind(ofRun: url)
        func compressed<Config>(_ configuration: TrainingConfiguration<Config>, folder: URL,
                                makeEnvironment: @escaping () throws -> AnyEnvironment<[Float], Int>) throws -> RestoredPolicy {
            let environment = try makeEnvironment()
            let (box, discrete) = try configuration.agentSpaces(of: environment)
            let loaded = try CompressedPolicyFile.read(folder: folder)
            guard loaded.model.inputSize == box.shape.reduce(1, *), loaded.model.outputSize == discrete.n else {
                throw CompressionError.doesNotFit(path: CompressedPolicyFile.policyURL(in: folder).path,
                                                  reason: "it maps \(loaded.model.inputSize) inputs to \(loaded.model.outputSize) actions, "
                                                      + "but the run's environment has \(box.shape.reduce(1, *)) and \(discrete.n)")
            }
            return RestoredPolicy(kind: kind, environment: configuration.environment, options: configuration.options,
                                  evaluationSeed: configuration.run.evaluationSeed, checkpointStep: loaded.metadata.checkpointStep,
                                  policy: CompactPolicy(model: loaded.model), actionOffset: discrete.start,
                                  makeEnvironment: makeEnvironment, compressedPolicy: folder)
        }
        func restoreOffPolicy<Agent: OffPolicyAgent>(_: Agent.Type) throws -> RestoredPolicy {
            let run = try OffPolicyRun<Agent>(resuming: url, registry: registry)
            if let compressedPolicy { return try compressed(run.configuration, folder: compressedPolicy, makeEnvironment: run.makeEnvironment) }
            let (agent, offset, step) = try run.restoredAgent()
            return RestoredPolicy(kind: kind, environment: run.configuration.environment, options: run.configuration.options,
                                  evaluationSeed: run.configuration.run.evaluationSeed, checkpointStep: step,
                                  policy: agent.makePolicy(), actionOffset: offset, makeEnvironment: run.makeEnvironment,
                                  exportable: agent as? any CompactExportable)
        }
        switch kind.family {
        case .offPolicy(let agentType):
            return try restoreOffPolicy(agentType)
        case .onPolicy:
            let run = try PPORun(resuming: url, registry: registry)
            if let compressedPolicy { return try compressed(run.configuration, folder: compressedPolicy, makeEnvironment: run.makeEnvironment) }
            let (agent, offset, step) = try run.restoredAgent()
            guard !agent.actionSpace.isContinuous else {
                throw TrainingError.unsupportedPlayback(
                    path: url.path, reason: "its policy takes Box actions, which watch and record do not play yet (rlrun eval and rlrun replay do)")
            }
            return RestoredPolicy(kind: kind, environment: run.configuration.environment, options: run.configuration.options,
                                  evaluationSeed: run.configuration.run.evaluationSeed, checkpointStep: step,
                                  policy: agent.makePolicy(), actionOffset: offset, makeEnvironment: run.makeEnvironment,
                                  exportable: agent)
        }
    }
}
