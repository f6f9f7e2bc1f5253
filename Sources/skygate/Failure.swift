import Access
import Archive
import ArgumentParser
import CameraRegistry
import Events
import Fleet
import Foundation
import GB28181
import Geo
import MediaIO
import SkygateService

/// Runs a command body and turns any failure into one line on standard error and a sysexits status.
/// Only the CLI maps errors to exit codes (the design's rule); the modules only describe what went wrong.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw reported(error)
    }
}

/// `reportingFailures` for async commands (`serve`).
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw reported(error)
    }
}

/// Prints `error` as one line (and an import's problems) on standard error and returns its exit status.
private func reported(_ error: any Error) -> ExitCode {
    switch error {
    case let error as ExitCode:
        return error
    case let error as MediaError:
        printError(error.message)
        return ExitCode(exitStatus(for: error.code))
    case let error as ArchiveError:
        printError(error.description)
        switch error.code {
        case .notRecorded, .unknownSource: return ExitCode(66)
        case .clipFailed: return ExitCode(73)
        case .storeFailed, .storeUnavailable: return ExitCode(74)
        }
    case let error as RegistryError:
        printError(error.message)
        // An import's problems follow, one per line, so each names its file, line or feature, and column.
        for problem in error.problems { writeStandardError("  \(problem)\n") }
        return ExitCode(error.code == .storeFailed ? 74 : error.code == .notFound ? 66 : 65)
    case let error as GeoError:
        printError(error.message)
        return ExitCode(65)
    case let error as AccessError:
        printError(error.description)
        return ExitCode(error.code == .invalid ? 65 : 74)
    case let error as FleetError:
        printError(error.description)
        switch error.code {
        case .invalidConfiguration: return ExitCode(64)
        case .notFound: return ExitCode(66)
        case .unavailable: return ExitCode(69)
        case .staleEpoch: return ExitCode(75)
        case .storeFailed: return ExitCode(74)
        }
    case let error as EventsError:
        printError(error.description)
        switch error.code {
        case .invalidConfiguration: return ExitCode(65)
        case .sinkFailed: return ExitCode(73)
        case .storeUnavailable, .storeFailed: return ExitCode(74)
        }
    case let error as GBError:
        printError(error.description)
        return ExitCode(error.code == .invalidConfiguration ? 65 : 73)
    case let error as ServiceError:
        printError(error.description)
        return ExitCode(error.code == .alreadyRunning ? 75 : 73)
    case let error as CLIError:
        printError(error.message)
        return ExitCode(error.status)
    default:
        printError("\(error)")
        return ExitCode(1)
    }
}

/// A failure of the CLI's own (bad arguments found after parsing, output that cannot be written).
struct CLIError: Error {
    var message: String
    var status: Int32 = 64
}

func printError(_ message: String) {
    // One line, whatever the message holds, so scripts and logs can rely on it.
    let line = message.replacingOccurrences(of: "\n", with: " ")
    writeStandardError("skygate: \(line)\n")
}

private func exitStatus(for code: MediaError.Code) -> Int32 {
    switch code {
    case .refusedURL, .invalidData, .noVideoStream, .unsupportedCodec, .unsupportedPixelFormat, .decodeFailed: 65
    case .fileNotFound: 66
    case .openFailed, .timeout, .readFailed: 69
    case .writeFailed: 73
    case .aborted: 130
    }
}

/// Writes text to standard error unbuffered (C's `stderr` is shared mutable state to Swift 6).
func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
