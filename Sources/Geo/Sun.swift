public import Foundation

/// Where the sun stands, from a position and a time alone (no network, no tables): what the IR-cut rule needs to know
/// whether a camera should see in colour.
public enum Sun {
    /// Degrees of the sun's centre above the horizon at `coordinate` at `date` (negative: below), without atmospheric
    /// refraction. NOAA's solar position equations (Meeus, low precision): within about 0.1° from 1900 to 2100, against
    /// the `astral` package in the tests.
    public static func elevation(at coordinate: Coordinate, on date: Date) -> Double {
        let radians = Double.pi / 180
        let julianDay = date.timeIntervalSince1970 / 86_400 + 2_440_587.5
        let t = (julianDay - 2_451_545) / 36_525
        let meanLongitude = (280.46646 + t * (36000.76983 + t * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let meanAnomaly = 357.52911 + t * (35999.05029 - 0.0001537 * t)
        let eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        let m = meanAnomaly * radians
        let centre =
            sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t)) + sin(2 * m) * (0.019993 - 0.000101 * t) + sin(3 * m)
            * 0.000289
        let omega = (125.04 - 1934.136 * t) * radians
        let apparentLongitude = (meanLongitude + centre - 0.00569 - 0.00478 * sin(omega)) * radians
        let meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60
        let obliquity = (meanObliquity + 0.00256 * cos(omega)) * radians
        let declination = asin(sin(obliquity) * sin(apparentLongitude))
        let y = pow(tan(obliquity / 2), 2)
        let l0 = meanLongitude * radians
        // The equation of time, in minutes: how far the sun runs ahead of or behind the clock over the year.
        let equationOfTime =
            4 / radians
            * (y * sin(2 * l0) - 2 * eccentricity * sin(m) + 4 * eccentricity * y * sin(m) * cos(2 * l0)
                - 0.5 * y * y * sin(4 * l0) - 1.25 * eccentricity * eccentricity * sin(2 * m))
        let minutesOfDay = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 60
        let solarMinutes = (minutesOfDay + equationOfTime + 4 * coordinate.longitude).truncatingRemainder(dividingBy: 1440)
        let hourAngle = (solarMinutes / 4 - 180) * radians
        let latitude = coordinate.latitude * radians
        let cosZenith = sin(latitude) * sin(declination) + cos(latitude) * cos(declination) * cos(hourAngle)
        return 90 - acos(min(1, max(-1, cosZenith))) / radians
    }
}
