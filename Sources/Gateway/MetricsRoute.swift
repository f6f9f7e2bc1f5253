import CameraRegistry
import Events
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Prometheus

extension GatewayServices {
    /// Prometheus text, built at each scrape from what the service publishes and the outbox: a scrape always shows
    /// the present, and a gateway without scrapers does no metrics work at all.
    /// Over 60 lines: one metric family after another, in the order /metrics prints them.
    func metricsText() throws -> String {
        let prometheus = PrometheusCollectorRegistry()
        let report = try status.report()
        prometheus.makeGauge(name: "skygate_service_running", help: "1 while `skygate serve` is publishing its status.")
            .set(to: report.service == .running ? 1 : 0)
        prometheus.makeGauge(name: "skygate_storage_alarm", help: "1 while the recording storage is over its limits.")
            .set(to: report.details?.storageAlarm == nil ? 0 : 1)
        if let budget = report.details?.analysis {
            prometheus.makeGauge(
                name: "skygate_analysis_interval_seconds",
                help: "Every streaming camera should have an analysed keyframe this often."
            ).set(budget.interval)
            prometheus.makeGauge(
                name: "skygate_analysis_largest_age_seconds",
                help: "The largest analysis age over the streaming cameras: the interval analysis achieves."
            ).set(budget.largestAge)
            prometheus.makeGauge(
                name: "skygate_analysis_cameras_behind", help: "Streaming cameras whose analysis is older than the interval."
            ).set(Double(budget.behind))
        }
        let now = Date()
        for camera in report.cameras {
            let labels = [("camera", camera.camera)]
            for state in HealthState.allCases {
                prometheus.makeGauge(
                    name: "skygate_camera_state", labels: labels + [("state", state.rawValue)],
                    help: "1 for the camera's current health state, 0 for the others."
                ).set(to: camera.state == state ? 1 : 0)
            }
            if let bitrate = camera.bitrate {
                // Prometheus' base unit is bytes (`promtool check metrics` flags bits).
                prometheus.makeGauge(
                    name: "skygate_camera_received_bytes_per_second", labels: labels, help: "Received stream rate, in bytes."
                ).set(bitrate / 8)
            }
            if let frameRate = camera.frameRate {
                prometheus.makeGauge(name: "skygate_camera_frame_rate", labels: labels, help: "Received frames per second.")
                    .set(frameRate)
            }
            prometheus.makeCounter(
                name: "skygate_camera_keyframes_total", labels: labels, help: "Keyframes recorded and indexed."
            )
            .increment(by: Int64(camera.keyframes))
            prometheus.makeCounter(name: "skygate_camera_reconnects_total", labels: labels, help: "Reconnects to the camera.")
                .increment(by: Int64(camera.reconnects))
            if camera.transport != nil {
                prometheus.makeCounter(
                    name: "skygate_camera_rtp_packets_lost_total", labels: labels,
                    help: "RTP packets that never came (GB/T 28181 channels)."
                ).increment(by: Int64(camera.packetsLost))
                prometheus.makeCounter(
                    name: "skygate_camera_frames_dropped_total", labels: labels,
                    help: "Whole frames dropped for a lost packet, or until the next keyframe (GB/T 28181 channels)."
                ).increment(by: Int64(camera.framesDropped))
            }
            for (outcome, count) in [
                ("analysed", camera.analysis.analysed), ("skipped", camera.analysis.skipped), ("failed", camera.analysis.failed),
            ] {
                prometheus.makeCounter(
                    name: "skygate_camera_analysis_keyframes_total", labels: labels + [("outcome", outcome)],
                    help: "Keyframes by analysis outcome (skipped: analysis was behind)."
                ).increment(by: Int64(count))
            }
            if let last = camera.lastKeyframe {
                prometheus.makeGauge(
                    name: "skygate_camera_analysis_lag_seconds", labels: labels,
                    help: "Wall time from the last analysed keyframe to the last recorded one."
                ).set(max(0, last.timeIntervalSince(camera.lastAnalysedKeyframe ?? last)))
                prometheus.makeGauge(
                    name: "skygate_camera_last_keyframe_age_seconds", labels: labels, help: "Seconds since the last keyframe."
                ).set(max(0, now.timeIntervalSince(last)))
            }
            if let age = camera.analysisAge {
                prometheus.makeGauge(
                    name: "skygate_camera_analysis_age_seconds", labels: labels,
                    help: "Seconds since the wall time of the newest analysed keyframe (while streaming)."
                ).set(age)
            }
        }
        for sink in try events.sinks() {
            let counts = try events.counts(sink: sink)
            prometheus.makeGauge(
                name: "skygate_export_backlog", labels: [("sink", sink)], help: "Events waiting to be delivered to the sink."
            ).set(Double(counts["pending"] ?? 0))
            prometheus.makeGauge(
                name: "skygate_export_dead_letters", labels: [("sink", sink)],
                help: "Events the sink refused too often; `skygate events redeliver` retries them."
            ).set(Double(counts["dead"] ?? 0))
        }
        let open = try events.openCounts()
        for kind in EventKind.allCases {
            prometheus.makeGauge(name: "skygate_events_open", labels: [("kind", kind.rawValue)], help: "Open events by kind.")
                .set(Double(open[kind] ?? 0))
        }
        prometheus.makeGauge(name: "skygate_event_streams", help: "Open Server-Sent Events streams.")
            .set(Double(feed.subscriberCount))
        try addGBMetrics(to: prometheus, now: now)
        return prometheus.emitToString()
    }
}

extension GatewayServices {
    /// GB/T 28181 devices: how many are registered and online, and each online device's keepalive age, from the
    /// registrations the SIP server persists.
    func addGBMetrics(to prometheus: PrometheusCollectorRegistry, now: Date) throws {
        let devices = try registry.gbDevices()
        guard !devices.isEmpty else { return }
        let online = devices.filter { $0.registration?.online == true }
        prometheus.makeGauge(name: "skygate_gb_devices", labels: [("state", "online")], help: "GB/T 28181 devices by state.")
            .set(Double(online.count))
        prometheus.makeGauge(name: "skygate_gb_devices", labels: [("state", "offline")], help: "GB/T 28181 devices by state.")
            .set(Double(devices.count - online.count))
        for device in online {
            guard let registration = device.registration else { continue }
            prometheus.makeGauge(
                name: "skygate_gb_keepalive_age_seconds", labels: [("device", device.id.rawValue)],
                help: "Seconds since the device's last keepalive (or registration)."
            ).set(max(0, now.timeIntervalSince(registration.lastKeepalive ?? registration.registeredAt)))
        }
    }
}
