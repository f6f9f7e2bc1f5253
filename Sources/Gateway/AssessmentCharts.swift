import CameraRegistry
import Events
import Foundation
import Geo

/// The assessment report's plots as inline SVG: drawn on the server, so the page needs no script and prints as it
/// shows.
enum AssessmentCharts {
    /// The colour of a fault-free rate on the map and in the tables: green at 99 % and up, then yellow, orange, red;
    /// grey when nothing was watched.
    static func colour(faultFree percent: Double?) -> String {
        guard let percent else { return "#c8c8c8" }
        return percent >= 99 ? "#2e9d4f" : percent >= 95 ? "#b5c934" : percent >= 90 ? "#f0a030" : "#d7412f"
    }

    /// The online rate of each day as bars, 0–100 %, with the day's date under every bar (every few when crowded).
    static func dailyOnline(_ days: [Assessment.Day]) -> String {
        let (width, height, left, bottom) = (640.0, 200.0, 36.0, 28.0)
        let slot = (width - left) / Double(max(days.count, 1))
        let labelEvery = max(1, Int((32 / slot).rounded(.up)))
        var parts = [
            "<svg id=\"daily-online\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">",
            "<title>在线率（日） Online rate per day</title>",
        ]
        for level in [0.0, 50, 100] {
            let y = (height - bottom) * (1 - level / 100) + 4
            parts.append("<line x1=\"\(left)\" x2=\"\(width)\" y1=\"\(y)\" y2=\"\(y)\" class=\"grid-line\"/>")
            parts.append("<text x=\"\(left - 4)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Int(level))%</text>")
        }
        for (index, day) in days.enumerated() {
            let x = left + Double(index) * slot
            if let percent = day.onlinePercent {
                let barHeight = (height - bottom - 4) * percent / 100
                parts.append(
                    "<rect class=\"bar\" data-date=\"\(day.date)\" data-online=\"\(AssessmentDocument.percent(percent))\" "
                        + "x=\"\(x + slot * 0.15)\" y=\"\(height - bottom - barHeight)\" width=\"\(slot * 0.7)\" "
                        + "height=\"\(barHeight)\"><title>\(day.date) \(AssessmentDocument.percent(percent))</title></rect>")
            }
            if index % labelEvery == 0 {
                parts.append(
                    "<text x=\"\(x + slot / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\">\(day.date.suffix(5))</text>")
            }
        }
        return (parts + ["</svg>"]).joined(separator: "\n")
    }

    /// Faults by kind as horizontal bars of their counts, largest first.
    static func faultsByKind(_ faults: [EventKind: AssessmentRow.FaultFigures]) -> String {
        let rows = faults.filter { $0.value.count > 0 }.sorted {
            ($1.value.count, $0.key.rawValue) < ($0.value.count, $1.key.rawValue)
        }
        guard let largest = rows.first?.value.count else { return "<p class=\"none\">无故障 No faults</p>" }
        let (width, rowHeight, left) = (640.0, 22.0, 150.0)
        var parts = [
            "<svg id=\"faults-by-kind\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(rowHeight * Double(rows.count) + 8))\" role=\"img\">",
            "<title>故障分类 Faults by kind</title>",
        ]
        for (index, (kind, figures)) in rows.enumerated() {
            let y = 4 + Double(index) * rowHeight
            let length = (width - left - 60) * Double(figures.count) / Double(largest)
            parts.append("<text x=\"\(left - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(kind.rawValue)</text>")
            parts.append(
                "<rect class=\"bar\" data-kind=\"\(kind.rawValue)\" data-count=\"\(figures.count)\" x=\"\(left)\" y=\"\(y + 3)\" "
                    + "width=\"\(length)\" height=\"\(rowHeight - 6)\"/>")
            parts.append("<text x=\"\(left + length + 6)\" y=\"\(y + 15)\">\(figures.count)</text>")
        }
        return (parts + ["</svg>"]).joined(separator: "\n")
    }

    /// The finest grids reported, each filled with the colour of its fault-free rate and labelled with it; north up,
    /// longitude scaled by the cosine of the mean latitude so the shapes are true at city scale.
    static func gridMap(_ rows: [AssessmentRow], areas: [String: Area]) -> String {
        let finest = rows.compactMap(\.level).max()
        let drawn = rows.filter { $0.level == finest && areas[$0.id] != nil }
        let boxes = drawn.compactMap { areas[$0.id]?.bounds }
        guard let first = boxes.first else { return "<p class=\"none\">无网格边界 No grid boundaries</p>" }
        let projection = MapProjection(bounds: boxes.dropFirst().reduce(first) { $0.union($1) }, width: 640)
        var parts = [
            "<svg id=\"grid-map\" class=\"chart\" viewBox=\"-4 -4 \(Int(projection.width) + 8) \(Int(projection.height) + 8)\" "
                + "role=\"img\">",
            "<title>网格完好率 Fault-free rate by grid</title>",
        ]
        for row in drawn {
            let path = areas[row.id]!.polygons.flatMap { polygon in
                ([polygon.exterior] + polygon.holes).map { ring in
                    "M" + ring.map { projection.text($0.longitude, $0.latitude) }.joined(separator: " L") + " Z"
                }
            }.joined(separator: " ")
            let shown = row.faultFreePercent.map(AssessmentDocument.percent) ?? "–"
            parts.append(
                "<path class=\"grid-area\" data-grid=\"\(AssessmentDocument.escape(row.id))\" "
                    + "fill=\"\(colour(faultFree: row.faultFreePercent))\" fill-rule=\"evenodd\" d=\"\(path)\">"
                    + "<title>\(AssessmentDocument.escape(row.name)) \(shown)</title></path>")
        }
        // Labels after every area, so no neighbour paints over one; each at the centre of its grid's bounds.
        for row in drawn {
            let bounds = areas[row.id]!.bounds
            let (x, y) = projection.point(
                (bounds.minLongitude + bounds.maxLongitude) / 2, (bounds.minLatitude + bounds.maxLatitude) / 2)
            let shown = row.faultFreePercent.map(AssessmentDocument.percent) ?? "–"
            let (left, top) = (Assessment.decimal(x, 1), Assessment.decimal(y, 1))
            parts.append(
                "<text class=\"grid-label\" x=\"\(left)\" y=\"\(top)\" text-anchor=\"middle\">"
                    + "\(AssessmentDocument.escape(row.name))<tspan x=\"\(left)\" dy=\"1.3em\">\(shown)</tspan></text>")
        }
        return (parts + ["</svg>"]).joined(separator: "\n")
    }
}

/// Longitude and latitude to the map's SVG units: north up, longitude scaled by the cosine of the mean latitude.
struct MapProjection {
    let bounds: BoundingBox
    let stretch: Double
    let scale: Double
    let width: Double
    let height: Double

    init(bounds: BoundingBox, width: Double) {
        self.bounds = bounds
        stretch = cos((bounds.minLatitude + bounds.maxLatitude) / 2 * .pi / 180)
        let spanX = max((bounds.maxLongitude - bounds.minLongitude) * stretch, 1e-9)
        let spanY = max(bounds.maxLatitude - bounds.minLatitude, 1e-9)
        self.width = width
        height = min(480, max(160, width * spanY / spanX))
        scale = min(width / spanX, height / spanY)
    }

    func point(_ longitude: Double, _ latitude: Double) -> (x: Double, y: Double) {
        ((longitude - bounds.minLongitude) * stretch * scale, (bounds.maxLatitude - latitude) * scale)
    }

    func text(_ longitude: Double, _ latitude: Double) -> String {
        let (x, y) = point(longitude, latitude)
        return "\(Assessment.decimal(x, 1)),\(Assessment.decimal(y, 1))"
    }
}
