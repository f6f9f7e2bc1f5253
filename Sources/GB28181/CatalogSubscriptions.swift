import Foundation

/// The dialog of an accepted catalog subscription: what a refresh (a SUBSCRIBE within it) repeats.
struct SubscriptionDialog: Sendable, Equatable {
    var callID: String
    /// This server's From header, with its tag.
    var from: String
    /// The device's To header from its 2xx, with the device's tag.
    var to: String
    /// Where requests within the dialog go: the 2xx's Contact, or the first SUBSCRIBE's Request-URI.
    var remoteTarget: String
    var cseq: Int
}

/// The catalog subscriptions this server holds with its registered devices (GB/T 28181 §9.11: a SUBSCRIBE with
/// `Event: Catalog`, after which the device sends a NOTIFY on every change of its catalog), as a value that takes
/// time as an input. A subscription is asked for a moment after a device registers, refreshed within its dialog when
/// three quarters of its time has passed, and forgotten when the device goes offline. A device that refuses, or does
/// not answer, is asked again later rather than at every tick: many cameras do not support subscriptions, and the
/// catalog query on registration still keeps them current.
struct CatalogSubscriptions: Sendable {
    enum State: Sendable, Equatable {
        /// A SUBSCRIBE is out; `dialog` is the one it refreshes, if any.
        case awaiting(since: Date, dialog: SubscriptionDialog?)
        case active(SubscriptionDialog, until: Date)
        /// Refused or unanswered: asked again at `retryAt`.
        case declined(retryAt: Date)
    }

    /// The `Expires` asked for.
    let period: TimeInterval
    /// How long after its registration a device is first asked (its catalog query goes first).
    static let settle: TimeInterval = 2
    static let retryAfterRefusal: TimeInterval = 3_600
    static let retryAfterSilence: TimeInterval = 300
    /// A SUBSCRIBE's transaction ends within 32 s; past this an `awaiting` whose answer was lost is asked again.
    static let answerPatience: TimeInterval = 40
    private(set) var states: [String: State] = [:]

    init(period: TimeInterval) { self.period = period }

    /// The devices to send a SUBSCRIBE now, each with the dialog to refresh (nil for a new subscription); they are
    /// marked as awaiting an answer. `online` maps each online device to when it registered.
    mutating func due(online: [String: Date], at now: Date) -> [(device: String, refresh: SubscriptionDialog?)] {
        guard period > 0 else { return [] }
        for device in states.keys where online[device] == nil { states[device] = nil }
        var due: [(String, SubscriptionDialog?)] = []
        for (device, registeredAt) in online.sorted(by: { $0.key < $1.key }) {
            switch states[device] {
            case nil:
                guard now.timeIntervalSince(registeredAt) >= Self.settle else { continue }
                due.append((device, nil))
            case .active(var dialog, let until):
                guard until.timeIntervalSince(now) <= period / 4 else { continue }
                dialog.cseq += 1
                due.append((device, dialog))
            case .declined(let retryAt):
                guard now >= retryAt else { continue }
                due.append((device, nil))
            case .awaiting(let since, _):
                guard now.timeIntervalSince(since) > Self.answerPatience else { continue }
                due.append((device, nil))
            }
        }
        for (device, dialog) in due { states[device] = .awaiting(since: now, dialog: dialog) }
        return due
    }

    /// A 2xx to a SUBSCRIBE: active for the `Expires` the device granted (the period asked for when it says none).
    mutating func accepted(_ device: String, dialog: SubscriptionDialog, expires: TimeInterval?, at now: Date) {
        let granted = expires ?? period
        states[device] = granted > 0 ? .active(dialog, until: now.addingTimeInterval(granted)) : .declined(retryAt: now + period)
    }

    /// A final error to a SUBSCRIBE (a refresh refused ends the subscription too).
    mutating func refused(_ device: String, at now: Date) {
        states[device] = .declined(retryAt: now.addingTimeInterval(Self.retryAfterRefusal))
    }

    /// No answer at all.
    mutating func unanswered(_ device: String, at now: Date) {
        states[device] = .declined(retryAt: now.addingTimeInterval(Self.retryAfterSilence))
    }

    /// Whether the device has an accepted subscription now.
    func isActive(_ device: String, at now: Date) -> Bool {
        if case .active(_, let until) = states[device] { return until > now }
        return false
    }
}
