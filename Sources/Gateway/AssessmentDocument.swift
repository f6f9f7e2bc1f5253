import CameraRegistry
public import Events
public import Foundation
public import Geo

/// The assessment report as one printable HTML page: self-contained (styles and plots inline, no script, no fetch), in
/// Chinese with English beside it, laid out for A4 portrait when printed from a browser.
public enum AssessmentDocument {
    /// - Parameters:
    ///   - areas: grid boundaries by grid ID, for the map.
    ///   - timeZone: the zone the period and days are shown in.
    public static func html(_ assessment: Assessment, areas: [String: Area], timeZone: TimeZone) -> String {
        let format = Date.ISO8601FormatStyle(timeZone: timeZone).year().month().day().dateSeparator(.dash).time(
            includingFractionalSeconds: false
        ).timeSeparator(.colon).dateTimeSeparator(.space)
        let period = "\(assessment.from.formatted(format)) – \(assessment.to.formatted(format)) (\(timeZone.identifier))"
        return """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <title>视频监控考核报告 Assessment report \(escape(period))</title>
            <style>\(style)</style></head>
            <body>
            <h1>视频监控考核报告 <small>Assessment report</small></h1>
            <p class="period">统计周期 Period: <span id="period">\(escape(period))</span>\(assessment.grid.map { " · 网格 Grid \(escape($0))" } ?? "")
            · 生成 Generated \(escape(assessment.generatedAt.formatted(format)))</p>
            <section id="summary"><h2>总体指标 Summary</h2>\(summary(assessment.total))</section>
            <section><h2>每日在线率 Online rate per day</h2>\(AssessmentCharts.dailyOnline(assessment.daily))</section>
            <section><h2>故障分类 Faults by kind</h2>\(AssessmentCharts.faultsByKind(assessment.total.faults))\(faultTable(assessment.total))</section>
            <section class="page"><h2>网格完好率地图 Fault-free rate by grid</h2>\(AssessmentCharts.gridMap(assessment.grids, areas: areas))\(legend)</section>
            <section><h2>各网格 Grids</h2>\(table(assessment.grids, id: "grids"))</section>
            <section><h2>重点场所 Key locations</h2>\(table(assessment.locations, id: "locations"))</section>
            <section><h2>问题最多的摄像机 Worst cameras</h2>\(table(assessment.worst, id: "worst"))</section>
            </body></html>
            """
    }

    /// The indicators of everything reported, one per line.
    static func summary(_ row: AssessmentRow) -> String {
        let lines: [(String, String, Double?, String)] = [
            ("online", "在线率 Online rate", row.onlinePercent, ""),
            ("fault-free", "完好率 Fault-free rate", row.faultFreePercent, "未复核的告警计为故障 unreviewed alarms count"),
            ("fault-free-confirmed", "完好率（仅已确认） Fault-free, confirmed faults only", row.faultFreeConfirmedPercent, ""),
            ("recording", "录像完整率 Recording completeness", row.recordingCompletenessPercent, ""),
            ("hd", "高清率 HD rate (≥ 1080p)", row.hdPercent, "\(row.hdCameras) / \(row.sizedCameras)"),
            ("filing", "建档完整率 Filing completeness", row.filingPercent, "\(row.filedCameras) / \(row.cameras)"),
            (
                "clock", "时钟准确率 Clock accuracy", row.clockAccuracyPercent,
                "\(row.clockAccurateCameras) / \(row.clockCheckedCameras)"
            ),
        ]
        let cells = lines.map { key, label, value, note in
            "<tr><th>\(label)</th><td class=\"figure\" data-indicator=\"\(key)\">\(value.map(percent) ?? "–")</td>"
                + "<td class=\"note\">\(escape(note))</td></tr>"
        }
        return
            "<table class=\"summary\"><tbody>\n<tr><th>摄像机 Cameras</th><td class=\"figure\">\(row.cameras)</td><td></td></tr>\n"
            + cells.joined(separator: "\n")
            + "\n<tr><th>误报 False alarms</th><td class=\"figure\">\(row.falseAlarms)</td><td></td></tr>"
            + "</tbody></table>"
    }

    /// Each fault kind's count, time and mean time to repair.
    static func faultTable(_ row: AssessmentRow) -> String {
        let kinds = row.faults.filter { $0.value.count > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
        guard !kinds.isEmpty else { return "" }
        let lines = kinds.map { kind, figures in
            "<tr data-kind=\"\(kind.rawValue)\"><td>\(kind.rawValue)</td><td>\(figures.count)</td>"
                + "<td>\(duration(figures.seconds))</td><td>\(figures.meanTimeToRepair.map(duration) ?? "–")</td></tr>"
        }
        return "<table id=\"faults\"><thead><tr><th>类型 Kind</th><th>次数 Events</th><th>时长 Time</th>"
            + "<th>平均修复时间 Mean time to repair</th></tr></thead><tbody>\n" + lines.joined(separator: "\n") + "</tbody></table>"
    }

    /// Rows of grids, key locations or cameras with every indicator; a grid's name indented by its level.
    static func table(_ rows: [AssessmentRow], id: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"none\">无 None</p>" }
        let lines = rows.map { row in
            let indent = row.level.map { "level-\($0.depth)" } ?? ""
            let shares = [
                row.onlinePercent, row.faultFreePercent, row.faultFreeConfirmedPercent, row.recordingCompletenessPercent,
                row.hdPercent, row.filingPercent, row.clockAccuracyPercent,
            ].map { "<td>\($0.map(percent) ?? "–")</td>" }.joined()
            let faults = row.faults.values.reduce(0) { $0 + $1.count }
            return "<tr data-id=\"\(escape(row.id))\"><td class=\"\(indent)\">"
                + "<span class=\"swatch\" style=\"background:\(AssessmentCharts.colour(faultFree: row.faultFreePercent))\"></span>"
                + "\(escape(row.name.isEmpty ? row.id : row.name))</td><td>\(row.cameras)</td>\(shares)<td>\(faults)</td></tr>"
        }
        return "<table id=\"\(id)\" class=\"rows\"><thead><tr><th>名称 Name</th><th>摄像机 Cameras</th><th>在线率 Online</th>"
            + "<th>完好率 Fault-free</th><th>完好率（已确认） Confirmed</th><th>录像完整率 Recording</th><th>高清率 HD</th>"
            + "<th>建档 Filing</th><th>时钟 Clock</th><th>故障 Faults</th></tr></thead><tbody>\n"
            + lines.joined(separator: "\n") + "</tbody></table>"
    }

    static let legend = """
        <p class="legend"><span class="swatch" style="background:#2e9d4f"></span>≥ 99%
        <span class="swatch" style="background:#b5c934"></span>≥ 95%
        <span class="swatch" style="background:#f0a030"></span>≥ 90%
        <span class="swatch" style="background:#d7412f"></span>&lt; 90%
        <span class="swatch" style="background:#c8c8c8"></span>无数据 no data</p>
        """

    /// A4 portrait with 12 mm margins; tables do not split a row across pages; the colours print.
    static let style = """
        @page { size: A4 portrait; margin: 12mm; }
        body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 10pt; color: #222;
          max-width: 186mm; margin: 0 auto; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        h1 { font-size: 18pt; margin: 0 0 4pt; } h1 small { font-size: 11pt; color: #666; }
        h2 { font-size: 12pt; border-bottom: 1px solid #999; margin: 14pt 0 6pt; }
        .period { color: #555; margin: 0; }
        table { border-collapse: collapse; width: 100%; } tr { break-inside: avoid; }
        th, td { border-bottom: 1px solid #ddd; padding: 2pt 4pt; text-align: left; }
        table.rows { font-size: 8.5pt; } table.rows th { font-weight: normal; color: #555; vertical-align: bottom; }
        table.rows td:first-child { white-space: nowrap; }
        table.rows td:not(:first-child), table.rows th:not(:first-child) { text-align: right; }
        table.summary td.figure { font-size: 12pt; font-weight: bold; text-align: right; width: 20%; }
        td.note { color: #666; }
        td.level-1 { padding-left: 12pt; } td.level-2 { padding-left: 24pt; } td.level-3 { padding-left: 36pt; }
        .swatch { display: inline-block; width: 8pt; height: 8pt; margin-right: 4pt; border-radius: 2pt; }
        svg.chart { width: 100%; height: auto; font-size: 10px; }
        svg .bar { fill: #3a78b8; } svg .grid-line { stroke: #ccc; } svg .grid-area { stroke: #fff; stroke-width: 1; }
        svg .grid-label { font-size: 13px; fill: #111; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
        section.page { break-before: page; }
        .none, .legend { color: #666; }
        """

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func percent(_ value: Double) -> String { Assessment.decimal(value, 2) + "%" }

    /// Seconds as "45 s", "12.5 min" or "3.2 h".
    static func duration(_ seconds: Double) -> String {
        seconds >= 3600
            ? Assessment.decimal(seconds / 3600, 1) + " h"
            : seconds >= 60 ? Assessment.decimal(seconds / 60, 1) + " min" : Assessment.decimal(seconds, 0) + " s"
    }
}
