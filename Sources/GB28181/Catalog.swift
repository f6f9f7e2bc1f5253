import CameraRegistry
import Foundation

/// One part of a catalog answer or notification: `<Response|Notify><CmdType>Catalog</CmdType><SN/><DeviceID/>
/// <SumNum/><DeviceList Num="k"><Item>…</Item></DeviceList>`.
struct CatalogPart: Sendable, Equatable {
    var device: String
    var serialNumber: Int
    /// The items of the whole catalog, over all parts; nil when the part does not say (a NOTIFY).
    var total: Int?
    var items: [GBCatalogItem]
    /// For NOTIFY items: what each item's `Event` says (ON, OFF, VLOST, DEFECT, ADD, DEL, UPDATE), by item ID.
    var events: [String: String]

    /// Nil when the message is not a catalog.
    init?(_ message: MANSCDPMessage) {
        guard message.command?.caseInsensitiveCompare("Catalog") == .orderedSame, let device = message.deviceID else {
            return nil
        }
        self.device = device
        serialNumber = message.serialNumber ?? 0
        total = message.root.value("SumNum").flatMap { Int($0) }
        var items: [GBCatalogItem] = []
        var events: [String: String] = [:]
        for element in message.root.child("DeviceList")?.children("Item") ?? [] {
            guard let id = element.value("DeviceID") else { continue }
            var info: [String: String] = [:]
            for field in element.child("Info")?.children ?? [] {
                if let value = element.value("Info", field.name) { info[field.name] = value }
            }
            items.append(
                GBCatalogItem(
                    id: id, name: element.value("Name") ?? "", manufacturer: element.value("Manufacturer"),
                    model: element.value("Model"), owner: element.value("Owner"), civilCode: element.value("CivilCode"),
                    address: element.value("Address"), parentID: element.value("ParentID"), status: element.value("Status"),
                    longitude: element.value("Longitude").flatMap { Double($0) },
                    latitude: element.value("Latitude").flatMap { Double($0) }, info: info))
            if let event = element.value("Event") { events[id] = event.uppercased() }
        }
        self.items = items
        self.events = events
    }
}

/// Gathers the parts of catalog answers by (device, SN) until they hold `SumNum` items, or until they are too old.
/// A value that takes time as an input, like the registrations.
struct CatalogAssembler: Sendable {
    struct Pending: Sendable {
        var total: Int
        var items: [String: GBCatalogItem]
        var started: Date
    }

    /// How long the parts of one answer may take to arrive: beyond it, what came is applied and the rest reported.
    var patience: TimeInterval = 30
    private(set) var pending: [String: Pending] = [:]

    init(patience: TimeInterval = 30) { self.patience = patience }

    /// Adds a part; returns the whole catalog when this part completes it.
    mutating func add(_ part: CatalogPart, at now: Date) -> (device: String, items: [GBCatalogItem])? {
        let key = "\(part.device)#\(part.serialNumber)"
        var entry = pending[key] ?? Pending(total: part.total ?? part.items.count, items: [:], started: now)
        for item in part.items { entry.items[item.id] = item }
        guard entry.items.count >= entry.total else {
            pending[key] = entry
            return nil
        }
        pending[key] = nil
        return (part.device, entry.items.values.sorted { $0.id < $1.id })
    }

    /// Answers whose parts stopped coming: returned with what they hold, and forgotten.
    mutating func expire(at now: Date) -> [(device: String, items: [GBCatalogItem], expected: Int)] {
        var expired: [(String, [GBCatalogItem], Int)] = []
        for (key, entry) in pending where now.timeIntervalSince(entry.started) > patience {
            pending[key] = nil
            let device = String(key.split(separator: "#").first ?? "")
            expired.append((device, entry.items.values.sorted { $0.id < $1.id }, entry.total))
        }
        return expired
    }
}
