import CameraRegistry
import Foundation
import Geo
import TestSupport

/// Camera-protocol schemes only, as the executable's MediaIO policy allows (this test target does not link FFmpeg).
let testValidator: StreamURLValidator = { url in
    let scheme = url.prefix { $0 != ":" }.lowercased()
    guard ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "srt", "udp"].contains(scheme) else {
        throw RegistryError(.invalid, "scheme '\(scheme)' is not a camera protocol")
    }
}

/// A scratch data directory, removed by the caller.
func scratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-registry-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The demo district shipped in the repository.
let demoDirectory = MediaCorpus.packageRoot.appendingPathComponent("camera-registry/demo").path

func openRegistry(_ directory: String, lenient: Bool = false) throws -> Registry {
    try Registry(dataDirectory: directory, lenientIDs: lenient, validateURL: testValidator)
}

func coordinate(_ longitude: Double, _ latitude: Double) -> Coordinate {
    try! Coordinate(longitude: longitude, latitude: latitude)
}

/// A copy of the demo directory with one file replaced, for import tests.
func demoCopy(replacing name: String? = nil, with contents: String? = nil) throws -> String {
    let directory = try scratchDirectory()
    for file in [RegistryFiles.cameras, RegistryFiles.sensors, RegistryFiles.grids, RegistryFiles.keyLocations] {
        try FileManager.default.copyItem(atPath: demoDirectory + "/" + file, toPath: directory + "/" + file)
    }
    if let name, let contents {
        try? FileManager.default.removeItem(atPath: directory + "/" + name)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
    }
    return directory
}

/// Cameras in the demo's cameras.csv (rows after the header).
let demoCameraCount: Int = {
    let text = (try? String(contentsOfFile: demoDirectory + "/" + RegistryFiles.cameras, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").count - 1
}()
