import CameraRegistry
import Foundation

extension Assessment {
    /// The report as CSV for a spreadsheet: UTF-8 with a byte-order mark (without one, Excel reads UTF-8 as the
    /// system's legacy code page and garbles Chinese names), one row per scope — everything, each grid, each key
    /// location, each camera — shares in percent with two decimals, times in whole seconds, and for each fault kind its
    /// count, time and mean time to repair.
    public var csv: String {
        let kinds = EventKind.allCases.filter { !$0.isAlarm }
        let header =
            [
                "scope", "id", "name", "level", "cameras", "online_pct", "fault_free_pct", "fault_free_confirmed_pct",
                "recording_completeness_pct", "hd_pct", "filing_pct", "clock_accuracy_pct", "monitored_s", "online_s",
                "fault_free_s", "recorded_s", "recording_expected_s", "hd_cameras", "sized_cameras", "filed_cameras",
                "clock_accurate_cameras", "clock_checked_cameras", "false_alarms",
            ] + kinds.flatMap { ["\($0.rawValue)_count", "\($0.rawValue)_s", "\($0.rawValue)_mttr_s"] } + ["missing_filing"]
        var lines = [CSVRecords.line(header)]
        for row in [total] + grids + locations + cameras {
            let shares = [
                row.onlinePercent, row.faultFreePercent, row.faultFreeConfirmedPercent, row.recordingCompletenessPercent,
                row.hdPercent, row.filingPercent, row.clockAccuracyPercent,
            ].map { $0.map { Self.decimal($0, 2) } ?? "" }
            let seconds = [
                row.monitoredSeconds, row.onlineSeconds, row.faultFreeSeconds, row.recordedSeconds, row.recordingExpectedSeconds,
            ]
            .map { Self.decimal($0, 0) }
            let counts = [
                row.hdCameras, row.sizedCameras, row.filedCameras, row.clockAccurateCameras, row.clockCheckedCameras,
                row.falseAlarms,
            ]
            .map(String.init)
            let faults = kinds.flatMap { kind -> [String] in
                let figures = row.faults[kind] ?? AssessmentRow.FaultFigures()
                return [
                    String(figures.count), Self.decimal(figures.seconds, 0),
                    figures.meanTimeToRepair.map { Self.decimal($0, 0) } ?? "",
                ]
            }
            let identity = [row.scope.rawValue, row.id, row.name, row.level?.rawValue ?? "", String(row.cameras)]
            lines.append(
                CSVRecords.line(
                    identity + shares + seconds + counts + faults + [row.missingFiling.map(\.rawValue).joined(separator: " ")]))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `value` with `decimals` decimals and a point, whatever the locale.
    public static func decimal(_ value: Double, _ decimals: Int) -> String {
        value.formatted(.number.precision(.fractionLength(decimals)).grouping(.never).locale(Locale(identifier: "en_US_POSIX")))
    }
}
