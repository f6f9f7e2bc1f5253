import Archive
import CameraRegistry
import Events
import Foundation
import MediaIO
import TestSupport

/// Issue 17, item 4: a week of a small district made to order, whose assessment figures the tests work out by hand.
///
/// The week is 2026-11-02 00:00 to 2026-11-09 00:00 in Asia/Shanghai. A district (示范区) holds two grids, 东街网格 with
/// C1 and C2 and 西街网格 with C3 and C4; a school (第一小学) lies at C1. C1, C2 and C4 record; C3 is patrolled.
/// - C1: watched all week. Offline 2 h on day 2 (confirmed; its recording has the same hole), blur 1 h on day 4 (a false
///   alarm), clock offset 10 min on day 5 (unreviewed). Its keyframes are 1920×1080. Filed in full.
/// - C2: disabled on day 3. Too dark from day 3 12:00 to day 4 12:00 (unreviewed), half of it while disabled. 1280×720.
///   No manufacturer on file.
/// - C3: offline from day 6 on, still open (confirmed). A patrol visit found 2560×1440. Filed in full.
/// - C4: started on day 2. Frozen 30 min on day 7 (confirmed). No analysed keyframe, so no known size. No purpose.
struct AssessmentWeek {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-02 00:00 +08:00.
    static let start = Date(timeIntervalSince1970: 1_793_548_800)
    static let day = 86_400.0
    static let end = start + 7 * day
    static let now = end + day
    static let cameras = [
        "33019900001320000001", "33019900001320000002", "33019900001320000003", "33019900001320000004",
    ]
    static let names = ["东街1号 East 1", "东街2号 East 2", "西街1号 West 1", "西街2号 West 2"]

    let dataDirectory: String

    /// Writes the registry (through `skygate registry import`), the health history, recordings, a patrol visit and
    /// the events into a new data directory.
    init() throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-week-\(UUID().uuidString)").path
        let files = dataDirectory + "/registry-files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        try Self.gridsFile.write(toFile: files + "/grids.geojson", atomically: true, encoding: .utf8)
        try Self.locationsFile.write(toFile: files + "/key-locations.geojson", atomically: true, encoding: .utf8)
        try Self.camerasFile.write(toFile: files + "/cameras.csv", atomically: true, encoding: .utf8)
        let imported = try SkygateBinary.run(["registry", "import", files, "--data-dir", dataDirectory])
        guard imported.status == 0 else { throw TestSupportError("registry import: \(imported.standardError)") }
        let archive = try ArchiveDatabase(path: dataDirectory + "/archive.sqlite")
        try Self.writeHealth(HealthLog(store: archive))
        try Self.writeRecordings(RecordingIndex(store: archive))
        try PatrolVisitLog(store: archive).append([
            PatrolVisit(
                camera: Self.cameras[2], startedAt: Self.start + 3600, duration: 4, outcome: .ok,
                stream: StreamFacts(codec: "h264", width: 2560, height: 1440))
        ])
        try Self.writeEvents(EventStore(path: dataDirectory + "/events.sqlite"))
    }

    static let gridsFile = """
        {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "SF", "properties": {"name": "示范区 Demo District", "level": "district"},
         "geometry": {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.04, 30.0], [120.04, 30.02], [120.0, 30.02], [120.0, 30.0]]]}},
        {"type": "Feature", "id": "SF-E", "properties": {"name": "东街网格 East grid", "level": "grid", "parent": "SF"},
         "geometry": {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.02, 30.0], [120.02, 30.02], [120.0, 30.02], [120.0, 30.0]]]}},
        {"type": "Feature", "id": "SF-W", "properties": {"name": "西街网格 West grid", "level": "grid", "parent": "SF"},
         "geometry": {"type": "Polygon", "coordinates": [[[120.02, 30.0], [120.04, 30.0], [120.04, 30.02], [120.02, 30.02], [120.02, 30.0]]]}}
        ]}
        """

    static let locationsFile = """
        {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "KL-1", "properties": {"name": "第一小学 No.1 School", "category": "school", "radius_m": 200},
         "geometry": {"type": "Point", "coordinates": [120.005, 30.01]}}
        ]}
        """

    static var camerasFile: String {
        let rows = [
            "\(cameras[0]),\(names[0]),rtsp://127.0.0.1:1/c1,,120.005,30.01,wgs84,Hikvision,DS-2CD2T47,record,,治安防控,30",
            "\(cameras[1]),\(names[1]),rtsp://127.0.0.1:1/c2,,120.015,30.01,wgs84,,IPC2124LB,record,,治安防控,30",
            "\(cameras[2]),\(names[2]),rtsp://127.0.0.1:1/c3,,120.025,30.01,wgs84,Dahua,IPC-HFW2431S,patrol,,交通,30",
            "\(cameras[3]),\(names[3]),rtsp://127.0.0.1:1/c4,,120.035,30.01,wgs84,Uniview,IPC322,record,,,30",
        ]
        return "id,name,main_url,sub_url,longitude,latitude,datum,vendor,model,mode,tags,purpose,retention_days\n"
            + rows.joined(separator: "\n") + "\n"
    }

    static func writeHealth(_ health: HealthLog) throws {
        func at(_ camera: Int, _ seconds: Double, _ state: String) -> HealthRecord {
            HealthRecord(camera: cameras[camera], at: start + seconds, state: state)
        }
        try health.append([
            at(0, -3600, "connecting"), at(0, -3599, "streaming"),
            at(1, -100, "streaming"), at(1, 2 * day, "disabled"), at(1, 3 * day, "connecting"), at(1, 3 * day + 1, "streaming"),
            at(2, -10, "streaming"),
            at(3, day, "connecting"), at(3, day + 1, "streaming"),
        ])
    }

    /// Keyframes every 50 s; C1's hole for its outage and C2's for its disabled day are gap rows.
    static func writeRecordings(_ index: RecordingIndex) throws {
        func stats(_ width: Int, _ height: Int) -> FrameStats {
            FrameStats(
                width: width, height: height, meanLuma: 120, lumaStdDev: 40, darkFraction: 0, brightFraction: 0, sharpness: 5,
                edgeDensity: 0.1, perceptualHash: 0, meanU: 128, meanV: 128)
        }
        func keyframes(_ camera: Int, from: Double, to: Double, size: FrameStats?) -> [RecordedKeyframe] {
            stride(from: from, through: to, by: 50).map { seconds in
                RecordedKeyframe(
                    camera: cameras[camera], wallClock: start + seconds, seconds: seconds, segment: "s\(camera)",
                    byteOffset: 0, size: 1000, stats: size)
            }
        }
        let last = 7 * day + 100
        try index.append(keyframes(0, from: -3600, to: day, size: stats(1920, 1080)))
        try index.addGap(RecordingGap(camera: cameras[0], from: start + day, to: start + day + 7200, reason: "noData"))
        try index.append(keyframes(0, from: day + 7200, to: last, size: stats(1920, 1080)))
        try index.append(keyframes(1, from: -100, to: 2 * day, size: stats(1280, 720)))
        try index.addGap(RecordingGap(camera: cameras[1], from: start + 2 * day, to: start + 3 * day, reason: "disabled"))
        try index.append(keyframes(1, from: 3 * day, to: last, size: stats(1280, 720)))
        try index.append(keyframes(3, from: day, to: last, size: nil))
    }

    static func writeEvents(_ store: EventStore) throws {
        let nowhere = EventLocation(longitude: nil, latitude: nil, grids: [], keyLocations: [])
        func event(_ camera: Int, _ kind: EventKind, _ from: Double, _ to: Double?, _ verdict: EventReview.Verdict?) throws {
            let device = cameras[camera]
            let raised = try store.record(
                DetectorTransition(
                    device: device, kind: kind, phase: .raised, at: start + from, since: start + from, evidence: [:]),
                location: nowhere)
            if let to {
                _ = try store.record(
                    DetectorTransition(
                        device: device, kind: kind, phase: .cleared, at: start + to, since: start + from, evidence: [:]),
                    location: nowhere)
            }
            if let verdict, let id = raised?.id {
                _ = try store.review(id: id, EventReview(verdict: verdict, by: "ops", at: now))
            }
        }
        try event(0, .offline, day, day + 7200, .confirmed)
        try event(0, .blur, 3 * day, 3 * day + 3600, .falseAlarm)
        try event(0, .clockOffset, 4 * day, 4 * day + 600, nil)
        try event(1, .tooDark, 2.5 * day, 3.5 * day, nil)
        try event(2, .offline, 5 * day, nil, .confirmed)
        try event(3, .frozen, 6 * day, 6 * day + 1800, .confirmed)
    }
}
