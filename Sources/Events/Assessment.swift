public import Foundation

/// The assessment report (考核) for a period: everything reported summed, each grid (at every level) and key location,
/// each camera, the worst cameras, and the online and fault-free rates of each local day.
public struct Assessment: Sendable, Encodable {
    public var from: Date
    public var to: Date
    public var generatedAt: Date
    /// The grid the report was limited to, if any.
    public var grid: String?
    public var total: AssessmentRow
    public var grids: [AssessmentRow]
    public var locations: [AssessmentRow]
    public var cameras: [AssessmentRow]
    /// The cameras with the lowest fault-free rate (then online rate), faulty ones only, at most `worstCount`.
    public var worst: [AssessmentRow]
    public var daily: [Day]

    public static let worstCount = 10

    /// One local day of the period (the first and last may be part days).
    public struct Day: Sendable, Encodable, Equatable {
        /// The local date, yyyy-MM-dd.
        public var date: String
        public var from: Date
        public var to: Date
        public var onlinePercent: Double?
        public var faultFreePercent: Double?
    }

    /// The worst of `cameras`: fault-free below 100 %, lowest first, ties by online rate, then ID.
    static func worst(of cameras: [AssessmentRow]) -> [AssessmentRow] {
        let faulty = cameras.filter { ($0.faultFreePercent ?? 100) < 100 }
        let ordered = faulty.sorted {
            ($0.faultFreePercent ?? 100, $0.onlinePercent ?? 100, $0.id) < (
                $1.faultFreePercent ?? 100, $1.onlinePercent ?? 100, $1.id
            )
        }
        return Array(ordered.prefix(worstCount))
    }
}

extension AssessmentRow: Encodable {
    private enum Key: String, CodingKey {
        case scope, id, name, level, cameras, monitoredSeconds, onlineSeconds, faultFreeSeconds, faultFreeConfirmedSeconds
        case falseAlarms, recordingExpectedSeconds, recordedSeconds, sizedCameras, hdCameras, filedCameras
        case clockCheckedCameras, clockAccurateCameras, faults, pictureSize, missingFiling
        case onlinePercent, faultFreePercent, faultFreeConfirmedPercent, recordingCompletenessPercent, hdPercent
        case filingPercent, clockAccuracyPercent
    }

    /// The figures and the shares made of them (null where the whole is zero); faults keyed by event kind.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(scope, forKey: .scope)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(level, forKey: .level)
        try container.encode(cameras, forKey: .cameras)
        try container.encode(monitoredSeconds, forKey: .monitoredSeconds)
        try container.encode(onlineSeconds, forKey: .onlineSeconds)
        try container.encode(faultFreeSeconds, forKey: .faultFreeSeconds)
        try container.encode(faultFreeConfirmedSeconds, forKey: .faultFreeConfirmedSeconds)
        try container.encode(falseAlarms, forKey: .falseAlarms)
        try container.encode(recordingExpectedSeconds, forKey: .recordingExpectedSeconds)
        try container.encode(recordedSeconds, forKey: .recordedSeconds)
        try container.encode(sizedCameras, forKey: .sizedCameras)
        try container.encode(hdCameras, forKey: .hdCameras)
        try container.encode(filedCameras, forKey: .filedCameras)
        try container.encode(clockCheckedCameras, forKey: .clockCheckedCameras)
        try container.encode(clockAccurateCameras, forKey: .clockAccurateCameras)
        try container.encode(
            Dictionary(uniqueKeysWithValues: faults.map { ($0.key.rawValue, $0.value) }), forKey: .faults)
        if scope == .camera {
            try container.encodeIfPresent(pictureSize, forKey: .pictureSize)
            try container.encode(missingFiling, forKey: .missingFiling)
        }
        let shares: [(Key, Double?)] = [
            (.onlinePercent, onlinePercent), (.faultFreePercent, faultFreePercent),
            (.faultFreeConfirmedPercent, faultFreeConfirmedPercent),
            (.recordingCompletenessPercent, recordingCompletenessPercent), (.hdPercent, hdPercent),
            (.filingPercent, filingPercent), (.clockAccuracyPercent, clockAccuracyPercent),
        ]
        for (key, value) in shares { try container.encode(value, forKey: key) }
    }
}
