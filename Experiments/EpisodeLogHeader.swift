import Environments

/// The first line of an `episodes.jsonl` file: what produced the episodes and
/// how to make the environment again.
///
/// In JSON: `{"format":"swiftrl-episodes","version":1,"environment":NAME,"options":{...},"agent":...,"seed":...,"project_version":...}`,
/// and `"files":{OPTION: CONTENT}` when an option names a file (a map; see
/// ``EnvironmentFiles``), which older readers ignore and older logs lack.
/// `options` holds every resolved environment option, defaults included, so a
/// replay does not depend on today's defaults.
public struct EpisodeLogHeader: Equatable, Sendable {
    /// The value of the `format` key that identifies an episode log.
    public static let format = "swiftrl-episodes"
    /// The version of the line layout this code writes and reads.
    public static let currentVersion = 1

    /// The layout version of the file.
    public var version: Int
    /// The registered environment name.
    public var environment: String
    /// The resolved environment options.
    public var options: [String: InfoValue]
    /// The agent that chose the actions, such as `"random"`.
    public var agent: String
    /// The run seed every episode seed is derived from.
    public var seed: UInt64
    /// The project version that wrote the file (``Environments/version``).
    public var projectVersion: String
    /// The content of each file an option names, by option name (empty when none).
    public var files: [String: String]

    /// Creates a header for the current layout version; `files` defaults to the
    /// content of the files `options` names, read now.
    public init(environment: String, options: [String: InfoValue], agent: String, seed: UInt64,
                projectVersion: String = Environments.version, files: [String: String]? = nil) {
        self.files = files ?? EnvironmentFiles.contents(of: options)
        self.version = EpisodeLogHeader.currentVersion
        self.environment = environment
        self.options = options
        self.agent = agent
        self.seed = seed
        self.projectVersion = projectVersion
    }

    /// The header as one line of JSON, without the newline.
    public func jsonLine() -> String {
        "{\"format\":" + JSONText.string(EpisodeLogHeader.format)
            + ",\"version\":\(version)"
            + ",\"environment\":" + JSONText.string(environment)
            + ",\"options\":" + JSONText.object(options)
            + ",\"agent\":" + JSONText.string(agent)
            + ",\"seed\":\(seed)"
            + ",\"project_version\":" + JSONText.string(projectVersion)
            + (files.isEmpty ? "" : ",\"files\":{" + files.sorted { $0.key < $1.key }
                .map { JSONText.string($0.key) + ":" + JSONText.string($0.value) }.joined(separator: ",") + "}")
            + "}"
    }
}

extension EpisodeLogHeader: Codable {
    enum CodingKeys: String, CodingKey {
        case format, version, environment, options, agent, seed
        case projectVersion = "project_version"
        case files
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(String.self, forKey: .format)
        guard format == EpisodeLogHeader.format else {
            throw DecodingError.dataCorruptedError(
                forKey: .format, in: container,
                debugDescription: "format is '\(format)', expected '\(EpisodeLogHeader.format)'")
        }
        version = try container.decode(Int.self, forKey: .version)
        guard version == EpisodeLogHeader.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container,
                debugDescription: "version \(version) is not supported (this build reads version \(EpisodeLogHeader.currentVersion))")
        }
        environment = try container.decode(String.self, forKey: .environment)
        options = try container.decode([String: PlainInfoValue].self, forKey: .options).mapValues(\.value)
        agent = try container.decode(String.self, forKey: .agent)
        seed = try container.decode(UInt64.self, forKey: .seed)
        projectVersion = try container.decode(String.self, forKey: .projectVersion)
        files = try container.decodeIfPresent([String: String].self, forKey: .files) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EpisodeLogHeader.format, forKey: .format)
        try container.encode(version, forKey: .version)
        try container.encode(environment, forKey: .environment)
        try container.encode(options.mapValues(PlainInfoValue.init), forKey: .options)
        try container.encode(agent, forKey: .agent)
        try container.encode(seed, forKey: .seed)
        try container.encode(projectVersion, forKey: .projectVersion)
        if !files.isEmpty { try container.encode(files, forKey: .files) }
    }
}
