public import Foundation

/// A JSON value, for GeoJSON feature properties.
public enum JSONValue: Sendable, Hashable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The string, or a number written as a string; nil otherwise.
    public var text: String? {
        switch self {
        case .string(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        default: nil
        }
    }

    public var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let value): Double(value)
        default: nil
        }
    }
}

/// The geometries Skygate reads: points (camera-like places) and areas (grids, key locations).
public enum Geometry: Sendable, Hashable {
    case point(Coordinate)
    case area(Area)
}

/// One feature of a GeoJSON FeatureCollection.
public struct GeoJSONFeature: Sendable, Hashable {
    /// Position in the collection, from 1, for error messages.
    public var number: Int
    /// The feature's `id`, or its `properties.id`.
    public var id: String?
    public var properties: [String: JSONValue]
    public var geometry: Geometry

    public init(number: Int, id: String?, properties: [String: JSONValue], geometry: Geometry) {
        self.number = number
        self.id = id
        self.properties = properties
        self.geometry = geometry
    }
}

/// A feature that could not be read, and why.
public struct GeoJSONProblem: Sendable, Hashable, CustomStringConvertible {
    public var number: Int
    public var id: String?
    public var message: String
    public var description: String { "feature \(number)" + (id.map { " (id \($0))" } ?? "") + ": \(message)" }
}

/// Reads and writes GeoJSON FeatureCollections (RFC 7946).
public enum GeoJSON {
    /// Every readable feature and a problem for every unreadable one; throws only when the document as a whole is
    /// not a FeatureCollection.
    public static func read(_ data: Data) throws -> (features: [GeoJSONFeature], problems: [GeoJSONProblem]) {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            // Foundation's JSON errors say nothing of where; find the place so the operator can fix it.
            if let (line, column, reason) = syntaxProblem(in: data) {
                throw GeoError(.invalidGeoJSON, "not valid JSON at line \(line), column \(column): \(reason)", line: line)
            }
            throw GeoError(.invalidGeoJSON, "not valid JSON (\(describe(error)))")
        }
        guard case .object(let root) = document, root["type"] == .string("FeatureCollection"),
            case .array(let entries)? = root["features"]
        else {
            throw GeoError(.invalidGeoJSON, "expected a FeatureCollection with a \"features\" array")
        }
        var features: [GeoJSONFeature] = []
        var problems: [GeoJSONProblem] = []
        for (offset, entry) in entries.enumerated() {
            let number = offset + 1
            guard case .object(let object) = entry, object["type"] == .string("Feature") else {
                problems.append(GeoJSONProblem(number: number, id: nil, message: "not a Feature object"))
                continue
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let values)? = object["properties"] { properties = values }
            let id = object["id"]?.text ?? properties["id"]?.text
            do {
                guard let geometry = object["geometry"] else { throw GeoError(.invalidGeoJSON, "it has no geometry") }
                features.append(
                    GeoJSONFeature(number: number, id: id, properties: properties, geometry: try parseGeometry(geometry)))
            } catch let error as GeoError {
                problems.append(GeoJSONProblem(number: number, id: id, message: error.message))
            }
        }
        return (features, problems)
    }

    /// A FeatureCollection of `features`, keys sorted, so an export is stable byte for byte.
    public static func write(_ features: [(id: String, properties: [String: JSONValue], geometry: Geometry)]) throws -> Data {
        let collection = JSONValue.object([
            "type": .string("FeatureCollection"),
            "features": .array(
                features.map { feature in
                    .object([
                        "type": .string("Feature"), "id": .string(feature.id), "properties": .object(feature.properties),
                        "geometry": encode(feature.geometry),
                    ])
                }),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(collection)
    }

    /// One geometry as GeoJSON text (for storage).
    public static func encode(geometry: Geometry) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(encode(geometry)), as: UTF8.self)
    }

    /// A geometry from GeoJSON text made by `encode(geometry:)`.
    public static func decode(geometry text: String) throws -> Geometry {
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) } catch {
            throw GeoError(.invalidGeoJSON, "stored geometry is not valid JSON")
        }
        return try parseGeometry(value)
    }

    private static func encode(_ geometry: Geometry) -> JSONValue {
        func position(_ point: Coordinate) -> JSONValue { .array([.number(point.longitude), .number(point.latitude)]) }
        func rings(_ polygon: Polygon) -> JSONValue {
            .array(([polygon.exterior] + polygon.holes).map { .array($0.map(position)) })
        }
        switch geometry {
        case .point(let point): return .object(["type": .string("Point"), "coordinates": position(point)])
        case .area(let area) where area.polygons.count == 1:
            return .object(["type": .string("Polygon"), "coordinates": rings(area.polygons[0])])
        case .area(let area): return .object(["type": .string("MultiPolygon"), "coordinates": .array(area.polygons.map(rings))])
        }
    }

    private static func parseGeometry(_ value: JSONValue) throws -> Geometry {
        guard case .object(let object) = value, case .string(let type)? = object["type"] else {
            throw GeoError(.invalidGeoJSON, "its geometry has no type")
        }
        guard let coordinates = object["coordinates"] else { throw GeoError(.invalidGeoJSON, "its \(type) has no coordinates") }
        switch type {
        case "Point": return .point(try position(coordinates))
        case "Polygon": return .area(try Area([polygon(coordinates)]))
        case "MultiPolygon":
            guard case .array(let parts) = coordinates, !parts.isEmpty else {
                throw GeoError(.invalidGeoJSON, "a MultiPolygon needs a non-empty array of polygons")
            }
            var polygons: [Polygon] = []
            for (index, part) in parts.enumerated() {
                do { polygons.append(try polygon(part)) } catch let error as GeoError {
                    throw GeoError(error.code, "polygon \(index + 1): \(error.message)")
                }
            }
            return .area(try Area(polygons))
        default:
            throw GeoError(.invalidGeoJSON, "geometry type \(type) is not supported (Point, Polygon, MultiPolygon are)")
        }
    }

    private static func polygon(_ value: JSONValue) throws -> Polygon {
        guard case .array(let ringValues) = value, !ringValues.isEmpty else {
            throw GeoError(.invalidGeoJSON, "a polygon needs an array of rings")
        }
        let rings = try ringValues.map { ringValue -> [Coordinate] in
            guard case .array(let positions) = ringValue else {
                throw GeoError(.invalidGeoJSON, "a ring must be an array of positions")
            }
            return try positions.map(position)
        }
        return try Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))
    }

    private static func position(_ value: JSONValue) throws -> Coordinate {
        guard case .array(let numbers) = value, numbers.count >= 2, case .number(let longitude) = numbers[0],
            case .number(let latitude) = numbers[1]
        else {
            throw GeoError(.invalidGeoJSON, "a position must be [longitude, latitude] numbers")
        }
        return try Coordinate(longitude: longitude, latitude: latitude)
    }

    /// Where a JSON document stops being well formed, as far as a scan of its strings and brackets can tell: invalid
    /// UTF-8, a control character in a string, an unmatched or unclosed bracket, an unclosed string.
    static func syntaxProblem(in data: Data) -> (line: Int, column: Int, reason: String)? {
        var line = 1
        var lineStart = data.startIndex
        for (index, byte) in zip(data.indices, data) where byte == 0x0A {
            if String(data: data[lineStart..<index], encoding: .utf8) == nil { return (line, 1, "not valid UTF-8") }
            line += 1
            lineStart = index + 1
        }
        if String(data: data[lineStart...], encoding: .utf8) == nil { return (line, 1, "not valid UTF-8") }
        line = 1
        var column = 0
        var inString = false
        var escaped = false
        var open: [UInt8] = []
        for byte in data {
            if byte == 0x0A {
                line += 1
                column = 0
            } else {
                column += 1
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                } else if byte < 0x20 {
                    return (line, column, "a control character inside a string")
                }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B: open.append(byte)
            case 0x7D, 0x5D:
                guard let last = open.popLast(), (last == 0x7B) == (byte == 0x7D) else {
                    return (line, column, "unexpected '\(Character(Unicode.Scalar(byte)))'")
                }
            default: break
            }
        }
        if inString { return (line, column, "a string is never closed") }
        if !open.isEmpty { return (line, column, "the document ends with \(open.count) object(s) or array(s) still open") }
        return nil
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.debugDescription + ((context.underlyingError as NSError?).map { " \($0.localizedDescription)" } ?? "")
        }
        return "\(error)"
    }
}
