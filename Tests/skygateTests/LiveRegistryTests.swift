import Archive
import Foundation
import Ingest
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `skygate serve` following registry changes made by other processes: restarts, removals, hostile URLs.
@Suite("Live service, registry changes")
struct LiveRegistryTests {
    typealias Rig = LiveServiceTests.Rig

    /// URLs refused at registration and at connect time; `target` is a local FIFO that nothing may open.
    static func refusedURLs(target: String) -> [String] {
        [
            "file:\(target)", "FILE:\(target)", "File://\(target)", "concat:\(target)|\(target)",
            "subfile:,start,0,end,16,:\(target)",
            "data:video/mp4;base64,AAAAIGZ0eXA=", "pipe:0", "fd:3", "unix:\(target)", "crypto:\(target)", "async:file:\(target)",
            "rtsp://127.0.0.1/x\r\nfile:\(target)", "rtsp://127.0.0.1/x\nfile:\(target)", target,
        ]
    }

    /// True if some process holds the FIFO open for reading (an open for writing then succeeds at once).
    static func fifoHasReader(_ path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK)
        if descriptor >= 0 { close(descriptor) }
        return descriptor >= 0
    }

    @Test("--allowed-schemes narrows the policy at registration and at connect time, and cannot widen it")
    func allowedSchemes() throws {
        let rig = try Rig(cameras: ["n1"])
        defer { rig.cleanUp() }
        let add = try SkygateBinary.run([
            "camera", "add", "n2", "--name", "n2", "--url", "rtsp://127.0.0.1/x", "--longitude", "116.4", "--latitude",
            "39.9", "--lenient-id", "--allowed-schemes", "rtsps", "--data-dir", rig.dataDirectory,
        ])
        #expect(add.status == 65 && add.standardError.contains("refused URL scheme 'rtsp:'"), "\(add.standardError)")
        let widen = try SkygateBinary.run(["camera", "list", "--allowed-schemes", "rtsp,file", "--data-dir", rig.dataDirectory])
        #expect(widen.status == 64 && widen.standardError.contains("file not a camera protocol"), "\(widen.standardError)")
        // The camera registered as rtsp:// is refused at connect time by a service that allows only rtsps.
        let gateway = try rig.serve(["--allowed-schemes", "rtsps"])
        #expect(
            try LiveServiceTests.eventually(5) { try rig.health.transitions(camera: "n1").contains { $0.reason == "refusedURL" } }
        )
        #expect(try rig.index.keyframes(camera: "n1").isEmpty)
        #expect(gateway.stop() == 0)
    }

    @Test("a restart keeps the index monotonic with one discontinuity; a removed camera blocked in its connect stops within 1 s")
    func restartAndRemove() throws {
        let silent = try SilentListener()
        let rig = try Rig(cameras: ["r1", "r2"], extra: [("blocked", "rtsp://127.0.0.1:\(silent.port)/x")])
        defer { rig.cleanUp() }
        let gateway = try rig.serve(["--open-timeout", "30"])
        #expect(try LiveServiceTests.eventually(30) { try rig.index.keyframes(camera: "r1").count >= 3 })
        #expect(try rig.health.transitions(camera: "blocked").last?.state == "connecting")

        // The camera restarts: its timestamps start again at zero.
        try rig.simulator.fault("r1", "restart")
        let restartedAt = Date()
        #expect(try LiveServiceTests.eventually(10) { try rig.index.keyframes(camera: "r1", from: restartedAt).count >= 3 })
        let keyframes = try rig.index.keyframes(camera: "r1")
        #expect(zip(keyframes, keyframes.dropFirst()).allSatisfy { $0.wallClock < $1.wallClock && $0.seconds < $1.seconds })
        let discontinuities = try rig.health.discontinuities(camera: "r1")
        #expect(discontinuities.count == 1 && discontinuities.first?.kind == "reset", "\(discontinuities)")

        // Removing a camera whose connect is blocked (the port accepts and never answers) ends its worker in 1 s.
        let removal = try gateway.command(["camera", "remove", "blocked"])
        let removedAt = Date()
        #expect(removal.status == 0, "\(removal.standardError)")
        #expect(try LiveServiceTests.eventually(2) { try rig.health.transitions(camera: "blocked").last?.state == "stopped" })
        if let stopped = try rig.health.transitions(camera: "blocked").last, stopped.state == "stopped" {
            #expect(
                stopped.at.timeIntervalSince(removedAt) < 1, "stopped \(stopped.at.timeIntervalSince(removedAt)) s after removal")
        }
        // The other cameras were not touched.
        #expect(try rig.health.transitions(camera: "r2").filter { $0.state == "streaming" }.count == 1)

        // Taking a camera out of recording ends its worker and the history says why; recording it again brings it back.
        #expect(try gateway.command(["camera", "disable", "r2"]).status == 0)
        #expect(try LiveServiceTests.eventually(2) { try rig.health.transitions(camera: "r2").last?.state == "disabled" })
        #expect(try LiveServiceTests.eventually(3) { try LiveServiceTests.status(gateway).off == ["r2"] })
        #expect(try gateway.command(["camera", "enable", "r2"]).status == 0)
        #expect(try LiveServiceTests.eventually(10) { try rig.health.transitions(camera: "r2").last?.state == "streaming" })
        #expect(gateway.stop() == 0)
    }

    @Test(
        "every refused URL is refused at registration and again at connect time (injected into the database); nothing is opened")
    func refusedURLs() throws {
        let rig = try Rig(cameras: ["u1"])
        defer { rig.cleanUp() }
        let fifo = rig.dataDirectory + "/must-not-be-opened"
        #expect(mkfifo(fifo, 0o600) == 0)
        for url in Self.refusedURLs(target: fifo) {
            let result = try SkygateBinary.run([
                "camera", "add", "bad", "--name", "bad", "--url", url, "--longitude", "116.4", "--latitude", "39.9",
                "--lenient-id",
                "--data-dir", rig.dataDirectory,
            ])
            #expect(result.status == 65, "registration of \(url.debugDescription): \(result.standardError)")
        }

        let gateway = try rig.serve()
        #expect(try LiveServiceTests.eventually(30) { try !rig.index.keyframes(camera: "u1").isEmpty })
        for url in Self.refusedURLs(target: fifo) {
            let injectedAt = Date()
            // Straight into the registry database, past every check of the CLI.
            try ProcessRunner.check(
                "/usr/bin/python3",
                [
                    "-c",
                    "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE camera SET main_url=?, main_secret=NULL WHERE id=?', (sys.argv[2], 'u1')); c.commit()",
                    rig.dataDirectory + "/registry.sqlite", url,
                ])
            let refused = try LiveServiceTests.eventually(3) {
                try rig.health.transitions(camera: "u1", from: injectedAt).contains { $0.reason == "refusedURL" }
            }
            #expect(refused, "connect-time refusal of \(url.debugDescription)")
            #expect(!Self.fifoHasReader(fifo), "\(url.debugDescription) opened the local file")
        }
        #expect(gateway.stop() == 0)
    }
}
