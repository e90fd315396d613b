import Avro

/// Confluent's wording of compatibility failures (`Difference`, `SchemaValidatorBuilder`,
/// `AbstractSchemaRegistry.isCompatibleWithPrevious`), so clients that show or parse them see the same text.
enum CompatibilityReport {
    /// One version that was checked: its number and stored text.
    struct Checked {
        let version: Int
        let schema: String
    }

    /// Longest old schema text quoted in a message.
    static let maxQuotedSchemaLength = 10 * 1024

    /// The messages for the failures of one check, ending with the level line; empty when compatible.
    static func messages(for failures: [CompatibilityFailure], checked: [Checked], level: CompatibilityLevel) -> [String] {
        guard !failures.isEmpty else { return [] }
        var messages: [String] = []
        for failure in failures {
            let (reader, writer) = failure.direction == .backward ? ("new", "old") : ("old", "new")
            messages += failure.incompatibilities.map { describe($0, reader: reader, writer: writer) }
            // In FULL checks Confluent quotes the old schema only after the backward messages; alone, after either.
            let quotesOldSchema = failure.direction == .backward || !level.directions.contains(.backward)
            if quotesOldSchema, failure.previousIndex < checked.count {
                let old = checked[failure.previousIndex]
                messages.append("{oldSchemaVersion: \(old.version)}")
                if old.schema.count <= maxQuotedSchemaLength {
                    messages.append("{oldSchema: '\(old.schema)'}")
                } else {
                    messages.append(
                        "{oldSchema: <truncated to \(maxQuotedSchemaLength) characters> '\(old.schema.prefix(maxQuotedSchemaLength))'}")
                }
            }
        }
        messages.append("{validateFields: 'false', compatibility: '\(level.rawValue)'}")
        return messages
    }

    static func describe(_ incompatibility: Incompatibility, reader: String, writer: String) -> String {
        let path = incompatibility.location
        let info = incompatibility.message
        let description: String =
            switch incompatibility.type {
            case .fixedSizeMismatch:
                "The size of FIXED type field at path '\(path)' in the \(reader) schema does not match with the \(writer) schema"
            case .typeMismatch:
                "The type (path '\(path)') of a field in the \(reader) schema does not match with the \(writer) schema"
            case .nameMismatch:
                "The name of the schema has changed (path '\(path)')"
            case .missingEnumSymbols:
                "The \(reader) schema is missing enum symbols '\(info)' at path '\(path)' in the \(writer) schema"
            case .missingUnionBranch:
                "The \(reader) schema is missing a type inside a union field at path '\(path)' in the \(writer) schema"
            case .readerFieldMissingDefaultValue:
                "The field '\(info)' at path '\(path)' in the \(reader) schema has no default value and is missing in the \(writer) schema"
            }
        return "{errorType:'\(incompatibility.type.rawValue)', description:'\(description)', additionalInfo:'\(info)'}"
    }
}
