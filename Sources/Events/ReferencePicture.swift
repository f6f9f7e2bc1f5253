public import Archive
public import Foundation
public import MediaIO

/// A camera's reference picture, set by an operator: an analysed keyframe that shows what the camera should see.
/// "Camera moved" and "occlusion" compare each picture with it as well as with the scene the detector learned, so a
/// camera that was already turned away or covered when its detector started learning (and learned that as its scene)
/// is still caught, and a detector never learns a scene that does not match it.
public struct ReferencePicture: Sendable, Codable, Equatable {
    public var camera: String
    /// When the keyframe was taken (the gateway's wall clock).
    public var keyframeAt: Date
    /// The keyframe's statistics: what "occlusion" compares edges and spread with.
    public var stats: FrameStats
    /// The perceptual hashes of the analysed keyframes within `sceneSpan` of it: a live scene's hash wanders (people,
    /// cars, light), so "camera moved" measures a picture's distance from the nearest of them, as it does for the
    /// scene it learns.
    public var sceneHashes: [UInt64]
    /// Who set it: an API token's name, or `cli:<user>` from the command line.
    public var setBy: String
    public var setAt: Date

    /// Seconds either side of the chosen keyframe whose keyframes make up the reference scene.
    public static let sceneSpan: TimeInterval = 30

    public init(camera: String, keyframeAt: Date, stats: FrameStats, sceneHashes: [UInt64], setBy: String, setAt: Date) {
        self.camera = camera
        self.keyframeAt = keyframeAt
        self.stats = stats
        self.sceneHashes = sceneHashes
        self.setBy = setBy
        self.setAt = setAt
    }

    /// The reference made from a camera's recording at `time`: the analysed keyframe nearest to it within
    /// `sceneSpan`, and the hashes of every analysed keyframe within `sceneSpan` of that one (either side). Nil when no keyframe that
    /// near was analysed.
    public static func make(
        camera: String, at time: Date, index: RecordingIndex, by: String, now: Date
    ) throws -> ReferencePicture? {
        // One read wide enough for the keyframe chosen within `sceneSpan` and the scene `sceneSpan` either side of it.
        let around = try index.analysedKeyframes(camera: camera, from: time - 2 * sceneSpan, to: time + 2 * sceneSpan)
        func offset(_ keyframe: RecordedKeyframe, from moment: Date) -> TimeInterval {
            abs(keyframe.wallClock.timeIntervalSince(moment))
        }
        guard let chosen = around.min(by: { offset($0, from: time) < offset($1, from: time) }),
            offset(chosen, from: time) <= sceneSpan, let stats = chosen.stats
        else { return nil }
        // The scene is centred on the keyframe chosen, not on the moment asked for.
        let scene = around.filter { offset($0, from: chosen.wallClock) <= sceneSpan }
        return ReferencePicture(
            camera: camera, keyframeAt: chosen.wallClock, stats: stats,
            sceneHashes: scene.compactMap { $0.stats?.perceptualHash }, setBy: by, setAt: now)
    }

    /// Bits between a hash and the nearest of the reference scene's.
    func distance(_ hash: UInt64) -> Int {
        nearestHashDistance(hash, in: sceneHashes) ?? FrameStats.hashDistance(hash, stats.perceptualHash)
    }
}
