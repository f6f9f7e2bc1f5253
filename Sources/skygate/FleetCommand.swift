import ArgumentParser
import CameraRegistry
import Fleet
import Foundation
import MediaIO

/// `skygate fleet gateways|grids|history|alarms|assign|drain|publish-grids`: the fleet as its central store holds it.
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "A district on many gateways: gateways, their leases and the grids each records (central store).",
        discussion: """
            Gateways join with `skygate serve --central URL --failover-group G`; each renews a lease on the \
            centre's clock, and every gateway runs the centre's upkeep: a gateway whose lease ran out loses its grids \
            to the least loaded live gateway of its group, unowned grids get an owner, and a gateway that returns gets \
            grids back one at a time. These commands read and steer it. The URL is --central or SKYGATE_CENTRAL_URL \
            (better: no process list shows it).
            """,
        subcommands: [Gateways.self, Grids.self, History.self, Alarms.self, Assign.self, Drain.self, PublishGrids.self])

    struct Central: ParsableArguments {
        @Option(help: ArgumentHelp("The central store (default: SKYGATE_CENTRAL_URL).", valueName: "url"))
        var central: String?

        func open() throws -> CentralStore {
            guard let url = FleetOptions.centralURL(central) else {
                throw ValidationError("give the central store with --central or SKYGATE_CENTRAL_URL")
            }
            return try CentralStore(url: url)
        }
    }

    struct Gateways: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every gateway: its group, state (live, draining, expired), lease, and the grids and cameras it owns.")
        @OptionGroup var central: Central
        @OptionGroup var format: OutputFormat

        func run() throws {
            try reportingFailures {
                let store = try central.open()
                let now = try store.now()
                let gateways = try store.gateways()
                try format.emit(
                    header: ["gateway", "group", "state", "lease left s", "grids", "cameras", "capacity", "address"],
                    rows: gateways.map {
                        [
                            $0.name, $0.failoverGroup, $0.state.rawValue,
                            String(format: "%.1f", $0.leaseExpiresAt.timeIntervalSince(now)), String($0.grids),
                            String($0.cameras), String($0.capacity), $0.address ?? "",
                        ]
                    }, json: gateways)
            }
        }
    }

    struct Grids: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who owns each grid, with the epoch its writes carry.")
        @Option(help: "Only this gateway's grids.") var gateway: String?
        @OptionGroup var central: Central
        @OptionGroup var format: OutputFormat

        func run() throws {
            try reportingFailures {
                let assignments = try central.open().assignments(of: gateway)
                try format.emit(
                    header: ["grid", "gateway", "epoch", "since"],
                    rows: assignments.map { [$0.grid, $0.gateway, String($0.epoch), TimeText.format($0.assignedAt)] },
                    json: assignments)
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every owner each grid had, and why: a grid never has two at once (each span ends where the next begins).")
        @Option(help: "Only this grid.") var grid: String?
        @OptionGroup var central: Central
        @OptionGroup var format: OutputFormat

        func run() throws {
            try reportingFailures {
                let spans = try central.open().history(of: grid)
                try format.emit(
                    header: ["grid", "gateway", "epoch", "from", "to", "reason"],
                    rows: spans.map {
                        [
                            $0.grid, $0.gateway, String($0.epoch), TimeText.format($0.from),
                            $0.to.map(TimeText.format) ?? "", $0.reason,
                        ]
                    }, json: spans)
            }
        }
    }

    struct Alarms: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The fleet's alarms: too many gateways of a group missing their leases at once, a grid with no live gateway.")
        @OptionGroup var central: Central

        func run() throws {
            try reportingFailures {
                let alarms = try central.open().alarms()
                if alarms.isEmpty { return print("no alarms") }
                print(
                    tableText(
                        header: ["at", "group", "alarm"],
                        rows: alarms.map { [TimeText.format($0.at), $0.group ?? "", $0.message] }))
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a grid to a gateway now, with a new epoch: the old owner stops its cameras at its next pass.")
        @Argument(help: "The grid.") var grid: String
        @Argument(help: "The gateway.") var gateway: String
        @OptionGroup var central: Central

        func run() throws {
            try reportingFailures {
                let move = try central.open().assign(grid: grid, to: gateway)
                print("grid \(move.grid) assigned to \(move.gateway) at epoch \(move.epoch)")
            }
        }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move every grid off a gateway (before maintenance); it gets none until it registers again.")
        @Argument(help: "The gateway.") var gateway: String
        @OptionGroup var central: Central

        func run() throws {
            try reportingFailures {
                let moves = try central.open().drain(gateway)
                for move in moves { print("grid \(move.grid) → \(move.gateway) (epoch \(move.epoch))") }
                print("\(gateway) draining; \(moves.count) grid\(moves.count == 1 ? "" : "s") moved")
            }
        }
    }

    struct PublishGrids: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-grids",
            abstract: "Put this registry's grids into the centre as grids to assign, with their cameras in record mode.",
            discussion: """
                Each finest grid that holds a camera becomes a grid to assign, in --group, weighing its cameras in \
                record mode. Until the centre holds the registry itself, this is how a district's grids reach it.
                """)
        @Option(help: "The failover group of these grids.") var group: String
        @OptionGroup var central: Central
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                var cameras: [String: Int] = [:]
                for record in try options.open().cameras() {
                    guard let grid = record.gridPath.last else { continue }
                    cameras[grid.id, default: 0] += record.camera.mode == .record ? 1 : 0
                }
                let grids = cameras.sorted { $0.key < $1.key }.map {
                    FleetGrid(id: $0.key, failoverGroup: group, cameras: $0.value)
                }
                try central.open().putGrids(grids)
                print("\(grids.count) grids of group \(group) in the central store")
            }
        }
    }
}
