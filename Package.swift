// swift-tools-version:6.1
import PackageDescription

/// The compiler's help, on in every target of ours (Hummingbird 2 builds with the same): `any` spelled out for
/// existentials, members visible only through an import of their module, and imports internal unless a module's
/// public API exposes the imported types (`public import`).
let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "skygate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skygate", targets: ["skygate"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        // swift-configuration support is off: the gateway is configured by its command line.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        /// FFmpeg's C libraries, found through pkg-config; `shim.h` wraps the macros Swift cannot import.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        /// The C that Swift cannot write: FFmpeg's log trampoline (a va_list callback) and glibc's malloc tuning.
        /// In .c files, so each is defined once (a `static` in a header is one copy per including file).
        .target(name: "CShim", linkerSettings: [.linkedLibrary("avutil")]),
        /// Which parts of a URL are secrets, and how a URL is shown without them; Swift's standard library only.
        .target(name: "Redaction", swiftSettings: strictness),
        /// Advisory file locks (`flock`): one service per data directory, one migrating process per store.
        .target(name: "FileLocking", swiftSettings: strictness),
        .target(
            name: "MediaIO",
            dependencies: [
                "CFFmpeg",
                "CShim",
                "Redaction",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Optimised in debug builds too: the frame statistics kernel's SIMD lanes run 20 times slower unoptimised
            // (94 ms per 1080p keyframe instead of 27 ms for plain loops), and the test suite's live services analyse
            // keyframes in debug builds. It also means the tests check the kernel as the compiler optimises it.
            swiftSettings: strictness + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        /// Coordinates, areas and spatial lookups; Foundation only.
        .target(name: "Geo", swiftSettings: strictness),
        .target(
            name: "CameraRegistry",
            dependencies: [
                "FileLocking",
                "Geo",
                "Redaction",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        /// Camera workers, supervision, reconnects, health, live analysis and the ingest service.
        .target(
            name: "Ingest",
            dependencies: [
                "MediaIO",
                "CameraRegistry",
                "Archive",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        /// Events: detectors over the observations of Ingest (hysteresis, suppression), the event store and outbox,
        /// availability figures.
        .target(
            name: "Events",
            dependencies: [
                "FileLocking",
                "MediaIO",
                "Ingest",
                "CameraRegistry",
                "Archive",
                "Geo",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        /// The exporters (signed CloudEvents webhook, NDJSON, PostgreSQL), each on a thread of its own: the only module
        /// that brings in AsyncHTTPClient, PostgresNIO and SwiftNIO for the outbox's sinks.
        .target(
            name: "EventExport",
            dependencies: [
                "Events",
                "MediaIO",
                "Redaction",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictness
        ),
        /// The fleet (issue 18): the central store on PostgreSQL (schema, leases, grid assignment with epochs), reached
        /// through the exporters' PostgreSQL endpoint.
        .target(
            name: "Fleet",
            dependencies: [
                "EventExport",
                "Events",
                "CameraRegistry",
                "MediaIO",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictness
        ),
        /// API tokens (stored hashed, with roles) and the append-only audit trail, in access.sqlite: what the
        /// gateway's auth and audit need, kept out of Gateway because the design keeps GRDB out of it.
        .target(
            name: "Access",
            dependencies: [
                "FileLocking",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictness
        ),
        /// The HTTP API (Hummingbird 2), bearer auth with roles, audit of video access, Prometheus metrics and the
        /// web dashboard; it reads the stores through their modules and never touches SQLite or FFmpeg itself.
        .target(
            name: "Gateway",
            dependencies: [
                "MediaIO", "Archive", "Geo", "CameraRegistry", "Ingest", "Events", "Access", "Evidence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Public"), .copy("openapi.json")],
            swiftSettings: strictness
        ),
        /// The GB/T 28181 platform side: a SIP server (SwiftNIO, UDP and TCP) that devices in the registry register
        /// to with digest authentication, keepalives and offline detection, MANSCDP bodies in GB 18030.
        .target(
            name: "GB28181",
            dependencies: [
                "CameraRegistry", "MediaIO", "Ingest",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        .target(
            name: "Archive",
            dependencies: [
                "FileLocking",
                "MediaIO",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        /// Evidence packages: clips, keyframe lists and events of several cameras for one range, in a zip with a
        /// manifest of SHA-256 hashes (ZIPFoundation writes the zip, swift-crypto hashes).
        .target(
            name: "Evidence",
            dependencies: [
                "MediaIO", "Archive", "Events", "CameraRegistry",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictness
        ),
        /// The gateway service as one ServiceGroup built from a configuration: what `skygate serve` runs, and what tests
        /// start in-process.
        .target(
            name: "SkygateService",
            dependencies: [
                "Fleet",
                "FileLocking", "MediaIO", "Archive", "CameraRegistry", "Ingest", "Events", "EventExport", "Access", "Gateway", "GB28181",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        .executableTarget(
            name: "skygate",
            dependencies: [
                "Fleet",
                "CShim",
                "MediaIO",
                "Archive",
                "Geo",
                "CameraRegistry",
                "Ingest",
                "Events",
                "EventExport",
                "Access",
                "GB28181",
                "Evidence",
                "Gateway",
                "SkygateService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        /// In-memory point→grid lookups per second, for tools/bench/registry.
        .executableTarget(
            name: "registry-lookups", dependencies: ["CameraRegistry", "Geo"], path: "tools/bench/registry-lookups",
            swiftSettings: strictness),
        /// Load generator for tools/bench/events: store, outbox and webhook export in one process.
        .executableTarget(
            name: "events-load", dependencies: ["Events", "EventExport"], path: "tools/bench/events-load",
            swiftSettings: strictness),
        /// Fills a keyframe index with a day of one camera's recording for tools/bench/playback.
        .executableTarget(
            name: "playback-seed", dependencies: ["Archive"], path: "tools/bench/playback-seed", swiftSettings: strictness),
        /// Fills an events store with a million events for tools/bench/api.
        .executableTarget(
            name: "api-seed", dependencies: ["Events", "CameraRegistry"], path: "tools/bench/api-seed", swiftSettings: strictness),
        /// A Standard Webhooks receiver on loopback that checks signatures, for the export tests and tools/bench/events.
        .executableTarget(
            name: "webhook-receiver",
            dependencies: [
                "Events", "EventExport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "tools/webhook-receiver",
            swiftSettings: strictness
        ),
        /// Media generation and FFmpeg oracles shared by the test targets; never part of the product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaIOTests", dependencies: ["MediaIO", "Redaction", "TestSupport"]),
        .testTarget(name: "GeoTests", dependencies: ["Geo"]),
        .testTarget(name: "FileLockingTests", dependencies: ["FileLocking", "TestSupport"]),
        .testTarget(
            name: "GB28181Tests",
            dependencies: [
                "GB28181", "CameraRegistry", "MediaIO", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "AccessTests", dependencies: ["Access"]),
        .testTarget(name: "CShimTests", dependencies: ["CShim"]),
        .testTarget(
            name: "SkygateServiceTests",
            dependencies: [
                "SkygateService", "CameraRegistry", "Access", "Archive", "Ingest", "MediaIO", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Access", "Events", "CameraRegistry", "Archive", "Ingest", "MediaIO", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(name: "EventsTests", dependencies: ["Events", "Archive", "MediaIO", "CameraRegistry", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Archive", "MediaIO", "CameraRegistry", "TestSupport"]),
        .testTarget(
            name: "CameraRegistryTests",
            dependencies: ["CameraRegistry", "Geo", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "MediaIO", "TestSupport"]),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "TestSupport"]),
        .testTarget(
            name: "skygateTests",
            dependencies: [
                "Access", "Archive", "MediaIO", "CameraRegistry", "Ingest", "Events", "EventExport", "GB28181", "Gateway",
                "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
