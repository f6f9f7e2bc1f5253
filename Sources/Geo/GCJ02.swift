import Foundation

/// GCJ-02, the obfuscated datum that Chinese web maps use; Skygate stores WGS-84 and converts on input.
///
/// The forward transform (WGS-84 → GCJ-02) is the published one; the inverse has no closed form and is found by
/// fixed-point iteration to well under a millimetre. Outside China's bounding box GCJ-02 equals WGS-84.
public enum GCJ02 {
    private static let semiMajorAxis = 6_378_245.0
    private static let eccentricitySquared = 0.006_693_421_622_965_943_23

    /// Whether GCJ-02 applies at this position at all (China's bounding box).
    public static func applies(at coordinate: Coordinate) -> Bool {
        (72.004...137.8347).contains(coordinate.longitude) && (0.8293...55.8271).contains(coordinate.latitude)
    }

    /// The GCJ-02 position of a WGS-84 coordinate.
    public static func fromWGS84(_ wgs: Coordinate) -> Coordinate {
        guard applies(at: wgs) else { return wgs }
        let (dLon, dLat) = offset(longitude: wgs.longitude, latitude: wgs.latitude)
        return Coordinate(unchecked: wgs.longitude + dLon, wgs.latitude + dLat)
    }

    /// The WGS-84 position of a GCJ-02 coordinate.
    public static func toWGS84(_ gcj: Coordinate) -> Coordinate {
        guard applies(at: gcj) else { return gcj }
        var longitude = gcj.longitude
        var latitude = gcj.latitude
        for _ in 0..<30 {
            let (dLon, dLat) = offset(longitude: longitude, latitude: latitude)
            let errorLon = longitude + dLon - gcj.longitude
            let errorLat = latitude + dLat - gcj.latitude
            longitude -= errorLon
            latitude -= errorLat
            if abs(errorLon) < 1e-12 && abs(errorLat) < 1e-12 { break }
        }
        return Coordinate(unchecked: longitude, latitude)
    }

    private static func offset(longitude: Double, latitude: Double) -> (Double, Double) {
        let x = longitude - 105
        let y = latitude - 35
        var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        dLat += (20 * sin(6 * x * .pi) + 20 * sin(2 * x * .pi)) * 2 / 3
        dLat += (20 * sin(y * .pi) + 40 * sin(y / 3 * .pi)) * 2 / 3
        dLat += (160 * sin(y / 12 * .pi) + 320 * sin(y * .pi / 30)) * 2 / 3
        var dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        dLon += (20 * sin(6 * x * .pi) + 20 * sin(2 * x * .pi)) * 2 / 3
        dLon += (20 * sin(x * .pi) + 40 * sin(x / 3 * .pi)) * 2 / 3
        dLon += (150 * sin(x / 12 * .pi) + 300 * sin(x / 30 * .pi)) * 2 / 3
        let radians = latitude / 180 * .pi
        var magic = sin(radians)
        magic = 1 - eccentricitySquared * magic * magic
        let root = magic.squareRoot()
        dLat = (dLat * 180) / ((semiMajorAxis * (1 - eccentricitySquared)) / (magic * root) * .pi)
        dLon = (dLon * 180) / (semiMajorAxis / root * cos(radians) * .pi)
        return (dLon, dLat)
    }
}
