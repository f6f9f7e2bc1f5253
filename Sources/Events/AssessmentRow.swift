public import Archive
public import CameraRegistry
public import Foundation

/// One row of the assessment report (考核): the figures a governance centre is judged on, for one camera, or summed
/// for a grid, a key location or everything reported.
///
/// Counts and seconds are kept, not only shares, so rows sum exactly: a grid's figures are its cameras' added up, and
/// each share is the summed part over the summed whole (a camera watched longer weighs more).
public struct AssessmentRow: Sendable, Equatable {
    /// What a row sums.
    public enum Scope: String, Sendable, Codable { case total, grid, location, camera }

    public var scope: Scope
    public var id: String
    public var name: String
    /// A grid row's level in the hierarchy.
    public var level: GridLevel?
    public var cameras: Int

    /// Availability (`AvailabilityRow` says how each is counted).
    public var monitoredSeconds: Double = 0
    public var onlineSeconds: Double = 0
    public var faultFreeSeconds: Double = 0
    public var faultFreeConfirmedSeconds: Double = 0
    public var falseAlarms = 0

    /// Recording completeness, for cameras in `record` mode: the time of the period each was expected to record (from
    /// its first record in the health history on, its disabled time aside; a stopped service's time included), and
    /// what the index holds of it.
    public var recordingExpectedSeconds: Double = 0
    public var recordedSeconds: Double = 0

    /// HD rate: cameras whose picture size is known from the period (recorded keyframes or patrol visits), and those
    /// of them at 1080p or better.
    public var sizedCameras = 0
    public var hdCameras = 0

    /// Filing completeness (一机一档): cameras with every field of `FilingField` filled.
    public var filedCameras = 0

    /// Clock accuracy: cameras watched in the period, and those of them that drew no clock offset event (the detector's
    /// threshold, `DetectorThresholds.clockOffsetSeconds`); false alarms aside.
    public var clockCheckedCameras = 0
    public var clockAccurateCameras = 0

    /// Per fault kind (alarms aside, false alarms aside).
    public var faults: [EventKind: FaultFigures] = [:]

    /// A camera row's own facts: its picture size, and what its file lacks.
    public var pictureSize: PictureSize?
    public var missingFiling: [FilingField] = []

    public init(scope: Scope, id: String, name: String, level: GridLevel? = nil, cameras: Int) {
        self.scope = scope
        self.id = id
        self.name = name
        self.level = level
        self.cameras = cameras
    }

    /// Faults of one kind in a period.
    public struct FaultFigures: Sendable, Equatable, Encodable {
        /// Events that overlapped the period, and their time within it.
        public var count = 0
        public var seconds: Double = 0
        /// Events raised in the period and cleared since, and their time from raised to cleared.
        public var repaired = 0
        public var repairSeconds: Double = 0

        public init() {}

        mutating func add(_ other: FaultFigures) {
            count += other.count
            seconds += other.seconds
            repaired += other.repaired
            repairSeconds += other.repairSeconds
        }

        /// Mean time to repair (raised → cleared), in seconds; nil when none was repaired.
        public var meanTimeToRepair: Double? { repaired > 0 ? repairSeconds / Double(repaired) : nil }

        private enum Key: String, CodingKey { case count, seconds, repaired, repairSeconds, meanTimeToRepair }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(count, forKey: .count)
            try container.encode(seconds, forKey: .seconds)
            try container.encode(repaired, forKey: .repaired)
            try container.encode(repairSeconds, forKey: .repairSeconds)
            try container.encode(meanTimeToRepair, forKey: .meanTimeToRepair)
        }
    }

    public var onlinePercent: Double? { share(onlineSeconds, of: monitoredSeconds) }
    /// 完好率 counting every fault not reviewed as a false alarm.
    public var faultFreePercent: Double? { share(faultFreeSeconds, of: monitoredSeconds) }
    /// 完好率 counting only the faults an operator confirmed.
    public var faultFreeConfirmedPercent: Double? { share(faultFreeConfirmedSeconds, of: monitoredSeconds) }
    public var recordingCompletenessPercent: Double? { share(recordedSeconds, of: recordingExpectedSeconds) }
    public var hdPercent: Double? { share(Double(hdCameras), of: Double(sizedCameras)) }
    public var filingPercent: Double? { share(Double(filedCameras), of: Double(cameras)) }
    public var clockAccuracyPercent: Double? { share(Double(clockAccurateCameras), of: Double(clockCheckedCameras)) }

    private func share(_ part: Double, of whole: Double) -> Double? { whole > 0 ? 100 * part / whole : nil }

    /// Adds a camera's (or another group's) figures to this row's.
    public mutating func add(_ row: AssessmentRow) {
        monitoredSeconds += row.monitoredSeconds
        onlineSeconds += row.onlineSeconds
        faultFreeSeconds += row.faultFreeSeconds
        faultFreeConfirmedSeconds += row.faultFreeConfirmedSeconds
        falseAlarms += row.falseAlarms
        recordingExpectedSeconds += row.recordingExpectedSeconds
        recordedSeconds += row.recordedSeconds
        sizedCameras += row.sizedCameras
        hdCameras += row.hdCameras
        filedCameras += row.filedCameras
        clockCheckedCameras += row.clockCheckedCameras
        clockAccurateCameras += row.clockAccurateCameras
        for (kind, figures) in row.faults { faults[kind, default: FaultFigures()].add(figures) }
    }
}

/// The fields of a camera's file that "one camera, one file" (一机一档) requires.
public enum FilingField: String, Sendable, Codable, CaseIterable {
    case coordinates, grid, purpose, retention
    /// A valid 20-digit GB/T 28181 code as the camera's ID.
    case gbID = "gb_id"
    case manufacturer, model

    /// The fields `record` lacks, in this enum's order.
    public static func missing(in record: CameraRecord) -> [FilingField] {
        let camera = record.camera
        return allCases.filter { field in
            switch field {
            case .coordinates: camera.location == nil
            case .grid: record.gridPath.isEmpty
            case .purpose: camera.purpose.trimmingCharacters(in: .whitespaces).isEmpty
            case .retention: camera.retentionDays <= 0
            case .gbID: camera.id.code == nil
            case .manufacturer: camera.vendor.trimmingCharacters(in: .whitespaces).isEmpty
            case .model: camera.model.trimmingCharacters(in: .whitespaces).isEmpty
            }
        }
    }
}

extension AssessmentRow {
    /// One camera's row.
    /// - Parameters:
    ///   - availability: its availability over the period.
    ///   - events: its events overlapping the period.
    ///   - recording: for a camera in `record` mode, the seconds of the period it was expected to record (from its first
    ///     record in the health history, its disabled time aside) and the seconds of them the index holds.
    ///   - size: its picture size from the period, if known.
    public static func camera(
        _ record: CameraRecord, availability: AvailabilityRow, events: [Event],
        recording: (recorded: Double, expected: Double)?, size: PictureSize?,
        from: Date, to: Date, now: Date
    ) -> AssessmentRow {
        var row = AssessmentRow(scope: .camera, id: record.camera.id.rawValue, name: record.camera.name, cameras: 1)
        row.monitoredSeconds = availability.monitoredSeconds
        row.onlineSeconds = availability.onlineSeconds
        row.faultFreeSeconds = availability.faultFreeSeconds
        row.faultFreeConfirmedSeconds = availability.faultFreeConfirmedSeconds
        row.falseAlarms = availability.falseAlarms
        if let recording {
            row.recordingExpectedSeconds = recording.expected
            row.recordedSeconds = recording.recorded
        }
        row.pictureSize = size
        row.sizedCameras = size == nil ? 0 : 1
        row.hdCameras = size?.isHD == true ? 1 : 0
        row.missingFiling = FilingField.missing(in: record)
        row.filedCameras = row.missingFiling.isEmpty ? 1 : 0
        for (name, tally) in availability.faults {
            guard let kind = EventKind(rawValue: name), !kind.isAlarm else { continue }
            row.faults[kind, default: FaultFigures()].count = tally.count
            row.faults[kind, default: FaultFigures()].seconds = tally.seconds
        }
        for event in events where !event.kind.isAlarm && event.review?.verdict != .falseAlarm {
            guard event.raisedAt >= from, event.raisedAt < to, let cleared = event.clearedAt else { continue }
            row.faults[event.kind, default: FaultFigures()].repaired += 1
            row.faults[event.kind, default: FaultFigures()].repairSeconds += cleared.timeIntervalSince(event.raisedAt)
        }
        if availability.monitoredSeconds > 0 {
            row.clockCheckedCameras = 1
            row.clockAccurateCameras = (row.faults[.clockOffset]?.count ?? 0) == 0 ? 1 : 0
        }
        return row
    }
}
