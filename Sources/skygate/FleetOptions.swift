import ArgumentParser
import Fleet
import Foundation
import SkygateService

/// The fleet options of `skygate serve`: off unless a central store is given.
struct FleetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Join a fleet: the central store, postgres://user:password@host:port/database (the local HAProxy in front of "
                + "Patroni's primary). Better given as SKYGATE_CENTRAL_URL, which no process list shows. The gateway then "
                + "records only the cameras of the grids the centre assigns it ('skygate fleet').",
            valueName: "url"))
    var central: String?

    @Option(help: ArgumentHelp("This gateway's name in the fleet. Default: --gateway-name.", valueName: "name"))
    var fleetName: String?

    @Option(help: ArgumentHelp("Its failover group: grids move only between gateways of one group.", valueName: "group"))
    var failoverGroup = "default"

    @Option(help: ArgumentHelp("Cameras it can record: grids go where cameras per capacity are fewest.", valueName: "cameras"))
    var capacity = 200

    @Option(
        help: ArgumentHelp(
            "Seconds a lease lasts (renewed every third of it): its grids move this long after the gateway stops.",
            valueName: "seconds"))
    var leaseSeconds: Double = 15

    func validate() throws {
        if capacity < 1 { throw ValidationError("--capacity must be at least 1") }
        if leaseSeconds < 3 || leaseSeconds > 300 { throw ValidationError("--lease-seconds must be 3 to 300") }
    }

    /// The central URL: the option, else SKYGATE_CENTRAL_URL.
    static func centralURL(_ option: String?) -> String? {
        option ?? ProcessInfo.processInfo.environment["SKYGATE_CENTRAL_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func apply(to configuration: inout SkygateConfiguration, gatewayName: String) {
        guard let url = Self.centralURL(central) else { return }
        var membership = FleetMembership(
            centralURL: url, gatewayName: fleetName ?? gatewayName, failoverGroup: failoverGroup, capacity: capacity,
            address: configuration.http.map { "http://\($0.urlHost):\($0.port)" },
            shareFile: (configuration.dataDirectory as NSString).appendingPathComponent("fleet-share.json"))
        membership.leaseSeconds = leaseSeconds
        configuration.fleet = membership
    }
}
