import Archive
import ArgumentParser
import CameraRegistry
import Foundation
import Ingest
import MediaIO

/// `skygate status`: each camera's state as the running service last published it.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the service and every camera: state, reason, bitrate, frame rate, GOP, last keyframe.",
        discussion: """
            Reads what `skygate serve` publishes every second in <data-dir>/archive.sqlite, so it works from any \
            shell while the service runs. Enabled cameras the service has not started are listed as "not running". \
            "clock s" is how many seconds a camera's clock is ahead of the gateway's (negative: behind), from the RTCP \
            sender reports of an RTSP camera; "-" until one came.
            """)

    @OptionGroup var registryOptions: RegistryOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let registry = try registryOptions.open()
            let store = try ArchiveDatabase(path: registryOptions.location.indexPath)
            let report = try ServiceReport.read(registry: registry, archive: store)
            let (state, cameras) = (report.service, report.cameras)
            let recorded = cameras.map(\.camera) + report.notRunning
            if json {
                try printJSON(report)
                return
            }
            print(serviceLines(report))
            if !cameras.isEmpty {
                printTable(
                    header: [
                        "camera", "state", "reason", "since", "kbit/s", "fps", "declared fps", "GOP s", "last keyframe",
                        "keyframes", "analysed s ago", "clock s",
                    ],
                    rows: cameras.map(row), rightAligned: [4, 5, 6, 7, 9, 10, 11])
                let lossy = cameras.filter { $0.packetsLost > 0 || $0.framesDropped > 0 }
                if !lossy.isEmpty {
                    print(
                        "RTP loss: "
                            + lossy.map { "\($0.camera) \($0.packetsLost) packets lost, \($0.framesDropped) frames dropped" }
                            .joined(separator: "; "))
                }
            }
            if state != .running {
                print(
                    "\(recorded.count) camera\(recorded.count == 1 ? " is" : "s are") in record mode but not being recorded: start `skygate serve`"
                )
            } else if !report.notRunning.isEmpty {
                print("not running: \(report.notRunning.joined(separator: ", "))")
            }
            if let grids = report.details?.sharedGrids {
                print(
                    "fleet: this gateway records the grids \(grids.isEmpty ? "(none assigned)" : grids.joined(separator: ", "))"
                        + "; \(report.elsewhere.count) camera\(report.elsewhere.count == 1 ? "" : "s") recorded by other gateways"
                )
            }
            if !report.patrolled.isEmpty { print("patrol mode (not recorded): \(report.patrolled.joined(separator: ", "))") }
            if !report.off.isEmpty { print("off: \(report.off.joined(separator: ", "))") }
            let devices = try registry.gbDevices()
            if !devices.isEmpty {
                let online = devices.filter { $0.registration?.online == true }
                print(
                    "GB/T 28181 devices: \(online.count) of \(devices.count) online"
                        + (online.count < devices.count
                            ? " (offline: \(devices.filter { $0.registration?.online != true }.map(\.id.rawValue).joined(separator: ", ")))"
                            : "") + "; `skygate gb devices` for each")
            }
        }
    }

    /// The service's state, and its alarms: storage, and analysis behind its interval.
    private func serviceLines(_ report: ServiceReport) -> String {
        let state = report.service
        var line = "service: \(state.rawValue)"
        guard let details = report.details else { return line }
        line +=
            state == .running
            ? " (pid \(details.processID), since \(TimeText.format(details.startedAt)))"
            : " (last status \(TimeText.format(details.updatedAt)))"
        if let alarm = details.storageAlarm { line += "\nSTORAGE ALARM: \(alarm)" }
        if let budget = details.analysis, state == .running {
            line +=
                budget.isStretched
                ? "\nANALYSIS BEHIND: \(budget.behind) camera\(budget.behind == 1 ? "" : "s") without an analysed keyframe "
                    + "for over \(fixed(budget.interval, 0)) s (the longest \(fixed(budget.largestAge, 0)) s)"
                : "\nanalysis: every camera within \(fixed(budget.interval, 0)) s "
                    + "(the longest \(fixed(budget.largestAge, 0)) s ago)"
        }
        return line
    }

    private func row(_ status: CameraStatus) -> [String] {
        [
            status.camera, status.state.rawValue, status.reason?.rawValue ?? "", TimeText.format(status.since),
            status.bitrate.map { fixed($0 / 1000, 0) } ?? "-",
            status.frameRate.map { fixed($0, 1) } ?? "-", status.declaredFrameRate.map { fixed($0, 0) } ?? "-",
            status.gop.map { fixed($0, 2) } ?? "-", status.lastKeyframe.map(TimeText.format) ?? "-", "\(status.keyframes)",
            status.analysisAge.map { fixed($0, 0) } ?? "-", signedText(status.clockOffset),
        ]
    }
}
