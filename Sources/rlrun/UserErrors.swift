import ArgumentParser
import Environments
import Experiments
import Foundation
import Agents
import Neural
import Viewer

/// Runs `body`, turning a mistake in the user's input into one `error: ...`
/// line on standard error and exit status 64, instead of a trap or a trace.
func reportingUserErrors<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as RegistryError {
        throw fail(error.description)
    } catch let error as OptionError {
        throw fail(error.description)
    } catch let error as EpisodeLogError {
        throw fail(error.description)
    } catch let error as RunFolderError {
        throw fail(error.description)
    } catch let error as RunError {
        throw fail(error.description)
    } catch let error as EnvironmentError {
        throw fail(error.description)
    } catch let error as GridMapError {
        throw fail(error.description)
    } catch let error as JSONFileError {
        throw fail(error.description)
    } catch let error as EnvironmentFileError {
        throw fail(error.description)
    } catch let error as PresetError {
        throw fail(error.description)
    } catch let error as TrainingError {
        switch error {
        case .diverged, .ppoDiverged:
            printError("error: \(error.description)")
            throw ExitCode.failure
        default:
            throw fail(error.description)
        }
    } catch let error as CheckpointError {
        throw fail(error.description)
    } catch let error as CompactModelError {
        throw fail(error.description)
    } catch let error as CompressionError {
        throw fail(error.description)
    } catch let error as CompactExportError {
        throw fail(error.description)
    } catch let error as DQNConfigError {
        throw fail(error.description)
    } catch let error as NetworkShapeError {
        throw fail(error.description)
    } catch let error as SweepError {
        throw fail(error.description)
    } catch let error as RunReportError {
        throw fail(error.description)
    } catch let error as UnknownAgentError {
        throw fail(error.description)
    } catch let error as ImageExportError {
        throw fail(error.description)
    } catch let error as ViewerError where error.isBadDisplay {
        // DISPLAY names a display that cannot be opened: the user's setting, so bad input.
        throw fail(error.description)
    } catch let error as ViewerError {
        // Not the user's input: the machine has no display (or no SDL); say so on one line.
        printError("error: \(error.description)")
        throw ExitCode.failure
    } catch let error as CocoaError {
        throw fail(error.localizedDescription)
    }
}

/// Prints `error: message` on standard error and returns the exit code for bad input.
func fail(_ message: String) -> ExitCode {
    printError("error: \(message)")
    return ExitCode.validationFailure
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

extension ViewerError {
    /// Whether the user named a display that cannot be opened (exit 64, unlike a machine without any).
    var isBadDisplay: Bool {
        if case .cannotOpenWindow = self { return true }
        return false
    }
}
