import Access
import CameraRegistry
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /api/gb/devices/{id}/refresh` asks a registered device again for its catalog and device information; the
/// answers arrive as SIP MESSAGEs and land in the registry a moment later.
///
/// `PUT /api/gb/devices/{id}`: a device allowed to register over SIP. The password is required on every PUT (it is
/// never read back, so a change of name cannot keep it unseen) and never appears in any answer.
struct GBDeviceInput: OptionalFields {
    var name: String?
    var mediaTransport: GBMediaTransport?
    var password: String?
}

extension GatewayServices {
    func addGBDeviceRoutes(to api: RouterGroup<GatewayContext>) {
        let registry = self.registry
        api.on("gb/devices", .get, role: .viewer) { _, _ in
            JSONResponse(try await blocking { try registry.gbDevices() })
        }
        api.on("gb/devices/:id", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(
                try await blocking {
                    guard let device = try registry.gbDevice(id: id) else {
                        throw RegistryError(.notFound, "no GB/T 28181 device \(id)")
                    }
                    return device
                })
        }
        api.on("gb/devices/:id", .put, role: .admin) { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: StrictFields<GBDeviceInput>.self, context: context).value
            guard let password = input.password else {
                throw HTTPError(.badRequest, message: "'password' is required: each device has its own, and there is no default")
            }
            let auditor = auditor(context)
            let (device, existed) = try await blocking {
                let existed = try registry.gbDevice(id: id) != nil
                let device = GBDevice(
                    id: try DeviceID(id, lenient: registry.lenientIDs), name: input.name ?? "",
                    mediaTransport: input.mediaTransport ?? .tcpPassive)
                try registry.saveGBDevice(device, password: password) {
                    try auditor.record(existed ? "gb.device.update" : "gb.device.add", id)
                }
                return (try registry.gbDevice(id: id)!, existed)
            }
            return JSONResponse(device, status: existed ? .ok : .created)
        }
        let refresh = refreshGBDevice
        api.on("gb/devices/:id/refresh", .post, role: .operator) { _, context in
            let id = try context.parameters.require("id")
            guard try await blocking({ try registry.gbDevice(id: id) }) != nil else {
                throw RegistryError(.notFound, "no GB/T 28181 device \(id)")
            }
            // 409, not 503: the gateway is well; it was started without the SIP server the request needs.
            guard let refresh else {
                throw HTTPError(.conflict, message: "this gateway runs no SIP server ('skygate serve --sip')")
            }
            guard refresh(id) else {
                throw HTTPError(
                    .conflict, message: "GB/T 28181 device \(id) is not registered and online: there is nobody to ask")
            }
            try await audit(context, "gb.device.refresh", id)
            return HTTPResponse.Status.accepted
        }
        api.on("gb/devices/:id", .delete, role: .admin) { _, context in
            let id = try context.parameters.require("id")
            let auditor = auditor(context)
            try await blocking { try registry.removeGBDevice(id: id) { try auditor.record("gb.device.remove", id) } }
            return HTTPResponse.Status.noContent
        }
    }
}
