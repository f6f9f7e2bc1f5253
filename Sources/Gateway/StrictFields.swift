/// A request body type whose fields are all optional, so that an empty value lists their names.
protocol OptionalFields: Decodable, Sendable {
    init()
}

extension OptionalFields {
    /// The JSON field names a body of this type may hold: its stored properties (read from an empty value, so the list
    /// cannot drift from the type).
    static var fieldNames: Set<String> { Set(Mirror(reflecting: Self()).children.compactMap(\.label)) }
}

/// A body decoded as `Value` once it is known to name no field `Value` lacks: a misspelt field ("retentiondays") is
/// refused with 400 instead of being silently ignored, as the OpenAPI document's `additionalProperties: false` says.
struct StrictFields<Value: OptionalFields>: Decodable, Sendable {
    let value: Value

    private struct FieldName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let unknown = try decoder.container(keyedBy: FieldName.self).allKeys.map(\.stringValue)
            .filter { !Value.fieldNames.contains($0) }
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: [],
                    debugDescription: "unknown field\(unknown.count == 1 ? "" : "s") \(unknown.sorted().joined(separator: ", "))")
            )
        }
        value = try Value(from: decoder)
    }
}
