import Foundation
import Geo

/// Reading `grids.geojson` and `key-locations.geojson` for an import: every problem named by feature.
extension Registry {

    func features(_ data: Data, file: String, problems: inout [ImportProblem]) -> [GeoJSONFeature] {
        do {
            let (features, featureProblems) = try GeoJSON.read(data)
            problems += featureProblems.map { ImportProblem(file: file, feature: $0.number, reason: $0.description) }
            var seen: [String: Int] = [:]
            return features.filter { feature in
                guard let id = feature.id else {
                    problems.append(
                        ImportProblem(
                            file: file, feature: feature.number, column: "id", reason: "feature \(feature.number) has no id"))
                    return false
                }
                if let first = seen[id] {
                    problems.append(
                        ImportProblem(
                            file: file, feature: feature.number, column: "id",
                            reason: "duplicate id '\(id)', first in feature \(first)"))
                    return false
                }
                seen[id] = feature.number
                return true
            }
        } catch let error as GeoError {
            problems.append(ImportProblem(file: file, line: error.line, reason: error.message))
            return []
        } catch {
            problems.append(ImportProblem(file: file, reason: "\(error)"))
            return []
        }
    }

    /// Reads the features of a GeoJSON file through `parse`, after the checks every feature shares (its id and name);
    /// each problem is reported with the feature's number. Returns what `parse` made, with the feature number.
    func parsedFeatures<T>(
        _ data: Data, file: String, problems: inout [ImportProblem],
        parse: (_ feature: GeoJSONFeature, _ name: String, _ report: (String, String) -> Void) -> T?
    ) -> [(value: T, feature: Int)] {
        var parsed: [(value: T, feature: Int)] = []
        for feature in features(data, file: file, problems: &problems) {
            var featureProblems: [ImportProblem] = []
            let report = { (column: String, reason: String) in
                featureProblems.append(
                    ImportProblem(
                        file: file, feature: feature.number, column: column,
                        reason: "feature \(feature.number) (id \(feature.id!)): \(reason)"))
            }
            checked("id", report) { try validateAreaID(feature.id!, field: "id") }
            let name = feature.properties["name"]?.text ?? ""
            checked("name", report) { try validateText(name, field: "name") }
            let value = parse(feature, name, report)
            if featureProblems.isEmpty, let value { parsed.append((value, feature.number)) }
            problems += featureProblems
        }
        return parsed
    }

    func parseGrids(_ data: Data, existing: [String: GridLevel], problems: inout [ImportProblem]) -> [Grid] {
        let file = RegistryFiles.grids
        let parsed = parsedFeatures(data, file: file, problems: &problems) { feature, name, report -> Grid? in
            let level = feature.properties["level"]?.text.flatMap(GridLevel.init(rawValue:))
            if level == nil {
                report("level", "level must be one of \(GridLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard case .area(let area) = feature.geometry else {
                report("geometry", "a grid needs a Polygon or MultiPolygon")
                return nil
            }
            let parent = feature.properties["parent"]?.text.flatMap { $0.isEmpty ? nil : $0 }
            return level.map { Grid(id: feature.id!, name: name, level: $0, parentID: parent, area: area) }
        }
        // Parents must exist (here or already) and be of a coarser level; that also rules out cycles.
        let levels = existing.merging(parsed.map { ($0.value.id, $0.value.level) }) { $1 }
        var valid: [Grid] = []
        for (grid, feature) in parsed {
            func report(_ reason: String) {
                problems.append(ImportProblem(file: file, feature: feature, column: "parent", reason: reason))
            }
            if let parent = grid.parentID {
                guard let parentLevel = levels[parent] else {
                    report("grid \(grid.id): parent '\(parent)' is not a grid")
                    continue
                }
                guard parentLevel < grid.level else {
                    report(
                        "grid \(grid.id) (\(grid.level.rawValue)): parent \(parent) is a \(parentLevel.rawValue), not a coarser level"
                    )
                    continue
                }
            } else if grid.level != .district {
                report("grid \(grid.id) is a \(grid.level.rawValue) and needs a parent")
                continue
            }
            valid.append(grid)
        }
        return valid
    }

    func parseKeyLocations(_ data: Data, problems: inout [ImportProblem]) -> [KeyLocation] {
        parsedFeatures(data, file: RegistryFiles.keyLocations, problems: &problems) { feature, name, report -> KeyLocation? in
            let category = feature.properties["category"]?.text.flatMap(KeyLocationCategory.init(rawValue:))
            if category == nil {
                report(
                    "category", "category must be one of \(KeyLocationCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let radius = feature.properties["radius_m"]?.number, radius.isFinite, (0...100_000).contains(radius) else {
                report("radius_m", "radius_m must be a number of metres from 0 to 100000")
                return nil
            }
            return category.map {
                KeyLocation(id: feature.id!, name: name, category: $0, geometry: feature.geometry, alertRadius: radius)
            }
        }.map(\.value)
    }
}
