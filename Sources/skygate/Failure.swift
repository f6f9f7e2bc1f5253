import Access
import Archive
import ArgumentParser
import CameraRegistry
import Events
import Foundation
import Geo
import MediaIO

/// Runs a command body and turns any failure into one line on standard error and a sysexits status.
/// Only the CLI maps errors to exit codes (the design's rule); the modules only describe what went wrong.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as MediaError {
        printError(error.message)
        throw ExitCode(exitStatus(for: error.code))
    } catch let error as ArchiveError {
        printError(error.description)
        switch error.code {
        case .notRecorded, .unknownSource: throw ExitCode(66)
        case .clipFailed: throw ExitCode(73)
        case .storeFailed, .storeUnavailable: throw ExitCode(74)
        }
    } catch let error as RegistryError {
        printError(error.message)
        // An import's problems follow, one per line, so each names its file, line or feature, and column.
        for problem in error.problems { writeStandardError("  \(problem)\n") }
        throw ExitCode(error.code == .storeFailed ? 74 : error.code == .notFound ? 66 : 65)
    } catch let error as GeoError {
        printError(error.message)
        throw ExitCode(65)
    } catch let error as AccessError {
        printError(error.description)
        throw ExitCode(74)
    } catch let error as EventsError {
        printError(error.description)
        throw ExitCode(74)
    } catch let error as CLIError {
        printError(error.message)
        throw ExitCode(error.status)
    } catch {
        printError("\(error)")
        throw ExitCode(1)
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
