/// A device's ID: a GB/T 28181 code (20 digits, 编码规则 A) or, for networks that use other schemes and ask for it,
/// any short identifier.
public struct DeviceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    /// The decoded GB/T 28181 code; nil for a lenient ID that is not one.
    public let code: GB28181Code?

    /// Validates `text` as a GB/T 28181 code; with `lenient`, accepts any 1–64 characters of letters, digits, `.`,
    /// `_` and `-` that is not one, and that is a safe file name: not `.` or `..`, and not starting with `.` or `-`
    /// (a camera's ID names its recording directory, and a command-line argument).
    public init(_ text: String, lenient: Bool = false) throws {
        if let code = try? GB28181Code(text) {
            rawValue = text
            self.code = code
            return
        }
        guard lenient else {
            _ = try GB28181Code(text)  // throws the precise reason
            throw RegistryError(.invalid, "'\(text)' is not a GB/T 28181 ID")
        }
        guard (1...64).contains(text.count), text.unicodeScalars.allSatisfy({ DeviceID.lenientCharacters.contains($0) }) else {
            throw RegistryError(.invalid, "ID '\(text.prefix(80))' must be 1–64 letters, digits, '.', '_' or '-'")
        }
        guard DeviceID.isSafeFileName(text) else {
            throw RegistryError(
                .invalid, "ID '\(text)' must not start with '.' or '-': it names the camera's recording directory")
        }
        rawValue = text
        code = nil
    }

    /// An ID as stored in the registry, validated when it was written.
    init(stored text: String) {
        rawValue = text
        code = try? GB28181Code(text)
    }

    /// Whether `text` can name a directory of its own: not empty, `.` or `..`, no `/`, and not starting with `.` (hidden,
    /// or a parent) or `-` (read as an option).
    public static func isSafeFileName(_ text: String) -> Bool {
        !text.isEmpty && !text.contains("/") && !text.hasPrefix(".") && !text.hasPrefix("-") && !text.contains("\0")
    }

    private static let lenientCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)

    public var description: String { rawValue }
    public static func < (lhs: DeviceID, rhs: DeviceID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A GB/T 28181 device code: centre (8 digits: GB/T 2260 region of 6 + grass-roots unit of 2), industry (2), type (3)
/// and serial (7).
public struct GB28181Code: Hashable, Sendable, Codable {
    public let centre: String
    /// The GB/T 2260 administrative division: province 2 + city 2 + county 2 digits.
    public let region: String
    public let provinceName: String
    public let industry: String
    public let typeCode: String
    public let typeName: String
    public let serial: String

    public init(_ text: String) throws {
        guard text.utf8.count == 20, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw RegistryError(.invalid, "GB/T 28181 ID '\(text.prefix(80))' must be exactly 20 digits")
        }
        let digits = Array(text)
        func slice(_ start: Int, _ length: Int) -> String { String(digits[start..<(start + length)]) }
        centre = slice(0, 8)
        region = slice(0, 6)
        guard let province = GB28181Code.provinces[slice(0, 2)] else {
            throw RegistryError(.invalid, "GB/T 28181 ID '\(text)': '\(slice(0, 2))' is not a GB/T 2260 province code")
        }
        provinceName = province
        industry = slice(8, 2)
        typeCode = slice(10, 3)
        guard let type = GB28181Code.deviceTypes[typeCode] else {
            throw RegistryError(.invalid, "GB/T 28181 ID '\(text)': device type \(typeCode) is not a known type code")
        }
        typeName = type
        serial = slice(13, 7)
    }

    /// GB/T 2260 province-level codes.
    static let provinces: [String: String] = [
        "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia", "21": "Liaoning",
        "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui",
        "35": "Fujian", "36": "Jiangxi", "37": "Shandong", "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong",
        "45": "Guangxi", "46": "Hainan", "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan", "54": "Tibet",
        "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang", "71": "Taiwan",
        "81": "Hong Kong", "82": "Macao",
    ]

    /// Type codes in common use (111–199 front-end devices, 200–299 platform devices).
    static let deviceTypes: [String: String] = [
        "111": "DVR", "112": "video server", "113": "encoder", "114": "decoder", "115": "video switching matrix",
        "116": "audio switching matrix", "117": "alarm controller", "118": "NVR", "130": "hybrid NVR", "131": "camera",
        "132": "IP camera", "133": "display", "134": "alarm input", "135": "alarm output", "136": "voice input",
        "137": "voice output", "138": "mobile transmission device", "139": "other peripheral", "200": "centre signalling server",
        "201": "web server", "202": "media distribution server", "203": "proxy server", "204": "security server",
        "205": "alarm server", "206": "database server", "207": "GIS server", "208": "management server",
        "209": "gateway", "210": "media storage server", "211": "signalling security gateway", "215": "business group",
        "216": "virtual organisation",
    ]
}
