import Foundation
import MediaIO
import Testing

@testable import Ingest

/// The fair analysis budget, replayed: cameras offering a keyframe every GOP, lanes taking what they can.
@Suite("Analysis budget: the camera analysed longest ago goes first")
struct AnalysisScheduleTests {
    static let codec = StreamCodec.annexB(width: 1920, height: 1080, timeBase: Rational(1, 90_000))
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    static func job(_ camera: String, at seconds: Double) -> AnalysisJob {
        AnalysisJob(camera: camera, codec: codec, wallClock: t0.addingTimeInterval(seconds), payload: [])
    }

    /// `cameras` cameras each offer a keyframe every 2 s for `seconds`; the lanes analyse `perSecond` keyframes a
    /// second (each taken and finished within its second). The wall clocks analysed, per camera.
    static func replay(cameras: Int, perSecond: Int, seconds: Int, depth: Int = 1) -> [String: [Double]] {
        var schedule = AnalysisSchedule(queueDepth: depth, thumbnailInterval: nil)
        var analysed: [String: [Double]] = [:]
        let names = (0..<cameras).map { String(format: "cam%03d", $0) }
        for second in 0..<seconds {
            // Cameras start their GOPs at different moments, as real ones do.
            for (number, camera) in names.enumerated() where (second + number) % 2 == 0 {
                _ = schedule.offer(job(camera, at: Double(second)))
            }
            for _ in 0..<perSecond {
                guard let taken = schedule.take() else { break }
                analysed[taken.camera, default: []].append(taken.wallClock.timeIntervalSince(t0))
                _ = schedule.finished(taken, thumbnail: false)
            }
        }
        return analysed
    }

    @Test("with room for every keyframe, every keyframe is analysed")
    func roomForAll() {
        let analysed = Self.replay(cameras: 20, perSecond: 12, seconds: 60)
        #expect(analysed.count == 20)
        #expect(analysed.values.allSatisfy { $0.count == 30 }, "\(analysed.mapValues(\.count))")
    }

    @Test("overloaded 5:1, every camera is analysed alike, and none waits much longer than cameras ÷ rate")
    func overloaded() {
        // 200 cameras offer 100 keyframes a second; 20 a second are analysed: about one per camera every 10 s.
        let analysed = Self.replay(cameras: 200, perSecond: 20, seconds: 120)
        #expect(analysed.count == 200, "every camera analysed")
        let counts = analysed.values.map(\.count)
        #expect(counts.max()! - counts.min()! <= 1, "analyses per camera \(counts.min()!)–\(counts.max()!)")
        // After the first pass, the gap between two analysed keyframes of a camera stays within 10 s and a GOP.
        let gaps = analysed.values.flatMap { times in zip(times.dropFirst(), times).map { $0 - $1 } }
        #expect(gaps.max()! <= 12, "largest gap \(gaps.max()!) s")
    }

    @Test("a camera that joins late is analysed before those already analysed get another")
    func newcomerFirst() {
        var schedule = AnalysisSchedule(queueDepth: 1, thumbnailInterval: nil)
        for second in 0..<10 {
            _ = schedule.offer(Self.job("old", at: Double(second)))
            let taken = schedule.take()
            #expect(taken?.camera == "old")
            if let taken { _ = schedule.finished(taken, thumbnail: false) }
        }
        _ = schedule.offer(Self.job("old", at: 10))
        _ = schedule.offer(Self.job("new", at: 10.5))
        #expect(schedule.take()?.camera == "new")
        #expect(schedule.take()?.camera == "old")
    }

    @Test("a camera being analysed is not taken again until done, so its results come out in order")
    func oneAtATime() throws {
        var schedule = AnalysisSchedule(queueDepth: 4, thumbnailInterval: nil)
        for second in 0..<3 { _ = schedule.offer(Self.job("a", at: Double(second))) }
        let taken = schedule.take()
        let first = try #require(taken)
        #expect(first.wallClock == Self.t0)
        let meanwhile = schedule.take()
        #expect(meanwhile == nil, "the second lane waits")
        let waiting = schedule.finished(first, thumbnail: false)
        #expect(waiting, "keyframes are waiting")
        let second = schedule.take()
        #expect(second?.wallClock == Self.t0.addingTimeInterval(1))
    }

    @Test("a full queue drops its oldest keyframe and says so")
    func depth() {
        var schedule = AnalysisSchedule(queueDepth: 2, thumbnailInterval: nil)
        let dropped = [0.0, 2, 4].map { schedule.offer(Self.job("a", at: $0)) }
        #expect(dropped == [false, false, true])
        #expect(schedule.count == 2)
        let taken = schedule.take()
        #expect(taken?.wallClock == Self.t0.addingTimeInterval(2))
        let drained = schedule.drain()
        #expect(drained == ["a": 1])
        #expect(schedule.count == 0)
    }

    @Test("one thumbnail per camera per interval of its wall clock; a keyframe that failed to decode does not count")
    func thumbnails() {
        var schedule = AnalysisSchedule(queueDepth: 1, thumbnailInterval: 5)
        var wanted: [Double] = []
        for second in stride(from: 0.0, to: 20, by: 2) {
            _ = schedule.offer(Self.job("a", at: second))
            guard let job = schedule.take() else { continue }
            if job.wantsThumbnail { wanted.append(second) }
            // The keyframe of 6 s fails to decode: no thumbnail came out, so the next keyframe is asked for one.
            _ = schedule.finished(job, thumbnail: job.wantsThumbnail && second != 6)
        }
        #expect(wanted == [0, 6, 8, 14])
    }

    static func status(
        _ camera: String, age: Double, analysed: Double, last: Double, gop: Double = 2, since: Double = 0
    ) -> CameraStatus {
        var status = CameraStatus(camera: camera, state: .streaming, since: t0.addingTimeInterval(since))
        status.analysisAge = age
        status.lastAnalysedKeyframe = t0.addingTimeInterval(analysed)
        status.lastKeyframe = t0.addingTimeInterval(last)
        status.gop = gop
        return status
    }

    @Test(
        "behind: older than the interval with a newer keyframe recorded; not a 12 s GOP camera, nor one just reconnected"
    )
    func behind() {
        // Now is t0 + 100 s.
        let budget = AnalysisBudgetStatus(
            interval: 10,
            cameras: [
                Self.status("fine", age: 4, analysed: 96, last: 98),
                // Its newest keyframe (at 100 s) waits while the one of 88 s is the newest analysed.
                Self.status("long-gop", age: 12, analysed: 88, last: 100, gop: 12),
                // Back after an outage 3 s ago: its age counts from then, and no keyframe came since.
                Self.status("reconnected", age: 3, analysed: 40, last: 41, since: 97),
                Self.status("behind", age: 14, analysed: 86, last: 98),
            ])
        #expect(budget == AnalysisBudgetStatus(interval: 10, largestAge: 14, behind: 1))
    }

    @Test("the warning: when analysis first falls behind, at most once a minute while it stays so, and once back")
    func watch() {
        var watch = AnalysisBudgetWatch()
        let behind = AnalysisBudgetStatus(interval: 10, largestAge: 15, behind: 3)
        let fine = AnalysisBudgetStatus(interval: 10, largestAge: 6, behind: 0)
        let notices = [(0, fine), (1, behind), (2, behind), (60, behind), (61, behind), (62, fine), (63, fine)].map {
            watch.observe($1, at: Self.t0.addingTimeInterval(Double($0)))
        }
        #expect(notices == [nil, .stretched(behind), nil, nil, .stretched(behind), .recovered(fine), nil])
    }
}
