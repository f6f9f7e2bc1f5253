public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The latest thumbnail of each camera: a small JPEG of its last analysed keyframe, made by the analyser from the
/// picture it had decoded anyway, kept as one file per camera beside the index (`thumbnails/CAMERA.jpg`). The file's
/// modification time is the keyframe's wall time, so the picture and its time are replaced together by one rename.
///
/// A keyframe wall reads these files and decodes nothing: 50 tiles are 50 small reads.
public struct ThumbnailStore: Sendable {
    /// The directory of the files.
    public let directory: String

    /// The thumbnails beside an index: `thumbnails/` in the directory of `archive.sqlite`.
    public init(beside archive: ArchiveDatabase) {
        directory = ((archive.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("thumbnails")
    }

    /// Thumbnails in `directory`.
    public init(directory: String) { self.directory = directory }

    /// Replaces `camera`'s thumbnail with `jpeg` of the keyframe at `wallClock`: written aside, stamped, then renamed
    /// over the old one, so a reader sees the old picture or the new one, never half of one. Blocking file work.
    public func keep(_ jpeg: Data, camera: String, wallClock: Date) throws {
        guard let path = path(of: camera) else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let aside = path + ".part"
        do {
            try jpeg.write(to: URL(fileURLWithPath: aside))
            try FileManager.default.setAttributes([.modificationDate: wallClock], ofItemAtPath: aside)
            guard rename(aside, path) == 0 else {
                throw ArchiveError(.storeUnavailable, "cannot replace the thumbnail '\(path)' (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: aside)
            throw error
        }
    }

    /// `camera`'s latest thumbnail and its keyframe's wall time; nil if it has none. One open file gives both, so
    /// they belong together even while the analyser replaces the file. Blocking file work.
    public func thumbnail(camera: String) -> (jpeg: Data, wallClock: Date)? {
        guard let path = path(of: camera) else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var information = stat()
        guard fstat(descriptor, &information) == 0, let jpeg = try? file.readToEnd() else { return nil }
        let modified = information.st_mtim
        return (jpeg, Date(timeIntervalSince1970: Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9))
    }

    /// Removes `camera`'s thumbnail (the camera was deleted).
    public func remove(camera: String) {
        guard let path = path(of: camera) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The file of a camera; nil for an ID that could name another path (registry IDs are letters, digits, `.`, `_` and
    /// `-`, never starting with `.`).
    private func path(of camera: String) -> String? {
        let allowed = { (byte: UInt8) in
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || (48...57).contains(byte)
                || (65...90).contains(byte) || (97...122).contains(byte)
        }
        guard !camera.isEmpty, !camera.hasPrefix("."), camera.utf8.allSatisfy(allowed) else { return nil }
        return (directory as NSString).appendingPathComponent(camera + ".jpg")
    }
}
