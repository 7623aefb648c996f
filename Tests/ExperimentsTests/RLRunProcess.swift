import Foundation
import XCTest

/// What one run of the built `rlrun` produced.
struct RLRunOutcome {
    var status: Int32
    var standardOutput: String
    var standardError: String
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
}

extension XCTestCase {
    /// The built `rlrun`: `RLRUN_PATH`, or next to the test bundle, or in `.build/debug`.
    private static func locateRLRun() -> URL? {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["RLRUN_PATH"] { candidates.append(URL(fileURLWithPath: path)) }
        if let bundleFolder = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundleFolder.appendingPathComponent("rlrun"))
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/rlrun"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs the built `rlrun` in `folder`, capturing its output in files under
    /// `outputFolder` (files, not pipes: a chatty command cannot fill a pipe and
    /// stall), with `removedVariables` taken out of its environment and `setVariables`
    /// set in it. A run still going after `timeout` seconds is interrupted (SIGINT,
    /// then SIGKILL 10 s later), so a hang fails the test instead of stalling the suite.
    func runRLRun(_ arguments: [String], in folder: URL, outputFolder: URL, removedVariables: [String] = [],
                  setVariables: [String: String] = [:], timeout: Double = 900) throws -> RLRunOutcome {
        guard let executable = Self.locateRLRun() else {
            throw XCTSkip("rlrun was not built next to the tests; run `swift build` first or set RLRUN_PATH")
        }
        let outputURL = outputFolder.appendingPathComponent(".stdout"), errorURL = outputFolder.appendingPathComponent(".stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if !removedVariables.isEmpty || !setVariables.isEmpty {
            var environment = ProcessInfo.processInfo.environment
            for name in removedVariables { environment[name] = nil }
            environment.merge(setVariables) { $1 }
            process.environment = environment
        }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            guard process.isRunning else { return }
            process.interrupt()
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        }
        process.waitUntilExit()
        return RLRunOutcome(status: process.terminationStatus,
                            standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
                            standardError: try String(contentsOf: errorURL, encoding: .utf8))
    }
}
