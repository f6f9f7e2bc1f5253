import Archive
import ArgumentParser
import CameraRegistry
import Foundation
import Ingest

/// `skygate status`: each camera's state as the running service last published it.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the service and every camera: state, reason, bitrate, frame rate, GOP, last keyframe.",
        discussion: """
            Reads what `skygate serve` publishes every second in <data-dir>/archive.sqlite, so it works from any \
            shell while the service runs. Enabled cameras the service has not started are listed as "not running".
            """)

    @OptionGroup var registryOptions: RegistryOptions
    @Flag(help: "Print JSON.") var json = false

    /// The JSON shape of `status --json`.
    struct Report: Encodable {
        /// "running", "stopped" (cleanly), "not running" (stale status: the service died), or "never started".
        var service: String
        var details: ServiceStatus?
        var cameras: [CameraStatus]
        /// Enabled cameras without a status: the service is not running them (yet).
        var notRunning: [String]
        /// Cameras disabled in the registry (not recorded).
        var disabled: [String]
    }

    func run() throws {
        try reportingFailures {
            let registry = try registryOptions.open()
            let store = try KeyframeIndexStore(path: registryOptions.location.indexPath)
            let published = try StatusStore(store: store).read(service: ServiceStatus.self, camera: CameraStatus.self)
            let registered = try registry.cameras().map(\.camera)
            let enabled = registered.filter(\.enabled).map(\.id.rawValue)
            let disabled = registered.filter { !$0.enabled }.map(\.id.rawValue)
            let state: String
            if let service = published?.service {
                let alive = kill(service.processID, 0) == 0 && Date().timeIntervalSince(service.updatedAt) < 10
                state = service.stopped ? "stopped" : alive ? "running" : "not running"
            } else {
                state = "never started"
            }
            let cameras = state == "running" ? (published?.cameras.values.sorted { $0.camera < $1.camera } ?? []) : []
            let report = Report(
                service: state, details: published?.service, cameras: cameras,
                notRunning: enabled.filter { id in !cameras.contains { $0.camera == id } }, disabled: disabled)
            if json {
                try printJSON(report)
                return
            }
            var line = "service: \(state)"
            if let details = report.details {
                line +=
                    state == "running"
                    ? " (pid \(details.processID), since \(formatWallTime(details.startedAt)))"
                    : " (last status \(formatWallTime(details.updatedAt)))"
                if let alarm = details.storageAlarm { line += "\nSTORAGE ALARM: \(alarm)" }
            }
            print(line)
            if !cameras.isEmpty {
                printTable(
                    header: [
                        "camera", "state", "reason", "since", "kbit/s", "fps", "GOP s", "last keyframe", "keyframes", "skipped",
                    ],
                    rows: cameras.map(row), rightAligned: [4, 5, 6, 8, 9])
            }
            if state != "running" {
                print(
                    "\(enabled.count) enabled camera\(enabled.count == 1 ? " is" : "s are") not being recorded: start `skygate serve`"
                )
            } else if !report.notRunning.isEmpty {
                print("not running: \(report.notRunning.joined(separator: ", "))")
            }
            if !disabled.isEmpty { print("disabled: \(disabled.joined(separator: ", "))") }
        }
    }

    private func row(_ status: CameraStatus) -> [String] {
        [
            status.camera, status.state.rawValue, status.reason?.rawValue ?? "", formatWallTime(status.since),
            status.bitrate.map { fixed($0 / 1000, 0) } ?? "-", status.frameRate.map { fixed($0, 1) } ?? "-",
            status.gop.map { fixed($0, 2) } ?? "-", status.lastKeyframe.map(formatWallTime) ?? "-", "\(status.keyframes)",
            "\(status.analysis.skipped)",
        ]
    }
}
