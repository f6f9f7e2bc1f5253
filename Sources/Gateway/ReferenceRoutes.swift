import Access
import Archive
import Events
import Foundation
import HTTPTypes
import Hummingbird
import MediaIO

/// A reference picture as the API takes it: the time of the keyframe to use.
struct ReferenceInput: OptionalFields {
    /// The moment whose analysed keyframe (the nearest within 30 s) shows what the camera should see.
    var at: Date?
}

extension GatewayServices {
    /// A camera's reference picture (issue 17): set from a recorded moment by an operator, shown to viewers, cleared;
    /// setting and clearing are audited, and reach the camera's detector at once.
    func addReferenceRoutes(to api: RouterGroup<GatewayContext>) {
        let (registry, archive, events, engine, now) = (self.registry, self.archive, self.events, self.engine, self.now)
        api.on("cameras/:id/reference", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(
                try await blocking {
                    _ = try Self.camera(id, in: registry)
                    guard let reference = try events.reference(camera: id) else {
                        throw HTTPError(.notFound, message: "camera \(id) has no reference picture")
                    }
                    return reference
                })
        }
        api.on("cameras/:id/reference", .put, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: StrictFields<ReferenceInput>.self, context: context).value
            guard let at = input.at else { throw HTTPError(.unprocessableContent, message: "at (a time) is required") }
            let by = context.caller?.name ?? "unknown"
            let reference = try await blocking {
                _ = try Self.camera(id, in: registry)
                guard
                    let reference = try ReferencePicture.make(
                        camera: id, at: at, index: RecordingIndex(store: archive), by: by, now: now())
                else {
                    throw HTTPError(
                        .unprocessableContent,
                        message: "camera \(id) has no analysed keyframe within \(Int(ReferencePicture.sceneSpan)) s of that time")
                }
                return reference
            }
            try await audit(context, "camera.reference.set", id, detail: TimeText.format(reference.keyframeAt))
            try await blocking { try events.setReference(reference) }
            engine.useReference(reference, camera: id)
            return JSONResponse(reference)
        }
        api.on("cameras/:id/reference", .delete, role: .operator) { _, context in
            let id = try context.parameters.require("id")
            guard try await blocking({ try events.reference(camera: id) }) != nil else {
                throw HTTPError(.notFound, message: "camera \(id) has no reference picture")
            }
            try await audit(context, "camera.reference.clear", id)
            try await blocking { try events.clearReference(camera: id) }
            engine.useReference(nil, camera: id)
            return HTTPResponse.Status.noContent
        }
    }
}
